/**
 * Joining and splitting (API.md §2): cat/stack and their h/v/d forms copy each input into
 * a slice of one new tensor (no per-element JavaScript); chunk/split/tensorSplit/unbind
 * are views. cat's derivative hands each input its slice of the gradient (CatBackward0).
 */
import { TensorError } from '../errors';
import { Tensor } from '../tensor';
import { promoteTypes } from '../dtype';
import { needsGrad, record } from '../autograd/node';
import { noGrad } from '../autograd/grad-mode';
import { defineOp } from './registry';
import { namedArg, type Named } from '../args';
import { narrow, select, unsqueeze, reshape } from './shape';
import { contiguousFormat, stridesForFormat, suggestFormat } from '../memory-format';
import { gradFor } from './pointwise';

/** PyTorch skips legacy empty 1-D tensors (shape [0]) in cat. */
function isLegacyEmpty(t: Tensor): boolean {
  return t.dim() === 1 && t._shape[0] === 0;
}

export function cat(tensors: readonly Tensor[], dim: number | { dim?: number; out?: Tensor } = 0): Tensor {
  const opts = typeof dim === 'number' ? { dim } : dim;
  if (!Array.isArray(tensors)) throw new TypeError("cat(): argument 'tensors' must be a list of Tensors");
  if (tensors.length === 0) throw new TensorError('torch.cat(): expected a non-empty list of Tensors');
  for (const t of tensors) if (!(t instanceof Tensor)) throw new TypeError("cat(): argument 'tensors' must be a list of Tensors");
  const parts = tensors.filter((t) => !isLegacyEmpty(t));
  const dtype = tensors.map((t) => t.dtype).reduce(promoteTypes);
  if (parts.length === 0) return Tensor.empty([0], dtype);
  const ref = parts[0];
  if (ref.dim() === 0) throw new TensorError(`zero-dimensional tensor (at position 0) cannot be concatenated`);
  const d = ref.wrapDim(opts.dim ?? 0);
  parts.forEach((t, i) => {
    if (t.dim() !== ref.dim()) throw new TensorError(`Tensors must have same number of dimensions: got ${ref.dim()} and ${t.dim()}`);
    for (let k = 0; k < ref.dim(); k++) {
      if (k !== d && t._shape[k] !== ref._shape[k])
        throw new TensorError(`Sizes of tensors must match except in dimension ${d}. Expected size ${ref._shape[k]} but got size ${t._shape[k]} for tensor number ${i} in the list.`);
    }
  });
  const shape = [...ref._shape];
  shape[d] = parts.reduce((n, t) => n + t._shape[d], 0);
  // PyTorch's cat_compute_output_memory_format: the inputs' suggested memory format when
  // they all agree (channels_last stays channels_last), else contiguous; never another
  // permutation (stack's unsqueezed inputs would tie strides and come out transposed).
  const formats = parts.map((t) => suggestFormat(t._shape, t._strides));
  const format = formats.every((f) => f === formats[0]) ? formats[0] : contiguousFormat;
  const out = opts.out ?? Tensor.emptyStrided(shape, stridesForFormat(shape, format), dtype);
  if (opts.out && (opts.out._shape.length !== shape.length || opts.out._shape.some((s, i) => s !== shape[i])))
    throw new TensorError(`cat(): output with shape [${opts.out._shape.join(', ')}] doesn't match [${shape.join(', ')}]`);
  noGrad(() => {
    let offset = 0;
    for (const t of parts) {
      narrow(out, d, offset, t._shape[d]).copy_(t);
      offset += t._shape[d];
    }
  });
  if (!opts.out && needsGrad(parts)) {
    const sizes = parts.map((t) => t._shape[d]);
    record('CatBackward0', parts, [out], () => ([g]) => {
      let offset = 0;
      return parts.map((t, i) => {
        const slice = narrow(g as Tensor, d, offset, sizes[i]);
        offset += sizes[i];
        return gradFor(slice, t);
      });
    });
  }
  return out;
}

export function stack(tensors: readonly Tensor[], dimArg?: number | Named<'dim', number>): Tensor {
  const dim = namedArg(dimArg, 'dim', 0);
  if (!Array.isArray(tensors) || tensors.length === 0) throw new TensorError('stack expects a non-empty TensorList');
  for (const t of tensors) if (!(t instanceof Tensor)) throw new TypeError("stack(): argument 'tensors' must be a list of Tensors");
  const ref = tensors[0];
  tensors.forEach((t, i) => {
    if (t._shape.length !== ref._shape.length || t._shape.some((s: number, k: number) => s !== ref._shape[k]))
      throw new TensorError(`stack expects each tensor to be equal size, but got [${ref._shape.join(', ')}] at entry 0 and [${t._shape.join(', ')}] at entry ${i}`);
  });
  const d = ref.wrapDim(dim, ref.dim() + 1);
  // One StackBackward0 node (not CatBackward0 over UnsqueezeBackward0s), as PyTorch's graph.
  const out = noGrad(() => cat(tensors.map((t) => unsqueeze(t, d)), d));
  if (needsGrad(tensors)) record('StackBackward0', tensors, [out], () => ([g]) => tensors.map((t, i) => gradFor(select(g as Tensor, d, i), t)));
  return out;
}

const atLeast = (t: Tensor, rank: number): Tensor => (t.dim() >= rank ? t : reshape(t, rank === 2 ? [1, t.numel()] : t.dim() === 0 ? [1, 1, 1] : t.dim() === 1 ? [1, t._shape[0], 1] : [...t._shape, 1]));
export const vstack = (tensors: readonly Tensor[]): Tensor => cat(tensors.map((t) => atLeast(t, 2)), 0);
export const hstack = (tensors: readonly Tensor[]): Tensor => cat(tensors, tensors[0]?.dim() === 1 ? 0 : 1);
export const dstack = (tensors: readonly Tensor[]): Tensor => cat(tensors.map((t) => atLeast(t, 3)), 2);

/** chunk: ceil(size / chunks) per piece, fewer pieces when they run out (PyTorch's rule). */
export function chunk(t: Tensor, chunks: number, dimArg?: number | Named<'dim', number>): Tensor[] {
  const dim = namedArg(dimArg, 'dim', 0);
  if (!Number.isInteger(chunks) || chunks <= 0) throw new TensorError('chunk expects `chunks` to be greater than 0, got: ' + chunks);
  const d = t.wrapDim(dim);
  const size = t._shape[d];
  const step = Math.ceil(size / chunks);
  return split(t, Math.max(step, 1), d).slice(0, size === 0 ? chunks : undefined);
}

/** split(int) into pieces of that size (the last smaller), or split(sizes) exactly. */
export function split(t: Tensor, sizes: number | readonly number[], dimArg?: number | Named<'dim', number>): Tensor[] {
  const d = t.wrapDim(namedArg(dimArg, 'dim', 0));
  const size = t._shape[d];
  if (typeof sizes === 'number') {
    if (sizes <= 0 && size !== 0) throw new TensorError(`split_size can only be 0 if dimension size is 0, but got dimension size of ${size}`);
    const out: Tensor[] = [];
    for (let start = 0; start < size; start += sizes) out.push(narrow(t, d, start, Math.min(sizes, size - start)));
    return out.length ? out : [narrow(t, d, 0, 0)];
  }
  const total = sizes.reduce((a, b) => a + b, 0);
  if (total !== size)
    throw new TensorError(`split_with_sizes expects split_sizes to sum exactly to ${size} (input tensor's size at dimension ${d}), but got split_sizes=[${sizes.join(', ')}]`);
  let start = 0;
  return sizes.map((s) => { const v = narrow(t, d, start, s); start += s; return v; });
}

/** tensor_split: n nearly-equal sections (the first size % n one larger), or at indices. */
export function tensorSplit(t: Tensor, sections: number | readonly number[], dimArg?: number | Named<'dim', number>): Tensor[] {
  const d = t.wrapDim(namedArg(dimArg, 'dim', 0));
  const size = t._shape[d];
  let bounds: number[];
  if (typeof sections === 'number') {
    if (sections <= 0) throw new TensorError(`number of sections must be larger than 0, got ${sections}`);
    const base = Math.floor(size / sections), extra = size % sections;
    bounds = [];
    let at = 0;
    for (let i = 0; i < sections - 1; i++) bounds.push((at += base + (i < extra ? 1 : 0)));
  } else bounds = [...sections];
  const out: Tensor[] = [];
  let prev = 0;
  for (const b of [...bounds, size]) {
    const start = Math.min(Math.max(prev, 0), size), end = Math.min(Math.max(b, start), size);
    out.push(narrow(t, d, start, end - start));
    prev = b;
  }
  return out;
}

export function unbind(t: Tensor, dimArg?: number | Named<'dim', number>): Tensor[] {
  const d = t.wrapDim(namedArg(dimArg, 'dim', 0));
  return Array.from({ length: t._shape[d] }, (_, i) => select(t, d, i));
}

defineOp({ name: 'cat', kind: 'join', fn: cat, aliases: ['concatenate', 'concat'], backwardName: 'CatBackward0' });
defineOp({ name: 'stack', kind: 'join', fn: stack, backwardName: 'StackBackward0' });
defineOp({ name: 'vstack', kind: 'join', fn: vstack });
defineOp({ name: 'hstack', kind: 'join', fn: hstack });
defineOp({ name: 'dstack', kind: 'join', fn: dstack });
defineOp({ name: 'chunk', kind: 'split', fn: chunk, method: chunk });
defineOp({ name: 'split', kind: 'split', fn: split, method: split });
defineOp({ name: 'tensorSplit', kind: 'split', fn: tensorSplit, method: tensorSplit });
defineOp({ name: 'unbind', kind: 'split', fn: unbind, method: unbind });

declare module '../tensor' {
  interface Tensor {
    chunk(chunks: number, dim?: number | Named<'dim', number>): Tensor[];
    split(sizes: number | readonly number[], dim?: number | Named<'dim', number>): Tensor[];
    tensorSplit(sections: number | readonly number[], dim?: number | Named<'dim', number>): Tensor[];
    unbind(dim?: number | Named<'dim', number>): Tensor[];
  }
}
