/**
 * torch.utils.data: TensorDataset and DataLoader (batching, seeded shuffling, dropLast).
 * A batch of a TensorDataset is gathered with one advanced-indexing call per tensor.
 */
import { TensorError } from '../errors';
import { Tensor } from '../tensor';
import { randperm, tensor } from '../creation';
import { Generator } from '../random';
import { stack } from '../ops/join';
import { parseTrailing } from '../args';
import type { PositionalThenOptions } from '../nn/layers/constructor-args';

export interface Dataset<T> {
  length: number;
  get(index: number): T;
}

export class TensorDataset implements Dataset<Tensor[]> {
  readonly tensors: Tensor[];
  constructor(...tensors: Tensor[]) {
    if (tensors.length === 0) throw new TensorError('TensorDataset needs at least one tensor');
    const n = tensors[0]._shape[0];
    if (tensors.some((t) => t._shape[0] !== n)) throw new TensorError('Size mismatch between tensors');
    this.tensors = tensors;
  }
  get length(): number {
    return this.tensors[0]._shape[0];
  }
  get(index: number): Tensor[] {
    return this.tensors.map((t) => t.select(0, index));
  }
  /** All rows at `indices` at once (used by DataLoader). */
  getBatch(indices: Tensor): Tensor[] {
    return this.tensors.map((t) => t.index(indices));
  }
}

export interface DataLoaderOptions {
  batchSize?: number;
  shuffle?: boolean;
  dropLast?: boolean;
  generator?: Generator;
}

export class DataLoader<T = Tensor[]> implements Iterable<T> {
  readonly batchSize: number;
  readonly opts: DataLoaderOptions;
  constructor(readonly dataset: Dataset<T> | TensorDataset, ...rest: PositionalThenOptions<[batchSize: number, shuffle: boolean], DataLoaderOptions>) {
    // PyTorch's positional order starts batch_size, shuffle; the rest are options here.
    const opts = (this.opts = parseTrailing(rest, ['batchSize', 'shuffle']) as DataLoaderOptions);
    this.batchSize = opts.batchSize ?? 1;
    if (!Number.isInteger(this.batchSize) || this.batchSize <= 0)
      throw new TensorError(`batch_size should be a positive integer value, but got batch_size=${this.batchSize}`);
  }

  get length(): number {
    const n = this.dataset.length;
    return this.opts.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  *[Symbol.iterator](): Iterator<T> {
    const n = this.dataset.length;
    const order = this.opts.shuffle ? randperm(n, { generator: this.opts.generator }) : null;
    for (let start = 0; start < n; start += this.batchSize) {
      const end = Math.min(start + this.batchSize, n);
      if (end - start < this.batchSize && this.opts.dropLast) break;
      const indices = order ? order.narrow(0, start, end - start) : null;
      if (this.dataset instanceof TensorDataset) {
        yield (indices ? this.dataset.getBatch(indices) : this.dataset.tensors.map((t) => t.narrow(0, start, end - start))) as T;
      } else {
        const items: T[] = [];
        const idx = indices ? (indices.tolist() as number[]) : Array.from({ length: end - start }, (_, i) => start + i);
        for (const i of idx) items.push(this.dataset.get(i));
        yield collate(items) as T;
      }
    }
  }
}

/** default_collate for arrays of tensors / numbers. */
function collate(items: unknown[]): unknown {
  const first = items[0];
  if (first instanceof Tensor) return stack(items as Tensor[]);
  if (typeof first === 'number') return tensor(items as number[]);
  if (Array.isArray(first)) return first.map((_, k) => collate(items.map((it) => (it as unknown[])[k])));
  return items;
}
