/** Reference elementwise ops (unary, binary with broadcasting and promotion, where, clamp). */
import { Arr, DT, Operand, RefError, asArr, broadcastShapes, broadcastTo, canCast, castValue, fail, isFloat, resultType, shapeEq } from './ndarray';

function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** name -> [what it computes, which inputs it takes]: 'float' ops turn integers into float32. */
const UNARY: Record<string, { f: (x: number) => number; kind: 'float' | 'same' | 'round'; noBool?: string }> = {
  neg: { f: (x) => -x, kind: 'same', noBool: 'Negation, the `-` operator, on a bool tensor is not supported.' },
  abs: { f: Math.abs, kind: 'same', noBool: '"abs_cpu" not implemented for \'Bool\'' },
  sign: { f: (x) => (Number.isNaN(x) ? 0 : Math.sign(x)), kind: 'same' },
  relu: { f: (x) => (x > 0 || Number.isNaN(x) ? x : 0), kind: 'same', noBool: 'Boolean inputs not supported for relu' },
  square: { f: (x) => x * x, kind: 'same' },
  floor: { f: Math.floor, kind: 'round', noBool: 'not implemented for \'Bool\'' },
  ceil: { f: Math.ceil, kind: 'round', noBool: 'not implemented for \'Bool\'' },
  round: { f: roundHalfEven, kind: 'round', noBool: 'not implemented for \'Bool\'' },
  trunc: { f: Math.trunc, kind: 'round', noBool: 'not implemented for \'Bool\'' },
  exp: { f: Math.exp, kind: 'float' },
  log: { f: Math.log, kind: 'float' },
  sqrt: { f: Math.sqrt, kind: 'float' },
  sin: { f: Math.sin, kind: 'float' },
  tanh: { f: Math.tanh, kind: 'float' },
  sigmoid: { f: (x) => 1 / (1 + Math.exp(-x)), kind: 'float' },
  reciprocal: { f: (x) => 1 / x, kind: 'float' },
};
export const UNARY_OPS = Object.keys(UNARY);
/** Ops whose float32 result comes from a libm-style approximation (compared with a tolerance). */
export const TRANSCENDENTAL = new Set(['exp', 'log', 'sqrt', 'sin', 'tanh', 'sigmoid']);

export function unary(name: string, a: Arr): Arr {
  const op = UNARY[name];
  if (a.dtype === 'bool' && op.noBool) fail(op.noBool);
  let dtype: DT = a.dtype;
  if (op.kind === 'float' && !isFloat(a.dtype)) dtype = 'float32';
  if (name === 'square' && a.dtype === 'bool') dtype = 'int64';
  if (op.kind === 'round' && !isFloat(a.dtype)) return { ...a, data: [...a.data] };
  return { shape: a.shape, data: a.data.map((x) => castValue(op.f(x), dtype)), dtype };
}

const BINARY: Record<string, (x: number, y: number) => number> = {
  add: (x, y) => x + y,
  sub: (x, y) => x - y,
  mul: (x, y) => x * y,
  div: (x, y) => x / y,
  maximum: (x, y) => (Number.isNaN(x) || Number.isNaN(y) ? NaN : Math.max(x, y)),
  minimum: (x, y) => (Number.isNaN(x) || Number.isNaN(y) ? NaN : Math.min(x, y)),
  eq: (x, y) => (x === y ? 1 : 0),
  lt: (x, y) => (x < y ? 1 : 0),
  gt: (x, y) => (x > y ? 1 : 0),
};
export const BINARY_OPS = Object.keys(BINARY);
const COMPARISON = new Set(['eq', 'lt', 'gt']);

/** dtype the op computes in, and the dtype of its result. */
export function binaryTypes(name: string, a: Operand, b: Operand): { common: DT; out: DT } {
  const common = resultType(a, b);
  const isBool = (o: Operand): boolean => typeof o !== 'number' && o.dtype === 'bool';
  if (name === 'sub' && (isBool(a) || isBool(b))) fail('Subtraction, the `-` operator, with a bool tensor is not supported.');
  if (COMPARISON.has(name)) return { common, out: 'bool' };
  if (name === 'div' && !isFloat(common)) return { common: 'float32', out: 'float32' };
  return { common, out: common };
}

export function binary(name: string, a: Operand, b: Operand): Arr {
  const { common, out } = binaryTypes(name, a, b);
  const shape = broadcastShapes(typeof a === 'number' ? [] : a.shape, typeof b === 'number' ? [] : b.shape);
  const x = broadcastTo(asArr(a, common), shape), y = broadcastTo(asArr(b, common), shape);
  const f = BINARY[name];
  return { shape, data: x.data.map((v, i) => castValue(f(v, y.data[i]), out)), dtype: out };
}

/** self.op_(other): the same values, cast back into self, which must not change shape or category. */
export function binaryInplace(name: string, self: Arr, b: Operand): Arr {
  const r = binary(name, self, b);
  if (!shapeEq(r.shape, self.shape)) fail(`output with shape [${self.shape}] doesn't match the broadcast shape [${r.shape}]`);
  if (!canCast(r.dtype, self.dtype)) fail(`result type ${r.dtype} can't be cast to the desired output type ${self.dtype}`);
  return { shape: self.shape, data: r.data.map((v) => castValue(v, self.dtype)), dtype: self.dtype };
}

export function where(cond: Arr, a: Operand, b: Operand): Arr {
  if (cond.dtype !== 'bool') fail(`where expected condition to be a boolean tensor, but got a tensor with dtype ${cond.dtype}`);
  const dtype = resultType(a, b);
  const shape = broadcastShapes(cond.shape, typeof a === 'number' ? [] : a.shape, typeof b === 'number' ? [] : b.shape);
  const c = broadcastTo(cond, shape), x = broadcastTo(asArr(a, dtype), shape), y = broadcastTo(asArr(b, dtype), shape);
  return { shape, data: c.data.map((v, i) => (v ? x.data[i] : y.data[i])), dtype };
}

export function clamp(a: Arr, lo: number | null, hi: number | null): Arr {
  if (lo === null && hi === null) fail("torch.clamp: At least one of 'min' or 'max' must not be None");
  const bounds = [lo, hi].filter((v): v is number => v !== null);
  const dtype = resultType(a, ...bounds);
  if (dtype === 'bool') fail('clamp is not supported for bool tensors');
  const l = lo === null ? -Infinity : castValue(lo, dtype), h = hi === null ? Infinity : castValue(hi, dtype);
  const data = a.data.map((v) => (Number.isNaN(v) ? v : Math.min(Math.max(castValue(v, dtype), l), h)));
  return { shape: a.shape, data, dtype };
}

export function clampInplace(a: Arr, lo: number | null, hi: number | null): Arr {
  const r = clamp(a, lo, hi);
  if (!canCast(r.dtype, a.dtype)) fail(`result type ${r.dtype} can't be cast to the desired output type ${a.dtype}`);
  return { shape: a.shape, data: r.data.map((v) => castValue(v, a.dtype)), dtype: a.dtype };
}

export { RefError };
