/**
 * nn.TransformerEncoderLayer / TransformerEncoder as PyTorch 1.13's (the plain Python
 * path, which the fast path matches): self-attention and a two-layer feed-forward block,
 * each with dropout, a residual and a LayerNorm (post-norm by default, `normFirst`
 * pre-norm). Sub-module names match PyTorch's state dict keys (`self_attn`, `linear1`,
 * `norm1`, `layers.0`...).
 */
import { Tensor } from '../../tensor';
import { DType } from '../../dtype';
import { TensorError } from '../../errors';
import { Module } from '../module';
import { cloneModule } from '../clone';
import * as F from '../functional';
import { Linear, Dropout } from './linear';
import { LayerNorm } from './normalization';
import { MultiheadAttention } from './attention';
import { ModuleList } from './container';
import type { PositionalThenOptions } from './constructor-args';
import { parseTrailing } from '../../args';

type Activation = 'relu' | 'gelu' | ((x: Tensor) => Tensor) | Module;

export interface TransformerEncoderLayerOptions {
  dimFeedforward?: number;
  dropout?: number;
  activation?: Activation;
  layerNormEps?: number;
  batchFirst?: boolean;
  normFirst?: boolean;
  dtype?: DType;
}

export interface EncoderCallOptions {
  srcMask?: Tensor | null;
  srcKeyPaddingMask?: Tensor | null;
  isCausal?: boolean;
}

export class TransformerEncoderLayer extends Module {
  self_attn: MultiheadAttention;
  linear1: Linear;
  dropout: Dropout;
  linear2: Linear;
  readonly normFirst: boolean;
  norm1: LayerNorm;
  norm2: LayerNorm;
  dropout1: Dropout;
  dropout2: Dropout;
  activation: Activation;

  constructor(
    dModel: number, nhead: number,
    ...rest: PositionalThenOptions<[dimFeedforward: number, dropout: number, activation: Activation, layerNormEps: number, batchFirst: boolean, normFirst: boolean], TransformerEncoderLayerOptions>
  ) {
    super();
    const opts = parseTrailing(rest, ['dimFeedforward', 'dropout', 'activation', 'layerNormEps', 'batchFirst', 'normFirst']) as TransformerEncoderLayerOptions;
    const p = opts.dropout ?? 0.1;
    const dtype = opts.dtype;
    const eps = opts.layerNormEps ?? 1e-5;
    this.self_attn = new MultiheadAttention(dModel, nhead, { dropout: p, batchFirst: opts.batchFirst, dtype });
    this.linear1 = new Linear(dModel, opts.dimFeedforward ?? 2048, { dtype });
    this.dropout = new Dropout(p);
    this.linear2 = new Linear(opts.dimFeedforward ?? 2048, dModel, { dtype });
    this.normFirst = opts.normFirst ?? false;
    this.norm1 = new LayerNorm(dModel, { eps, dtype });
    this.norm2 = new LayerNorm(dModel, { eps, dtype });
    this.dropout1 = new Dropout(p);
    this.dropout2 = new Dropout(p);
    const act = opts.activation ?? 'relu';
    if (typeof act === 'string' && act !== 'relu' && act !== 'gelu')
      throw new TensorError(`activation should be relu/gelu, not ${act}`);
    this.activation = act;
  }

  private act(x: Tensor): Tensor {
    const a = this.activation;
    if (a === 'relu') return F.relu(x);
    if (a === 'gelu') return F.gelu(x);
    return a instanceof Module ? (a.forward(x) as Tensor) : a(x);
  }

  private selfAttention(x: Tensor, opts: EncoderCallOptions): Tensor {
    const [out] = this.self_attn.forward(x, x, x, {
      attnMask: opts.srcMask ?? null, keyPaddingMask: opts.srcKeyPaddingMask ?? null, needWeights: false,
      isCausal: opts.isCausal && !opts.srcMask,
    });
    return this.dropout1.forward(out);
  }

  private feedForward(x: Tensor): Tensor {
    return this.dropout2.forward(this.linear2.forward(this.dropout.forward(this.act(this.linear1.forward(x)))));
  }

  /** forward(src, { srcMask, srcKeyPaddingMask, isCausal }) or PyTorch's positional (src, srcMask, srcKeyPaddingMask). */
  override forward(src: Tensor, maskOrOpts?: Tensor | EncoderCallOptions | null, keyPaddingMask?: Tensor | null): Tensor {
    const opts: EncoderCallOptions =
      maskOrOpts instanceof Tensor || maskOrOpts == null ? { srcMask: maskOrOpts ?? null, srcKeyPaddingMask: keyPaddingMask ?? null } : maskOrOpts;
    let x = src;
    if (this.normFirst) {
      x = x.add(this.selfAttention(this.norm1.forward(x), opts));
      return x.add(this.feedForward(this.norm2.forward(x)));
    }
    x = this.norm1.forward(x.add(this.selfAttention(x, opts)));
    return this.norm2.forward(x.add(this.feedForward(x)));
  }
}

/** nn.TransformerEncoder(encoderLayer, numLayers, { norm }): numLayers deep copies of the layer. */
export class TransformerEncoder extends Module {
  layers: ModuleList;
  readonly numLayers: number;
  norm: Module | null;

  constructor(encoderLayer: TransformerEncoderLayer, numLayers: number, opts: { norm?: Module | null } | Module | null = {}) {
    super();
    this.layers = new ModuleList(Array.from({ length: numLayers }, () => cloneModule(encoderLayer)));
    this.numLayers = numLayers;
    this.norm = opts instanceof Module ? opts : opts?.norm ?? null;
  }

  /** forward(src, { mask, srcKeyPaddingMask, isCausal }) or positional (src, mask, srcKeyPaddingMask). */
  override forward(src: Tensor, maskOrOpts?: Tensor | { mask?: Tensor | null; srcKeyPaddingMask?: Tensor | null; isCausal?: boolean } | null, keyPaddingMask?: Tensor | null): Tensor {
    const o = maskOrOpts instanceof Tensor || maskOrOpts == null ? { mask: maskOrOpts ?? null, srcKeyPaddingMask: keyPaddingMask ?? null } : maskOrOpts;
    let x = src;
    for (const layer of this.layers)
      x = (layer as TransformerEncoderLayer).forward(x, { srcMask: o.mask ?? null, srcKeyPaddingMask: o.srcKeyPaddingMask ?? null, isCausal: o.isCausal });
    return this.norm ? (this.norm.forward(x) as Tensor) : x;
  }
}
