/**
 * The public surface of tensorgrad: `import * as torch from 'tensorgrad'`. Re-exports
 * only; every op is declared in lib/ops/ and registered there.
 */
import './tensor-methods';
import * as pointwise from './ops/pointwise';
import * as shape from './ops/shape';
import * as creation from './creation';
import * as reduceOps from './ops/reduce';
import * as compareOps from './ops/compare';
import * as linalgOps from './ops/linalg';
import * as poolOps from './ops/pool';
import * as einsumOps from './ops/einsum';
import * as convOps from './ops/conv';
import * as ternaryOps from './ops/ternary';
import * as normOps from './ops/norm';
import * as embeddingOps from './ops/embedding';
import * as joinOps from './ops/join';
import * as gatherScatterOps from './ops/gather-scatter';
import * as selectOps from './ops/select';
import * as sortOps from './ops/sort';
import * as indexingOps from './indexing';
import { profiledExports, profiledFunctions } from './ops/registry';
import { native } from './native';
import { emptyRecycled } from './storage';
import { cpu, Device } from './device';
import { CUDA_UNAVAILABLE } from './device';
import { TensorError } from './errors';

export { Tensor } from './tensor';
export type { Scalar, NestedList } from './tensor';
export { TensorError } from './errors';
export { Size } from './size';
export { Device } from './device';
export {
  DType, float32, float64, int32, int64, int16, int8, uint8, bool, promoteTypes,
  float32 as float, float64 as double, int64 as long, int32 as int, int16 as short,
} from './dtype';
export { resultType, canCast, broadcastShapes, broadcastShapesOf } from './promotion';
export { MemoryFormat, contiguousFormat, channelsLast, channelsLast3d, preserveFormat } from './memory-format';
export { manualSeed, seed, initialSeed, Generator, defaultGenerator } from './random';
export { from } from './creation';
// Creation functions show in profiles as PyTorch names them (torch.tensor is aten::lift_fresh).
export const {
  tensor, empty, zeros, ones, full, emptyLike, zerosLike, onesLike, fullLike, randLike, randnLike,
  arange, linspace, eye, rand, randn, randint, randperm,
} = profiledFunctions({
  tensor: creation.tensor, empty: creation.empty, zeros: creation.zeros, ones: creation.ones, full: creation.full,
  emptyLike: creation.emptyLike, zerosLike: creation.zerosLike, onesLike: creation.onesLike, fullLike: creation.fullLike,
  randLike: creation.randLike, randnLike: creation.randnLike, arange: creation.arange, linspace: creation.linspace,
  eye: creation.eye, rand: creation.rand, randn: creation.randn, randint: creation.randint, randperm: creation.randperm,
}, { tensor: 'aten::lift_fresh' });
// torch.<op> functions are the registry's profiled entry points (profiledExports), so the
// profiler records torch.sum(x) as aten::sum just as it records x.sum().
export const {
  add, sub, mul, div, floorDivide, pow, remainder, fmod, maximum, minimum, atan2, eq, ne, lt, le, gt, ge,
  logicalAnd, logicalOr, logicalXor, bitwiseAnd, bitwiseOr, bitwiseXor, neg, abs, sign, sqrt, rsqrt, exp,
  expm1, log, log1p, log2, sin, cos, tan, tanh, sigmoid, relu, floor, ceil, trunc, round, reciprocal,
  square, logicalNot, bitwiseNot, isnan, isinf, isfinite, silu, gelu, softplus, leakyRelu, clamp, where,
} = profiledExports(pointwise);
export { clamp as clip, sub as subtract, mul as multiply, div as divide, neg as negative, abs as absolute };
const shapeFns = profiledExports(shape);
export const { reshape, flatten, unflatten, squeeze, unsqueeze, transpose, permute, movedim, narrow, select, diagonal, asStrided } = shapeFns;
const { tT } = shapeFns;
export { transpose as swapaxes, transpose as swapdims, tT as t, movedim as moveaxis };
const reduceFns = profiledExports(reduceOps);
export const {
  sum, mean, prod, std, norm, logsumexp, amax, amin, all, any, cumsum, cumprod, countNonzero, max, min, argmax, argmin,
  median, mode, softmax, logSoftmax,
} = reduceFns;
const { variance } = reduceFns;
export { variance as var };
export type { ValuesIndices } from './ops/reduce';
export const { isclose, allclose, equal } = profiledExports(compareOps);
export type { CloseOptions } from './ops/compare';
export const { matmul, mm, bmm, mv, dot, outer, addmm, baddbmm } = profiledExports(linalgOps);
export { outer as ger };
export const { maxPool2d, maxPool1d, avgPool1d } = profiledExports(poolOps);
export const { einsum } = profiledExports(einsumOps);
export const { conv1d, conv2d, convTranspose2d } = profiledExports(convOps);
export const { lerp, addcmul, addcdiv } = profiledExports(ternaryOps);
export const { torchBatchNorm: batchNorm, torchLayerNorm: layerNorm, groupNorm } = profiledExports(normOps);
export const { torchEmbedding: embedding } = profiledExports(embeddingOps);
export { registry } from './ops/registry';
export const { cat, stack, vstack, hstack, dstack, chunk, split, tensorSplit, unbind } = profiledExports(joinOps);
export { cat as concatenate, cat as concat };
export const { gather, scatter, scatterAdd, indexSelect, indexAdd, take } = profiledExports(gatherScatterOps);
export const { maskedFill, maskedSelect, tril, triu, flip, roll, tile, repeatInterleave } = profiledExports(selectOps);
export const { sort, argsort, topk } = profiledExports(sortOps);
export * as autograd from './autograd';
export * as nn from './nn';
export * as optim from './optim';
export * as utils from './utils';
export { rnn } from './nn/utils';
import { rnn as rnnUtils } from './nn/utils';
export const padSequence = rnnUtils.padSequence;
export { noGrad, enableGrad, inferenceMode, setGradEnabled, isGradEnabled, isInferenceModeEnabled } from './autograd/grad-mode';
export const { nonzero, argwhere, indexPut } = profiledExports(indexingOps);
export { setPrintoptions, getPrintoptions } from './print';
export { toTransferable, fromTransferable, type TransferableTensor } from './transfer';
export { save, load, saveSafetensors, loadSafetensors, saveNpy, loadNpy, loadNpz, serialize, deserialize, type SaveOptions, type StateDict, type SafetensorsContents } from './io';

export const device = (spec: string): Device => (spec === 'cpu' ? cpu : (() => { throw new TensorError(CUDA_UNAVAILABLE); })());

export function setNumThreads(n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new TensorError(`set_num_threads expects a positive integer, got ${n}`);
  native.setNumThreads(n);
}
export function getNumThreads(): number {
  return native.getNumThreads();
}

export const cuda = {
  isAvailable: (): boolean => false,
  deviceCount: (): number => 0,
};

/** Diagnostics of the native side: pool counters, CPU capability in use. */
export const backend = {
  poolStats: () => native.poolStats(),
  emptyCache: (): void => {
    emptyRecycled();
    native.emptyCache();
  },
  cpuCapability: () => native.cpuCapability(),
  /** Pins the kernels' instruction set ('avx512' | 'avx2' | 'default'), never above the CPU's. */
  setCpuCapability: (name: 'avx512' | 'avx2' | 'default'): string =>
    native.setCpuCapability({ default: 0, avx2: 1, avx512: 2 }[name]),
};

// Keep the namespace objects referenced so their registrations run even if tree-shaken.
void pointwise;
void shape;
void creation;
