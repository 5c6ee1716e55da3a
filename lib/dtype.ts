import { TensorError } from './errors';

export type TypedArray =
  | Float32Array | Float64Array | Int32Array | BigInt64Array | Int16Array | Int8Array | Uint8Array;
type TypedArrayConstructor = {
  new (buffer: ArrayBufferLike, byteOffset?: number, length?: number): TypedArray;
  readonly BYTES_PER_ELEMENT: number;
};

export type Category = 0 | 1 | 2; // bool < integral < floating, as PyTorch's promotion categories

/** A tensor element type. `code` is the number native/src/core/dtype.h uses. */
export class DType {
  constructor(
    readonly name: string,
    readonly code: number,
    readonly itemsize: number,
    readonly isFloatingPoint: boolean,
    readonly isSigned: boolean,
    readonly arrayType: TypedArrayConstructor,
  ) {}
  get category(): Category {
    return this.isFloatingPoint ? 2 : this.name === 'bool' ? 0 : 1;
  }
  get isComplex(): boolean {
    return false;
  }
  toString(): string {
    return `torch.${this.name}`;
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

export const float32 = new DType('float32', 0, 4, true, true, Float32Array);
export const float64 = new DType('float64', 1, 8, true, true, Float64Array);
export const int32 = new DType('int32', 2, 4, false, true, Int32Array);
export const int64 = new DType('int64', 3, 8, false, true, BigInt64Array);
export const int16 = new DType('int16', 4, 2, false, true, Int16Array);
export const int8 = new DType('int8', 5, 1, false, true, Int8Array);
export const uint8 = new DType('uint8', 6, 1, false, false, Uint8Array);
export const bool = new DType('bool', 7, 1, false, false, Uint8Array);

export const dtypesByCode: readonly DType[] = [float32, float64, int32, int64, int16, int8, uint8, bool];
export const defaultFloat = float32;

export function isDType(v: unknown): v is DType {
  return v instanceof DType;
}

/** torch.promote_types: the smallest dtype both values fit in. */
export function promoteTypes(a: DType, b: DType): DType {
  if (a === b) return a;
  if (a.isFloatingPoint || b.isFloatingPoint) {
    if (a.isFloatingPoint && b.isFloatingPoint) return a.itemsize >= b.itemsize ? a : b;
    return a.isFloatingPoint ? a : b;
  }
  if (a === bool) return b;
  if (b === bool) return a;
  // uint8 with a signed type: int16 covers uint8 and int8; larger signed types win.
  if (a === uint8 || b === uint8) {
    const other = a === uint8 ? b : a;
    return other === int8 ? int16 : other;
  }
  return a.itemsize >= b.itemsize ? a : b;
}

/** The dtype a typed array maps to. */
export function dtypeOfArray(array: ArrayBufferView): DType {
  if (array instanceof Float32Array) return float32;
  if (array instanceof Float64Array) return float64;
  if (array instanceof Int32Array) return int32;
  if (array instanceof BigInt64Array) return int64;
  if (array instanceof Int16Array) return int16;
  if (array instanceof Int8Array) return int8;
  if (array instanceof Uint8Array || array instanceof Uint8ClampedArray) return uint8;
  throw new TypeError(`tensorgrad: unsupported typed array ${array.constructor.name}`);
}

export function parseDType(v: unknown): DType {
  if (v instanceof DType) return v;
  if (typeof v === 'string') {
    const name = v.replace(/^torch\./, '');
    const aliases: Record<string, DType> = {
      float: float32, double: float64, long: int64, int: int32, short: int16, half: float32,
    };
    const found = dtypesByCode.find((d) => d.name === name) ?? aliases[name];
    if (found) return found;
    throw new TensorError(`invalid dtype ${v}`);
  }
  throw new TypeError(`expected a torch dtype, got ${String(v)}`);
}
