/**
 * The addon, loaded through node-gyp-build (a prebuilt binary from prebuilds/ when one
 * fits, else build/Release), and the helpers that describe a loop to it. A loop's shape
 * and operands go through one Float64Array the addon made at load time, so a call passes
 * no per-call arrays of boxed numbers.
 */
import * as path from 'path';
import { TensorError } from './errors';

/** Storage handle: a Uint8Array over an ArrayBuffer (pooled) or SharedArrayBuffer. */
export type Bytes = Uint8Array;

export interface PoolStats {
  allocatedBytes: number;
  cachedBytes: number;
  allocations: number;
  poolHits: number;
  releases: number;
}

export interface NativeAddon {
  meta: Float64Array;
  init(errorClass: typeof TensorError): void;
  allocate(bytes: number): Bytes;
  dispose(storage: Bytes): boolean;
  /** Padding that puts `byteLength` bytes of `raw` on a 64-byte boundary; advises huge pages from `hugeFrom` bytes. */
  alignStorage(raw: Bytes, byteLength: number, hugeFrom: number): number;
  poolStats(): PoolStats;
  emptyCache(): void;
  setNumThreads(n: number): void;
  getNumThreads(): number;
  cpuCapability(): { active: string; detected: string };
  setCpuCapability(code: number): string;
  binary(op: number, out: Bytes, a: Bytes, b: Bytes, alpha: number): void;
  unary(op: number, out: Bytes, a: Bytes, p1: number, p2: number): void;
  copy(out: Bytes, src: Bytes): void;
  where(out: Bytes, cond: Bytes, a: Bytes, b: Bytes): void;
  fill(out: Bytes, value: number): void;
  indexGather(out: Bytes, src: Bytes, count: number, dtypeCode: number, ...indices: Bytes[]): void;
  indexPut(dst: Bytes, values: Bytes, accumulate: boolean, count: number, dtypeCode: number, ...indices: Bytes[]): void;
  nonzero(input: Bytes, out?: Bytes): number | undefined;
  /** out = alpha * a @ b + beta * out; meta layout in native/src/bindings/linalg_binding.cc. */
  matmul(out: Bytes, a: Bytes, b: Bytes, alpha: number, beta: number): void;
  /** Convolution passes; meta layout in native/src/bindings/conv_binding.cc. */
  conv2d(out: Bytes, a: Bytes, b: Bytes, bias?: Bytes): void;
  reduce(op: number, out: Bytes, input: Bytes, p: number): void;
  argReduce(op: number, values: Bytes, indices: Bytes, input: Bytes): void;
  /** The softmax backward ops take the forward's result as `result`. */
  dimOp(op: number, out: Bytes, input: Bytes, dim: number, result?: Bytes): void;
  /** Selection along one dim; meta layouts in native/src/bindings/select_binding.cc. */
  gatherAlong(out: Bytes, src: Bytes, index: Bytes, dtypeCode: number, message: number, dim: number): void;
  scatterAlong(target: Bytes, src: Bytes, index: Bytes, dtypeCode: number, reduce: number, message: number, dim: number): void;
  sortAlong(values: Bytes, indices: Bytes, input: Bytes, dtypeCode: number, descending: boolean, stable: boolean): void;
  topk(values: Bytes, indices: Bytes, input: Bytes, dtypeCode: number, largest: boolean, sorted: boolean): void;
  /** Pooling / interpolation; op codes and meta layout in lib/ops/pool-kernel.ts. */
  pool2d(op: number, big: Bytes, small: Bytes, index?: Bytes): void;
  /** Batch/layer norm (native/src/bindings/norm_binding.cc has the meta layout). */
  normStats(mean: Bytes, variance: Bytes, input: Bytes): void;
  normApply(out: Bytes, input: Bytes, mean: Bytes, invstd: Bytes, weight: Bytes | null, bias: Bytes | null, axis: number): void;
  batchNormBackward(gradInput: Bytes | null, gradWeight: Bytes | null, gradBias: Bytes | null, gradOut: Bytes, input: Bytes, mean: Bytes, invstd: Bytes, weight: Bytes | null, training: boolean): void;
  /**
   * nll_loss: mode 0 forward (returns the index of a target out of range, or -1), mode 1
   * backward; argument layout in native/src/bindings/loss_binding.cc.
   */
  nllLoss(
    mode: 0 | 1, dtypeCode: number, n: number, c: number, s: number, ignoreIndex: number, reduction: number,
    target: Bytes, targetOffset: number, weight: Bytes | null, weightOffset: number, input: Bytes, inputOffset: number,
    total: Bytes, totalOffset: number, out: Bytes, outOffset: number,
  ): number | undefined;
  layerNormBackward(gradInput: Bytes | null, gradWeight: Bytes | null, gradBias: Bytes | null, gradOut: Bytes, input: Bytes, mean: Bytes, invstd: Bytes, weight: Bytes | null): void;
}

function load(): NativeAddon {
  const root = path.join(__dirname, '..');
  let addon: NativeAddon;
  try {
    // TENSORGRAD_ADDON_PATH loads another build of the addon (the sanitizer build, a
    // cmake-js build directory); otherwise node-gyp-build picks prebuilds/ or build/.
    const override = process.env.TENSORGRAD_ADDON_PATH;
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    addon = (override ? require(path.resolve(override)) : require('node-gyp-build')(root)) as NativeAddon;
  } catch (e) {
    throw new Error(
      `tensorgrad: the native addon could not be loaded (${(e as Error).message}). ` +
        'No prebuilt binary fits this platform and none was built: install a C++17 compiler, ' +
        'make and python3, then run `npm rebuild tensorgrad`.',
    );
  }
  addon.init(TensorError);
  return addon;
}

export const native: NativeAddon = load();

/** Op codes: the numbers of BinaryOp / UnaryOp in native/src/kernels/pointwise_kinds.h. */
export const BinaryOp = {
  add: 0, sub: 1, mul: 2, div: 3, divTrunc: 4, divFloor: 5, remainder: 6, fmod: 7, pow: 8,
  maximum: 9, minimum: 10, eq: 11, ne: 12, lt: 13, le: 14, gt: 15, ge: 16, logicalAnd: 17,
  logicalOr: 18, logicalXor: 19, bitwiseAnd: 20, bitwiseOr: 21, bitwiseXor: 22, atan2: 23, thresholdBackward: 24,
} as const;

export const UnaryOp = {
  neg: 0, abs: 1, sign: 2, sqrt: 3, rsqrt: 4, exp: 5, expm1: 6, log: 7, log1p: 8, log2: 9,
  sin: 10, cos: 11, tan: 12, tanh: 13, sigmoid: 14, relu: 15, floor: 16, ceil: 17, round: 18,
  trunc: 19, reciprocal: 20, square: 21, logicalNot: 22, bitwiseNot: 23, isnan: 24, isinf: 25,
  isfinite: 26, gelu: 27, silu: 28, softplus: 29, clamp: 30, leakyRelu: 31,
} as const;

/** Op codes of ReduceOp / ArgReduceOp / DimOp in native/src/kernels/reduce_kinds.h. */
export const ReduceOp = {
  sum: 0, mean: 1, prod: 2, amax: 3, amin: 4, all: 5, any: 6, countNonzero: 7, norm: 8, var: 9, std: 10,
  logsumexp: 11,
} as const;
export const ArgReduceOp = { max: 0, min: 1 } as const;
export const DimOp = { softmax: 0, logSoftmax: 1, cumsum: 2, cumprod: 3, softmaxBackward: 4, logSoftmaxBackward: 5 } as const;

/** What the loop writer needs of an operand: a tensor or a broadcast view of one. */
export interface LoopOperand {
  readonly dtype: { readonly code: number };
  readonly offset: number;
  readonly strides: readonly number[];
}

const meta = native.meta;

/**
 * Writes [ndim, shape..., (dtype, offset, strides...) per operand] into the argument
 * block, starting after `prefix` extra numbers the caller writes itself (see
 * writeMetaPrefix). Operand strides must already be aligned to `shape` (0 = broadcast).
 */
export function writeLoop(shape: readonly number[], operands: readonly LoopOperand[], extra?: readonly number[]): void {
  const ndim = shape.length;
  meta[0] = ndim;
  let p = 1;
  for (let d = 0; d < ndim; d++) meta[p++] = shape[d];
  if (extra) for (let i = 0; i < extra.length; i++) meta[p++] = extra[i];
  for (let k = 0; k < operands.length; k++) {
    const op = operands[k];
    meta[p++] = op.dtype.code;
    meta[p++] = op.offset;
    const strides = op.strides;
    for (let d = 0; d < ndim; d++) meta[p++] = strides[d];
  }
}
