/**
 * Memory formats (API.md §5) with PyTorch's stride rules: NCHW (contiguous_format), NHWC
 * (channels_last), NDHWC (channels_last_3d), and preserve_format for *Like / clone.
 */
import { TensorError } from './errors';
import { contiguousStrides } from './size';

export class MemoryFormat {
  constructor(readonly name: string) {}
  toString(): string {
    return `torch.${this.name}`;
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

export const contiguousFormat = new MemoryFormat('contiguous_format');
export const channelsLast = new MemoryFormat('channels_last');
export const channelsLast3d = new MemoryFormat('channels_last_3d');
export const preserveFormat = new MemoryFormat('preserve_format');

export function parseMemoryFormat(v: unknown): MemoryFormat {
  if (v instanceof MemoryFormat) return v;
  throw new TypeError(`expected a torch memory format, got ${String(v)}`);
}

const channelsLastOrder2d = [1, 3, 2, 0];
const channelsLastOrder3d = [1, 4, 3, 2, 0];

/** Strides of a new dense tensor of `shape` in `format`. */
export function stridesForFormat(shape: readonly number[], format: MemoryFormat): number[] {
  if (format === contiguousFormat || format === preserveFormat) return contiguousStrides(shape);
  const rank = format === channelsLast ? 4 : 5;
  if (shape.length !== rank)
    throw new TensorError(`required rank ${rank} tensor to use ${format.name} format`);
  const order = rank === 4 ? channelsLastOrder2d : channelsLastOrder3d;
  const strides = new Array<number>(rank);
  // As c10's get_channels_last_strides: sizes are multiplied without max(size, 1).
  let s = 1;
  for (const d of order) {
    strides[d] = s;
    s *= shape[d];
  }
  return strides;
}

/** PyTorch's is_contiguous(memory_format): size-1 dims may have any stride. */
export function isContiguousAs(shape: readonly number[], strides: readonly number[], format: MemoryFormat): boolean {
  if (format === contiguousFormat || format === preserveFormat) {
    let numel = 1;
    for (const d of shape) numel *= d;
    if (numel === 0) return true;
    let expected = 1;
    for (let d = shape.length - 1; d >= 0; d--) {
      if (shape[d] === 1) continue;
      if (strides[d] !== expected) return false;
      expected *= shape[d];
    }
    return true;
  }
  const order = format === channelsLast ? channelsLastOrder2d : channelsLastOrder3d;
  if (shape.length !== order.length) return false;
  let expected = 1;
  for (const d of order) {
    if (shape[d] === 1) continue;
    if (strides[d] !== expected) return false;
    expected *= shape[d];
  }
  return true;
}

/** c10's is_channels_last_strides_2d/3d: strides that look like channels_last. */
function stridesLikeChannelsLast(shape: readonly number[], strides: readonly number[], order: number[]): boolean {
  let min = 0;
  if (strides[1] === 0) return false; // trivial C dimension: NCHW by default
  for (const d of order) {
    if (shape[d] === 0) return false;
    if (strides[d] < min) return false;
    // N111 and similar ambiguous cases fall back to NCHW, as PyTorch.
    if (d === 0 && min === strides[1]) return false;
    min = strides[d];
    if (shape[d] > 1) min *= shape[d];
  }
  return true;
}

/** PyTorch's suggest_memory_format. */
export function suggestFormat(shape: readonly number[], strides: readonly number[]): MemoryFormat {
  if (shape.length === 4 && stridesLikeChannelsLast(shape, strides, channelsLastOrder2d)) return channelsLast;
  if (shape.length === 5 && stridesLikeChannelsLast(shape, strides, channelsLastOrder3d)) return channelsLast3d;
  return contiguousFormat;
}
