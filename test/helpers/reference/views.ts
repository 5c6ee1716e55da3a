/**
 * Reference view ops and basic indexing. Each is a pure rearrangement of elements, so the
 * fuzzer also applies it to an array of flat positions in the base tensor: the result says
 * which base element every view element aliases (for checking in-place writes through views).
 */
import { Arr, broadcastShapes, fail, numel, ravel, unravel, wrapDim } from './ndarray';

/** out[i] = a.data[src(idx of i)] over the given output shape. */
function gatherBy(a: Arr, shape: number[], src: (idx: number[]) => number[]): Arr {
  const data = new Array<number>(numel(shape));
  for (let i = 0; i < data.length; i++) data[i] = a.data[ravel(src(unravel(i, shape)), a.shape)];
  return { shape, data, dtype: a.dtype };
}

export function permute(a: Arr, dims: number[]): Arr {
  const n = a.shape.length;
  if (dims.length !== n) fail(`permute(sparse_coo): number of dimensions in the tensor input does not match the length of the desired ordering of dimensions i.e. input.dim() = ${n} is not equal to len(dims) = ${dims.length}`);
  const w = dims.map((d) => wrapDim(d, n));
  if (new Set(w).size !== n) fail('permute(): duplicate dims are not allowed.');
  if (n === 0) return { ...a, data: [...a.data] };
  return gatherBy(a, w.map((d) => a.shape[d]), (idx) => {
    const src = new Array<number>(n);
    w.forEach((d, i) => (src[d] = idx[i]));
    return src;
  });
}

export function transpose(a: Arr, d0: number, d1: number): Arr {
  const n = a.shape.length;
  const x = wrapDim(d0, n), y = wrapDim(d1, n);
  if (n === 0) return { ...a, data: [...a.data] };
  const order = [...Array(n).keys()];
  [order[x], order[y]] = [order[y], order[x]];
  return permute(a, order);
}

export function narrow(a: Arr, dim: number, start: number, length: number): Arr {
  if (a.shape.length === 0) fail('narrow() cannot be applied to a 0-dim tensor.');
  const d = wrapDim(dim, a.shape.length);
  const size = a.shape[d];
  if (start < -size || start > size) fail(`start out of range (expected to be in range of [${-size}, ${size}], but got ${start})`);
  const s = start < 0 ? start + size : start;
  if (length < 0 || s + length > size) fail(`start (${s}) + length (${length}) exceeds dimension size (${size}).`);
  return gatherBy(a, a.shape.map((v, i) => (i === d ? length : v)), (idx) => idx.map((v, i) => (i === d ? v + s : v)));
}

export function expand(a: Arr, sizes: number[]): Arr {
  const n = sizes.length, lead = n - a.shape.length;
  if (lead < 0) fail(`expand: the number of sizes provided (${n}) must be greater or equal to the number of dimensions in the tensor (${a.shape.length})`);
  const shape = sizes.map((s, i) => {
    const own = i >= lead ? a.shape[i - lead] : undefined;
    if (s === -1) {
      if (own === undefined) fail(`The expanded size of the tensor (-1) isn't allowed in a leading, non-existing dimension ${i}`);
      return own;
    }
    if (s < 0) fail(`Trying to create tensor with negative dimension ${s}`);
    if (own !== undefined && own !== 1 && own !== s) fail(`The expanded size of the tensor (${s}) must match the existing size (${own}) at non-singleton dimension ${i}`);
    return s;
  });
  return gatherBy(a, shape, (idx) => idx.slice(lead).map((v, i) => (a.shape[i] === 1 ? 0 : v)));
}

/** The shape with one -1 inferred; PyTorch's error when the sizes cannot hold the elements. */
export function inferShape(shape: number[], count: number): number[] {
  const neg = shape.filter((s) => s === -1).length;
  if (neg > 1) fail('only one dimension can be inferred');
  if (shape.some((s) => s < -1)) fail(`invalid shape dimension ${shape.find((s) => s < -1)}`);
  const known = numel(shape.filter((s) => s !== -1));
  if (neg === 1) {
    if (known === 0 || count % known !== 0) fail(`shape '[${shape}]' is invalid for input of size ${count}`);
    return shape.map((s) => (s === -1 ? count / known : s));
  }
  if (known !== count) fail(`shape '[${shape}]' is invalid for input of size ${count}`);
  return [...shape];
}

export function reshape(a: Arr, shape: number[]): Arr {
  return { shape: inferShape(shape, a.data.length), data: [...a.data], dtype: a.dtype };
}

export function squeeze(a: Arr, dim?: number): Arr {
  if (dim === undefined) return { shape: a.shape.filter((s) => s !== 1), data: [...a.data], dtype: a.dtype };
  const d = wrapDim(dim, a.shape.length);
  return { shape: a.shape.filter((s, i) => !(i === d && s === 1)), data: [...a.data], dtype: a.dtype };
}

export function unsqueeze(a: Arr, dim: number): Arr {
  const d = wrapDim(dim, a.shape.length + 1);
  const shape = [...a.shape];
  shape.splice(d, 0, 1);
  return { shape, data: [...a.data], dtype: a.dtype };
}

export function flatten(a: Arr, start: number, end: number): Arr {
  if (a.shape.length === 0) return { shape: [1], data: [...a.data], dtype: a.dtype };
  const s = wrapDim(start, a.shape.length), e = wrapDim(end, a.shape.length);
  if (s > e) fail('flatten() has invalid args: start_dim cannot come after end_dim');
  const shape = [...a.shape.slice(0, s), numel(a.shape.slice(s, e + 1)), ...a.shape.slice(e + 1)];
  return { shape, data: [...a.data], dtype: a.dtype };
}

/** One basic index of t.index(...): a number, a 'start:stop:step' slice, null (new axis) or '...'. */
export type BasicIndex = number | string | null;

function parseSlice(s: string, size: number): { start: number; step: number; len: number } {
  const parts = s.split(':');
  if (parts.length < 2 || parts.length > 3) fail(`invalid slice ${s}`);
  const num = (p: string | undefined): number | undefined => (p === undefined || p === '' ? undefined : Number(p));
  const step = num(parts[2]) ?? 1;
  if (!Number.isInteger(step)) fail(`invalid slice ${s}`);
  if (step <= 0) fail('step must be greater than zero');
  const clampIdx = (v: number | undefined, dflt: number): number => {
    if (v === undefined) return dflt;
    if (!Number.isInteger(v)) fail(`invalid slice ${s}`);
    const w = v < 0 ? v + size : v;
    return Math.min(Math.max(w, 0), size);
  };
  const start = clampIdx(num(parts[0]), 0), stop = clampIdx(num(parts[1]), size);
  return { start, step, len: stop > start ? Math.ceil((stop - start) / step) : 0 };
}

/** Python's t[...] with basic indices only. */
export function basicIndex(a: Arr, idx: BasicIndex[]): Arr {
  const ell = idx.filter((i) => i === '...').length;
  if (ell > 1) fail('an index can only have a single ellipsis');
  const consuming = idx.filter((i) => i !== null && i !== '...').length;
  if (consuming > a.shape.length) fail(`too many indices for tensor of dimension ${a.shape.length}`);
  const full: BasicIndex[] = [];
  for (const i of idx) {
    if (i === '...') for (let k = 0; k < a.shape.length - consuming; k++) full.push(':');
    else full.push(i);
  }
  if (ell === 0) for (let k = consuming; k < a.shape.length; k++) full.push(':');
  // Output dims: each slice or null gives one; each number fixes a source coordinate.
  const outShape: number[] = [];
  const plan: ({ kind: 'fix'; v: number } | { kind: 'slice'; start: number; step: number; out: number } | { kind: 'new'; out: number })[] = [];
  let src = 0;
  for (const i of full) {
    if (i === null) {
      plan.push({ kind: 'new', out: outShape.length });
      outShape.push(1);
    } else if (typeof i === 'number') {
      const size = a.shape[src++];
      if (!Number.isInteger(i)) fail(`invalid index ${i}`);
      if (i < -size || i >= size) fail(`index ${i} is out of bounds for dimension ${src - 1} with size ${size}`);
      plan.push({ kind: 'fix', v: i < 0 ? i + size : i });
    } else {
      const { start, step, len } = parseSlice(i, a.shape[src++]);
      plan.push({ kind: 'slice', start, step, out: outShape.length });
      outShape.push(len);
    }
  }
  return gatherBy(a, outShape, (o) => {
    const s: number[] = [];
    for (const p of plan) {
      if (p.kind === 'fix') s.push(p.v);
      else if (p.kind === 'slice') s.push(p.start + p.step * o[p.out]);
    }
    return s;
  });
}

export { broadcastShapes };
