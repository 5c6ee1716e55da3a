/**
 * Linear algebra (API.md §3): matmul and its family, all on the native GEMM
 * (native/src/kernels/gemm). Operands reach the kernel with their own strides, so a
 * transposed, sliced or expanded view is never copied (linear's weight.T included), and
 * broadcast batch dims get stride 0. Shape checks, dtype rules and messages are
 * PyTorch 1.13's: these ops do not promote, mixed dtypes are an error, bool is refused.
 */
import { DType, bool } from '../dtype';
import { TensorError } from '../errors';
import { native } from '../native';
import { Tensor } from '../tensor';
import { broadcastShapes } from '../promotion';
import { contiguousStrides } from '../size';
import { defineOp, profiledOp } from './registry';
import { add, gradFor, mul, scalarTypeNames } from './pointwise';
import { expand, reshape, squeeze, tT, unsqueeze, view } from './shape';
import { differentiable, needsGrad } from '../autograd/node';
import { assertNoInternalOverlap } from './operands';

export interface OutOpts {
  out?: Tensor;
}
export interface AddmmOpts extends OutOpts {
  beta?: number;
  alpha?: number;
}

// ---- the kernel call ------------------------------------------------------------------

/** A tensor's storage seen as a batch of matrices: strides over [...batch, rows, cols]. */
interface MatrixOperand {
  t: Tensor;
  strides: readonly number[];
}

const meta = native.meta;

/**
 * One kernel call: C = alpha * A @ B + beta * C over `batch` matrices (m x n, m x k,
 * k x n), each operand given by storage offset, batch stride, row and column strides.
 * Plain arguments, no objects: this is the whole per-call cost of a small product.
 */
function callKernel(
  batch: number, m: number, n: number, k: number,
  c: Tensor, offC: number, bsC: number, rsC: number, csC: number,
  a: Tensor, offA: number, bsA: number, rsA: number, csA: number,
  b: Tensor, offB: number, bsB: number, rsB: number, csB: number,
  alpha: number, beta: number,
): void {
  if (batch === 0 || m === 0 || n === 0) return;
  c._storage.assertAlive();
  a._storage.assertAlive();
  b._storage.assertAlive();
  meta[0] = batch;
  meta[1] = m;
  meta[2] = n;
  meta[3] = k;
  meta[4] = c.dtype.code;
  meta[5] = offC;
  meta[6] = bsC;
  meta[7] = rsC;
  meta[8] = csC;
  meta[9] = a.dtype.code;
  meta[10] = offA;
  meta[11] = bsA;
  meta[12] = rsA;
  meta[13] = csA;
  meta[14] = b.dtype.code;
  meta[15] = offB;
  meta[16] = bsB;
  meta[17] = rsB;
  meta[18] = csB;
  native.matmul(c._storage.bytes, a._storage.bytes, b._storage.bytes, alpha, beta);
}

/**
 * When every item of a batch multiplies the same B (a batch of matrices by one matrix,
 * linear on a 3-D input) and the batch dims of A and C step evenly into their rows, the
 * batch is one tall product: B is packed once instead of once per item (PyTorch folds
 * the same way). Returns the folded row count, or 0.
 */
function foldedRows(batch: readonly number[], m: number, c: MatrixOperand, a: MatrixOperand, b: MatrixOperand): number {
  const nb = batch.length;
  let rows = m;
  for (let d = nb - 1; d >= 0; d--) {
    if (batch[d] === 1) continue;
    if (b.strides[d] !== 0) return 0;
    if (a.strides[d] !== a.strides[nb] * rows || c.strides[d] !== c.strides[nb] * rows) return 0;
    rows *= batch[d];
  }
  return rows;
}

/**
 * C = alpha * A @ B + beta * C over a batch: C is [...batch, m, n], A [...batch, m, k],
 * B [...batch, k, n] (batch dims already broadcast, stride 0 where expanded). Batch dims
 * that all three operands step through evenly merge into the kernel's one batch dim;
 * any others loop here.
 */
function launchGemm(
  batch: readonly number[], m: number, n: number, k: number, c: MatrixOperand, a: MatrixOperand, b: MatrixOperand,
  alpha: number, beta: number,
): void {
  if (m === 0 || n === 0 || batch.some((s) => s === 0)) return;
  const nb = batch.length;
  const [rsC, csC, rsA, csA, rsB, csB] = [c.strides[nb], c.strides[nb + 1], a.strides[nb], a.strides[nb + 1], b.strides[nb], b.strides[nb + 1]];
  const folded = foldedRows(batch, m, c, a, b);
  if (folded > 0) {
    callKernel(1, folded, n, k, c.t, c.t._offset, 0, rsC, csC, a.t, a.t._offset, 0, rsA, csA, b.t, b.t._offset, 0, rsB, csB, alpha, beta);
    return;
  }
  const sizes: number[] = [];
  const steps: number[][] = [[], [], []]; // per operand (c, a, b), per kept batch dim
  for (let d = 0; d < nb; d++) {
    if (batch[d] === 1) continue;
    const last = sizes.length - 1;
    const s = [c.strides[d], a.strides[d], b.strides[d]];
    if (last >= 0 && steps.every((st, i) => st[last] === s[i] * batch[d])) {
      sizes[last] *= batch[d];
      steps.forEach((st, i) => (st[last] = s[i]));
    } else {
      sizes.push(batch[d]);
      steps.forEach((st, i) => st.push(s[i]));
    }
  }
  // The innermost kept dim is the kernel's batch; the outer ones loop here.
  const inner = sizes.length - 1;
  const loop = (level: number, offC: number, offA: number, offB: number): void => {
    if (level < inner) {
      for (let i = 0; i < sizes[level]; i++)
        loop(level + 1, offC + i * steps[0][level], offA + i * steps[1][level], offB + i * steps[2][level]);
      return;
    }
    const count = inner >= 0 ? sizes[inner] : 1;
    const [bsC, bsA, bsB] = inner >= 0 ? [steps[0][inner], steps[1][inner], steps[2][inner]] : [0, 0, 0];
    callKernel(count, m, n, k, c.t, offC, bsC, rsC, csC, a.t, offA, bsA, rsA, csA, b.t, offB, bsB, rsB, csB, alpha, beta);
  };
  loop(0, c.t._offset, a.t._offset, b.t._offset);
}

/** Strides of `t` (whose trailing dims are the matrix) aligned to [...batch, rows, cols]. */
function batchedStrides(t: Tensor, batch: readonly number[], rowStride: number, colStride: number): number[] {
  const nb = batch.length;
  const own = t.dim() - 2;
  const strides = new Array<number>(nb + 2).fill(0);
  for (let d = 0; d < own; d++) {
    const target = nb - own + d;
    strides[target] = t._shape[d] === 1 ? 0 : t._strides[d];
  }
  strides[nb] = rowStride;
  strides[nb + 1] = colStride;
  return strides;
}

// ---- results and out= -----------------------------------------------------------------

const typeMetaNames: Record<string, string> = {
  float32: 'float', float64: 'double', int64: 'long int', int32: 'int', int16: 'short int', int8: 'signed char',
  uint8: 'unsigned char', bool: 'bool',
};

/**
 * Where a product of `shape` goes: a new contiguous tensor, or the out= tensor (dtype
 * checked, resized when its shape differs, as PyTorch does with a deprecation warning).
 * An out= sharing memory with an input gets the result through a temporary; finish()
 * then copies it over.
 */
function resultTensor(shape: readonly number[], dtype: DType, out: Tensor | undefined, inputs: readonly Tensor[], dotStyle = false): Tensor {
  if (out === undefined) return Tensor.empty(shape, dtype);
  if (!(out instanceof Tensor)) throw new TypeError("argument 'out' must be Tensor");
  if (out.dtype !== dtype)
    throw new TensorError(
      dotStyle
        ? `result dtype ${scalarTypeNames[out.dtype.name]} does not match input dtype ${scalarTypeNames[dtype.name]}`
        : `Expected out tensor to have dtype ${typeMetaNames[dtype.name]}, but got ${typeMetaNames[out.dtype.name]} instead`,
    );
  resizeOut(out, shape);
  assertNoInternalOverlap(out);
  return inputs.some((t) => t._storage === out._storage) ? Tensor.empty(shape, dtype) : out;
}

/** The op's return value once `target` (from resultTensor) holds the result. */
function finish(target: Tensor, out: Tensor | undefined): Tensor {
  if (out === undefined) return target;
  if (target !== out) return out.copy_(target);
  out._storage.version++;
  return out;
}

/** An out= of another shape gets fresh memory of the result's shape (PyTorch resizes it too). */
function resizeOut(out: Tensor, shape: readonly number[]): void {
  if (out._shape.length === shape.length && out._shape.every((d, i) => d === shape[i])) return;
  out._takeStorageOf(Tensor.empty(shape, out.dtype));
}

// ---- checks, with PyTorch's messages --------------------------------------------------

function notImplemented(kernel: string, dtype: DType): TensorError {
  return new TensorError(`"${kernel}" not implemented for '${scalarTypeNames[dtype.name]}'`);
}

/** PyTorch's gemm-backed ops dispatch on the first operand, then read the second as its type. */
function checkDtypes(a: Tensor, b: Tensor, kernel: string): void {
  if (a.dtype === bool) throw notImplemented(kernel, bool);
  if (a.dtype !== b.dtype)
    throw new TensorError(`expected scalar type ${scalarTypeNames[a.dtype.name]} but found ${scalarTypeNames[b.dtype.name]}`);
}

function checkMultipliable(a: Tensor, b: Tensor): void {
  if (a._shape[1] !== b._shape[0])
    throw new TensorError(`mat1 and mat2 shapes cannot be multiplied (${a._shape[0]}x${a._shape[1]} and ${b._shape[0]}x${b._shape[1]})`);
}

function checkBatchShapes(b1: Tensor, b2: Tensor): void {
  if (b1.dim() !== 3) throw new TensorError('batch1 must be a 3D tensor');
  if (b2.dim() !== 3) throw new TensorError('batch2 must be a 3D tensor');
  if (b2._shape[0] !== b1._shape[0] || b2._shape[1] !== b1._shape[2])
    throw new TensorError(
      `Expected size for first two dimensions of batch2 tensor to be: [${b1._shape[0]}, ${b1._shape[2]}] but got: [${b2._shape[0]}, ${b2._shape[1]}].`,
    );
}

function checkMv(mat: Tensor, vec: Tensor): void {
  if (mat.dim() !== 2 || vec.dim() !== 1)
    throw new TensorError(`vector + matrix @ vector expected, got 1, ${mat.dim()}, ${vec.dim()}`);
  if (mat._shape[1] !== vec._shape[0])
    throw new TensorError(`size mismatch, got ${mat._shape[0]}, ${mat._shape[0]}x${mat._shape[1]},${vec._shape[0]}`);
}

function checkDot(a: Tensor, b: Tensor): void {
  if (a.dim() !== 1 || b.dim() !== 1)
    throw new TensorError(`1D tensors expected, but got ${a.dim()}D and ${b.dim()}D tensors`);
  if (a.dtype !== b.dtype)
    throw new TensorError(
      `dot : expected both vectors to have same dtype, but found ${scalarTypeNames[a.dtype.name]} and ${scalarTypeNames[b.dtype.name]}`,
    );
  if (a._shape[0] !== b._shape[0])
    throw new TensorError(
      `inconsistent tensor size, expected tensor [${a._shape[0]}] and src [${b._shape[0]}] to have the same number of elements, but got ${a._shape[0]} and ${b._shape[0]} elements respectively`,
    );
  if (a.dtype === bool) throw notImplemented('dot', bool);
}

function requireTensors(op: string, a: unknown, b: unknown, c: unknown = b): void {
  const bad = !(a instanceof Tensor) ? 0 : !(b instanceof Tensor) ? 1 : !(c instanceof Tensor) ? 2 : -1;
  if (bad >= 0) throw new TypeError(`${op}(): argument ${bad} must be Tensor, not ${typeof [a, b, c][bad]}`);
}

// ---- the products, checks done --------------------------------------------------------

/** target[m, n] = a[m, k] @ b[k, n] (2-D, any strides). */
function product2d(target: Tensor, a: Tensor, b: Tensor, alpha = 1, beta = 0): void {
  const ts = target._strides, as = a._strides, bs = b._strides;
  callKernel(1, a._shape[0], b._shape[1], a._shape[1], target, target._offset, 0, ts[0], ts[1], a, a._offset, 0, as[0], as[1],
    b, b._offset, 0, bs[0], bs[1], alpha, beta);
}

/** mat[m, k] @ vec[k] into target[m]. */
function productMv(target: Tensor, mat: Tensor, vec: Tensor): void {
  callKernel(1, mat._shape[0], 1, mat._shape[1], target, target._offset, 0, target._strides[0], 1,
    mat, mat._offset, 0, mat._strides[0], mat._strides[1], vec, vec._offset, 0, vec._strides[0], 1, 1, 0);
}

/**
 * The general N-D case: t1 [...b1, n, m] (or [m]) @ t2 [...b2, m, p] (or [m]) with the
 * batch dims broadcast, written into a new tensor or out=.
 */
function productBatched(t1: Tensor, t2: Tensor, out: Tensor | undefined): Tensor {
  const d1 = t1.dim(), d2 = t2.dim();
  const n = d1 > 1 ? t1._shape[d1 - 2] : 1, m = t1._shape[d1 - 1];
  const p = d2 > 1 ? t2._shape[d2 - 1] : 1;
  const batch = broadcastShapes(t1._shape.slice(0, Math.max(d1 - 2, 0)), t2._shape.slice(0, Math.max(d2 - 2, 0)));
  const shape = [...batch, ...(d1 > 1 ? [n] : []), ...(d2 > 1 ? [p] : [])];
  const target = resultTensor(shape, t1.dtype, out, [t1, t2]);
  // The dropped vector dims have size 1, so the result's strides over [...batch, n, p]
  // are those of a contiguous [...batch, n, p] when target is fresh; out= brings its own.
  const full = [...batch, n, p];
  const targetStrides = target === out ? expandedStrides(target, full, d1 > 1, d2 > 1) : contiguousStrides(full);
  const a: MatrixOperand = d1 > 1
    ? { t: t1, strides: batchedStrides(t1, batch, t1._strides[d1 - 2], t1._strides[d1 - 1]) }
    : { t: t1, strides: [...new Array<number>(batch.length).fill(0), 0, t1._strides[0]] };
  const b: MatrixOperand = d2 > 1
    ? { t: t2, strides: batchedStrides(t2, batch, t2._strides[d2 - 2], t2._strides[d2 - 1]) }
    : { t: t2, strides: [...new Array<number>(batch.length).fill(0), t2._strides[0], 0] };
  launchGemm(batch, n, p, m, { t: target, strides: targetStrides }, a, b, 1, 0);
  return finish(target, out);
}

/** An out= tensor's strides over [...batch, n, p] when its n or p dim was dropped. */
function expandedStrides(t: Tensor, full: readonly number[], hasRows: boolean, hasCols: boolean): number[] {
  const s = [...t._strides];
  if (!hasCols) s.push(0);
  if (!hasRows) s.splice(full.length - 2, 0, 0);
  return s;
}

// ---- the ops --------------------------------------------------------------------------

export function mm(a: Tensor, b: Tensor, opts?: OutOpts): Tensor {
  requireTensors('mm', a, b);
  if (needsGrad([a, b]) && !opts?.out)
    return differentiable('MmBackward0', [a, b], () => mm(a, b), (g, [x, y]) => [
      a._requiresGrad ? mmProduct.left(g, a, y as Tensor) : null, b._requiresGrad ? mmProduct.right(g, x as Tensor, b) : null]);
  return mmWithoutGrad(a, b, opts);
}

/** mm once the tensors are checked and no gradient is recorded (matmul's 2-D case too). */
function mmWithoutGrad(a: Tensor, b: Tensor, opts?: OutOpts): Tensor {
  if (a.dim() !== 2) throw new TensorError('self must be a matrix');
  if (b.dim() !== 2) throw new TensorError('mat2 must be a matrix');
  checkMultipliable(a, b);
  checkDtypes(a, b, 'addmm_impl_cpu_');
  const target = resultTensor([a._shape[0], b._shape[1]], a.dtype, opts?.out, [a, b]);
  product2d(target, a, b);
  return finish(target, opts?.out);
}

export function bmm(a: Tensor, b: Tensor, opts?: OutOpts): Tensor {
  requireTensors('bmm', a, b);
  if (needsGrad([a, b]) && !opts?.out)
    return differentiable('BmmBackward0', [a, b], () => bmm(a, b), (g, [x, y]) => [
      a._requiresGrad ? bmm(g, (y as Tensor).mT) : null, b._requiresGrad ? bmm((x as Tensor).mT, g) : null]);
  checkBatchShapes(a, b);
  if (a.dtype === bool) throw notImplemented('bmm', bool);
  checkDtypes(a, b, 'bmm');
  const [batch, m, k] = a._shape, n = b._shape[2];
  const target = resultTensor([batch, m, n], a.dtype, opts?.out, [a, b]);
  launchGemm([batch], m, n, k, { t: target, strides: target._strides }, { t: a, strides: a._strides },
    { t: b, strides: b._strides }, 1, 0);
  return finish(target, opts?.out);
}

export function mv(mat: Tensor, vec: Tensor, opts?: OutOpts): Tensor {
  requireTensors('mv', mat, vec);
  if (needsGrad([mat, vec]) && !opts?.out)
    return differentiable('MvBackward0', [mat, vec], () => mv(mat, vec), (g, [m, v]) => [
      mat._requiresGrad ? mul(unsqueeze(g, 1), v as Tensor) : null, vec._requiresGrad ? mv(tT(m as Tensor), g) : null]);
  checkMv(mat, vec);
  checkDtypes(mat, vec, 'addmv_impl_cpu');
  const target = resultTensor([mat._shape[0]], mat.dtype, opts?.out, [mat, vec]);
  productMv(target, mat, vec);
  return finish(target, opts?.out);
}

export function dot(a: Tensor, b: Tensor, opts?: OutOpts): Tensor {
  requireTensors('dot', a, b);
  if (needsGrad([a, b]) && !opts?.out)
    return differentiable('DotBackward0', [a, b], () => dot(a, b), (g, [x, y]) => [
      a._requiresGrad ? mul(g, y as Tensor) : null, b._requiresGrad ? mul(g, x as Tensor) : null]);
  checkDot(a, b);
  const target = resultTensor([], a.dtype, opts?.out, [a, b], true);
  callKernel(1, 1, 1, a._shape[0], target, target._offset, 0, 1, 1, a, a._offset, 0, 1, a._strides[0],
    b, b._offset, 0, b._strides[0], 1, 1, 0);
  return finish(target, opts?.out);
}

export function outer(a: Tensor, b: Tensor, opts?: OutOpts): Tensor {
  requireTensors('outer', a, b);
  if (a.dim() !== 1) throw new TensorError(`outer: Expected 1-D argument self, but got ${a.dim()}-D`);
  if (b.dim() !== 1) throw new TensorError(`outer: Expected 1-D argument vec2, but got ${b.dim()}-D`);
  // As PyTorch: self.reshape({-1, 1}) * vec2, so it promotes like mul.
  if (opts?.out instanceof Tensor) resizeOut(opts.out, [a._shape[0], b._shape[0]]);
  return mul(unsqueeze(a, 1), b, opts);
}

/**
 * PyTorch 1.13's at::matmul: 1-D . 1-D is dot, 2-D @ 1-D mv, 1-D @ 2-D and 2-D @ 2-D mm,
 * N-D with a 1-D/2-D side folds the batch into mm/mv rows, the rest broadcast their
 * batch dims into bmm. The path decides which checks (and messages) apply; the kernel
 * call is the same broadcast product for every N-D case.
 */
export function matmul(t1: Tensor, t2: Tensor, opts?: OutOpts): Tensor {
  requireTensors('matmul', t1, t2);
  if (needsGrad([t1, t2]) && !opts?.out) return matmulComposite(t1, t2);
  const d1 = t1.dim(), d2 = t2.dim();
  const out = opts?.out;
  if (d1 === 0 || d2 === 0)
    throw new TensorError(`both arguments to matmul need to be at least 1D, but they are ${d1}D and ${d2}D`);
  if (d1 === 1 && d2 === 1) return dot(t1, t2, opts);
  if (d1 === 2 && d2 === 1) return mv(t1, t2, opts);
  if (d1 === 2 && d2 === 2) return mmWithoutGrad(t1, t2, opts);
  if (d1 === 1 && d2 === 2) {
    const row = unsqueeze(t1, 0);
    checkMultipliable(row, t2);
    checkDtypes(row, t2, 'addmm_impl_cpu_');
    return productBatched(t1, t2, out);
  }
  if (shouldFold(t1, d2) || shouldFold(t2, d1)) {
    // Checked as the mm/mv PyTorch runs on the folded operands (its messages show the
    // folded shapes); transposed when the batched side is the right one.
    const transpose = d2 > d1;
    const f1 = transpose ? t2 : t1;
    const f2 = transpose ? t1 : t2;
    const s1 = f1._shape;
    const rows = s1.slice(0, -2).reduce((x, y) => x * y, 1) * (transpose ? s1[s1.length - 1] : s1[s1.length - 2]);
    const inner = transpose ? s1[s1.length - 2] : s1[s1.length - 1];
    const foldedShape = [rows, inner];
    const f2Shape = f2.dim() === 2 ? (transpose ? [f2._shape[1], f2._shape[0]] : [...f2._shape]) : [...f2._shape];
    const folded = { dim: () => 2, dtype: f1.dtype, _shape: foldedShape } as unknown as Tensor;
    const other = { dim: () => f2Shape.length, dtype: f2.dtype, _shape: f2Shape } as unknown as Tensor;
    if (f2Shape.length === 2) {
      checkMultipliable(folded, other);
      checkDtypes(folded, other, 'addmm_impl_cpu_');
    } else {
      checkMv(folded, other);
      checkDtypes(folded, other, 'addmv_impl_cpu');
    }
    return productBatched(t1, t2, out);
  }
  // bmm on the broadcast, flattened batch: its checks, with the flattened batch size.
  const m1 = t1._shape[d1 - 1];
  const m2 = d2 > 1 ? t2._shape[d2 - 2] : t2._shape[0];
  const batch = broadcastShapes(t1._shape.slice(0, Math.max(d1 - 2, 0)), t2._shape.slice(0, Math.max(d2 - 2, 0)));
  const count = batch.reduce((x, y) => x * y, 1);
  if (m1 !== m2)
    throw new TensorError(`Expected size for first two dimensions of batch2 tensor to be: [${count}, ${m1}] but got: [${count}, ${m2}].`);
  if (t1.dtype === bool) throw notImplemented('bmm', bool);
  checkDtypes(t1, t2, 'bmm');
  return productBatched(t1, t2, out);
}

/**
 * matmul out of differentiable pieces (dot, mv, mm, bmm and views), as at::matmul
 * decomposes it, so autograd sees PyTorch's nodes; used when an input requires grad.
 */
function matmulComposite(t1: Tensor, t2: Tensor): Tensor {
  const d1 = t1.dim(), d2 = t2.dim();
  if (d1 === 0 || d2 === 0)
    throw new TensorError(`both arguments to matmul need to be at least 1D, but they are ${d1}D and ${d2}D`);
  if (d1 === 1 && d2 === 1) return dot(t1, t2);
  if (d1 === 2 && d2 === 1) return mv(t1, t2);
  if (d1 === 1 && d2 === 2) return squeeze(mm(unsqueeze(t1, 0), t2), 0);
  if (d1 === 2 && d2 === 2) return mm(t1, t2);
  // Batched: promote 1-D sides, broadcast the batch dims, flatten them for bmm.
  const a = d1 === 1 ? unsqueeze(t1, 0) : t1;
  const b = d2 === 1 ? unsqueeze(t2, 1) : t2;
  const batch = broadcastShapes(a._shape.slice(0, -2), b._shape.slice(0, -2));
  const [n, k] = a._shape.slice(-2), m = b._shape[b.dim() - 1];
  const count = batch.reduce((x, y) => x * y, 1);
  const a3 = reshape(expand(a, [...batch, n, k]), [count, n, k]);
  const b3 = reshape(expand(b, [...batch, k, m]), [count, k, m]);
  let out = reshape(bmm(a3, b3), [...batch, n, m]);
  if (d1 === 1) out = squeeze(out, -2);
  if (d2 === 1) out = squeeze(out, -1);
  return out;
}

/** PyTorch 1.13's should_fold: a batch (>= 3-D) times a matrix or vector, unless it is a
 * 3-D tensor whose last two dims are transposed under a slowest batch dim (bmm handles
 * that without a copy). */
function shouldFold(t: Tensor, otherDim: number): boolean {
  const d = t.dim();
  if (d < 3 || (otherDim !== 1 && otherDim !== 2)) return false;
  if (d === 3 && otherDim === 2 && t._strides[2] !== 1 && t._strides[0] === t._shape[1] * t._shape[2]) return false;
  return true;
}

/** beta * input + alpha * (mat1 @ mat2); beta = 0 ignores input (NaN included), as BLAS. */
export function addmm(input: Tensor, mat1: Tensor, mat2: Tensor, opts?: AddmmOpts): Tensor {
  return addmmInto(input, mat1, mat2, opts, false);
}

function addmmInto(input: Tensor, mat1: Tensor, mat2: Tensor, opts: AddmmOpts | undefined, inplace: boolean): Tensor {
  requireTensors('addmm', input, mat1, mat2);
  const beta = opts?.beta ?? 1, alpha = opts?.alpha ?? 1;
  if (needsGrad([input, mat1, mat2])) {
    if (inplace || opts?.out) throw new TensorError('addmm: in-place and out= forms do not support automatic differentiation');
    return recordAddProduct('AddmmBackward0', input, mat1, mat2, beta, alpha, mmProduct, () => addmmInto(input, mat1, mat2, opts, false));
  }
  if (mat1.dim() !== 2) throw new TensorError(`mat1 must be a matrix, got ${mat1.dim()}-D tensor`);
  if (mat2.dim() !== 2) throw new TensorError(`mat2 must be a matrix, got ${mat2.dim()}-D tensor`);
  checkMultipliable(mat1, mat2);
  const shape = [mat1._shape[0], mat2._shape[1]];
  const expanded = expand(input, shape);
  if (input.dtype !== mat2.dtype) throw new TensorError('self and mat2 must have the same dtype');
  if (mat1.dtype !== mat2.dtype) throw new TensorError('mat1 and mat2 must have the same dtype');
  if (mat1.dtype === bool) throw notImplemented('addmm_impl_cpu_', bool);
  if (inplace) return accumulateInto(input, shape, (t) => product2d(t, mat1, mat2, alpha, beta), [mat1, mat2]);
  const target = resultTensor(shape, mat1.dtype, opts?.out, [input, mat1, mat2]);
  if (beta !== 0) target.copy_(expanded);
  product2d(target, mat1, mat2, alpha, beta);
  return finish(target, opts?.out);
}

/**
 * Autograd for beta * input + alpha * (a @ b), shared by addmm (product = mm) and baddbmm
 * (product = bmm): input gets beta * g summed to its shape, a gets alpha * g @ b^T and b
 * gets alpha * a^T @ g (transposing the last two dims).
 */
function recordAddProduct(
  name: string, input: Tensor, a: Tensor, b: Tensor, beta: number, alpha: number,
  product: ProductGrads, forward: () => Tensor,
): Tensor {
  const scaled = (t: Tensor) => (alpha === 1 ? t : mul(t, alpha));
  return differentiable(name, [input, a, b], forward, (g, [, x, y]) => [
    gradFor(beta === 1 ? g : mul(g, beta), input),
    a._requiresGrad ? scaled(product.left(g, a, y as Tensor)) : null,
    b._requiresGrad ? scaled(product.right(g, x as Tensor, b)) : null,
  ]);
}

/**
 * The gradients of a @ b for each operand: `a` and `b` give the operands' layouts (the
 * saved tensors have the same strides); `left` is g @ b^T, `right` is a^T @ g.
 */
interface ProductGrads {
  left(g: Tensor, a: Tensor, b: Tensor): Tensor;
  right(g: Tensor, a: Tensor, b: Tensor): Tensor;
}

function isColumnMajor(t: Tensor): boolean {
  return t._strides[0] === 1 && t._strides[1] === t._shape[0];
}

/**
 * 2-D, as PyTorch's mm_mat1_backward / mm_mat2_backward: an operand laid out column-major
 * (a transposed view, as Linear's weight.T) gets the transpose of the transposed product,
 * so its gradient comes out in its own layout and reaches .grad and the optimiser with no
 * transposing copy.
 */
const mmProduct: ProductGrads = {
  left: (g, a, b) => {
    const mmP = profiledOp(mm), tP = profiledOp(tT);
    return isColumnMajor(a) ? tP(mmP(b, tP(g))) : mmP(g, tP(b));
  },
  right: (g, a, b) => {
    const mmP = profiledOp(mm), tP = profiledOp(tT);
    return isColumnMajor(b) ? tP(mmP(tP(g), a)) : mmP(tP(a), g);
  },
};

/** Batched, as PyTorch's bmm derivative (no layout choice). */
const bmmProduct: ProductGrads = {
  left: (g, _a, b) => profiledOp(bmm)(g, b.mT),
  right: (g, a) => profiledOp(bmm)(a.mT, g),
};

/** self = beta * self + alpha * (...), through a temporary when self shares memory with an operand. */
function accumulateInto(self: Tensor, shape: readonly number[], run: (t: Tensor) => void, operands: Tensor[]): Tensor {
  if (self._shape.length !== shape.length || self._shape.some((d, i) => d !== shape[i]))
    throw new TensorError(`output with shape [${self._shape.join(', ')}] doesn't match the broadcast shape [${shape.join(', ')}]`);
  assertNoInternalOverlap(self);
  if (operands.some((t) => t._storage === self._storage)) {
    const tmp = self.clone();
    run(tmp);
    return self.copy_(tmp);
  }
  run(self);
  self._storage.version++;
  return self;
}

export function baddbmm(input: Tensor, batch1: Tensor, batch2: Tensor, opts?: AddmmOpts): Tensor {
  return baddbmmInto(input, batch1, batch2, opts, false);
}

function baddbmmInto(input: Tensor, batch1: Tensor, batch2: Tensor, opts: AddmmOpts | undefined, inplace: boolean): Tensor {
  requireTensors('baddbmm', input, batch1, batch2);
  const beta = opts?.beta ?? 1, alpha = opts?.alpha ?? 1;
  if (needsGrad([input, batch1, batch2])) {
    if (inplace || opts?.out) throw new TensorError('baddbmm: in-place and out= forms do not support automatic differentiation');
    return recordAddProduct('BaddbmmBackward0', input, batch1, batch2, beta, alpha, bmmProduct, () => baddbmmInto(input, batch1, batch2, opts, false));
  }
  // PyTorch expands self first, reading the sizes it needs from the batches.
  const shape = [batch1.size(0), batch1.size(1), batch2.size(2)];
  const expanded = inplace ? input : expand(input, shape);
  checkBatchShapes(batch1, batch2);
  if (batch1.dtype === bool) throw notImplemented('baddbmm', bool);
  checkDtypes(batch1, batch2, 'baddbmm');
  const run = (t: Tensor) =>
    launchGemm([shape[0]], shape[1], shape[2], batch1._shape[2], { t, strides: t._strides },
      { t: batch1, strides: batch1._strides }, { t: batch2, strides: batch2._strides }, alpha, beta);
  if (inplace) {
    if (input.dtype !== batch1.dtype)
      throw new TensorError(`expected scalar type ${scalarTypeNames[batch1.dtype.name]} but found ${scalarTypeNames[input.dtype.name]}`);
    return accumulateInto(input, shape, run, [batch1, batch2]);
  }
  const target = resultTensor(shape, batch1.dtype, opts?.out, [input, batch1, batch2]);
  if (beta !== 0) target.copy_(expanded);
  run(target);
  return finish(target, opts?.out);
}

/**
 * torch.nn.functional.linear: input @ weight.T + bias, with weight.T a view (the kernel
 * reads the transposed strides). As PyTorch 1.13: a 2-D input with bias is addmm, a
 * contiguous 3-D one with bias is addmm on the folded input, the rest matmul then add.
 */
export function linear(input: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  requireTensors('linear', input, weight);
  const weightT = tT(weight);
  // Through addmm's profiled entry point: a profile shows aten::addmm inside aten::linear.
  const addmmProfiled = profiledOp(addmm);
  if (bias && input.dim() === 2) return addmmProfiled(bias, input, weightT);
  if (bias && input.dim() === 3 && input.isContiguous()) {
    const [b0, b1, b2] = input._shape;
    const result = addmmProfiled(bias, view(input, [b0 * b1, b2]), weightT);
    return view(result, [b0, b1, result._shape[1]]);
  }
  const output = matmul(input, weightT);
  return bias ? add(output, bias) : output;
}

defineOp({ name: 'matmul', kind: 'linalg', fn: matmul, method: true });
defineOp({ name: 'mm', kind: 'linalg', fn: mm, method: true, backwardName: 'MmBackward0' });
defineOp({ name: 'bmm', kind: 'linalg', fn: bmm, method: true, backwardName: 'BmmBackward0' });
defineOp({ name: 'mv', kind: 'linalg', fn: mv, method: true, backwardName: 'MvBackward0' });
defineOp({ name: 'dot', kind: 'linalg', fn: dot, method: true, backwardName: 'DotBackward0' });
defineOp({ name: 'outer', kind: 'linalg', fn: outer, method: true, aliases: ['ger'], backwardName: 'MulBackward0' });
defineOp({
  name: 'addmm', kind: 'linalg', fn: addmm, method: true, backwardName: 'AddmmBackward0',
  inplace: (self: Tensor, mat1: Tensor, mat2: Tensor, opts?: AddmmOpts) => addmmInto(self, mat1, mat2, opts, true),
});
defineOp({
  name: 'baddbmm', kind: 'linalg', fn: baddbmm, method: true, backwardName: 'BaddbmmBackward0',
  inplace: (self: Tensor, b1: Tensor, b2: Tensor, opts?: AddmmOpts) => baddbmmInto(self, b1, b2, opts, true),
});
defineOp({ name: 'linear', kind: 'nn', fn: linear });

type Mat = (other: Tensor, opts?: OutOpts) => Tensor;
type AddMat = (a: Tensor, b: Tensor, opts?: AddmmOpts) => Tensor;
declare module '../tensor' {
  interface Tensor {
    matmul: Mat;
    mm: Mat;
    bmm: Mat;
    mv: Mat;
    dot: Mat;
    outer: Mat;
    ger: Mat;
    addmm: AddMat;
    addmm_: AddMat;
    baddbmm: AddMat;
    baddbmm_: AddMat;
  }
}
