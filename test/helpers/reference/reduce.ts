/** Reference reductions, arg-reductions, cumulative ops, softmax, sort and topk. */
import { Arr, DT, castValue, contiguousStrides, fail, isFloat, numel, unravel, wrapDim } from './ndarray';

/** Reduced dims as a sorted set (null: all); PyTorch's errors for out-of-range or repeated dims. */
export function reduceDims(dim: number | number[] | null, ndim: number): number[] {
  if (dim === null) return [...Array(ndim).keys()];
  const list = (Array.isArray(dim) ? dim : [dim]).map((d) => wrapDim(d, ndim));
  if (new Set(list).size !== list.length) fail('dim appears multiple times in the list of dims');
  return list.filter((d) => d < ndim).sort((a, b) => a - b);
}

/** The values of each output element's group, in row-major order over the reduced dims. */
export function groups(a: Arr, dims: number[], keepdim: boolean): { shape: number[]; groups: number[][] } {
  const outShapeKeep = a.shape.map((s, d) => (dims.includes(d) ? 1 : s));
  const shape = keepdim ? outShapeKeep : a.shape.filter((_, d) => !dims.includes(d));
  const gs: number[][] = Array.from({ length: numel(outShapeKeep) }, () => []);
  const outStrides = contiguousStrides(outShapeKeep);
  for (let i = 0; i < a.data.length; i++) {
    const idx = unravel(i, a.shape);
    let o = 0;
    for (let d = 0; d < idx.length; d++) if (!dims.includes(d)) o += idx[d] * outStrides[d];
    gs[o].push(a.data[i]);
  }
  return { shape, groups: gs };
}

const nanMax = (xs: number[]): number => xs.reduce((m, x) => (Number.isNaN(m) || Number.isNaN(x) ? NaN : Math.max(m, x)), -Infinity);
const nanMin = (xs: number[]): number => xs.reduce((m, x) => (Number.isNaN(m) || Number.isNaN(x) ? NaN : Math.min(m, x)), Infinity);

export type ReduceName = 'sum' | 'mean' | 'prod' | 'amax' | 'amin' | 'logsumexp';
export const REDUCE_OPS: ReduceName[] = ['sum', 'mean', 'prod', 'amax', 'amin', 'logsumexp'];

export function reduce(name: ReduceName, a: Arr, dim: number | number[] | null, keepdim: boolean): Arr {
  const dims = reduceDims(dim, a.shape.length);
  let dtype: DT = a.dtype;
  if (name === 'sum' || name === 'prod') dtype = isFloat(a.dtype) ? a.dtype : 'int64';
  if (name === 'mean' && !isFloat(a.dtype)) fail(`mean(): could not infer output dtype. Input dtype must be either a floating point or complex dtype. Got: ${a.dtype}`);
  if (name === 'logsumexp' && !isFloat(a.dtype)) dtype = 'float32';
  if ((name === 'amax' || name === 'amin') && a.shape.length > 0)
    for (const d of dims) if (a.shape[d] === 0) fail(`${name}(): Expected reduction dim ${d} to have non-zero size.`);
  const { shape, groups: gs } = groups(a, dims, keepdim);
  const f: Record<ReduceName, (xs: number[]) => number> = {
    sum: (xs) => xs.reduce((s, x) => s + x, 0),
    mean: (xs) => xs.reduce((s, x) => s + x, 0) / xs.length,
    prod: (xs) => xs.reduce((s, x) => s * x, 1),
    amax: nanMax,
    amin: nanMin,
    logsumexp: (xs) => {
      const m = nanMax(xs);
      if (xs.length === 0) return -Infinity;
      if (!Number.isFinite(m)) return Number.isNaN(m) || m === -Infinity ? m : Infinity;
      return m + Math.log(xs.reduce((s, x) => s + Math.exp(x - m), 0));
    },
  };
  return { shape, data: gs.map((g) => castValue(f[name](g), dtype)), dtype };
}

/** Sum of |x| per output element: the scale that float tolerances of sums are relative to. */
export function absScale(a: Arr, dim: number | number[] | null, keepdim: boolean): number[] {
  const dims = reduceDims(dim, a.shape.length);
  return groups(a, dims, keepdim).groups.map((g) => g.reduce((s, x) => s + Math.abs(x), 0));
}

/** The first index of the max (min), NaN counting as the largest, as PyTorch's CPU kernels. */
function argBest(xs: number[], largest: boolean): number {
  let best = 0;
  for (let i = 0; i < xs.length; i++) {
    if (Number.isNaN(xs[i])) return i;
    if (largest ? xs[i] > xs[best] : xs[i] < xs[best]) best = i;
  }
  return best;
}

/** max(dim)/min(dim): [values, indices]; argmax/argmin(dim?) */
export function maxDim(a: Arr, dim: number, keepdim: boolean, largest: boolean): [Arr, Arr] {
  const d = wrapDim(dim, a.shape.length);
  const name = largest ? 'max' : 'min';
  if (a.shape.length > 0 && a.shape[d] === 0) fail(`${name}(): Expected reduction dim ${d} to have non-zero size.`);
  const { shape, groups: gs } = groups(a, d < a.shape.length ? [d] : [], keepdim);
  const idx = gs.map((g) => argBest(g, largest));
  return [{ shape, data: gs.map((g, i) => g[idx[i]]), dtype: a.dtype }, { shape, data: idx, dtype: 'int64' }];
}

export function maxAll(a: Arr, largest: boolean): Arr {
  if (a.data.length === 0) fail(`${largest ? 'max' : 'min'}(): Expected reduction dim to be specified for input.numel() == 0.`);
  return { shape: [], data: [(largest ? nanMax : nanMin)(a.data)], dtype: a.dtype };
}

export function argmax(a: Arr, dim: number | null, keepdim: boolean, largest: boolean): Arr {
  const name = largest ? 'argmax' : 'argmin';
  if (a.dtype === 'bool') fail(`"${name}_cpu" not implemented for 'Bool'`);
  if (dim === null) {
    if (a.data.length === 0) fail(`${name}(): Expected reduction dim to be specified for input.numel() == 0.`);
    const i = argBest(a.data, largest);
    return { shape: keepdim ? a.shape.map(() => 1) : [], data: [i], dtype: 'int64' };
  }
  return maxDim(a, dim, keepdim, largest)[1];
}

/** Applies fn to every 1-D slice along dim (rows of length shape[dim]), in place in a copy. */
function alongDim(a: Arr, dim: number, fn: (row: number[]) => number[], dtype: DT, outLen?: number): Arr {
  const d = wrapDim(dim, a.shape.length);
  if (a.shape.length === 0) return { shape: [], data: fn([a.data[0]]).map((v) => castValue(v, dtype)), dtype };
  const len = outLen ?? a.shape[d];
  const shape = a.shape.map((s, i) => (i === d ? len : s));
  const data = new Array<number>(numel(shape));
  const { groups: rows } = groups(a, [d], true);
  const rowStride = contiguousStrides(shape)[d];
  const inner = numel(shape.slice(d + 1));
  rows.forEach((row, r) => {
    const res = fn(row);
    const o = Math.floor(r / inner), i = r % inner;
    res.forEach((v, k) => (data[o * len * inner + k * rowStride + i] = castValue(v, dtype)));
  });
  return { shape, data, dtype };
}

export function softmax(a: Arr, dim: number, log: boolean): Arr {
  if (!isFloat(a.dtype)) fail(`"${log ? 'log_softmax' : 'softmax'}_lastdim_kernel_impl" not implemented for '${a.dtype}'`);
  return alongDim(a, dim, (row) => {
    const m = nanMax(row);
    const e = row.map((x) => Math.exp(x - m));
    const s = e.reduce((p, q) => p + q, 0);
    return log ? row.map((x) => x - m - Math.log(s)) : e.map((x) => x / s);
  }, a.dtype);
}

export function cumsum(a: Arr, dim: number): Arr {
  const dtype = isFloat(a.dtype) ? a.dtype : 'int64';
  return alongDim(a, dim, (row) => {
    let s = 0;
    return row.map((x) => (s += x));
  }, dtype);
}

/** Sorted values along dim (NaN largest); indices are checked separately (ties have any order). */
export function sortValues(a: Arr, dim: number, descending: boolean, k?: number): Arr {
  const cmp = (x: number, y: number): number => {
    if (Number.isNaN(x) && Number.isNaN(y)) return 0;
    if (Number.isNaN(x)) return 1;
    if (Number.isNaN(y)) return -1;
    return x < y ? -1 : x > y ? 1 : 0;
  };
  return alongDim(a, dim, (row) => {
    const s = [...row].sort(cmp);
    if (descending) s.reverse();
    return k === undefined ? s : s.slice(0, k);
  }, a.dtype, k);
}

export function topkValues(a: Arr, k: number, dim: number, largest: boolean): Arr {
  if (a.dtype === 'bool') fail('"topk_cpu" not implemented for \'Bool\'');
  const d = wrapDim(dim, a.shape.length);
  const size = a.shape.length === 0 ? 1 : a.shape[d];
  if (!Number.isInteger(k) || k < 0 || k > size) fail('selected index k out of range');
  return sortValues(a, dim, largest, k);
}
