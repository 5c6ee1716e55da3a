/** Fuzz cases: views (tracked so in-place writes through them can be checked), indexing, joins, matmul, gather. */
import * as torch from '../../../lib';
import { Arr, DT, isFloat, numel } from '../reference/ndarray';
import { BasicIndex, basicIndex, expand, flatten, narrow, permute, reshape, squeeze, transpose, unsqueeze } from '../reference/views';
import { bmm, cat, gather, matmul, mm, scatterAdd, stack, tensorIndex } from '../reference/combine';
import { Rng } from '../random';
import { Case, CaseMaker, describe, fnOrMethod, randDim, show } from './case';
import { DTYPES, Entry, Pool, arrOf, randomArr, tensorFrom } from './pool';

/** A view case: the reference op on the values, and on the root positions for the new view's map. */
function viewCase(pool: Pool, e: Entry, desc: string, op: (a: Arr) => Arr, run: () => unknown, alwaysView: boolean, mayThrow = false): Case {
  const a = arrOf(e.t);
  return {
    desc,
    ref: () => op(a),
    run,
    mayThrow,
    keep: (t) => pool.addView(t, e, alwaysView && e.tracked ? op({ ...a, data: e.map }).data : null),
  };
}

function randomPermutation(rng: Rng, n: number): number[] {
  const p = [...Array(n).keys()];
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [p[i], p[j]] = [p[j], p[i]];
  }
  return p.map((d) => (rng.next() < 0.3 ? d - n : d));
}

/** A shape with the same element count (sometimes with -1, sometimes wrong). */
function reshapeTarget(rng: Rng, shape: readonly number[]): number[] {
  const n = numel(shape);
  const out: number[] = [];
  let rest = n;
  while (rest > 1 && out.length < 4) {
    const divisors = [...Array(rest).keys()].map((i) => i + 1).filter((d) => rest % d === 0 && d > 1);
    const d = rng.pick(divisors);
    out.push(d);
    rest /= d;
  }
  if (n === 0) out.push(0, rng.int(1, 3));
  if (rng.next() < 0.3) out.splice(rng.int(0, out.length), 0, 1);
  if (rng.next() < 0.3 && out.length > 0) out[rng.int(0, out.length - 1)] = -1;
  if (rng.next() < 0.08) out.push(rng.pick([2, 3, -1]));
  return out;
}

function basicIndices(rng: Rng, shape: readonly number[]): BasicIndex[] {
  const k = rng.int(0, shape.length + 1);
  const out: BasicIndex[] = [];
  for (let i = 0; i < k; i++) {
    const size = shape[i] ?? 2;
    const r = rng.next();
    if (r < 0.3) out.push(rng.int(-size, Math.max(size - 1, 0)) + (rng.next() < 0.05 ? size + 1 : 0));
    else if (r < 0.75) {
      const p = (): string => (rng.next() < 0.4 ? '' : String(rng.int(-size - 1, size + 1)));
      out.push(`${p()}:${p()}${rng.next() < 0.4 ? `:${rng.pick([1, 2, 3, rng.next() < 0.1 ? -1 : 2])}` : ''}`);
    } else if (r < 0.88) out.push(null);
    else out.push('...');
  }
  return out;
}

export const viewOpCase: CaseMaker = (rng, pool) => {
  const e = pool.pick();
  const nd = e.t.dim(), shape = [...e.t.shape];
  const t = e.t;
  switch (rng.pick(['transpose', 'permute', 'narrow', 'expand', 'reshape', 'view', 'squeeze', 'unsqueeze', 'flatten', 'index'])) {
    case 'transpose': {
      const d0 = randDim(rng, nd), d1 = randDim(rng, nd);
      return viewCase(pool, e, `transpose(${describe(e)}, ${d0}, ${d1})`, (a) => transpose(a, d0, d1), fnOrMethod(rng, 'transpose', t, d0, d1), true);
    }
    case 'permute': {
      const p = randomPermutation(rng, nd);
      if (rng.next() < 0.1) p.push(0);
      return viewCase(pool, e, `permute(${describe(e)}, [${p}])`, (a) => permute(a, p), rng.next() < 0.5 ? () => t.permute(...p) : () => t.permute(p), true);
    }
    case 'narrow': {
      const dim = randDim(rng, nd);
      const size = nd === 0 ? 1 : shape[((dim % nd) + nd) % nd];
      const start = rng.int(-size, size), len = rng.int(0, Math.max(0, size - Math.max(0, start < 0 ? start + size : start)) + (rng.next() < 0.1 ? 2 : 0));
      return viewCase(pool, e, `narrow(${describe(e)}, ${dim}, ${start}, ${len})`, (a) => narrow(a, dim, start, len), fnOrMethod(rng, 'narrow', t, dim, start, len), true);
    }
    case 'expand': {
      const sizes = [...(rng.next() < 0.3 ? [rng.int(0, 3)] : []), ...shape.map((s) => (s === 1 ? rng.pick([1, 3, -1]) : rng.next() < 0.9 ? rng.pick([s, -1]) : s + 1))];
      return viewCase(pool, e, `expand(${describe(e)}, [${sizes}])`, (a) => expand(a, sizes), rng.next() < 0.5 ? () => t.expand(...sizes) : () => t.expand(sizes), true);
    }
    case 'reshape': {
      const s = reshapeTarget(rng, shape);
      return viewCase(pool, e, `reshape(${describe(e)}, [${s}])`, (a) => reshape(a, s), fnOrMethod(rng, 'reshape', t, s), false);
    }
    case 'view': {
      const s = reshapeTarget(rng, shape);
      // view() needs a compatible layout, certain for a contiguous tensor. Other layouts are
      // not judged: an op's result follows its inputs' layout, which the reference does not model.
      return viewCase(pool, e, `view(${describe(e)}, [${s}])`, (a) => reshape(a, s), () => t.view(...s), true, !t.isContiguous());
    }
    case 'squeeze': {
      const dim = rng.next() < 0.3 ? undefined : randDim(rng, nd);
      return viewCase(pool, e, `squeeze(${describe(e)}, ${dim})`, (a) => squeeze(a, dim), dim === undefined ? fnOrMethod(rng, 'squeeze', t) : fnOrMethod(rng, 'squeeze', t, dim), true);
    }
    case 'unsqueeze': {
      const dim = randDim(rng, nd + 1);
      return viewCase(pool, e, `unsqueeze(${describe(e)}, ${dim})`, (a) => unsqueeze(a, dim), fnOrMethod(rng, 'unsqueeze', t, dim), true);
    }
    case 'flatten': {
      const s = randDim(rng, nd), en = rng.next() < 0.3 ? -1 : randDim(rng, nd);
      return viewCase(pool, e, `flatten(${describe(e)}, ${s}, ${en})`, (a) => flatten(a, s, en), fnOrMethod(rng, 'flatten', t, s, en), false);
    }
    default: {
      const idx = basicIndices(rng, shape);
      return viewCase(pool, e, `index(${describe(e)}, ${JSON.stringify(idx)})`, (a) => basicIndex(a, idx), () => t.index(...idx), true);
    }
  }
};

export const tensorIndexCase: CaseMaker = (rng, pool) => {
  const e = pool.pick();
  const shape = [...e.t.shape];
  let index: Arr;
  if (rng.next() < 0.4) index = randomArr(rng, shape.slice(0, rng.int(0, shape.length)), 'bool');
  else {
    const size = shape[0] ?? 1;
    index = { shape: [rng.int(0, 4)], data: [], dtype: 'int64' };
    index.data = Array.from({ length: index.shape[0] }, () => rng.int(-size, size - 1) + (rng.next() < 0.05 ? size + 2 : 0));
  }
  const it = tensorFrom(index);
  const a = arrOf(e.t);
  return { desc: `index(${describe(e)}, ${show(it)})`, ref: () => tensorIndex(a, index), run: () => e.t.index(it), keep: (t) => pool.add(t) };
};

/** Shapes that matmul accepts with `a`, sometimes not. */
function matmulPartner(rng: Rng, a: readonly number[]): number[] {
  const k = a.length === 0 ? 2 : a.length === 1 ? a[0] : a[a.length - 1];
  const kk = rng.next() < 0.9 ? k : k + 1;
  const m = rng.int(0, 4);
  const batch = a.length > 2 ? a.slice(0, -2).slice(rng.int(0, a.length - 2)).map((v) => (rng.next() < 0.3 ? 1 : v)) : rng.next() < 0.2 ? [rng.int(1, 3)] : [];
  return rng.next() < 0.25 ? [kk] : [...batch, kk, m];
}

export const matmulCase: CaseMaker = (rng, pool) => {
  const kind = rng.pick(['matmul', 'matmul', 'mm', 'bmm']);
  const e = pool.pick((x) => x.t.dtype.isFloatingPoint);
  const a = arrOf(e.t);
  const sameType = rng.next() < 0.9;
  const bDtype: DT = sameType ? a.dtype : rng.pick(DTYPES);
  let bShape = matmulPartner(rng, a.shape);
  if (kind === 'mm') bShape = [a.shape[a.shape.length - 1] ?? 2, rng.int(0, 4)];
  if (kind === 'bmm') bShape = [a.shape[0] ?? 1, a.shape[a.shape.length - 1] ?? 2, rng.int(0, 4)];
  const b = randomArr(rng, bShape, bDtype);
  const bt = tensorFrom(b);
  const abs = (x: Arr): Arr => ({ ...x, data: x.data.map(Math.abs), dtype: isFloat(x.dtype) ? x.dtype : 'float64' });
  const refFn = kind === 'mm' ? mm : kind === 'bmm' ? bmm : matmul;
  return {
    desc: `${kind}(${describe(e)}, ${show(bt)})`,
    ref: () => refFn(a, b),
    run: fnOrMethod(rng, kind, e.t, bt),
    tol: { scale: (() => { try { return refFn(abs(a), { ...abs(b), dtype: abs(a).dtype }).data; } catch { return undefined; } })() },
    keep: (t) => pool.add(t),
  };
};

export const joinCase: CaseMaker = (rng, pool) => {
  const e = pool.pick();
  const isStack = rng.next() < 0.35;
  const nd = e.t.dim();
  const dim = randDim(rng, isStack ? nd + 1 : nd);
  const arrs: Arr[] = [arrOf(e.t)];
  const ts: torch.Tensor[] = [e.t];
  for (let i = rng.int(0, 2); i >= 0; i--) {
    const shape = [...e.t.shape];
    const d = ((dim % Math.max(nd, 1)) + Math.max(nd, 1)) % Math.max(nd, 1);
    if (!isStack && nd > 0 && rng.next() < 0.8) shape[d] = rng.int(0, 3);
    if (rng.next() < 0.07) shape.push(2);
    const a = rng.next() < 0.06 ? randomArr(rng, [0], 'float32') : randomArr(rng, shape, rng.next() < 0.6 ? arrs[0].dtype : rng.pick(DTYPES));
    arrs.push(a);
    ts.push(tensorFrom(a));
  }
  const style = rng.int(0, 1);
  return {
    desc: `${isStack ? 'stack' : 'cat'}([${ts.map(show).join(', ')}], ${dim})`,
    ref: () => (isStack ? stack(arrs, dim) : cat(arrs, dim)),
    run: () => (isStack ? torch.stack(ts, dim) : style === 0 ? torch.cat(ts, dim) : torch.cat(ts, { dim })),
    keep: (t) => pool.add(t),
  };
};

export const gatherCase: CaseMaker = (rng, pool) => {
  const e = pool.pick();
  const a = arrOf(e.t);
  const nd = e.t.dim();
  const dim = randDim(rng, nd);
  const shape = nd === 0 ? [] : a.shape.map((s) => rng.int(0, s + (rng.next() < 0.05 ? 1 : 0)));
  const d = ((dim % Math.max(nd, 1)) + Math.max(nd, 1)) % Math.max(nd, 1);
  const size = nd === 0 ? 1 : a.shape[d];
  const index: Arr = { shape, data: Array.from({ length: numel(shape) }, () => rng.int(0, Math.max(size - 1, 0)) + (rng.next() < 0.03 ? size : 0)), dtype: rng.next() < 0.95 ? 'int64' : 'int32' };
  const it = tensorFrom(index);
  if (rng.next() < 0.5)
    return { desc: `gather(${describe(e)}, ${dim}, ${show(it)})`, ref: () => gather(a, dim, index), run: fnOrMethod(rng, 'gather', e.t, dim, it), keep: (t) => pool.add(t) };
  const src = randomArr(rng, index.shape, rng.next() < 0.95 ? a.dtype : rng.pick(DTYPES));
  const st = tensorFrom(src);
  return {
    desc: `scatterAdd(${describe(e)}, ${dim}, ${show(it)}, ${show(st)})`,
    ref: () => scatterAdd(a, dim, index, src),
    run: fnOrMethod(rng, 'scatterAdd', e.t, dim, it, st),
    tol: { scale: a.data.map((x) => Math.abs(x) + src.data.reduce((s, v) => s + Math.abs(v), 0)) },
    keep: (t) => pool.add(t),
  };
};
