/**
 * torch.save / torch.load: the format follows the file extension.
 *   .safetensors  state dict (or one tensor, stored under the key "__tensor__"), + metadata
 *   .npy          one tensor
 *   .npz          name -> tensor (a single tensor is stored as "arr_0", as np.savez does)
 *   .pt / .pth    read only: checkpoints written by PyTorch's torch.save
 * An unknown extension is loaded by sniffing the file's first bytes.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Tensor } from '../tensor';
import { TensorError } from '../errors';
import { loadSafetensors, saveSafetensors, SINGLE_TENSOR_KEY, type SafetensorsContents } from './safetensors';
import { loadNpy, saveNpy, isNpy } from './npy';
import { ZipArchive, writeZip, looksLikeZip } from './zip';
import { loadPt } from './pt';
import { setOwn } from './tensor-bytes';

export { loadSafetensors, saveSafetensors, SINGLE_TENSOR_KEY, type SafetensorsContents };
export { loadNpy, saveNpy };

export interface SaveOptions {
  /** String metadata for the safetensors header ("__metadata__"). */
  metadata?: Record<string, string>;
}

export type StateDict = Record<string, Tensor>;

type Format = 'safetensors' | 'npy' | 'npz' | 'pt';

function formatOfPath(file: string): Format | null {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.safetensors') return 'safetensors';
  if (ext === '.npy') return 'npy';
  if (ext === '.npz') return 'npz';
  if (ext === '.pt' || ext === '.pth' || ext === '.bin' || ext === '.ckpt') return 'pt';
  return null;
}

function isStateDict(value: unknown): value is StateDict {
  return value !== null && typeof value === 'object' && !(value instanceof Tensor) && !Array.isArray(value) &&
    Object.values(value as object).every((v) => v instanceof Tensor);
}

/** The bytes torch.save would write for `value` in `format`. */
export function serialize(value: Tensor | StateDict, format: 'safetensors' | 'npy' | 'npz', opts: SaveOptions = {}): Uint8Array {
  if (opts.metadata !== undefined && format !== 'safetensors')
    throw new TensorError(`metadata can only be stored in .safetensors files, not .${format}`);
  if (format === 'npy') {
    if (!(value instanceof Tensor)) throw new TensorError('.npy files hold a single Tensor; use .npz or .safetensors for a dict of tensors');
    return saveNpy(value);
  }
  const dict: StateDict = value instanceof Tensor ? {} : (value as StateDict);
  if (!(value instanceof Tensor) && !isStateDict(value))
    throw new TensorError(`torch.save to .${format} expects a Tensor or an object of Tensors`);
  if (format === 'safetensors') {
    if (value instanceof Tensor) setOwn(dict, SINGLE_TENSOR_KEY, value);
    return saveSafetensors(dict, opts.metadata);
  }
  if (value instanceof Tensor) setOwn(dict, 'arr_0', value);
  return writeZip(Object.entries(dict).map(([name, t]) => ({ name: `${name}.npy`, data: saveNpy(t) })));
}

/** Parses bytes of a known format (or sniffs it when `format` is omitted). */
export function deserialize(bytes: Uint8Array, format?: Format): unknown {
  const kind = format ?? sniff(bytes);
  switch (kind) {
    case 'npy':
      return loadNpy(bytes);
    case 'safetensors': {
      const { tensors } = loadSafetensors(bytes);
      const keys = Object.keys(tensors);
      return keys.length === 1 && keys[0] === SINGLE_TENSOR_KEY ? tensors[SINGLE_TENSOR_KEY] : tensors;
    }
    case 'npz':
      return loadNpz(bytes);
    case 'pt':
      return loadPt(bytes);
  }
}

function sniff(bytes: Uint8Array): Format {
  if (isNpy(bytes)) return 'npy';
  if (looksLikeZip(bytes)) {
    const names = new ZipArchive(bytes).names;
    return names.some((n) => n === 'data.pkl' || n.endsWith('/data.pkl')) ? 'pt' : 'npz';
  }
  return 'safetensors';
}

/** numpy.load of an .npz: every `<name>.npy` entry, in archive order. */
export function loadNpz(bytes: Uint8Array): StateDict {
  const archive = new ZipArchive(bytes);
  const out: StateDict = {};
  for (const name of archive.names) {
    const key = name.endsWith('.npy') ? name.slice(0, -4) : name;
    setOwn(out, key, loadNpy(archive.read(name), `npz entry '${name}'`));
  }
  return out;
}

/** torch.save(tensorOrStateDict, path, { metadata }): the format follows the extension. */
export function save(value: Tensor | StateDict, file: string, opts: SaveOptions = {}): void {
  if (typeof file !== 'string') throw new TypeError(`torch.save expects a file path, got ${typeof file}`);
  const format = formatOfPath(file);
  if (format === 'pt')
    throw new TensorError(`writing PyTorch .pt checkpoints is not supported: save to .safetensors (PyTorch reads it with safetensors.torch.load_file)`);
  if (format === null)
    throw new TensorError(`torch.save: cannot tell the format of '${file}': use a .safetensors, .npy or .npz extension`);
  fs.writeFileSync(file, serialize(value, format, opts));
}

/**
 * torch.load(path): a Tensor (.npy, single-tensor .safetensors) or an object name -> value
 * (.safetensors, .npz, .pt state dicts). The type parameter only narrows the result.
 */
export function load<T = Tensor | StateDict>(file: string): T {
  if (typeof file !== 'string') throw new TypeError(`torch.load expects a file path, got ${typeof file}`);
  const bytes = fs.readFileSync(file);
  return deserialize(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), formatOfPath(file) ?? undefined) as T;
}
