/**
 * The naive reference evaluator's data model (for test/api-fuzz.test.ts): a row-major
 * array of JS numbers with a shape and a dtype name, plus PyTorch's rules that every op
 * shares (dim wrapping, broadcasting, type promotion, casting). A rule violation throws
 * RefError, which the fuzzer reads as "PyTorch raises here".
 */
export type DT = 'float32' | 'float64' | 'int32' | 'int64' | 'bool';
export interface Arr {
  shape: number[];
  data: number[];
  dtype: DT;
}

/** The reference's "PyTorch would raise": the case must throw TensorError/TypeError. */
export class RefError extends Error {}

export function fail(message: string): never {
  throw new RefError(message);
}

export const isFloat = (d: DT): boolean => d === 'float32' || d === 'float64';
export const isIntegral = (d: DT): boolean => d === 'int32' || d === 'int64' || d === 'bool';
/** bool < integer < floating, the categories PyTorch's promotion and casting rules use. */
export const category = (d: DT): number => (d === 'bool' ? 0 : isFloat(d) ? 2 : 1);

export const numel = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

export function contiguousStrides(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i];
  }
  return s;
}

export function unravel(flat: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    idx[d] = flat % shape[d];
    flat = Math.floor(flat / shape[d]);
  }
  return idx;
}

export function ravel(idx: readonly number[], shape: readonly number[]): number {
  let flat = 0;
  for (let d = 0; d < shape.length; d++) flat = flat * shape[d] + idx[d];
  return flat;
}

/** A dim in [-n, n) (n at least 1, as PyTorch wraps dims of 0-d tensors), made non-negative. */
export function wrapDim(dim: number, ndim: number): number {
  if (!Number.isInteger(dim)) fail(`dim ${dim} is not an integer`);
  const n = Math.max(ndim, 1);
  if (dim < -n || dim >= n) fail(`Dimension out of range (expected to be in range of [${-n}, ${n - 1}], but got ${dim})`);
  return dim < 0 ? dim + n : dim;
}

export function broadcastShapes(...shapes: (readonly number[])[]): number[] {
  const n = Math.max(0, ...shapes.map((s) => s.length));
  const out = new Array<number>(n).fill(1);
  for (const s of shapes)
    for (let i = 0; i < s.length; i++) {
      const o = n - s.length + i;
      if (s[i] === out[o] || s[i] === 1) continue;
      if (out[o] !== 1) fail(`The size of tensor a (${out[o]}) must match the size of tensor b (${s[i]})`);
      out[o] = s[i];
    }
  return out;
}

/** `a` broadcast to `shape` (which must be a broadcast of a.shape), as a new row-major array. */
export function broadcastTo(a: Arr, shape: readonly number[]): Arr {
  if (broadcastShapes(a.shape, shape).join() !== shape.join()) fail(`cannot broadcast [${a.shape}] to [${shape}]`);
  const lead = shape.length - a.shape.length;
  const data = new Array<number>(numel(shape));
  for (let i = 0; i < data.length; i++) {
    const idx = unravel(i, shape);
    let src = 0;
    for (let d = 0; d < a.shape.length; d++) src = src * a.shape[d] + (a.shape[d] === 1 ? 0 : idx[lead + d]);
    data[i] = a.data[src];
  }
  return { shape: [...shape], data, dtype: a.dtype };
}

/** One value converted as a C++ static_cast to the dtype would (values stay small in the fuzzer). */
export function castValue(v: number, dtype: DT): number {
  switch (dtype) {
    case 'float32': return Math.fround(v);
    case 'float64': return v;
    case 'bool': return v !== 0 ? 1 : 0; // NaN is true, as in C++
    case 'int32': return Math.trunc(v) | 0;
    case 'int64': return Math.trunc(v);
  }
}

export function cast(a: Arr, dtype: DT): Arr {
  return { shape: a.shape, data: a.data.map((v) => castValue(v, dtype)), dtype };
}

export function promoteTypes(a: DT, b: DT): DT {
  if (a === b) return a;
  if (a === 'bool') return b;
  if (b === 'bool') return a;
  if (category(a) === category(b)) return a === 'float64' || a === 'int64' ? a : b;
  return isFloat(a) ? a : b;
}

/** A JS number operand: PyTorch's wrapped number (int64 if whole, else the default float). */
export type Operand = Arr | number;

/** torch.result_type over tensors with dims, 0-d tensors and wrapped numbers (c10 combine_categories). */
export function resultType(...ops: Operand[]): DT {
  let dim: DT | null = null, zero: DT | null = null, wrapped: DT | null = null;
  const upd = (cur: DT | null, d: DT): DT => (cur === null ? d : promoteTypes(cur, d));
  for (const o of ops) {
    if (typeof o === 'number') wrapped = upd(wrapped, Number.isInteger(o) ? 'int64' : 'float32');
    else if (o.shape.length === 0) zero = upd(zero, o.dtype);
    else dim = upd(dim, o.dtype);
  }
  const combine = (higher: DT | null, lower: DT | null): DT | null => {
    if (higher !== null && isFloat(higher)) return higher;
    if (higher === 'bool' || (lower !== null && isFloat(lower))) return higher === null ? lower : lower === null ? higher : promoteTypes(higher, lower);
    return higher ?? lower;
  };
  return combine(dim, combine(zero, wrapped)) ?? 'float32';
}

/** torch.can_cast: never down a category (float to int, int to bool). */
export const canCast = (from: DT, to: DT): boolean => category(from) <= category(to);

export function asArr(o: Operand, dtype: DT): Arr {
  return typeof o === 'number' ? { shape: [], data: [castValue(o, dtype)], dtype } : cast(o, dtype);
}

export function shapeEq(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}
