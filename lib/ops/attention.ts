/**
 * F.scaledDotProductAttention (PyTorch 2's scaled_dot_product_attention, math path):
 * softmax(q k^T * scale + mask) v, composed from matmul, where/add and softmax, so its
 * gradient comes from theirs. A bool mask keeps positions where it is true; a float mask
 * is added to the scores; isCausal keeps j <= i. Rows with every position masked give NaN,
 * as PyTorch's math path does.
 */
import { TensorError } from '../errors';
import { Tensor } from '../tensor';
import { bool } from '../dtype';
import { arange, rand } from '../creation';
import { add, ge, mul, where } from './pointwise';
import { matmul } from './linalg';
import { softmax } from './reduce';

export interface AttentionOptions {
  attnMask?: Tensor | null;
  dropoutP?: number;
  isCausal?: boolean;
  scale?: number | null;
}

export function scaledDotProductAttention(query: Tensor, key: Tensor, value: Tensor, opts: AttentionOptions = {}): Tensor {
  for (const [t, name] of [[query, 'query'], [key, 'key'], [value, 'value']] as const)
    if (!(t instanceof Tensor)) throw new TypeError(`scaled_dot_product_attention(): argument '${name}' must be Tensor`);
  if (query.dim() < 2 || key.dim() < 2 || value.dim() < 2)
    throw new TensorError('scaled_dot_product_attention: query, key and value must have at least 2 dimensions');
  const mask = opts.attnMask ?? null;
  if (opts.isCausal && mask) throw new TensorError('_scaled_dot_product_attention: Explicit attn_mask should not be set when is_causal=True');
  const L = query._shape[query.dim() - 2], S = key._shape[key.dim() - 2], E = query._shape[query.dim() - 1];
  const scale = opts.scale ?? 1 / Math.sqrt(E);
  let scores = mul(matmul(query, key.transpose(-2, -1)), scale);
  if (opts.isCausal) {
    const keep = ge(arange(L).unsqueeze(1), arange(S).unsqueeze(0));
    scores = where(keep, scores, -Infinity);
  } else if (mask) {
    scores = mask.dtype === bool ? where(mask, scores, -Infinity) : add(scores, mask);
  }
  let weights = softmax(scores, -1);
  const p = opts.dropoutP ?? 0;
  if (p < 0 || p > 1) throw new TensorError(`dropout probability has to be between 0 and 1, but got ${p}`);
  if (p === 1) weights = mul(weights, 0);
  else if (p > 0) weights = mul(weights, mul(rand(weights._shape, { dtype: weights.dtype }).ge(p), 1 / (1 - p)));
  return matmul(weights, value);
}
