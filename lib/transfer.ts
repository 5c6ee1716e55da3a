/**
 * Tensors across worker_threads (API.md §8). `toTransferable(value)` turns tensors inside
 * any nesting of arrays and plain objects (a state dict, a batch) into plain records that
 * structured cloning carries through `postMessage`; `fromTransferable(msg)` rebuilds them.
 * A shared tensor (`shareMemory_()`) travels as its SharedArrayBuffer, so the receiver's
 * tensor is on the same memory (Hogwild training); any other tensor arrives as a copy.
 */
import { TensorError } from './errors';
import { Tensor } from './tensor';
import { Storage } from './storage';
import { dtypesByCode } from './dtype';

export interface TransferableTensor {
  __tensorgrad: 'tensor';
  bytes: Uint8Array;
  dtype: string;
  shape: number[];
  strides: number[];
  offset: number;
  requiresGrad: boolean;
}

type Nested<T> = T | Nested<T>[] | { [key: string]: Nested<T> };

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object') return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function isTransferableTensor(v: unknown): v is TransferableTensor {
  return isPlainObject(v) && v.__tensorgrad === 'tensor';
}

export function toTransferable(value: Nested<Tensor | unknown>): unknown {
  if (value instanceof Tensor) {
    value._storage.assertAlive();
    const bytes = value._storage.expose(); // the caller may list its buffer for transfer
    return {
      __tensorgrad: 'tensor',
      // Structured cloning shares a SharedArrayBuffer and copies anything else.
      bytes: bytes,
      dtype: value.dtype.name,
      shape: [...value._shape],
      strides: [...value._strides],
      offset: value._offset,
      requiresGrad: value.requiresGrad,
    } satisfies TransferableTensor;
  }
  if (Array.isArray(value)) return value.map(toTransferable);
  if (isPlainObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toTransferable(v)]));
  return value;
}

export function fromTransferable(msg: unknown): unknown {
  if (isTransferableTensor(msg)) {
    const dtype = dtypesByCode.find((d) => d.name === msg.dtype);
    if (!dtype) throw new TensorError(`fromTransferable: unknown dtype '${msg.dtype}'`);
    if (!(msg.bytes instanceof Uint8Array)) throw new TensorError('fromTransferable: the message carries no tensor bytes');
    let reach = msg.offset;
    for (let d = 0; d < msg.shape.length; d++) if (msg.shape[d] === 0) reach = -Infinity;
    for (let d = 0; d < msg.shape.length; d++) reach += (msg.shape[d] - 1) * Math.max(msg.strides[d], 0);
    if ((reach + 1) * dtype.itemsize > msg.bytes.byteLength)
      throw new TensorError('fromTransferable: the tensor reaches past the end of its memory');
    const t = new Tensor(new Storage(msg.bytes), msg.shape, msg.strides, msg.offset, dtype);
    if (msg.requiresGrad) t.requiresGrad_();
    return t;
  }
  if (Array.isArray(msg)) return msg.map(fromTransferable);
  if (isPlainObject(msg)) return Object.fromEntries(Object.entries(msg).map(([k, v]) => [k, fromTransferable(v)]));
  return msg;
}
