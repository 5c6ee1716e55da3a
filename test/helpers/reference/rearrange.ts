/** Reference copies that move or repeat elements: flip, roll, tril/triu, repeat, maskedFill; and pow. */
import { Arr, Operand, asArr, broadcastShapes, broadcastTo, castValue, fail, isFloat, numel, ravel, resultType, unravel, wrapDim } from './ndarray';

function byIndex(a: Arr, shape: number[], src: (idx: number[]) => number[]): Arr {
  const data = new Array<number>(numel(shape));
  for (let i = 0; i < data.length; i++) data[i] = a.data[ravel(src(unravel(i, shape)), a.shape)];
  return { shape, data, dtype: a.dtype };
}

function dimList(dims: number[], ndim: number): number[] {
  const w = dims.map((d) => wrapDim(d, ndim));
  if (new Set(w).size !== w.length) fail('dim appears multiple times in the list of dims');
  return w;
}

export function flip(a: Arr, dims: number[]): Arr {
  const w = dimList(dims, a.shape.length);
  if (a.shape.length === 0) return { ...a, data: [...a.data] };
  return byIndex(a, [...a.shape], (idx) => idx.map((v, d) => (w.includes(d) ? a.shape[d] - 1 - v : v)));
}

export function roll(a: Arr, shifts: number[], dims: number[] | null): Arr {
  if (dims === null) {
    if (shifts.length !== 1) fail('shifts and dimensions must align');
    const n = a.data.length;
    const flat = n === 0 ? [] : a.data.map((_, i) => a.data[(((i - shifts[0]) % n) + n) % n]);
    return { shape: [...a.shape], data: flat, dtype: a.dtype };
  }
  if (shifts.length !== dims.length) fail(`shifts and dimensions must align. shifts: ${shifts.length}, dims:${dims.length}`);
  if (a.shape.length === 0) fail(`Dimension specified as ${dims[0]} but tensor has no dimensions`);
  const w = dims.map((d) => wrapDim(d, a.shape.length));
  return byIndex(a, [...a.shape], (idx) => {
    const src = [...idx];
    // Repeated dims roll twice, as PyTorch applies one roll per (shift, dim) pair.
    w.forEach((d, k) => {
      const s = a.shape[d];
      if (s > 0) src[d] = (((src[d] - shifts[k]) % s) + s) % s;
    });
    return src;
  });
}

export function triangle(a: Arr, diagonal: number, lower: boolean): Arr {
  const n = a.shape.length;
  if (n < 2) fail(`${lower ? 'tril' : 'triu'}: input tensor must have at least 2 dimensions`);
  const data = a.data.map((v, i) => {
    const idx = unravel(i, a.shape);
    const r = idx[n - 2], c = idx[n - 1];
    return (lower ? c - r <= diagonal : c - r >= diagonal) ? v : 0;
  });
  return { shape: [...a.shape], data, dtype: a.dtype };
}

export function repeat(a: Arr, reps: number[]): Arr {
  if (reps.length < a.shape.length) fail('Number of dimensions of repeat dims can not be smaller than number of dimensions of tensor');
  if (reps.some((r) => r < 0)) fail(`Trying to create tensor with negative dimension ${reps.find((r) => r < 0)}`);
  const lead = reps.length - a.shape.length;
  const padded = [...new Array<number>(lead).fill(1), ...a.shape];
  const shape = padded.map((s, d) => s * reps[d]);
  return byIndex({ ...a, shape: padded }, shape, (idx) => idx.map((v, d) => v % padded[d]));
}

export function maskedFill(a: Arr, mask: Arr, value: number): Arr {
  if (mask.dtype !== 'bool') fail(`masked_fill_ only supports boolean masks, but got mask with dtype ${mask.dtype}`);
  const shape = broadcastShapes(a.shape, mask.shape);
  const x = broadcastTo(a, shape), m = broadcastTo(mask, shape);
  return { shape, data: x.data.map((v, i) => (m.data[i] ? castValue(value, a.dtype) : v)), dtype: a.dtype };
}

/** C's pow: 1^y = 1 and x^0 = 1 even for NaN (Math.pow(1, NaN) is NaN). */
const cPow = (x: number, y: number): number => (x === 1 || y === 0 ? 1 : Math.pow(x, y));

export function pow(a: Operand, b: Operand): Arr {
  const dtype = resultType(a, b);
  if (!isFloat(dtype)) fail('the fuzzer keeps pow to floating results (integer powers have their own errors)');
  const shape = broadcastShapes(typeof a === 'number' ? [] : a.shape, typeof b === 'number' ? [] : b.shape);
  const x = broadcastTo(asArr(a, dtype), shape), y = broadcastTo(asArr(b, dtype), shape);
  return { shape, data: x.data.map((v, i) => castValue(cPow(v, y.data[i]), dtype)), dtype };
}
