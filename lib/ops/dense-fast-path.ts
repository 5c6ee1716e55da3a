/**
 * The fast path of elementwise ops for the commonest call: float tensors laid out row-major
 * without gaps, of one shape and dtype (or a tensor and a JavaScript number), into a fresh
 * output, with autograd already handled by the caller. It skips broadcasting, promotion
 * and layout inference - on a 5x5 tensor those cost more than the native call - and hands
 * the kernel a single flat dimension. Any other call returns null and takes the general
 * path, which gives the same result (the tests run both).
 */
import { native } from '../native';
import { Tensor } from '../tensor';
import { contiguousStrides, numelOf } from '../size';
import { contiguousFormat, isContiguousAs } from '../memory-format';
import type { TensorLike } from '../promotion';
import { scalarScratch, writeScalar } from './operands';

const meta = native.meta;

function isExactlyRowMajor(t: Tensor): boolean {
  const shape = t._shape, strides = t._strides;
  let expected = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    if (strides[d] !== expected) return false;
    expected *= Math.max(shape[d], 1);
  }
  return true;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let d = 0; d < a.length; d++) if (a[d] !== b[d]) return false;
  return true;
}

/** A dense float tensor the fast path may read (a disposed one goes the general way to its error). */
function denseFloat(t: Tensor): boolean {
  return t.dtype.isFloatingPoint && !t._wrappedNumber && !t._storage.disposed && isContiguousAs(t._shape, t._strides, contiguousFormat);
}

function freshLike(a: Tensor): Tensor {
  return Tensor.emptyStrided(a._shape.slice(), contiguousStrides(a._shape), a.dtype);
}

/** Writes the flat loop [1, n, (dtype, offset, stride) per operand] for native.binary/unary. */
function writeFlatLoop(n: number, code: number, operands: 2 | 3, aOffset: number, bOffset: number, bStride: number): void {
  meta[0] = 1;
  meta[1] = n;
  meta[2] = code; meta[3] = 0; meta[4] = 1;
  meta[5] = code; meta[6] = aOffset; meta[7] = 1;
  if (operands === 3) {
    meta[8] = code; meta[9] = bOffset; meta[10] = bStride;
  }
}

/** a (op) b with a promoting or float-valued op; null when the call is not the simple case. */
export function denseBinary(opCode: number, a: TensorLike, b: TensorLike, alpha: number): Tensor | null {
  if (!(a instanceof Tensor) || !denseFloat(a)) return null;
  const dtype = a.dtype;
  let bBytes: Uint8Array, bOffset: number, bStride: number;
  if (typeof b === 'number') {
    // With a scalar operand PyTorch's TensorIterator skips its fast setup and orders the
    // output by the input's strides, size-1 dims included: only exact row-major is row-major.
    if (!isExactlyRowMajor(a)) return null;
    bOffset = writeScalar(b, dtype);
    bBytes = scalarScratch;
    bStride = 0;
  } else if (b instanceof Tensor && b.dtype === dtype && sameShape(a._shape, b._shape) && denseFloat(b)) {
    bBytes = b._storage.bytes;
    bOffset = b._offset;
    bStride = 1;
  } else return null;
  const out = freshLike(a);
  writeFlatLoop(numelOf(a._shape), dtype.code, 3, a._offset, bOffset, bStride);
  native.binary(opCode, out._storage.bytes, a._storage.bytes, bBytes, alpha);
  return out;
}

/** op(a) for a float tensor whose result keeps its dtype; null when not the simple case. */
export function denseUnary(opCode: number, a: Tensor, p1: number, p2: number): Tensor | null {
  if (!(a instanceof Tensor) || !denseFloat(a)) return null;
  const out = freshLike(a);
  writeFlatLoop(numelOf(a._shape), a.dtype.code, 2, a._offset, 0, 0);
  native.unary(opCode, out._storage.bytes, a._storage.bytes, p1, p2);
  return out;
}
