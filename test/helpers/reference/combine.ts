/** Reference ops over several tensors: matmul family, cat/stack, gather/scatterAdd, tensor indexing. */
import { Arr, DT, broadcastShapes, broadcastTo, cast, fail, numel, promoteTypes, ravel, shapeEq, unravel, wrapDim } from './ndarray';

function checkMatmulTypes(a: Arr, b: Arr): void {
  if (a.dtype !== b.dtype) fail(`expected scalar type ${a.dtype} but found ${b.dtype}`);
  if (a.dtype === 'bool') fail('"addmm_impl_cpu_" not implemented for \'Bool\'');
}

/** Batched (..., n, k) @ (..., k, m) with broadcast batch dims. */
function batched(a: Arr, b: Arr): Arr {
  const [n, k] = a.shape.slice(-2), [k2, m] = b.shape.slice(-2);
  if (k !== k2) fail(`mat1 and mat2 shapes cannot be multiplied (${n}x${k} and ${k2}x${m})`);
  const batch = broadcastShapes(a.shape.slice(0, -2), b.shape.slice(0, -2));
  const A = broadcastTo(a, [...batch, n, k]), B = broadcastTo(b, [...batch, k, m]);
  const nb = numel(batch), data = new Array<number>(nb * n * m).fill(0);
  for (let p = 0; p < nb; p++)
    for (let i = 0; i < n; i++)
      for (let j = 0; j < m; j++) {
        let s = 0;
        for (let t = 0; t < k; t++) s += A.data[(p * n + i) * k + t] * B.data[(p * k + t) * m + j];
        data[(p * n + i) * m + j] = s;
      }
  return cast({ shape: [...batch, n, m], data, dtype: a.dtype }, a.dtype);
}

export function matmul(a: Arr, b: Arr): Arr {
  if (a.shape.length === 0 || b.shape.length === 0) fail('both arguments to matmul need to be at least 1D');
  checkMatmulTypes(a, b);
  const a2 = a.shape.length === 1 ? { ...a, shape: [1, a.shape[0]] } : a;
  const b2 = b.shape.length === 1 ? { ...b, shape: [b.shape[0], 1] } : b;
  if (a.shape.length === 1 && b.shape.length === 1 && a.shape[0] !== b.shape[0])
    fail(`inconsistent tensor size, expected tensor [${a.shape[0]}] and src [${b.shape[0]}] to have the same number of elements, but got ${a.shape[0]} and ${b.shape[0]} elements respectively`);
  const r = batched(a2, b2);
  const shape = [...r.shape];
  if (a.shape.length === 1 && b.shape.length === 1) shape.length = 0;
  else if (a.shape.length === 1) shape.splice(shape.length - 2, 1);
  else if (b.shape.length === 1) shape.pop();
  return { ...r, shape };
}

export function mm(a: Arr, b: Arr): Arr {
  if (a.shape.length !== 2) fail('self must be a matrix');
  if (b.shape.length !== 2) fail('mat2 must be a matrix');
  checkMatmulTypes(a, b);
  return batched(a, b);
}

export function bmm(a: Arr, b: Arr): Arr {
  if (a.shape.length !== 3) fail('batch1 must be a 3D tensor');
  if (b.shape.length !== 3) fail('batch2 must be a 3D tensor');
  checkMatmulTypes(a, b);
  if (a.shape[0] !== b.shape[0]) fail('batch1 and batch2 must have same number of batches');
  return batched(a, b);
}

export function cat(ts: Arr[], dim: number): Arr {
  if (ts.length === 0) fail('torch.cat(): expected a non-empty list of Tensors');
  const dtype = ts.map((t) => t.dtype).reduce((x, y) => promoteTypes(x, y));
  // Legacy rule: 1-D empty tensors are skipped whatever the others' shapes.
  const parts = ts.filter((t) => !(t.shape.length === 1 && t.shape[0] === 0));
  if (parts.length === 0) return { shape: [0], data: [], dtype };
  const ref = parts[0];
  if (ts.some((t) => t.shape.length === 0)) fail('zero-dimensional tensor cannot be concatenated');
  const d = wrapDim(dim, ref.shape.length);
  for (const t of parts) {
    if (t.shape.length !== ref.shape.length) fail('Tensors must have same number of dimensions');
    t.shape.forEach((s, i) => {
      if (i !== d && s !== ref.shape[i]) fail(`Sizes of tensors must match except in dimension ${d}. Expected size ${ref.shape[i]} but got size ${s} for tensor number 1 in the list.`);
    });
  }
  const total = parts.reduce((s, t) => s + t.shape[d], 0);
  const shape = ref.shape.map((s, i) => (i === d ? total : s));
  const data = new Array<number>(numel(shape));
  let offset = 0;
  for (const t of parts) {
    const c = cast(t, dtype);
    for (let i = 0; i < c.data.length; i++) {
      const idx = unravel(i, t.shape);
      idx[d] += offset;
      data[ravel(idx, shape)] = c.data[i];
    }
    offset += t.shape[d];
  }
  return { shape, data, dtype };
}

export function stack(ts: Arr[], dim: number): Arr {
  if (ts.length === 0) fail('stack expects a non-empty TensorList');
  const d = wrapDim(dim, ts[0].shape.length + 1);
  ts.forEach((t, i) => {
    if (!shapeEq(t.shape, ts[0].shape)) fail(`stack expects each tensor to be equal size, but got [${ts[0].shape}] at entry 0 and [${t.shape}] at entry ${i}`);
  });
  const un = ts.map((t) => {
    const shape = [...t.shape];
    shape.splice(d, 0, 1);
    return { ...t, shape };
  });
  return cat(un, d);
}

function checkIndex(self: Arr, dim: number, index: Arr, op: string): number {
  if (index.dtype !== 'int64') fail(`${op}(): Expected dtype int64 for index`);
  const n = Math.max(self.shape.length, 1);
  const d = wrapDim(dim, self.shape.length);
  if (Math.max(index.shape.length, 1) !== n) fail('Index tensor must have the same number of dimensions as input tensor');
  return d;
}

export function gather(self: Arr, dim: number, index: Arr): Arr {
  const d = checkIndex(self, dim, index, 'gather');
  const sshape = self.shape.length === 0 ? [1] : self.shape, ishape = index.shape.length === 0 ? [1] : index.shape;
  if (numel(ishape) > 0) ishape.forEach((s, i) => {
    if (i !== d && s > sshape[i]) fail(`Size does not match at dimension ${i} expected index [${index.shape}] to be smaller than self [${self.shape}] apart from dimension ${d}`);
  });
  const data = index.data.map((v, i) => {
    if (v < -sshape[d] || v >= sshape[d]) fail(`index ${v} is out of bounds for dimension ${d} with size ${sshape[d]}`);
    const idx = unravel(i, ishape);
    idx[d] = v < 0 ? v + sshape[d] : v;
    return self.data[ravel(idx, sshape)];
  });
  return { shape: [...index.shape], data, dtype: self.dtype };
}

export function scatterAdd(self: Arr, dim: number, index: Arr, src: Arr): Arr {
  const d = checkIndex(self, dim, index, 'scatter_add');
  if (src.dtype !== self.dtype) fail(`scatter(): Expected self.dtype to be equal to src.dtype`);
  const sshape = self.shape.length === 0 ? [1] : self.shape, ishape = index.shape.length === 0 ? [1] : index.shape;
  const srcShape = src.shape.length === 0 ? [1] : src.shape;
  if (srcShape.length !== ishape.length) fail('Index tensor must have the same number of dimensions as src tensor');
  if (numel(ishape) > 0) ishape.forEach((s, i) => {
    if (i !== d && s > sshape[i]) fail(`Expected index [${index.shape}] to be smaller than self [${self.shape}] apart from dimension ${d}`);
    if (s > srcShape[i]) fail(`Expected index [${index.shape}] to be smaller than src [${src.shape}]`);
  });
  const data = [...self.data];
  index.data.forEach((v, i) => {
    if (v < -sshape[d] || v >= sshape[d]) fail(`index ${v} is out of bounds for dimension ${d} with size ${sshape[d]}`);
    const idx = unravel(i, ishape);
    const s = src.data[ravel(idx, srcShape)];
    idx[d] = v < 0 ? v + sshape[d] : v;
    data[ravel(idx, sshape)] += s;
  });
  return cast({ shape: [...self.shape], data, dtype: self.dtype }, self.dtype);
}

/** t[indexTensor]: int64 indices select along dim 0, a bool mask of t's shape selects elements. */
export function tensorIndex(self: Arr, index: Arr): Arr {
  if (index.dtype === 'bool') {
    if (!shapeEq(index.shape, self.shape.slice(0, index.shape.length)))
      fail(`The shape of the mask [${index.shape}] at index 0 does not match the shape of the indexed tensor [${self.shape}] at index 0`);
    const inner = numel(self.shape.slice(index.shape.length));
    const data: number[] = [];
    index.data.forEach((m, i) => {
      if (m) for (let k = 0; k < inner; k++) data.push(self.data[i * inner + k]);
    });
    const count = index.data.filter((m) => m).length;
    return { shape: [count, ...self.shape.slice(index.shape.length)], data, dtype: self.dtype };
  }
  if (index.dtype !== 'int64' && index.dtype !== 'int32') fail('tensors used as indices must be long, int, byte or bool tensors');
  if (self.shape.length === 0) fail('too many indices for tensor of dimension 0');
  const size = self.shape[0], inner = numel(self.shape.slice(1));
  const data: number[] = [];
  for (const v of index.data) {
    // PyTorch checks an index only when it copies an element (none when the rows are empty),
    // except that a dim of size 0 refuses any index.
    if ((v < -size || v >= size) && (inner > 0 || size === 0)) fail(`index ${v} is out of bounds for dimension 0 with size ${size}`);
    const r = v < 0 ? v + size : v;
    for (let k = 0; k < inner; k++) data.push(self.data[r * inner + k]);
  }
  return { shape: [...index.shape, ...self.shape.slice(1)], data, dtype: self.dtype as DT };
}
