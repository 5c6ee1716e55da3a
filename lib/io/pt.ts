/**
 * Reading files written by PyTorch's torch.save (the zip format of PyTorch >= 1.6):
 * `<archive>/data.pkl` is a pickle whose tensors point, through persistent ids
 * ('storage', StorageType, key, location, numel), at raw storages `<archive>/data/<key>`;
 * `<archive>/byteorder` says their endianness. Only what a state dict needs is allowed:
 * OrderedDict, torch._utils._rebuild_tensor_v2 / _rebuild_parameter and the storage
 * types. Views keep PyTorch's storage offset and strides, and tensors that shared a
 * storage in Python share one here too.
 */
import { Tensor } from '../tensor';
import { Storage } from '../storage';
import { DType, float32, float64, int32, int64, int16, int8, uint8, bool } from '../dtype';
import { TensorError } from '../errors';
import { ZipArchive, looksLikeZip } from './zip';
import { unpickle, PickleCallable, PickleGlobal, PickleDict, PickleTuple } from './pickle';
import { storageFromBytes, setOwn } from './tensor-bytes';

const STORAGE_TYPES: Record<string, DType> = {
  FloatStorage: float32, DoubleStorage: float64, LongStorage: int64, IntStorage: int32,
  ShortStorage: int16, CharStorage: int8, ByteStorage: uint8, BoolStorage: bool,
};

class StorageType {
  constructor(readonly name: string, readonly dtype: DType) {}
}

class LoadedStorage {
  constructor(readonly storage: Storage, readonly dtype: DType, readonly numel: number) {}
}

const MAX_DEPTH = 64;

/** The object a .pt file holds: state dicts become plain objects name -> Tensor. */
export function loadPt(bytes: Uint8Array): unknown {
  if (!looksLikeZip(bytes))
    throw new TensorError(
      'not a PyTorch zip checkpoint: the legacy torch.save format (before 1.6, or _use_new_zipfile_serialization=False) is not supported',
    );
  const archive = new ZipArchive(bytes);
  const pickleName = archive.names.find((n) => n === 'data.pkl' || /^[^/]*\/data\.pkl$/.test(n));
  if (pickleName === undefined)
    throw new TensorError('not a PyTorch checkpoint: the zip archive has no data.pkl (files from torch.save before 1.6 are not supported)');
  const prefix = pickleName.slice(0, pickleName.length - 'data.pkl'.length);
  let bigEndian = false;
  if (archive.has(`${prefix}byteorder`)) {
    const order = Buffer.from(archive.read(`${prefix}byteorder`)).toString('latin1');
    if (order !== 'little' && order !== 'big') throw new TensorError(`PyTorch checkpoint: unknown byteorder '${order}'`);
    bigEndian = order === 'big';
  }
  const storages = new Map<string, LoadedStorage>();

  const persistentLoad = (pid: unknown): LoadedStorage => {
    const items = pid instanceof PickleTuple ? pid.items : null;
    if (items === null || items.length !== 5 || items[0] !== 'storage')
      throw new TensorError('PyTorch checkpoint: unsupported persistent id (expected a storage record)');
    const [, type, key, , numel] = items;
    if (!(type instanceof PickleGlobal) || !(type.value instanceof StorageType))
      throw new TensorError('PyTorch checkpoint: storage record without a storage type');
    if (typeof key !== 'string' || !/^[\w.-]+$/.test(key)) throw new TensorError('PyTorch checkpoint: invalid storage key');
    if (typeof numel !== 'number' || !Number.isSafeInteger(numel) || numel < 0)
      throw new TensorError(`PyTorch checkpoint: invalid element count for storage ${key}`);
    const dtype = type.value.dtype;
    const cached = storages.get(key);
    if (cached !== undefined) {
      if (cached.dtype !== dtype) throw new TensorError(`PyTorch checkpoint: storage ${key} used with two dtypes`);
      return cached;
    }
    const record = `${prefix}data/${key}`;
    if (!archive.has(record)) throw new TensorError(`PyTorch checkpoint: missing storage record ${record}`);
    const data = archive.read(record);
    const byteLength = numel * dtype.itemsize;
    if (data.byteLength < byteLength)
      throw new TensorError(`PyTorch checkpoint: storage ${key} holds ${data.byteLength} bytes, expected ${byteLength}`);
    const loaded = new LoadedStorage(storageFromBytes(data.subarray(0, byteLength), dtype.itemsize, bigEndian), dtype, numel);
    storages.set(key, loaded);
    return loaded;
  };

  const value = unpickle(archive.read(pickleName), { resolveGlobal, persistentLoad }, 'PyTorch checkpoint data.pkl');
  return toPlain(value, 0, new Set());
}

function resolveGlobal(module: string, name: string): PickleCallable | PickleGlobal {
  const qualified = `${module}.${name}`;
  if (module === 'collections' && name === 'OrderedDict')
    return new PickleCallable(qualified, (args) => {
      if (args.length !== 0) throw new TensorError('PyTorch checkpoint: OrderedDict with arguments is not supported');
      return new PickleDict();
    });
  if (module === 'torch._utils' && name === '_rebuild_tensor_v2') return new PickleCallable(qualified, rebuildTensor);
  if (module === 'torch._utils' && name === '_rebuild_parameter')
    return new PickleCallable(qualified, (args) => {
      const [data, requiresGrad] = args;
      if (!(data instanceof Tensor) || args.length < 2 || args.length > 3)
        throw new TensorError('PyTorch checkpoint: malformed _rebuild_parameter call');
      if (requiresGrad === true && data.dtype.isFloatingPoint) data.requiresGrad = true;
      return data;
    });
  if (module === 'torch' && name in STORAGE_TYPES && Object.prototype.hasOwnProperty.call(STORAGE_TYPES, name))
    return new PickleGlobal(qualified, new StorageType(name, STORAGE_TYPES[name]));
  if (module === 'torch' && /Storage$/.test(name))
    throw new TensorError(`PyTorch checkpoint: unsupported storage type ${qualified} (no such dtype in tensorgrad)`);
  throw new TensorError(`PyTorch checkpoint: refusing to load global '${qualified}': only state dicts of tensors are supported`);
}

/** torch._utils._rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata]). */
function rebuildTensor(args: readonly unknown[]): Tensor {
  if (args.length < 6 || args.length > 7) throw new TensorError(`PyTorch checkpoint: _rebuild_tensor_v2 takes 6 or 7 arguments, got ${args.length}`);
  const [storage, offset, size, stride, requiresGrad] = args;
  if (!(storage instanceof LoadedStorage)) throw new TensorError('PyTorch checkpoint: _rebuild_tensor_v2 without a storage');
  const shape = intTuple(size, 'size');
  const strides = intTuple(stride, 'stride');
  if (shape.length !== strides.length) throw new TensorError('PyTorch checkpoint: tensor size and stride lengths differ');
  if (typeof offset !== 'number' || !Number.isSafeInteger(offset) || offset < 0)
    throw new TensorError('PyTorch checkpoint: invalid storage offset');
  // The furthest element must lie inside the storage (empty tensors touch nothing).
  let last = offset;
  let empty = false;
  for (let d = 0; d < shape.length; d++) {
    if (shape[d] === 0) empty = true;
    else last += (shape[d] - 1) * strides[d];
  }
  if (!empty && !(Number.isSafeInteger(last) && last < storage.numel))
    throw new TensorError(
      `PyTorch checkpoint: tensor of size [${shape.join(', ')}] with stride [${strides.join(', ')}] and offset ${offset} reaches past its storage of ${storage.numel} elements`,
    );
  const t = new Tensor(storage.storage, shape, strides, offset, storage.dtype);
  if (requiresGrad === true && t.dtype.isFloatingPoint) t.requiresGrad = true;
  return t;
}

function intTuple(value: unknown, what: string): number[] {
  if (!(value instanceof PickleTuple) || value.items.length > 64)
    throw new TensorError(`PyTorch checkpoint: tensor ${what} is not a tuple`);
  return value.items.map((v) => {
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0)
      throw new TensorError(`PyTorch checkpoint: invalid tensor ${what} entry ${String(v)}`);
    return v;
  });
}

/** Dicts to plain objects (keys as strings), tuples/lists to arrays; refuses cycles. */
function toPlain(value: unknown, depth: number, open: Set<unknown>): unknown {
  if (value === null || typeof value !== 'object' || value instanceof Tensor) return value;
  if (depth > MAX_DEPTH) throw new TensorError('PyTorch checkpoint: object nesting too deep');
  if (open.has(value)) throw new TensorError('PyTorch checkpoint: recursive object structure is not supported');
  open.add(value);
  let out: unknown;
  if (value instanceof PickleDict) {
    const obj: Record<string, unknown> = {};
    for (const [k, v] of value.entries) {
      if (typeof k !== 'string' && typeof k !== 'number' && typeof k !== 'bigint' && typeof k !== 'boolean' && k !== null)
        throw new TensorError('PyTorch checkpoint: dict keys must be strings or numbers');
      setOwn(obj, String(k), toPlain(v, depth + 1, open));
    }
    out = obj;
  } else if (value instanceof PickleTuple) {
    out = value.items.map((v) => toPlain(v, depth + 1, open));
  } else if (Array.isArray(value)) {
    out = value.map((v) => toPlain(v, depth + 1, open));
  } else if (value instanceof LoadedStorage) {
    throw new TensorError('PyTorch checkpoint: bare storages are not supported');
  } else {
    throw new TensorError(`PyTorch checkpoint: unsupported value of type ${(value as object).constructor?.name ?? 'object'}`);
  }
  open.delete(value);
  return out;
}
