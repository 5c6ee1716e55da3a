/**
 * Turning op arguments into loop operands: scalars become 0-stride operands in a small
 * reusable scratch block (no tensor allocated per scalar), tensors are cast to the
 * compute dtype, and new outputs get the dimension order of their inputs (PyTorch's
 * TensorIterator keeps a transposed or channels_last input's layout in its output).
 */
import { DType } from '../dtype';
import { Bytes, LoopOperand, native } from '../native';
import { Tensor, Scalar, scalarToNumber, broadcastStridesTo, emptyLikeLayout, isDenseNonOverlapping } from '../tensor';
import { channelsLast, contiguousFormat, isContiguousAs, preserveFormat, stridesForFormat } from '../memory-format';
import { TensorError } from '../errors';
import { contiguousStrides, reorderDims, stridesInOrder } from '../size';

export interface Operand extends LoopOperand {
  bytes: Bytes;
  /**
   * The tensor read (after any cast), for the output's layout only: TensorIterator orders
   * dims by the tensor's own strides, size-1 dims included, while `strides` (0 on every
   * size-1 dim) is what the loop reads. Absent for scalars.
   */
  source?: Tensor;
}

const scratchSlots = 8;
export const scalarScratch: Uint8Array = Buffer.alloc(8 * scratchSlots);
let nextSlot = 0;
/** One view of the scratch block per dtype (made once: a typed array per scalar cost more than the op). */
const scratchViews = new Map<DType, { [i: number]: number | bigint }>();

/**
 * Writes a scalar in `dtype` into the next scratch slot; returns its element offset
 * (valid until 8 more scalars are written).
 */
export function writeScalar(value: Scalar, dtype: DType): number {
  const slot = nextSlot;
  nextSlot = (nextSlot + 1) % scratchSlots;
  let view = scratchViews.get(dtype);
  if (view === undefined) scratchViews.set(dtype, (view = new dtype.arrayType(scalarScratch.buffer, scalarScratch.byteOffset, scalarScratch.byteLength / dtype.itemsize)));
  const index = slot * (8 / dtype.itemsize);
  if (dtype.name === 'int64') view[index] = typeof value === 'bigint' ? value : BigInt(Math.trunc(scalarToNumber(value)));
  else view[index] = scalarToNumber(value);
  return index;
}

/** A scalar as an operand broadcast over `rank` dims. */
export function scalarOperand(value: Scalar, dtype: DType, rank: number): Operand {
  return { bytes: scalarScratch, dtype, offset: writeScalar(value, dtype), strides: new Array<number>(rank).fill(0) };
}

/** A tensor (cast to `dtype` if needed) as an operand broadcast to `shape`. */
export function tensorOperand(t: Tensor, dtype: DType, shape: readonly number[], op: string): Operand {
  const src = t.dtype === dtype ? t : castCopy(t, dtype);
  src._storage.assertAlive();
  return { bytes: src._storage.bytes, dtype, offset: src._offset, strides: broadcastStridesTo(src, shape, op), source: src };
}

export function operandOf(v: Tensor | Scalar, dtype: DType, shape: readonly number[], op: string): Operand {
  return v instanceof Tensor ? tensorOperand(v, dtype, shape, op) : scalarOperand(v, dtype, shape.length);
}

function castCopy(t: Tensor, dtype: DType): Tensor {
  return emptyLikeLayout(t, dtype, preserveFormat).copy_(t);
}

export function tensorAsOperand(t: Tensor): Operand {
  t._storage.assertAlive();
  return { bytes: t._storage.bytes, dtype: t.dtype, offset: t._offset, strides: t._strides };
}

/**
 * Dense strides for an output of `shape` that follow the inputs' dimension order, as
 * TensorIterator's reorder_dimensions: an insertion sort from the innermost dim where the
 * first operand with unequal non-zero strides decides (equal strides: the larger size
 * goes outside), and an undecided pair lets the dim keep moving outwards.
 */
export function outputStrides(shape: readonly number[], inputStrides: readonly (readonly number[])[]): number[] {
  // Fast path (most calls): every input row-major contiguous, where the sort below keeps
  // the row-major order, so skip it (it dominated small ops' JavaScript time).
  const rowMajor = contiguousStrides(shape);
  if (allEqualTo(inputStrides, rowMajor)) return rowMajor;
  const n = shape.length;
  const compare = (dim0: number, dim1: number): number => {
    for (const strides of inputStrides) {
      const s0 = strides[dim0], s1 = strides[dim1];
      if (s0 === 0 || s1 === 0) continue;
      if (s0 !== s1) return s0 < s1 ? -1 : 1;
      if (shape[dim0] > shape[dim1]) return 1;
    }
    return 0;
  };
  return stridesInOrder(shape, reorderDims(n, compare));
}

function allEqualTo(stridesList: readonly (readonly number[])[], target: readonly number[]): boolean {
  for (let i = 0; i < stridesList.length; i++) {
    const st = stridesList[i];
    if (st.length !== target.length) return false;
    for (let d = 0; d < st.length; d++) if (st[d] !== target[d]) return false;
  }
  return true;
}

export function newOutput(shape: readonly number[], dtype: DType, inputs: readonly Operand[]): Tensor {
  return Tensor.emptyStrided(shape, iteratorOutputStrides(shape, inputs), dtype);
}

/**
 * TensorIterator's output strides: its fast setup first (operands all of the output's
 * shape and no scalar: all contiguous -> contiguous, all channels_last -> channels_last,
 * all dense with equal strides -> those strides; tensors that are both formats count as
 * contiguous), else the dimension order of the inputs (outputStrides) computed on their
 * own strides, so that a size-1 dim's stride still orders it as PyTorch does.
 */
export function iteratorOutputStrides(shape: readonly number[], inputs: readonly Operand[]): number[] {
  const layouts = inputs.map((o) => (o.source ? layoutStrides(o.source, shape, o.strides) : o.strides));
  if (inputs.length > 0 && inputs.every((o) => o.source !== undefined && sameSizes(o.source._shape, shape))) {
    if (layouts.every((st) => isContiguousAs(shape, st, contiguousFormat))) return contiguousStrides(shape);
    if (shape.length === 4 && layouts.every((st) => isContiguousAs(shape, st, channelsLast))) return stridesForFormat(shape, channelsLast);
    const last = layouts[layouts.length - 1];
    if (layouts.every((st) => isDenseNonOverlapping(shape, st) && st.every((v, d) => v === last[d]))) return [...last];
  }
  return outputStrides(shape, layouts.filter((st) => st.some((v) => v !== 0)));
}

/** TensorIterator's compute_strides: the tensor's own stride where its size matches the output's, else 0. */
function layoutStrides(t: Tensor, shape: readonly number[], loopStrides: readonly number[]): readonly number[] {
  const lead = shape.length - t._shape.length;
  let out: number[] | null = null;
  for (let d = lead; d < shape.length; d++) {
    if (t._shape[d - lead] === 1 && shape[d] === 1 && loopStrides[d] !== t._strides[d - lead]) {
      out ??= [...loopStrides];
      out[d] = t._strides[d - lead];
    }
  }
  return out ?? loopStrides;
}

function sameSizes(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let d = 0; d < a.length; d++) if (a[d] !== b[d]) return false;
  return true;
}

/** PyTorch refuses to write through a tensor whose elements share memory. */
export function assertNoInternalOverlap(t: Tensor): void {
  // An empty tensor writes nothing (PyTorch: non-overlapping and dense, whatever its strides).
  if (t.numel() === 0) return;
  for (let d = 0; d < t._shape.length; d++) {
    if (t._strides[d] === 0 && t._shape[d] > 1)
      throw new TensorError(
        'unsupported operation: more than one element of the written-to tensor refers to a single memory location. Please clone() the tensor before performing the operation.',
      );
  }
}

/** Checks an out= tensor (or in-place target) against the op's result; resizes an empty one. */
export function checkOut(out: Tensor, shape: readonly number[], dtype: DType, op: string): void {
  if (!(out instanceof Tensor)) throw new TypeError(`${op}(): argument 'out' must be Tensor`);
  const same = out._shape.length === shape.length && out._shape.every((d, i) => d === shape[i]);
  if (!same) {
    if (out.numel() !== 0)
      throw new TensorError(`output with shape [${out._shape.join(', ')}] doesn't match the broadcast shape [${shape.join(', ')}]`);
    out._takeStorageOf(Tensor.empty(shape, out.dtype));
  }
  assertNoInternalOverlap(out);
}
