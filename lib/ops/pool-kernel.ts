/**
 * The one call into the native pooling / interpolation kernels (native/src/bindings/
 * pool_binding.cc has the argument layout), and the allocation of their results. No
 * autograd here: lib/ops/pool.ts and lib/ops/interpolate.ts record the derivatives.
 * Unbatched (C, H, W) tensors reach the kernel as (1, C, H, W) views.
 */
import { DType } from '../dtype';
import { TensorError } from '../errors';
import { channelsLast, contiguousFormat, MemoryFormat, suggestFormat } from '../memory-format';
import { native } from '../native';
import { Tensor } from '../tensor';
import { int64 } from '../dtype';
import { scalarTypeNames } from './pointwise';

/** Op codes: PoolOp in native/src/kernels/pool_kinds.h. */
export const PoolOp = {
  maxForward: 0, maxBackward: 1, maxGather: 2, avgForward: 3, avgBackward: 4,
  nearestForward: 5, nearestBackward: 6, bilinearForward: 7, bilinearBackward: 8,
} as const;

/** Everything a kernel needs besides its operands; unused fields keep their defaults. */
export interface Geometry {
  kh: number; kw: number; sh: number; sw: number; ph: number; pw: number; dh: number; dw: number;
  adaptive: boolean;
  countIncludePad: boolean;
  divisorOverride: number; // 0 = none
  alignCorners: boolean;
  scaleH: number; // interpolate's scale factors; 0 = none
  scaleW: number;
}

export function geometry(fields: Partial<Geometry>): Geometry {
  return {
    kh: 1, kw: 1, sh: 1, sw: 1, ph: 0, pw: 0, dh: 1, dw: 1, adaptive: false, countIncludePad: true,
    divisorOverride: 0, alignCorners: false, scaleH: 0, scaleW: 0, ...fields,
  };
}

/** A (C, H, W) tensor as (1, C, H, W), metadata only. */
function as4d(t: Tensor): Tensor {
  return t.dim() === 4 ? t : t._view([1, ...t._shape], [0, ...t._strides]);
}

/** PyTorch's layout rule for these ops: channels_last in, channels_last out. */
export function layoutOf(t: Tensor): MemoryFormat {
  return t.dim() === 4 && suggestFormat(t._shape, t._strides) === channelsLast ? channelsLast : contiguousFormat;
}

/** A new tensor of `shape` (3-D or 4-D) laid out as `format` asks (3-D: contiguous). */
export function emptyPlanes(shape: readonly number[], dtype: DType, format: MemoryFormat): Tensor {
  return Tensor.empty(shape, dtype, shape.length === 4 ? format : contiguousFormat);
}

/** The kernels run on float32 and float64; PyTorch's message for the others. */
export function requireFloat(t: Tensor, kernel: string): void {
  if (!t.dtype.isFloatingPoint) throw new TensorError(`"${kernel}" not implemented for '${scalarTypeNames[t.dtype.name]}'`);
}

const meta = native.meta;

/** Runs one kernel: `big` is the input-sized operand, `small` the output-sized one. */
export function runPool(op: number, big: Tensor, small: Tensor, index: Tensor | null, g: Geometry): void {
  const b = as4d(big), s = as4d(small), i = index ? as4d(index) : null;
  if (b._shape[0] * b._shape[1] === 0) return;
  b._storage.assertAlive();
  s._storage.assertAlive();
  i?._storage.assertAlive();
  let p = 0;
  for (const v of [b._shape[0], b._shape[1], b._shape[2], b._shape[3], s._shape[2], s._shape[3],
    g.kh, g.kw, g.sh, g.sw, g.ph, g.pw, g.dh, g.dw, g.adaptive ? 1 : 0,
    g.countIncludePad ? 1 : 0, g.divisorOverride, g.alignCorners ? 1 : 0, g.scaleH, g.scaleW]) meta[p++] = v;
  for (const t of i ? [b, s, i] : [b, s]) {
    meta[p++] = t.dtype.code;
    meta[p++] = t._offset;
    for (let d = 0; d < 4; d++) meta[p++] = t._strides[d];
  }
  native.pool2d(op, b._storage.bytes, s._storage.bytes, i ? i._storage.bytes : undefined);
}

/** A forward kernel: a new output of spatial size (oh, ow) (and int64 indices for max). */
export function poolForward(op: number, input: Tensor, oh: number, ow: number, g: Geometry, withIndex = false): [Tensor, Tensor | null] {
  const shape = [...input._shape.slice(0, -2), oh, ow];
  const format = layoutOf(input);
  const out = emptyPlanes(shape, input.dtype, format);
  const index = withIndex ? emptyPlanes(shape, int64, format) : null;
  runPool(op, input, out, index, g);
  return [out, index];
}

/** A backward kernel: a new gradient of `inputShape` in `format`, scattered from `grad`. */
export function poolBackward(op: number, grad: Tensor, index: Tensor | null, inputShape: readonly number[], format: MemoryFormat, g: Geometry): Tensor {
  const gradInput = emptyPlanes(inputShape, grad.dtype, format);
  runPool(op, gradInput, grad, index, g);
  return gradInput;
}
