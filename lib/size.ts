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
