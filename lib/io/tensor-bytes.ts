/**
 * Moving tensors to and from raw little-endian bytes, shared by every file format.
 * Loaded tensors always get their own storage (a copy), so the file buffer can be
 * dropped and alignment of the data inside the file never matters.
 */
import { Tensor } from '../tensor';
import { Storage } from '../storage';
import { DType } from '../dtype';
import { TensorError } from '../errors';
import { contiguousStrides } from '../size';

/** Reads an unsigned little-endian integer of up to 8 bytes as a number, or throws past 2^53. */
export function readUint64(view: DataView, at: number, what: string): number {
  const value = view.getBigUint64(at, true);
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new TensorError(`${what} is too large (${value})`);
  return Number(value);
}

/** Product of a shape, checked: every size a safe non-negative integer, no overflow. */
export function checkedNumel(shape: readonly unknown[], what: string): number {
  let numel = 1;
  for (const size of shape) {
    if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0)
      throw new TensorError(`${what}: invalid dimension size ${String(size)} in shape`);
    numel *= size;
    if (!Number.isSafeInteger(numel)) throw new TensorError(`${what}: shape [${shape.join(', ')}] is too large`);
  }
  return numel;
}

/** Swaps the bytes of every element in place (big-endian data to host order), natively. */
export function swapBytes(bytes: Uint8Array, itemsize: number): void {
  if (itemsize === 1) return;
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (itemsize === 2) buf.swap16();
  else if (itemsize === 4) buf.swap32();
  else if (itemsize === 8) buf.swap64();
  else throw new TensorError(`cannot byte-swap elements of ${itemsize} bytes`);
}

/** A fresh storage holding a copy of `source` (optionally byte-swapped per element). */
export function storageFromBytes(source: Uint8Array, itemsize: number, swap = false): Storage {
  const storage = Storage.allocate(source.byteLength);
  storage.bytes.set(source);
  if (swap) swapBytes(storage.bytes, itemsize);
  return storage;
}

/** A dense C-order tensor over a copy of `source`, whose length must be numel * itemsize. */
export function tensorFromBytes(source: Uint8Array, shape: readonly number[], dtype: DType, swap = false): Tensor {
  const storage = storageFromBytes(source, dtype.itemsize, swap);
  return new Tensor(storage, [...shape], contiguousStrides(shape), 0, dtype);
}


/** The tensor's elements in C order as little-endian bytes (a view when already contiguous). */
export function tensorToBytes(t: Tensor): Uint8Array {
  if (!(t instanceof Tensor)) throw new TypeError(`expected a Tensor, got ${String(t)}`);
  const dense = t.detach().contiguous();
  if (dense.numel() === 0) return new Uint8Array(0);
  const data = dense.data();
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/** Concatenates byte chunks into one buffer. */
export function concatBytes(chunks: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const c of chunks) total += c.byteLength;
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

/** Sets an own enumerable key, even "__proto__", without touching the prototype chain. */
export function setOwn<T>(target: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}
