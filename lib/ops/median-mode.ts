/**
 * median and mode, and the [values, indices] pair that max/min/median/mode(dim) return.
 * Both are selections, not folds, so they run in JavaScript over rows of a contiguous
 * copy with the reduced dim last (no native kernel: they are rare and not hot).
 */
import { DType, bool, int64 } from '../dtype';
import { TensorError } from '../errors';
import { Tensor } from '../tensor';
import { noGrad } from '../autograd/grad-mode';
import { defineOp } from './registry';
import { movedim } from './shape';
import { recordReduction } from './reduce-grad';

/** `[values, indices]`, also readable as `.values` / `.indices` (PyTorch's named tuple). */
export type ValuesIndices = [Tensor, Tensor] & { readonly values: Tensor; readonly indices: Tensor };

export function valuesIndices(values: Tensor, indices: Tensor): ValuesIndices {
  const pair = [values, indices] as unknown as ValuesIndices;
  Object.defineProperty(pair, 'values', { value: values, enumerable: false });
  Object.defineProperty(pair, 'indices', { value: indices, enumerable: false });
  return pair;
}

type Element = number | bigint;
type Picker = (row: readonly Element[]) => { value: Element; index: number };

const isNaNElement = (v: Element): boolean => typeof v === 'number' && Number.isNaN(v);
const compare = (a: Element, b: Element): number => (a < b ? -1 : a > b ? 1 : 0);

/** As PyTorch: the lower of the two middle values; a NaN (the first) makes the result. */
const pickMedian: Picker = (row) => {
  const nan = row.findIndex(isNaNElement);
  if (nan >= 0) return { value: row[nan], index: nan };
  const order = row.map((_, i) => i).sort((a, b) => compare(row[a], row[b]) || a - b);
  const k = order[(row.length - 1) >> 1];
  return { value: row[k], index: k };
};

/** As PyTorch: the most frequent value, the smallest among equally frequent ones, and its last index. */
const pickMode: Picker = (row) => {
  const counts = new Map<Element, { count: number; last: number }>();
  row.forEach((v, i) => {
    const key = isNaNElement(v) ? NaN : v;
    const entry = counts.get(key);
    if (entry) {
      entry.count++;
      entry.last = i;
    } else counts.set(key, { count: 1, last: i });
  });
  let best: Element | undefined;
  let bestEntry = { count: 0, last: 0 };
  for (const [value, entry] of counts) {
    if (best === undefined || entry.count > bestEntry.count || (entry.count === bestEntry.count && compare(value, best) < 0)) {
      best = value;
      bestEntry = entry;
    }
  }
  return { value: best as Element, index: bestEntry.last };
};

function writeElement(data: ArrayLike<unknown>, i: number, v: Element, dtype: DType): void {
  const target = data as unknown as Record<number, Element>;
  if (dtype === int64) target[i] = typeof v === 'bigint' ? v : BigInt(v);
  else target[i] = typeof v === 'bigint' ? Number(v) : v;
}

/** Applies `pick` to every row along `dim`: values (input dtype) and int64 indices. */
function selectAlong(name: string, input: Tensor, dim: number, keepdim: boolean, pick: Picker): ValuesIndices {
  if (name === 'median' && input.dtype === bool) throw new TensorError(`"median_out" not implemented for 'Bool'`);
  const rank = input._shape.length;
  const d = input.wrapDim(dim);
  const size = rank === 0 ? 1 : input._shape[d];
  if (size === 0) throw new TensorError(`${name}(): Expected reduction dim ${d} to have non-zero size.`);
  const outShape = rank === 0 ? [] : input._shape.flatMap((s, i) => (i !== d ? [s] : keepdim ? [1] : []));
  const rows = (rank === 0 ? input.reshape(1) : movedim(input, d, -1)).contiguous();
  const flat = rows._contiguousData() as ArrayLike<Element>;
  const values = Tensor.empty(outShape, input.dtype);
  const indices = Tensor.empty(outShape, int64);
  const valueData = values.data(), indexData = indices.data() as BigInt64Array;
  const count = values.numel();
  for (let r = 0; r < count; r++) {
    const row = Array.from({ length: size }, (_, k) => flat[r * size + k]);
    const { value, index } = pick(row);
    writeElement(valueData, r, value, input.dtype);
    indexData[r] = BigInt(index);
  }
  return valuesIndices(values, indices);
}

export function median(input: Tensor): Tensor;
export function median(input: Tensor, dim: number, keepdim?: boolean): ValuesIndices;
export function median(input: Tensor, dim?: number | { dim?: number; keepdim?: boolean }, keepdim = false): Tensor | ValuesIndices {
  const opts = typeof dim === 'object' && dim !== null ? dim : { dim, keepdim };
  if (opts.dim === undefined || opts.dim === null) {
    if (input.dtype === bool) throw new TensorError(`"median_cpu" not implemented for 'Bool'`);
    // The full median of nothing is NaN in PyTorch.
    if (input.numel() === 0) return Tensor.empty([], input.dtype).fill_(NaN);
    const result = noGrad(() => selectAlong('median', input.reshape(-1), 0, false, pickMedian)[0]);
    recordReduction({ name: 'median', input, result, mask: input._shape.map(() => true), keepdim: false });
    return result;
  }
  return selectWithGrad('median', input, opts.dim, opts.keepdim ?? false, pickMedian);
}

export function mode(input: Tensor, dim: number | { dim?: number; keepdim?: boolean } = -1, keepdim = false): ValuesIndices {
  const opts = typeof dim === 'object' ? dim : { dim, keepdim };
  return selectWithGrad('mode', input, opts.dim ?? -1, opts.keepdim ?? false, pickMode);
}

/** selectAlong, then the gradient flows to the selected index (MedianBackward1, ModeBackward0). */
function selectWithGrad(name: 'median' | 'mode', input: Tensor, dim: number, keepdim: boolean, pick: Picker): ValuesIndices {
  const pair = noGrad(() => selectAlong(name, input, dim, keepdim, pick));
  const rank = input._shape.length;
  const d = rank === 0 ? 0 : input.wrapDim(dim);
  recordReduction({ name, input, result: pair[0], mask: input._shape.map((_, i) => i === d), keepdim, indices: pair[1] });
  return pair;
}

defineOp({ name: 'median', kind: 'reduction', fn: median, method: true, backwardName: 'MedianBackward0' });
defineOp({ name: 'mode', kind: 'reduction', fn: mode, method: true, backwardName: 'ModeBackward0' });

declare module '../tensor' {
  interface Tensor {
    median(): Tensor;
    median(dim: number, keepdim?: boolean): ValuesIndices;
    mode(dim?: number, keepdim?: boolean): ValuesIndices;
  }
}
