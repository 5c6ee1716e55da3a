/**
 * Creation functions (API.md §1): torch.tensor from JavaScript data, torch.from over
 * user memory (zero-copy), and the factories with PyTorch's dtype inference.
 */
import { DType, bool, defaultFloat, dtypeOfArray, float32, float64, int64, parseDType } from './dtype';
import { parseDevice } from './device';
import { TensorError } from './errors';
import { MemoryFormat, contiguousFormat, preserveFormat } from './memory-format';
import { defaultGenerator, Generator } from './random';
import { Storage } from './storage';
import { Tensor, Scalar, emptyLikeLayout } from './tensor';
import { contiguousStrides } from './size';

export interface CreationOptions {
  dtype?: DType | string;
  device?: string | object;
  requiresGrad?: boolean;
  memoryFormat?: MemoryFormat;
}
export type ShapeArgs = (number | readonly number[] | CreationOptions | undefined)[];

/** Accepts f(2, 3, opts), f([2, 3], opts) and f(torch.Size) as PyTorch's *size args do. */
export function parseShapeArgs(args: ShapeArgs, op: string): { shape: number[]; opts: CreationOptions } {
  let opts: CreationOptions = {};
  const rest = [...args];
  while (rest.length && (rest[rest.length - 1] === undefined || (typeof rest[rest.length - 1] === 'object' && !Array.isArray(rest[rest.length - 1])))) {
    const last = rest.pop();
    if (last !== undefined) opts = last as CreationOptions;
  }
  let shape: number[];
  if (rest.length === 1 && Array.isArray(rest[0])) shape = [...(rest[0] as number[])];
  else shape = rest as number[];
  for (const d of shape) {
    if (typeof d !== 'number' || !Number.isInteger(d))
      throw new TypeError(`${op}(): argument 'size' must be a sequence of ints, got ${String(d)}`);
    if (d < 0) throw new TensorError(`Trying to create tensor with negative dimension ${d}: [${shape.join(', ')}]`);
  }
  return { shape, opts };
}

function finish(t: Tensor, opts: CreationOptions): Tensor {
  if (opts.device !== undefined) parseDevice(opts.device);
  if (opts.requiresGrad) t.requiresGrad = true;
  return t;
}

function dtypeOpt(opts: CreationOptions, fallback: DType): DType {
  return opts.dtype === undefined || opts.dtype === null ? fallback : parseDType(opts.dtype);
}

function newFilled(shape: number[], dtype: DType, value: Scalar | null, opts: CreationOptions): Tensor {
  if (opts.device !== undefined) parseDevice(opts.device);
  const format = opts.memoryFormat && opts.memoryFormat !== preserveFormat ? opts.memoryFormat : contiguousFormat;
  const t = Tensor.empty(shape, dtype, format);
  if (value !== null) t.fill_(value);
  return finish(t, opts);
}

export function empty(...args: ShapeArgs): Tensor {
  const { shape, opts } = parseShapeArgs(args, 'empty');
  return newFilled(shape, dtypeOpt(opts, defaultFloat), null, opts);
}
export function zeros(...args: ShapeArgs): Tensor {
  const { shape, opts } = parseShapeArgs(args, 'zeros');
  return newFilled(shape, dtypeOpt(opts, defaultFloat), 0, opts);
}
export function ones(...args: ShapeArgs): Tensor {
  const { shape, opts } = parseShapeArgs(args, 'ones');
  return newFilled(shape, dtypeOpt(opts, defaultFloat), 1, opts);
}
/** torch.full: the dtype follows the fill value (bool, int64 or float32), as PyTorch 1.13. */
export function full(size: readonly number[] | number, fillValue: Scalar, opts: CreationOptions = {}): Tensor {
  const shape = typeof size === 'number' ? [size] : [...size];
  const inferred = typeof fillValue === 'boolean' ? bool : typeof fillValue === 'bigint' || Number.isInteger(fillValue) ? int64 : defaultFloat;
  return newFilled(parseShapeArgs([shape], 'full').shape, dtypeOpt(opts, inferred), fillValue, opts);
}

// ---- *Like: same shape, dtype and (by default) memory layout ----------------------------
function likeOf(t: Tensor, opts: CreationOptions, dtype = dtypeOpt(opts, t.dtype)): Tensor {
  if (opts.device !== undefined) parseDevice(opts.device);
  return emptyLikeLayout(t, dtype, opts.memoryFormat ?? preserveFormat);
}
export function emptyLike(t: Tensor, opts: CreationOptions = {}): Tensor {
  return finish(likeOf(t, opts), opts);
}
export function zerosLike(t: Tensor, opts: CreationOptions = {}): Tensor {
  return finish(likeOf(t, opts).fill_(0), opts);
}
export function onesLike(t: Tensor, opts: CreationOptions = {}): Tensor {
  return finish(likeOf(t, opts).fill_(1), opts);
}
export function fullLike(t: Tensor, value: Scalar, opts: CreationOptions = {}): Tensor {
  return finish(likeOf(t, opts).fill_(value), opts);
}
export function randLike(t: Tensor, opts: CreationOptions = {}): Tensor {
  return finish(fillUniform(likeOf(t, opts)), opts);
}
export function randnLike(t: Tensor, opts: CreationOptions = {}): Tensor {
  return finish(fillNormal(likeOf(t, opts)), opts);
}

// ---- torch.tensor -----------------------------------------------------------------------
type NestedData = Scalar | ArrayBufferView | Tensor | NestedData[];

interface Scan {
  shape: number[];
  leaves: (Scalar | Tensor)[];
  kind: 0 | 1 | 2 | 3; // bool, int, float (from JS numbers); 3 = typed array dtype decides
  typed: DType | null;
}

function scan(data: NestedData): Scan {
  const s: Scan = { shape: [], leaves: [], kind: 0, typed: null };
  const noteScalar = (v: Scalar) => {
    if (typeof v === 'boolean') return;
    if (typeof v === 'bigint') s.kind = Math.max(s.kind, 1) as Scan['kind'];
    else if (typeof v === 'number') s.kind = Math.max(s.kind, Number.isInteger(v) ? 1 : 2) as Scan['kind'];
    else throw new TypeError(`Could not infer dtype of ${typeof v}`);
  };
  const walk = (v: NestedData, depth: number) => {
    if (Array.isArray(v) || (ArrayBuffer.isView(v) && !(v instanceof DataView))) {
      const arr = v as ArrayLike<NestedData>;
      if (ArrayBuffer.isView(v)) s.typed = s.typed ?? dtypeOfArray(v);
      if (depth === s.shape.length) s.shape.push(arr.length);
      else if (s.shape[depth] !== arr.length)
        throw new TensorError(`expected sequence of length ${s.shape[depth]} at dim ${depth} (got ${arr.length})`);
      for (let i = 0; i < arr.length; i++) walk(arr[i], depth + 1);
      return;
    }
    if (depth < s.shape.length) throw new TensorError(`expected sequence of length ${s.shape[depth]} at dim ${depth} (got a scalar)`);
    if (v instanceof Tensor) {
      if (v.numel() !== 1) throw new TensorError('only one element tensors can be converted to Python scalars');
      s.kind = Math.max(s.kind, v.dtype.isFloatingPoint ? 2 : v.dtype === bool ? 0 : 1) as Scan['kind'];
      s.leaves.push(v);
      return;
    }
    noteScalar(v as Scalar);
    s.leaves.push(v as Scalar);
  };
  walk(data, 0);
  return s;
}

/** torch.tensor(data): integers -> int64, any fraction -> float32, booleans -> bool. */
export function tensor(data: NestedData, opts: CreationOptions = {}): Tensor {
  if (data instanceof Tensor) return finish(data.detach().clone(), opts);
  const s = scan(data);
  let inferred: DType = s.kind === 2 ? defaultFloat : s.kind === 1 ? int64 : bool;
  if (s.typed && s.leaves.length > 0 && s.leaves.every((l) => typeof l !== 'object')) inferred = s.typed;
  if (s.leaves.length === 0 && s.shape.length > 0) inferred = s.typed ?? defaultFloat;
  const dtype = dtypeOpt(opts, inferred);
  const out = Tensor.empty(s.shape, dtype);
  writeValues(out.data(), dtype, s.leaves);
  return finish(out, opts);
}

function writeValues(target: ArrayLike<number | bigint>, dtype: DType, leaves: (Scalar | Tensor)[]): void {
  const dst = target as { [i: number]: number | bigint };
  for (let i = 0; i < leaves.length; i++) {
    let v = leaves[i];
    if (v instanceof Tensor) v = v.item();
    if (dtype === int64) dst[i] = typeof v === 'bigint' ? v : BigInt(Math.trunc(Number(v)) || 0);
    else if (dtype === bool) dst[i] = v ? 1 : 0;
    else if (dtype.isFloatingPoint) dst[i] = Number(v);
    else dst[i] = Math.trunc(Number(v));
  }
}

/** Wraps a typed array's memory without copying; writes on either side are seen by both. */
export function from(array: ArrayBufferView, shape?: readonly number[]): Tensor {
  if (!ArrayBuffer.isView(array) || array instanceof DataView) throw new TypeError('torch.from expects a typed array');
  const dtype = dtypeOfArray(array);
  const length = array.byteLength / dtype.itemsize;
  const dims = shape ? [...shape] : [length];
  const numel = dims.reduce((a, b) => a * b, 1);
  if (numel !== length) throw new TensorError(`shape '[${dims.join(', ')}]' is invalid for input of size ${length}`);
  const storage = new Storage(new Uint8Array(array.buffer, array.byteOffset, array.byteLength));
  return new Tensor(storage, dims, contiguousStrides(dims), 0, dtype);
}

// ---- ranges ----------------------------------------------------------------------------
/** arange(end) / arange(start, end, step?, opts?). int64 unless an argument has a fraction. */
export function arange(...args: (number | CreationOptions | undefined)[]): Tensor {
  let opts: CreationOptions = {};
  while (args.length && typeof args[args.length - 1] !== 'number') {
    const last = args.pop();
    if (last) opts = last as CreationOptions;
  }
  const nums = args as number[];
  const [start, end, step] = nums.length === 1 ? [0, nums[0], 1] : [nums[0], nums[1], nums[2] ?? 1];
  if (step === 0) throw new TensorError('step must be nonzero');
  if ((step > 0 && end < start) || (step < 0 && end > start))
    throw new TensorError('upper bound and larger bound inconsistent with step sign');
  const inferred = [start, end, step].every(Number.isInteger) ? int64 : defaultFloat;
  const dtype = dtypeOpt(opts, inferred);
  const size = Math.ceil((end - start) / step);
  const out = Tensor.empty([size], dtype);
  const values: number[] = new Array(size);
  for (let i = 0; i < size; i++) values[i] = start + i * step;
  writeValues(out.data(), dtype, values);
  return finish(out, opts);
}

/** linspace(start, end, steps): symmetric from both ends, as PyTorch's kernel. */
export function linspace(start: number, end: number, steps: number, opts: CreationOptions = {}): Tensor {
  if (!Number.isInteger(steps) || steps < 0) throw new TensorError('number of steps must be non-negative');
  const dtype = dtypeOpt(opts, defaultFloat);
  const out = Tensor.empty([steps], dtype);
  const values: number[] = new Array(steps);
  // ATen computes in the output type for floats (float32 here: fround each step) and in
  // double for integers, with the multiply-add fused (one rounding); the second half
  // counts back from `end` for symmetry.
  const r = dtype === float32 ? Math.fround : (v: number) => v;
  const step = steps > 1 ? r(r(end - start) / (steps - 1)) : 0;
  const half = Math.floor(steps / 2);
  for (let i = 0; i < steps; i++) values[i] = steps === 1 ? start : i < half ? r(start + step * i) : r(end - step * (steps - i - 1));
  writeValues(out.data(), dtype, values);
  return finish(out, opts);
}

export function eye(n: number, m?: number | CreationOptions, opts: CreationOptions = {}): Tensor {
  if (typeof m === 'object') {
    opts = m;
    m = undefined;
  }
  const cols = m ?? n;
  if (n < 0) throw new TensorError(`n must be greater or equal to 0, got ${n}`);
  if (cols < 0) throw new TensorError(`m must be greater or equal to 0, got ${cols}`);
  const out = zeros([n, cols], { ...opts, requiresGrad: false });
  const diagonal = out._view([Math.min(n, cols)], [cols + 1], 0);
  diagonal.fill_(1);
  return finish(out, opts);
}

// ---- random ----------------------------------------------------------------------------
export function fillUniform(t: Tensor, from = 0, to = 1): Tensor {
  const dense = t.isContiguous() ? t : t.contiguous();
  const data = dense.data() as Float32Array | Float64Array;
  const gen = defaultGenerator;
  if (t.dtype === float64) for (let i = 0; i < data.length; i++) data[i] = gen.uniformDouble(from, to);
  else if (t.dtype.isFloatingPoint) for (let i = 0; i < data.length; i++) data[i] = gen.uniformFloat(from, to);
  else throw new TensorError(`"check_uniform_bounds" not implemented for '${t.dtype.name}'`);
  if (dense !== t) t.copy_(dense);
  return t;
}

export function fillNormal(t: Tensor, mean = 0, std = 1): Tensor {
  if (!t.dtype.isFloatingPoint) throw new TensorError(`"normal_kernel_cpu" not implemented for '${t.dtype.name}'`);
  const gen = defaultGenerator;
  const size = t.numel();
  if (size >= 16 && t.isContiguous()) {
    // PyTorch's normal_fill: uniforms first, then Box-Muller in blocks of 16 (the last
    // block redrawn and recomputed when size is not a multiple of 16).
    const data = t.data() as Float32Array | Float64Array;
    const single = t.dtype === float32;
    const draw = () => (single ? gen.uniformFloat() : gen.uniformDouble());
    for (let i = 0; i < size; i++) data[i] = draw();
    const block = (base: number) => {
      for (let j = 0; j < 8; j++) {
        const u1 = 1 - data[base + j];
        const u2 = data[base + j + 8];
        const radius = Math.sqrt(-2 * Math.log(u1));
        const theta = 2 * Math.PI * u2;
        data[base + j] = radius * Math.cos(theta) * std + mean;
        data[base + j + 8] = radius * Math.sin(theta) * std + mean;
      }
    };
    for (let i = 0; i < size - 15; i += 16) block(i);
    if (size % 16 !== 0) {
      const base = size - 16;
      for (let i = 0; i < 16; i++) data[base + i] = draw();
      block(base);
    }
    return t;
  }
  const dense = t.isContiguous() ? t : t.contiguous();
  const data = dense.data() as Float32Array | Float64Array;
  for (let i = 0; i < data.length; i++) data[i] = gen.normalDouble(mean, std);
  if (dense !== t) t.copy_(dense);
  return t;
}

/**
 * PyTorch's random creation functions take no memory_format (only empty and the *_like
 * ones do); it raises a TypeError for the keyword, so these do too instead of ignoring it.
 */
function refuseMemoryFormat(opts: CreationOptions, op: string): void {
  if (opts.memoryFormat !== undefined)
    throw new TypeError(`${op}() got an unexpected keyword argument 'memoryFormat' (PyTorch's ${op}() takes no memory_format)`);
}

export function rand(...args: ShapeArgs): Tensor {
  const { shape, opts } = parseShapeArgs(args, 'rand');
  refuseMemoryFormat(opts, 'rand');
  return finish(fillUniform(Tensor.empty(shape, dtypeOpt(opts, defaultFloat))), opts);
}
export function randn(...args: ShapeArgs): Tensor {
  const { shape, opts } = parseShapeArgs(args, 'randn');
  refuseMemoryFormat(opts, 'randn');
  return finish(fillNormal(Tensor.empty(shape, dtypeOpt(opts, defaultFloat))), opts);
}

/** randint(high, size) or randint(low, high, size), int64 by default, as PyTorch. */
export function randint(...args: (number | readonly number[] | CreationOptions | null | undefined)[]): Tensor {
  let opts: CreationOptions = {};
  if (args.length && typeof args[args.length - 1] === 'object' && !Array.isArray(args[args.length - 1]) && args[args.length - 1] !== null) opts = args.pop() as CreationOptions;
  refuseMemoryFormat(opts, 'randint');
  const sizeArg = args.pop();
  if (!Array.isArray(sizeArg)) throw new TypeError('randint(): argument size must be a tuple of ints');
  const bounds = args.filter((a) => a !== null && a !== undefined) as number[];
  const [low, high] = bounds.length === 1 ? [0, bounds[0]] : [bounds[0], bounds[1]];
  if (!(low < high)) throw new TensorError(`random_ expects 'from' to be less than 'to', but got from=${low} >= to=${high}`);
  const dtype = dtypeOpt(opts, int64);
  const out = Tensor.empty(parseShapeArgs([sizeArg as number[]], 'randint').shape, dtype);
  const range = high - low;
  const wide = range >= 2 ** 32;
  const values: (number | bigint)[] = new Array(out.numel());
  for (let i = 0; i < values.length; i++) {
    if (wide) values[i] = (defaultGenerator.random64() % BigInt(range)) + BigInt(low);
    else values[i] = (defaultGenerator.random() % range) + low;
  }
  const data = out.data() as unknown as { [i: number]: number | bigint };
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    data[i] = dtype === int64 ? BigInt(v) : dtype === bool ? (Number(v) ? 1 : 0) : Number(v);
  }
  return finish(out, opts);
}

/** randperm(n): Fisher-Yates driven by the generator exactly as PyTorch's CPU kernel. */
export function randperm(n: number, opts: CreationOptions & { generator?: Generator } = {}): Tensor {
  const gen = opts.generator ?? defaultGenerator;
  if (!Number.isInteger(n) || n < 0) throw new TensorError(`n must be non-negative, got${n}`);
  const perm = new Array<number>(n);
  for (let i = 0; i < n; i++) perm[i] = i;
  for (let i = 0; i < n - 1; i++) {
    const z = gen.random() % (n - i);
    const t = perm[i];
    perm[i] = perm[z + i];
    perm[z + i] = t;
  }
  const dtype = dtypeOpt(opts, int64);
  const out = Tensor.empty([n], dtype);
  writeValues(out.data(), dtype, perm);
  return finish(out, opts);
}

export { float64 };
