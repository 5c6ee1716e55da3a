/**
 * The safetensors format (huggingface/safetensors): an 8-byte little-endian header length
 * N, N bytes of JSON {name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__":
 * {string: string}}, then the packed data. Written exactly as the reference library
 * writes it: tensors ordered by dtype alignment (largest first) then name, compact JSON
 * with "__metadata__" first, the header padded with spaces to a multiple of 8 bytes.
 * Reading applies the reference checks (header size, offsets contiguous from 0 and
 * covering the whole buffer, sizes matching shape x dtype).
 */
import { Tensor } from '../tensor';
import { DType, float32, float64, int32, int64, int16, int8, uint8, bool } from '../dtype';
import { TensorError } from '../errors';
import { checkedNumel, readUint64, tensorFromBytes, tensorToBytes, concatBytes, setOwn } from './tensor-bytes';

/** The key a single tensor is stored under by save(tensor, 'x.safetensors'); load gives it back bare. */
export const SINGLE_TENSOR_KEY = '__tensor__';

const MAX_HEADER_SIZE = 100_000_000; // as the reference reader

const DTYPE_OF_CODE: Record<string, DType> = {
  F64: float64, F32: float32, I64: int64, I32: int32, I16: int16, I8: int8, U8: uint8, BOOL: bool,
};
const CODE_OF_DTYPE: Record<string, string> = {
  float64: 'F64', float32: 'F32', int64: 'I64', int32: 'I32', int16: 'I16', int8: 'I8', uint8: 'U8', bool: 'BOOL',
};
// The reference Dtype enum order (increasing alignment); files sort tensors by it, descending.
const DTYPE_RANK = ['BOOL', 'U8', 'I8', 'F8_E5M2', 'F8_E4M3', 'I16', 'U16', 'F16', 'BF16', 'I32', 'U32', 'F32', 'F64', 'I64', 'U64'];

export interface SafetensorsContents {
  tensors: Record<string, Tensor>;
  metadata: Record<string, string> | null;
}

/** Serialises name -> tensor (and optional string metadata) to safetensors bytes. */
export function saveSafetensors(tensors: Record<string, Tensor>, metadata?: Record<string, string> | null): Uint8Array {
  if (tensors === null || typeof tensors !== 'object' || tensors instanceof Tensor)
    throw new TensorError('safetensors expects an object mapping names to tensors');
  const entries = Object.entries(tensors).map(([name, t]) => {
    if (!(t instanceof Tensor)) throw new TensorError(`safetensors: value for '${name}' is not a Tensor`);
    return { name, code: CODE_OF_DTYPE[t.dtype.name], tensor: t };
  });
  entries.sort(
    (a, b) =>
      DTYPE_RANK.indexOf(b.code) - DTYPE_RANK.indexOf(a.code) || Buffer.compare(Buffer.from(a.name), Buffer.from(b.name)),
  );
  // JSON.stringify escapes exactly as serde_json does (", \, control characters; lowercase \u00xx).
  const parts: string[] = [];
  if (metadata !== undefined && metadata !== null) {
    for (const [k, v] of Object.entries(metadata))
      if (typeof v !== 'string') throw new TensorError(`safetensors metadata values must be strings, got ${typeof v} for '${k}'`);
    // The reference keeps metadata in a hash map (unordered); sorted keys make ours reproducible.
    const sorted = Object.keys(metadata).sort();
    parts.push(`"__metadata__":{${sorted.map((k) => `${JSON.stringify(k)}:${JSON.stringify(metadata[k])}`).join(',')}}`);
  }
  const datas: Uint8Array[] = [];
  let offset = 0;
  for (const { name, code, tensor } of entries) {
    const data = tensorToBytes(tensor);
    datas.push(data);
    parts.push(
      `${JSON.stringify(name)}:{"dtype":"${code}","shape":[${[...tensor.shape].join(',')}],"data_offsets":[${offset},${offset + data.byteLength}]}`,
    );
    offset += data.byteLength;
  }
  const json = Buffer.from(`{${parts.join(',')}}`, 'utf8');
  const padding = (8 - (json.byteLength % 8)) % 8;
  const header = Buffer.alloc(8 + json.byteLength + padding, 0x20);
  header.writeBigUInt64LE(BigInt(json.byteLength + padding), 0);
  json.copy(header, 8);
  return concatBytes([header, ...datas]);
}

/** Parses safetensors bytes; tensors come back sorted by name, as safetensors.load_file gives them. */
export function loadSafetensors(bytes: Uint8Array): SafetensorsContents {
  if (bytes.byteLength < 8) throw new TensorError('safetensors: header too small (file shorter than 8 bytes)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = readUint64(view, 0, 'safetensors header length');
  if (headerLength > MAX_HEADER_SIZE) throw new TensorError(`safetensors: header too large (${headerLength} bytes)`);
  if (8 + headerLength > bytes.byteLength)
    throw new TensorError(`safetensors: invalid header length ${headerLength} (file has ${bytes.byteLength - 8} bytes after it)`);
  let header: unknown;
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + headerLength));
    header = JSON.parse(text);
  } catch {
    throw new TensorError('safetensors: invalid header (not UTF-8 JSON)');
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header))
    throw new TensorError('safetensors: invalid header (not a JSON object)');
  let metadata: Record<string, string> | null = null;
  const infos: { name: string; dtype: DType; shape: number[]; begin: number; end: number }[] = [];
  for (const [name, info] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (info === null || typeof info !== 'object' || Array.isArray(info))
        throw new TensorError('safetensors: __metadata__ must be an object of strings');
      for (const [k, v] of Object.entries(info as Record<string, unknown>))
        if (typeof v !== 'string') throw new TensorError(`safetensors: __metadata__ value for '${k}' is not a string`);
      metadata = {};
      for (const [k, v] of Object.entries(info as Record<string, string>)) setOwn(metadata, k, v);
      continue;
    }
    if (info === null || typeof info !== 'object') throw new TensorError(`safetensors: entry '${name}' is not an object`);
    const { dtype: code, shape, data_offsets: offsets } = info as Record<string, unknown>;
    if (typeof code !== 'string') throw new TensorError(`safetensors: entry '${name}' has no dtype`);
    const dtype = DTYPE_OF_CODE[code];
    if (dtype === undefined) throw new TensorError(`safetensors: unsupported dtype ${code} for tensor '${name}'`);
    if (!Array.isArray(shape)) throw new TensorError(`safetensors: entry '${name}' has no shape`);
    checkedNumel(shape, `safetensors tensor '${name}'`);
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isSafeInteger(o) && o >= 0))
      throw new TensorError(`safetensors: entry '${name}' has invalid data_offsets`);
    infos.push({ name, dtype, shape: shape as number[], begin: offsets[0], end: offsets[1] });
  }
  infos.sort((a, b) => a.begin - b.begin || a.end - b.end);
  const dataStart = 8 + headerLength;
  let expected = 0;
  for (const info of infos) {
    if (info.begin !== expected || info.end < info.begin) throw new TensorError(`safetensors: invalid offset for tensor '${info.name}'`);
    const needed = checkedNumel(info.shape, info.name) * info.dtype.itemsize;
    if (info.end - info.begin !== needed)
      throw new TensorError(
        `safetensors: tensor '${info.name}' spans ${info.end - info.begin} bytes but shape [${info.shape.join(', ')}] of ${
          info.dtype
        } needs ${needed}`,
      );
    expected = info.end;
  }
  if (dataStart + expected !== bytes.byteLength)
    throw new TensorError(
      `safetensors: incomplete buffer: tensor data ends at byte ${dataStart + expected} but the file has ${bytes.byteLength}`,
    );
  const tensors: Record<string, Tensor> = {};
  for (const info of [...infos].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)))
    setOwn(tensors, info.name, tensorFromBytes(bytes.subarray(dataStart + info.begin, dataStart + info.end), info.shape, info.dtype));
  return { tensors, metadata };
}
