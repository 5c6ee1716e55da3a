/**
 * nn.MultiheadAttention as PyTorch 1.13's multi_head_attention_forward: packed
 * `in_proj_weight` (3E, E) or separate q/k/v projections when kdim/vdim differ,
 * `out_proj`, masks (bool: true = not allowed; float: added), key padding mask, weights
 * averaged over heads or per head. Heads are batched into one bmm each way.
 */
import { Tensor } from '../../tensor';
import { DType, bool, defaultFloat } from '../../dtype';
import { TensorError } from '../../errors';
import { arange, empty, zerosLike } from '../../creation';
import { where } from '../../ops/pointwise';
import { Module } from '../module';
import { Parameter } from '../parameter';
import * as init from '../init';
import * as F from '../functional';
import { Linear } from './linear';
import { parseTrailing } from '../../args';
import type { PositionalThenOptions } from './constructor-args';

/** PyTorch's out_proj class (a Linear under another name, which shows in the repr). */
export class NonDynamicallyQuantizableLinear extends Linear {}

export interface MultiheadAttentionOptions {
  dropout?: number;
  bias?: boolean;
  /** Not supported (only false); listed because they sit between bias and kdim positionally. */
  addBiasKv?: boolean;
  addZeroAttn?: boolean;
  kdim?: number | null;
  vdim?: number | null;
  batchFirst?: boolean;
  dtype?: DType;
}

export interface AttentionCallOptions {
  keyPaddingMask?: Tensor | null;
  needWeights?: boolean;
  attnMask?: Tensor | null;
  averageAttnWeights?: boolean;
  isCausal?: boolean;
}

/** A bool mask (true = masked out) as an additive float mask; float masks pass through. */
function additiveMask(mask: Tensor, dtype: DType): Tensor {
  if (mask.dtype === bool) return where(mask, -Infinity, zerosLike(mask, { dtype }));
  if (!mask.dtype.isFloatingPoint) throw new TensorError('only bool and floating types of attn_mask are supported');
  return mask;
}

export class MultiheadAttention extends Module {
  in_proj_weight: Parameter | null = null;
  q_proj_weight: Parameter | null = null;
  k_proj_weight: Parameter | null = null;
  v_proj_weight: Parameter | null = null;
  in_proj_bias: Parameter | null = null;
  out_proj: NonDynamicallyQuantizableLinear;
  readonly headDim: number;
  readonly kdim: number;
  readonly vdim: number;
  readonly dropout: number;
  readonly batchFirst: boolean;

  constructor(
    readonly embedDim: number, readonly numHeads: number,
    ...rest: PositionalThenOptions<[dropout: number, bias: boolean, addBiasKv: boolean, addZeroAttn: boolean, kdim: number | null, vdim: number | null, batchFirst: boolean], MultiheadAttentionOptions>
  ) {
    super();
    const opts = parseTrailing(rest, ['dropout', 'bias', 'addBiasKv', 'addZeroAttn', 'kdim', 'vdim', 'batchFirst']) as MultiheadAttentionOptions;
    if (opts.addBiasKv || opts.addZeroAttn) throw new TensorError('MultiheadAttention: addBiasKv and addZeroAttn are not supported by tensorgrad');
    const dtype = opts.dtype ?? defaultFloat;
    this.kdim = opts.kdim ?? embedDim;
    this.vdim = opts.vdim ?? embedDim;
    this.dropout = opts.dropout ?? 0;
    this.batchFirst = opts.batchFirst ?? false;
    this.headDim = Math.floor(embedDim / numHeads);
    if (this.headDim * numHeads !== embedDim) throw new TensorError('embed_dim must be divisible by num_heads');
    if (this.kdim === embedDim && this.vdim === embedDim) {
      this.in_proj_weight = new Parameter(empty([3 * embedDim, embedDim], { dtype }));
    } else {
      this.q_proj_weight = new Parameter(empty([embedDim, embedDim], { dtype }));
      this.k_proj_weight = new Parameter(empty([embedDim, this.kdim], { dtype }));
      this.v_proj_weight = new Parameter(empty([embedDim, this.vdim], { dtype }));
    }
    if (opts.bias !== false) this.in_proj_bias = new Parameter(empty([3 * embedDim], { dtype }));
    // Linear's own init runs first (it draws from the RNG), then _reset_parameters, as in PyTorch.
    this.out_proj = new NonDynamicallyQuantizableLinear(embedDim, embedDim, { bias: opts.bias !== false, dtype });
    this.resetParameters();
  }

  resetParameters(): void {
    for (const w of [this.in_proj_weight, this.q_proj_weight, this.k_proj_weight, this.v_proj_weight]) if (w) init.xavierUniform_(w);
    if (this.in_proj_bias) {
      init.constant_(this.in_proj_bias, 0);
      init.constant_(this.out_proj.bias as Parameter, 0);
    }
  }

  private project(query: Tensor, key: Tensor, value: Tensor): [Tensor, Tensor, Tensor] {
    const E = this.embedDim;
    const b = this.in_proj_bias ? this.in_proj_bias.chunk(3) : [null, null, null];
    if (this.in_proj_weight) {
      if (query === key && key === value) {
        const [q, k, v] = F.linear(query, this.in_proj_weight, this.in_proj_bias).chunk(3, -1);
        return [q, k, v];
      }
      const [wq, wk, wv] = this.in_proj_weight.split(E);
      return [F.linear(query, wq, b[0]), F.linear(key, wk, b[1]), F.linear(value, wv, b[2])];
    }
    return [
      F.linear(query, this.q_proj_weight as Tensor, b[0]),
      F.linear(key, this.k_proj_weight as Tensor, b[1]),
      F.linear(value, this.v_proj_weight as Tensor, b[2]),
    ];
  }

  /** forward(query, key, value, opts) -> [attnOutput, attnWeights | null]. */
  override forward(query: Tensor, key: Tensor, value: Tensor, opts: AttentionCallOptions = {}): [Tensor, Tensor | null] {
    const batched = query.dim() === 3;
    if (!batched && query.dim() !== 2)
      throw new TensorError(`query should be unbatched 2D or batched 3D tensor but received ${query.dim()}-D query tensor`);
    const needWeights = opts.needWeights ?? true;
    const self = query === key && key === value;
    const toSeqFirst = (t: Tensor): Tensor => (!batched ? t.unsqueeze(1) : this.batchFirst ? t.transpose(0, 1) : t);
    let q = toSeqFirst(query);
    let k = self ? q : toSeqFirst(key);
    let v = self ? q : toSeqFirst(value);
    const [tgtLen, bsz, embed] = q._shape;
    const srcLen = k._shape[0];
    if (embed !== this.embedDim)
      throw new TensorError(`was expecting embedding dimension of ${this.embedDim}, but got ${embed}`);
    [q, k, v] = this.project(q, k, v);

    const H = this.numHeads, hd = this.headDim;
    let mask: Tensor | null = null;
    if (opts.attnMask) {
      mask = additiveMask(opts.attnMask, q.dtype);
      const want2 = [tgtLen, srcLen], want3 = [bsz * H, tgtLen, srcLen];
      const ok = (w: number[]) => mask!._shape.length === w.length && w.every((d, i) => d === mask!._shape[i]);
      if (mask.dim() === 2) {
        if (!ok(want2)) throw new TensorError(`The shape of the 2D attn_mask is [${mask._shape.join(', ')}], but should be (${want2.join(', ')}).`);
        mask = mask.unsqueeze(0);
      } else if (!ok(want3)) {
        throw new TensorError(`The shape of the 3D attn_mask is [${mask._shape.join(', ')}], but should be (${want3.join(', ')}).`);
      }
    } else if (opts.isCausal) {
      mask = additiveMask(torchTriuMask(tgtLen, srcLen), q.dtype).unsqueeze(0);
    }
    if (opts.keyPaddingMask) {
      const kpm = additiveMask(batched ? opts.keyPaddingMask : opts.keyPaddingMask.unsqueeze(0), q.dtype)
        .view(bsz, 1, 1, srcLen).expand(-1, H, -1, -1).reshape(bsz * H, 1, srcLen);
      mask = mask ? mask.add(kpm) : kpm;
    }

    // (L, N, E) -> (N*H, L, hd): heads become bmm batches.
    const heads = (t: Tensor, len: number) => t.contiguous().view(len, bsz * H, hd).transpose(0, 1);
    const qh = heads(q, tgtLen).div(Math.sqrt(hd));
    const kh = heads(k, srcLen), vh = heads(v, srcLen);
    let scores = qh.bmm(kh.transpose(1, 2));
    if (mask) scores = scores.add(mask);
    let weights = F.softmax(scores, -1);
    if (this.dropout > 0 && this.training) weights = F.dropout(weights, this.dropout, true);
    const ctx = weights.bmm(vh).transpose(0, 1).contiguous().view(tgtLen * bsz, embed);
    let out = F.linear(ctx, this.out_proj.weight, this.out_proj.bias).view(tgtLen, bsz, embed);
    out = !batched ? out.squeeze(1) : this.batchFirst ? out.transpose(0, 1) : out;
    if (!needWeights) return [out, null];
    let w = weights.view(bsz, H, tgtLen, srcLen);
    if (opts.averageAttnWeights ?? true) w = w.mean(1);
    return [out, batched ? w : w.squeeze(0)];
  }
}

/** The causal mask: true above the diagonal (future positions are masked out). */
function torchTriuMask(l: number, s: number): Tensor {
  return arange(s).view(1, s).gt(arange(l).view(l, 1));
}
