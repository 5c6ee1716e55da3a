/** Fuzz cases: elementwise ops, out of place and in place (through views), where, clamp. */
import * as torch from '../../../lib';
import { Arr, Operand, broadcastShapes, broadcastTo, canCast, castValue, fail, isFloat, shapeEq } from '../reference/ndarray';
import { BINARY_OPS, TRANSCENDENTAL, UNARY_OPS, binary, binaryInplace, clamp, clampInplace, unary, where } from '../reference/pointwise';
import { Rng } from '../random';
import { CaseMaker, SkipCase, describe, fnOrMethod, partnerShape, show } from './case';
import { DTYPES, Entry, Pool, arrOf, randomArr, tensorFrom } from './pool';

/** A second operand for `e`: a broadcastable fresh tensor, any pooled tensor, a 0-d tensor or a JS number. */
function operand(rng: Rng, pool: Pool, e: Entry, allowNumber = true, otherRoot = false): { t: torch.Tensor | number; arr: () => Operand } {
  const r = rng.next();
  if (allowNumber && r < 0.2) {
    const v = rng.pick([rng.int(-3, 3), rng.int(-12, 12) / 4 + 0.5]);
    return { t: v, arr: () => v };
  }
  if (r < 0.35) {
    const o = pool.pick((x) => !otherRoot || x.root !== e.root);
    if (!otherRoot || o.root !== e.root) return { t: o.t, arr: () => arrOf(o.t) };
  }
  const shape = r < 0.42 ? [] : partnerShape(rng, e.t.shape);
  const a = randomArr(rng, shape, rng.next() < 0.5 ? (e.t.dtype === torch.bool ? 'bool' : arrOf(e.t).dtype) : rng.pick(DTYPES));
  const t = tensorFrom(a);
  return { t, arr: () => a };
}

function looseFor(name: string, a: Arr): number {
  return TRANSCENDENTAL.has(name) && !(a.dtype === 'float64') ? 4 : 1;
}

export const unaryCase: CaseMaker = (rng, pool) => {
  const e = pool.pick(), name = rng.pick(UNARY_OPS);
  const a = arrOf(e.t);
  return {
    desc: `${name}(${describe(e)})`,
    ref: () => unary(name, a),
    run: name === 'relu' && rng.next() < 0.3 ? () => torch.nn.functional.relu(e.t) : fnOrMethod(rng, name, e.t),
    tol: { loose: looseFor(name, a) },
    keep: (t) => pool.add(t),
  };
};

export const binaryCase: CaseMaker = (rng, pool) => {
  const e = pool.pick(), name = rng.pick(BINARY_OPS);
  const o = operand(rng, pool, e, !['maximum', 'minimum'].includes(name));
  const swap = typeof o.t !== 'number' && rng.next() < 0.2;
  const a = arrOf(e.t);
  return {
    desc: swap ? `${name}(${show(o.t)}, ${describe(e)})` : `${name}(${describe(e)}, ${show(o.t)})`,
    ref: () => (swap ? binary(name, o.arr(), a) : binary(name, a, o.arr())),
    run: swap ? fnOrMethod(rng, name, o.t as torch.Tensor, e.t) : fnOrMethod(rng, name, e.t, o.t),
    keep: (t) => pool.add(t),
  };
};

/** Where an in-place op may write: a tracked entry whose elements are distinct memory (else PyTorch raises). */
function hasOverlap(e: Entry): boolean {
  return new Set(e.map).size !== e.map.length;
}

function inplaceRef(e: Entry, f: () => Arr): () => Arr {
  return () => {
    if (hasOverlap(e)) fail('unsupported operation: more than one element of the written-to tensor refers to a single memory location.');
    return f();
  };
}

export const binaryInplaceCase: CaseMaker = (rng, pool) => {
  const e = pool.pick((x) => x.tracked);
  const name = rng.pick(['add', 'sub', 'mul', 'div']);
  const o = operand(rng, pool, e, true, true);
  const a = arrOf(e.t);
  const self = e.t as unknown as Record<string, (x: unknown) => unknown>;
  return {
    desc: `${name}_(${describe(e)}, ${show(o.t)})`,
    ref: inplaceRef(e, () => binaryInplace(name, a, o.arr())),
    run: () => self[`${name}_`](o.t),
    inplace: e,
  };
};

export const unaryInplaceCase: CaseMaker = (rng, pool) => {
  const e = pool.pick((x) => x.tracked);
  const name = rng.pick(['neg', 'abs', 'exp', 'sqrt', 'floor', 'relu', 'sigmoid', 'square']);
  const a = arrOf(e.t);
  const self = e.t as unknown as Record<string, () => unknown>;
  return {
    desc: `${name}_(${describe(e)})`,
    ref: inplaceRef(e, () => {
      const r = unary(name, a);
      if (!canCast(r.dtype, a.dtype)) fail(`result type ${r.dtype} can't be cast to the desired output type ${a.dtype}`);
      return { ...a, data: r.data.map((v) => castValue(v, a.dtype)) };
    }),
    run: () => self[`${name}_`](),
    tol: { loose: looseFor(name, a) },
    inplace: e,
  };
};

const bound = (rng: Rng): number | null => rng.pick([null, rng.int(-3, 3), rng.int(-8, 8) / 4 + 0.5]);

export const clampCase: CaseMaker = (rng, pool) => {
  const e = pool.pick((x) => x.tracked);
  const lo = bound(rng), hi = bound(rng);
  const a = arrOf(e.t);
  const inplace = rng.next() < 0.3;
  const style = rng.int(0, 2);
  const call = (fn: (...x: unknown[]) => unknown): unknown => (style === 0 ? fn(lo, hi) : style === 1 ? fn({ min: lo ?? undefined, max: hi ?? undefined }) : fn(lo ?? undefined, hi ?? undefined));
  if (inplace) {
    return {
      desc: `clamp_(${describe(e)}, ${lo}, ${hi}) style ${style}`,
      ref: inplaceRef(e, () => clampInplace(a, lo, hi)),
      run: () => call((...x) => (e.t.clamp_ as (...y: unknown[]) => unknown)(...x)),
      inplace: e,
    };
  }
  return {
    desc: `clamp(${describe(e)}, ${lo}, ${hi}) style ${style}`,
    ref: () => clamp(a, lo, hi),
    run: () => call((...x) => (rng.next() < 0.5 ? (torch.clamp as (...y: unknown[]) => unknown)(e.t, ...x) : (e.t.clamp as (...y: unknown[]) => unknown)(...x))),
    keep: (t) => pool.add(t),
  };
};

export const whereCase: CaseMaker = (rng, pool) => {
  const e = pool.pick();
  const cshape = partnerShape(rng, e.t.shape);
  const cond = randomArr(rng, cshape, rng.next() < 0.92 ? 'bool' : rng.pick(DTYPES));
  const o = operand(rng, pool, e);
  const a = arrOf(e.t);
  const ct = tensorFrom(cond);
  return {
    desc: `where(${show(ct)}, ${describe(e)}, ${show(o.t)})`,
    ref: () => where(cond, a, o.arr()),
    run: () => (rng.next() < 0.5 ? torch.where(ct, e.t, o.t) : e.t.where(ct, o.t as torch.Tensor)),
    keep: (t) => pool.add(t),
  };
};

/** fill_, zero_ and copy_ (broadcasting src into the target, converting its dtype). */
export const fillCopyCase: CaseMaker = (rng, pool) => {
  const e = pool.pick((x) => x.tracked);
  const a = arrOf(e.t);
  const kind = rng.pick(['fill_', 'zero_', 'copy_']);
  if (kind === 'copy_') {
    const o = operand(rng, pool, e, false, true);
    const src = o.arr() as Arr;
    return {
      desc: `copy_(${describe(e)}, ${show(o.t)})`,
      ref: inplaceRef(e, () => {
        if (!shapeEq(broadcastShapes(a.shape, src.shape), a.shape)) fail(`output with shape [${a.shape}] doesn't match the broadcast shape`);
        if (!isFloat(a.dtype) && src.data.some((v) => !Number.isFinite(v) || Math.abs(v) > 2 ** 31)) throw new SkipCase();
        const b = broadcastTo(src, a.shape);
        return { ...a, data: b.data.map((v) => castValue(v, a.dtype)) };
      }),
      run: () => e.t.copy_(o.t as torch.Tensor),
      inplace: e,
    };
  }
  const v = rng.pick([rng.int(-3, 3), rng.int(-8, 8) / 4 + 0.5, 0]);
  return {
    desc: `${kind}(${describe(e)}${kind === 'fill_' ? `, ${v}` : ''})`,
    ref: inplaceRef(e, () => ({ ...a, data: a.data.map(() => (kind === 'fill_' ? castValue(v, a.dtype) : 0)) })),
    run: () => (kind === 'fill_' ? e.t.fill_(v) : e.t.zero_()),
    inplace: e,
  };
};

