/**
 * The native convolution passes (native/src/kernels/conv): forward, gradient of the
 * input, gradient of the weight, on tensors made dense in one layout (NCHW or
 * channels_last) first. No autograd here: lib/ops/conv.ts records the derivatives.
 */
import { DType } from '../dtype';
import { channelsLast, contiguousFormat, MemoryFormat } from '../memory-format';
import { native } from '../native';
import { Tensor } from '../tensor';

/**
 * One convolution's geometry, shared by its forward and both gradients: the conv input
 * side is (N, C, inHW), the output side (N, O, outHW), the weight (O, C/groups, kernel).
 * padding is what precedes the first row/column ('same' may pad more after).
 */
export interface ConvSpec {
  stride: [number, number];
  padding: [number, number];
  dilation: [number, number];
  groups: number;
  kernel: [number, number];
  inHW: [number, number];
  outHW: [number, number];
  /** The layout the kernels run in (and results come out in): PyTorch picks channels_last
   * when the input or the weight suggests it. */
  channelsLast: boolean;
}

export const enum ConvMode {
  Forward = 0,
  GradInput = 1,
  GradWeight = 2,
}

const meta = native.meta;

export function formatOf(spec: ConvSpec): MemoryFormat {
  return spec.channelsLast ? channelsLast : contiguousFormat;
}

function writeOperand(p: number, t: Tensor): number {
  meta[p++] = t.dtype.code;
  meta[p++] = t._offset;
  for (let d = 0; d < 4; d++) meta[p++] = t._strides[d];
  return p;
}

/**
 * Runs one pass. Operands by mode: Forward (y; x, w, bias), GradInput (gx; gy, w),
 * GradWeight (gw; gy, x). `a` and `b` are made dense in the spec's layout here.
 */
export function runConv(mode: ConvMode, spec: ConvSpec, outShape: readonly number[], dtype: DType, a: Tensor, b: Tensor,
  bias: Tensor | null = null): Tensor {
  const format = formatOf(spec);
  const out = Tensor.empty(outShape, dtype, format);
  const ad = a.contiguous({ memoryFormat: format }), bd = b.contiguous({ memoryFormat: format });
  const x = mode === ConvMode.Forward ? ad : mode === ConvMode.GradWeight ? bd : out;
  const w = mode === ConvMode.GradWeight ? out : bd;
  if (out.numel() === 0) return out;
  out._storage.assertAlive();
  ad._storage.assertAlive();
  bd._storage.assertAlive();
  const fields = [mode, spec.channelsLast ? 1 : 0, x._shape[0], x._shape[1], ...spec.inHW, w._shape[0], ...spec.kernel,
    ...spec.outHW, ...spec.stride, ...spec.padding, ...spec.dilation, spec.groups];
  for (let i = 0; i < fields.length; i++) meta[i] = fields[i];
  let p = writeOperand(fields.length, out);
  p = writeOperand(p, ad);
  p = writeOperand(p, bd);
  if (bias) {
    const bc = bias.contiguous();
    bc._storage.assertAlive();
    meta[p++] = 1;
    meta[p++] = bc.dtype.code;
    meta[p++] = bc._offset;
    meta[p++] = bc._strides[0] ?? 1;
    native.conv2d(out._storage.bytes, ad._storage.bytes, bd._storage.bytes, bc._storage.bytes);
  } else {
    meta[p++] = 0;
    native.conv2d(out._storage.bytes, ad._storage.bytes, bd._storage.bytes);
  }
  return out;
}
