/**
 * Embedding lookup (API.md §3): rows of a weight gathered by integer indices with the
 * native index kernel. Its node, EmbeddingBackward0, index-adds the gradient rows back
 * into a zero (num_embeddings, dim) matrix and leaves the padding row at zero, as
 * PyTorch's embedding_dense_backward. That backward is itself recorded (linear in the
 * gradient: its derivative gathers rows again), so second derivatives flow.
 */
import { int32, int64 } from '../dtype';
import { TensorError } from '../errors';
import { Tensor } from '../tensor';
import { zeros } from '../creation';
import { needsGrad, record } from '../autograd/node';
import { noGrad } from '../autograd/grad-mode';
import { mul, ne } from './pointwise';
import { defineOp } from './registry';
import '../indexing';

export interface EmbeddingOptions {
  paddingIdx?: number | null;
  /** Not supported (PyTorch renormalises rows in place); throws when set. */
  maxNorm?: number | null;
  normType?: number;
  scaleGradByFreq?: boolean;
  sparse?: boolean;
}

const TYPE_NAMES: Record<string, string> = {
  float32: 'torch.FloatTensor', float64: 'torch.DoubleTensor', int16: 'torch.ShortTensor', int8: 'torch.CharTensor',
  uint8: 'torch.ByteTensor', bool: 'torch.BoolTensor',
};

/** F.embedding's padding_idx rule: negative counts from the end; out of range is refused. */
function resolvePadding(paddingIdx: number | null | undefined, numEmbeddings: number): number {
  if (paddingIdx === null || paddingIdx === undefined) return -1;
  if (paddingIdx >= numEmbeddings || paddingIdx < -numEmbeddings) throw new TensorError('Padding_idx must be within num_embeddings');
  return paddingIdx < 0 ? numEmbeddings + paddingIdx : paddingIdx;
}

function checkIndices(indices: Tensor, numEmbeddings: number): void {
  if (indices.dtype !== int64 && indices.dtype !== int32)
    throw new TensorError(
      `Expected tensor for argument #1 'indices' to have one of the following scalar types: Long, Int; but got ${TYPE_NAMES[indices.dtype.name] ?? indices.dtype.name} instead (while checking arguments for embedding)`,
    );
  if (indices.numel() === 0) return;
  const lo = Number(indices.min().item()), hi = Number(indices.max().item());
  if (lo < 0 || hi >= numEmbeddings) throw new TensorError('index out of range in self');
}

/** weight[indices], with no graph recorded (the caller records its own node). */
function gatherRows(weight: Tensor, indices: Tensor): Tensor {
  return noGrad(() => weight.index(indices.dtype === int64 ? indices : indices.to(int64)));
}

/**
 * embedding_dense_backward: grad (..., dim) summed into rows of a (numEmbeddings, dim)
 * matrix by index; the padding row stays zero. Recorded as EmbeddingDenseBackward0 when
 * the gradient itself needs grad (double backward).
 */
export function embeddingDenseBackward(grad: Tensor, indices: Tensor, numEmbeddings: number, paddingIdx: number): Tensor {
  const dim = grad._shape[grad.dim() - 1];
  const idx = indices.dtype === int64 ? indices : indices.to(int64);
  const out = noGrad(() => {
    const z = zeros([numEmbeddings, dim], { dtype: grad.dtype });
    if (idx.numel() > 0) z.indexPut_([idx], grad.reshape([...idx._shape, dim]), true);
    if (paddingIdx >= 0) z.select(0, paddingIdx).zero_();
    return z;
  });
  if (needsGrad([grad])) {
    record('EmbeddingDenseBackward0', [grad], [out], () => ([gg]) => {
      if (!gg) return [null];
      const rows = gg.index(idx);
      return [paddingIdx >= 0 ? mul(rows, ne(idx, paddingIdx).unsqueeze(-1).to(gg.dtype)) : rows];
    });
  }
  return out;
}

/** F.embedding(input, weight, padding_idx?, ...) or F.embedding(input, weight, { paddingIdx }). */
export function embedding(input: Tensor, weight: Tensor, paddingIdxOrOpts?: number | null | EmbeddingOptions): Tensor {
  if (!(input instanceof Tensor) || !(weight instanceof Tensor)) throw new TypeError("embedding(): arguments 'input' and 'weight' must be Tensors");
  const opts: EmbeddingOptions = paddingIdxOrOpts !== null && typeof paddingIdxOrOpts === 'object' ? paddingIdxOrOpts : { paddingIdx: paddingIdxOrOpts };
  if (opts.maxNorm !== null && opts.maxNorm !== undefined) throw new TensorError('embedding: maxNorm is not supported by tensorgrad');
  if (weight.dim() !== 2) throw new TensorError("'weight' must be 2-D");
  const numEmbeddings = weight._shape[0];
  const padding = resolvePadding(opts.paddingIdx, numEmbeddings);
  return embeddingCore(weight, input, padding);
}

function embeddingCore(weight: Tensor, input: Tensor, padding: number): Tensor {
  const numEmbeddings = weight._shape[0];
  checkIndices(input, numEmbeddings);
  const out = gatherRows(weight, input);
  if (needsGrad([weight])) {
    const indices = input;
    record('EmbeddingBackward0', [weight], [out], (node) => {
      const saved = node.save(indices);
      return ([g]) => [g ? embeddingDenseBackward(g, saved.unpack(), numEmbeddings, padding) : null];
    });
  }
  return out;
}

/** torch.embedding(weight, indices, padding_idx=-1, scale_grad_by_freq=False, sparse=False). */
export function torchEmbedding(weight: Tensor, indices: Tensor, paddingIdx = -1): Tensor {
  if (weight.dim() !== 2) throw new TensorError("'weight' must be 2-D");
  return embeddingCore(weight, indices, paddingIdx < 0 ? -1 : paddingIdx);
}

defineOp({ name: 'embedding', kind: 'nn', fn: torchEmbedding, backwardName: 'EmbeddingBackward0' });
