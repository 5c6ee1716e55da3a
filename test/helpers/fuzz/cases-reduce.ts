/** Fuzz cases: reductions with dim/keepdim, max/min/argmax, softmax, cumsum, sort/topk. */
import * as torch from '../../../lib';
import { Arr, RefError, wrapDim } from '../reference/ndarray';
import { REDUCE_OPS, absScale, argmax, cumsum, groups, maxAll, maxDim, reduce, softmax, sortValues, topkValues } from '../reference/reduce';
import { gather } from '../reference/combine';
import { Rng } from '../random';
import { CaseMaker, describe, fnOrMethod, randDim } from './case';
import { diff } from './compare';
import { arrOf } from './pool';

type Dim = number | number[] | null;

function randReduceDim(rng: Rng, ndim: number, allowList: boolean): Dim {
  const r = rng.next();
  if (r < 0.25) return null;
  if (allowList && r < 0.45) {
    const k = rng.int(1, Math.max(1, Math.min(3, ndim)));
    return Array.from({ length: k }, () => randDim(rng, ndim));
  }
  return randDim(rng, ndim);
}

/** The three spellings of a reduction's arguments: positional, options object, mixed. */
function reduceArgs(rng: Rng, dim: Dim, keepdim: boolean): unknown[] {
  if (dim === null) return rng.next() < 0.5 ? [] : [{ keepdim }];
  const s = rng.int(0, 2);
  return s === 0 ? [dim, keepdim] : s === 1 ? [{ dim, keepdim }] : [dim, { keepdim }];
}

export const reduceCase: CaseMaker = (rng, pool) => {
  const e = pool.pick();
  const name = rng.pick(REDUCE_OPS);
  const nd = e.t.dim();
  let dim = randReduceDim(rng, nd, name !== 'prod');
  if (name === 'logsumexp' && dim === null) dim = randDim(rng, nd);
  const keepdim = rng.next() < 0.4;
  const a = arrOf(e.t);
  // torch.sum(x) with no dim ignores keepdim in PyTorch's full-reduction overload; keep the reference in step.
  const args = reduceArgs(rng, dim, keepdim);
  const effKeep = dim === null ? args.length > 0 && keepdim : keepdim;
  return {
    desc: `${name}(${describe(e)}, ${JSON.stringify(args)})`,
    ref: () => reduce(name, a, dim, effKeep),
    run: fnOrMethod(rng, name, e.t, ...args),
    tol: { scale: (() => { try { return absScale(a, dim, effKeep); } catch (err) { if (err instanceof RefError) return undefined; throw err; } })(), loose: name === 'logsumexp' || name === 'prod' ? 4 : 1 },
    keep: (t) => pool.add(t),
  };
};

export const maxMinCase: CaseMaker = (rng, pool) => {
  const e = pool.pick();
  const largest = rng.next() < 0.5;
  const a = arrOf(e.t);
  const kind = rng.pick(['all', 'dim', 'arg', 'argAll']);
  const name = largest ? 'max' : 'min';
  const dim = randDim(rng, e.t.dim());
  const keepdim = rng.next() < 0.4;
  if (kind === 'all') return { desc: `${name}(${describe(e)})`, ref: () => maxAll(a, largest), run: fnOrMethod(rng, name, e.t), keep: (t) => pool.add(t) };
  if (kind === 'dim')
    return {
      desc: `${name}(${describe(e)}, ${dim}, ${keepdim})`,
      ref: () => maxDim(a, dim, keepdim, largest),
      run: rng.next() < 0.5 ? fnOrMethod(rng, name, e.t, dim, keepdim) : fnOrMethod(rng, name, e.t, { dim, keepdim }),
    };
  const argName = largest ? 'argmax' : 'argmin';
  const d = kind === 'arg' ? dim : null;
  return {
    desc: `${argName}(${describe(e)}, ${d}, ${keepdim})`,
    ref: () => argmax(a, d, keepdim, largest),
    run: d === null ? (keepdim ? fnOrMethod(rng, argName, e.t, { keepdim }) : fnOrMethod(rng, argName, e.t)) : fnOrMethod(rng, argName, e.t, d, keepdim),
    keep: (t) => pool.add(t),
  };
};

export const softmaxCase: CaseMaker = (rng, pool) => {
  const e = pool.pick();
  const log = rng.next() < 0.5;
  const dim = randDim(rng, e.t.dim());
  const a = arrOf(e.t);
  const F = torch.nn.functional;
  const name = log ? 'logSoftmax' : 'softmax';
  return {
    desc: `${name}(${describe(e)}, ${dim})`,
    ref: () => softmax(a, dim, log),
    run: rng.next() < 0.5 ? () => (log ? F.logSoftmax(e.t, dim) : F.softmax(e.t, dim)) : fnOrMethod(rng, name, e.t, dim),
    tol: { loose: 4, scale: a.data.map((x) => 1 + Math.abs(x)) },
    keep: (t) => pool.add(t),
  };
};

export const cumsumCase: CaseMaker = (rng, pool) => {
  const e = pool.pick();
  const dim = randDim(rng, e.t.dim());
  const a = arrOf(e.t);
  const total = a.data.reduce((s, x) => s + Math.abs(x), 0);
  return {
    desc: `cumsum(${describe(e)}, ${dim})`,
    ref: () => cumsum(a, dim),
    run: fnOrMethod(rng, 'cumsum', e.t, dim),
    tol: { scale: a.data.map(() => total) },
    keep: (t) => pool.add(t),
  };
};

/** Values must equal the reference's; indices must point at those values (and be distinct). */
function checkSorted(input: Arr, dim: number, values: torch.Tensor, indices: torch.Tensor, want: Arr): string | null {
  const v = arrOf(values), idx = arrOf(indices);
  const d = diff(v, want);
  if (d) return `values: ${d}`;
  if (idx.dtype !== 'int64') return `indices dtype ${idx.dtype}`;
  const picked = gather(input, dim, idx);
  const d2 = diff(picked, want);
  if (d2) return `input.gather(indices) differs from values: ${d2}`;
  if (idx.shape.length > 0) {
    const { groups: rows } = groups(idx, [wrapDim(dim, idx.shape.length)], true);
    if (rows.some((r) => new Set(r).size !== r.length)) return 'an index repeats within one slice';
  }
  return null;
}

export const sortTopkCase: CaseMaker = (rng, pool) => {
  const e = pool.pick();
  const a = arrOf(e.t);
  const dim = randDim(rng, e.t.dim());
  if (rng.next() < 0.5) {
    const descending = rng.next() < 0.5;
    return {
      desc: `sort(${describe(e)}, ${dim}, ${descending})`,
      ref: () => [sortValues(a, dim, descending)],
      run: rng.next() < 0.5 ? fnOrMethod(rng, 'sort', e.t, dim, descending) : fnOrMethod(rng, 'sort', e.t, { dim, descending }),
      check: (got, want) => checkSorted(a, dim, got[0], got[1], want[0]),
    };
  }
  const n = Math.max(1, e.t.dim());
  const size = e.t.dim() === 0 ? 1 : e.t.shape[(((dim % n) + n) % n)];
  const k = rng.next() < 0.9 ? rng.int(0, size) : size + 1;
  const largest = rng.next() < 0.6;
  return {
    desc: `topk(${describe(e)}, ${k}, ${dim}, ${largest})`,
    ref: () => [topkValues(a, k, dim, largest)],
    run: fnOrMethod(rng, 'topk', e.t, k, dim, largest),
    check: (got, want) => checkSorted(a, dim, got[0], got[1], want[0]),
  };
};
