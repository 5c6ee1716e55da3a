/** torch.Size: a frozen array of dimension sizes that prints as `torch.Size([3, 4])`. */
export class Size extends Array<number> {
  static override get [Symbol.species](): ArrayConstructor {
    return Array;
  }
  numel(): number {
    let n = 1;
    for (const d of this) n *= d;
    return n;
  }
  override toString(): string {
    return `torch.Size([${this.join(', ')}])`;
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

export function makeSize(dims: readonly number[]): Size {
  const s = Object.setPrototypeOf(Array.from(dims), Size.prototype) as Size;
  return Object.freeze(s);
}

export function numelOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Row-major strides of a contiguous tensor of `shape`. */
export function contiguousStrides(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    strides[d] = s;
    s *= Math.max(shape[d], 1);
  }
  return strides;
}

/**
 * TensorIterator's reorder_dimensions: a stable insertion sort of the dims, innermost
 * first (perm[0] is the innermost). compare(d0, d1) > 0 moves d1 inside d0, < 0 stops it,
 * 0 (undecided) lets it keep moving outwards.
 */
export function reorderDims(n: number, compare: (d0: number, d1: number) => number): number[] {
  const perm = Array.from({ length: n }, (_, i) => n - 1 - i);
  for (let i = 1; i < n; i++) {
    let dim1 = i;
    for (let dim0 = i - 1; dim0 >= 0; dim0--) {
      const c = compare(perm[dim0], perm[dim1]);
      if (c > 0) {
        [perm[dim0], perm[dim1]] = [perm[dim1], perm[dim0]];
        dim1 = dim0;
      } else if (c < 0) break;
    }
  }
  return perm;
}

/** Dense strides laying the dims out in `perm` order (innermost first); sizes 0 and 1 do not multiply. */
export function stridesInOrder(shape: readonly number[], perm: readonly number[]): number[] {
  const out = new Array<number>(shape.length);
  let cur = 1;
  for (const d of perm) {
    out[d] = cur;
    if (shape[d] > 1) cur *= shape[d];
  }
  return out;
}
