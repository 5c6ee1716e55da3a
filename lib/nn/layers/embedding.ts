/** nn.Embedding: a lookup table of numEmbeddings rows, initialised N(0, 1) with the padding row zeroed, as PyTorch. */
import { TensorError } from '../../errors';
import { Tensor } from '../../tensor';
import { DType, defaultFloat } from '../../dtype';
import { empty } from '../../creation';
import { noGrad } from '../../autograd/grad-mode';
import { Module } from '../module';
import { Parameter } from '../parameter';
import * as init from '../init';
import { embedding } from '../../ops/embedding';
import { parseTrailing } from '../../args';
import type { PositionalThenOptions } from './constructor-args';

export interface EmbeddingModuleOptions {
  paddingIdx?: number | null;
  maxNorm?: number | null;
  /** A weight to use as it is (PyTorch's _weight). */
  weight?: Tensor;
  freeze?: boolean;
  dtype?: DType;
}

export class Embedding extends Module {
  readonly paddingIdx: number | null;
  weight: Parameter;

  constructor(
    readonly numEmbeddings: number, readonly embeddingDim: number,
    ...rest: PositionalThenOptions<[paddingIdx: number | null, maxNorm: number | null], EmbeddingModuleOptions>
  ) {
    super();
    // PyTorch's later positionals (norm_type, scale_grad_by_freq, sparse, _weight) are options only.
    const opts = parseTrailing(rest, ['paddingIdx', 'maxNorm']) as EmbeddingModuleOptions;
    let padding = opts.paddingIdx ?? null;
    if (padding !== null) {
      if (padding >= numEmbeddings || padding < -numEmbeddings) throw new TensorError('Padding_idx must be within num_embeddings');
      if (padding < 0) padding += numEmbeddings;
    }
    this.paddingIdx = padding;
    if (opts.maxNorm !== null && opts.maxNorm !== undefined) throw new TensorError('Embedding: maxNorm is not supported by tensorgrad');
    if (opts.weight) {
      const shape = opts.weight._shape;
      if (shape.length !== 2 || shape[0] !== numEmbeddings || shape[1] !== embeddingDim)
        throw new TensorError('Shape of weight does not match num_embeddings and embedding_dim');
      this.weight = new Parameter(opts.weight, !(opts.freeze ?? false));
    } else {
      this.weight = new Parameter(empty([numEmbeddings, embeddingDim], { dtype: opts.dtype ?? defaultFloat }), !(opts.freeze ?? false));
      this.resetParameters();
    }
  }

  resetParameters(): void {
    init.normal_(this.weight);
    this.fillPaddingIdxWithZero();
  }

  private fillPaddingIdxWithZero(): void {
    const padding = this.paddingIdx;
    if (padding !== null) noGrad(() => this.weight.select(0, padding).zero_());
  }

  override forward(input: Tensor): Tensor {
    return embedding(input, this.weight, { paddingIdx: this.paddingIdx });
  }

  /** nn.Embedding.from_pretrained(embeddings, freeze=True, padding_idx=None). */
  static fromPretrained(embeddings: Tensor, opts: { freeze?: boolean; paddingIdx?: number | null } = {}): Embedding {
    if (embeddings.dim() !== 2) throw new TensorError('Embeddings parameter is expected to be 2-dimensional');
    const [rows, cols] = embeddings._shape;
    return new Embedding(rows, cols, { weight: embeddings, freeze: opts.freeze ?? true, paddingIdx: opts.paddingIdx });
  }

  override extraRepr(): string {
    return `${this.numEmbeddings}, ${this.embeddingDim}${this.paddingIdx !== null ? `, padding_idx=${this.paddingIdx}` : ''}`;
  }
}
