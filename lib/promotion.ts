/**
 * Type promotion and broadcasting, as PyTorch's TensorIterator decides them:
 * result_type ranks dimensioned tensors above 0-d tensors above JS numbers, and a lower
 * rank only wins when it is of a higher category (bool < integer < float).
 */
import { DType, bool, defaultFloat, int64, promoteTypes } from './dtype';
import { TensorError } from './errors';
import { Tensor, Scalar } from './tensor';

export type TensorLike = Tensor | Scalar;

function combineCategories(higher: DType | null, lower: DType | null): DType | null {
  if (higher === null) return lower;
  if (lower === null) return higher;
  if (higher.isFloatingPoint) return higher;
  if (higher === bool || lower.isFloatingPoint) return promoteTypes(higher, lower);
  return higher;
}

export function scalarDType(v: Scalar): DType {
  if (typeof v === 'boolean') return bool;
  if (typeof v === 'bigint') return int64;
  if (typeof v !== 'number') throw new TypeError(`expected a tensor or a number, got ${typeof v}`);
  return Number.isInteger(v) ? int64 : defaultFloat;
}

/** torch.result_type over tensors and scalars. */
export function resultType(...args: TensorLike[]): DType {
  let dimResult: DType | null = null;
  let zeroResult: DType | null = null;
  let wrappedResult: DType | null = null;
  for (const a of args) {
    if (a instanceof Tensor) {
      if (a._wrappedNumber) {
        const dt = a.dtype.isFloatingPoint ? defaultFloat : a.dtype;
        wrappedResult = wrappedResult ? promoteTypes(wrappedResult, dt) : dt;
      } else if (a.dim() === 0) zeroResult = zeroResult ? promoteTypes(zeroResult, a.dtype) : a.dtype;
      else dimResult = dimResult ? promoteTypes(dimResult, a.dtype) : a.dtype;
    } else {
      const dt = scalarDType(a);
      wrappedResult = wrappedResult ? promoteTypes(wrappedResult, dt) : dt;
    }
  }
  const result = combineCategories(dimResult, combineCategories(zeroResult, wrappedResult));
  if (result === null) throw new TensorError('result_type: no arguments');
  return result;
}

/** torch.can_cast: whether an op computing in `from` may write into `to`. */
export function canCast(from: DType, to: DType): boolean {
  return from.category <= to.category;
}

/** torch.broadcast_shapes, with PyTorch's message for a mismatch. */
export function broadcastShapes(a: readonly number[], b: readonly number[]): number[] {
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  // From the last dimension, as ATen's infer_size: the first mismatch from the right is reported.
  for (let i = n - 1; i >= 0; i--) {
    const da = i < n - a.length ? 1 : a[i - (n - a.length)];
    const db = i < n - b.length ? 1 : b[i - (n - b.length)];
    if (da === db || db === 1) out[i] = da;
    else if (da === 1) out[i] = db;
    else
      throw new TensorError(
        `The size of tensor a (${da}) must match the size of tensor b (${db}) at non-singleton dimension ${i}`,
      );
  }
  return out;
}

export function broadcastShapesOf(...shapes: (readonly number[])[]): number[] {
  return shapes.reduce<number[]>((acc, s) => broadcastShapes(acc, s), []);
}
