/**
 * NumPy's .npy format (numpy/lib/format.py): magic "\x93NUMPY", version byte pair, header
 * length (2 bytes in 1.0, 4 bytes in 2.0/3.0), a Python dict literal naming descr,
 * fortran_order and shape, then the raw elements. Writing matches np.save byte for byte
 * (sorted keys, the 21-digit growth padding, 64-byte alignment, version 1.0 unless the
 * header needs more).
 */
import { Tensor } from '../tensor';
import { DType, float32, float64, int32, int64, int16, int8, uint8, bool } from '../dtype';
import { TensorError } from '../errors';
import { checkedNumel, storageFromBytes, tensorToBytes, concatBytes } from './tensor-bytes';
import { contiguousStrides } from '../size';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
const ARRAY_ALIGN = 64;
const GROWTH_AXIS_MAX_DIGITS = 21;
// numpy refuses headers over 10000 characters by default; a generous bound still stops abuse.
const MAX_HEADER_LENGTH = 1 << 20;

const TYPE_CODES: Record<string, DType> = {
  f4: float32, f8: float64, i4: int32, i8: int64, i2: int16, i1: int8, u1: uint8, b1: bool,
};

const DESCR_OF: Record<string, string> = {
  float32: '<f4', float64: '<f8', int32: '<i4', int64: '<i8', int16: '<i2', int8: '|i1', uint8: '|u1', bool: '|b1',
};

export function isNpy(bytes: Uint8Array): boolean {
  return bytes.byteLength >= 6 && MAGIC.every((b, i) => bytes[i] === b);
}

/** Parses an .npy buffer into a tensor (its own copy of the data). */
export function loadNpy(bytes: Uint8Array, what = 'npy file'): Tensor {
  if (!isNpy(bytes)) throw new TensorError(`${what}: not an .npy file (bad magic string)`);
  if (bytes.byteLength < 10) throw new TensorError(`${what}: truncated before the header length`);
  const major = bytes[6];
  const minor = bytes[7];
  if (!((major === 1 || major === 2 || major === 3) && minor === 0))
    throw new TensorError(`${what}: unsupported .npy format version ${major}.${minor}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lengthBytes = major === 1 ? 2 : 4;
  if (bytes.byteLength < 8 + lengthBytes) throw new TensorError(`${what}: truncated before the header length`);
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const headerStart = 8 + lengthBytes;
  if (headerLength > MAX_HEADER_LENGTH) throw new TensorError(`${what}: header length ${headerLength} is too large`);
  if (headerStart + headerLength > bytes.byteLength)
    throw new TensorError(`${what}: header length ${headerLength} runs past the end of the file`);
  const headerBytes = bytes.subarray(headerStart, headerStart + headerLength);
  let header: string;
  try {
    header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1', { fatal: true }).decode(headerBytes);
  } catch {
    throw new TensorError(`${what}: header is not valid text`);
  }
  const { dtype, bigEndian, fortranOrder, shape } = parseHeader(header, what);
  const numel = checkedNumel(shape, what);
  const byteLength = numel * dtype.itemsize;
  const dataStart = headerStart + headerLength;
  if (dataStart + byteLength > bytes.byteLength)
    throw new TensorError(
      `${what}: truncated data: shape [${shape.join(', ')}] needs ${byteLength} bytes, file has ${bytes.byteLength - dataStart}`,
    );
  const storage = storageFromBytes(bytes.subarray(dataStart, dataStart + byteLength), dtype.itemsize, bigEndian);
  // Fortran order keeps numpy's column-major strides, as torch.from_numpy does.
  const strides = fortranOrder ? fortranStrides(shape) : contiguousStrides(shape);
  return new Tensor(storage, shape, strides, 0, dtype);
}

/** np.save's bytes for a tensor (always C order; non-contiguous tensors are copied). */
export function saveNpy(t: Tensor): Uint8Array {
  if (!(t instanceof Tensor)) throw new TensorError(`.npy files hold a single Tensor, got ${describe(t)}`);
  const shape = [...t.shape];
  const shapeRepr = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${DESCR_OF[t.dtype.name]}', 'fortran_order': False, 'shape': ${shapeRepr}, }`;
  if (shape.length > 0) header += ' '.repeat(Math.max(GROWTH_AXIS_MAX_DIGITS - String(shape[0]).length, 0));
  const prefix = wrapHeader(header);
  return concatBytes([prefix, tensorToBytes(t)]);
}

function wrapHeader(header: string): Uint8Array {
  const text = Buffer.from(header, 'latin1');
  const headerWithNewline = text.byteLength + 1;
  for (const [major, lengthBytes, limit] of [[1, 2, 0xffff], [2, 4, 0xffffffff]] as const) {
    const padding = ARRAY_ALIGN - ((MAGIC.length + 2 + lengthBytes + headerWithNewline) % ARRAY_ALIGN);
    const total = headerWithNewline + padding;
    if (total > limit) continue;
    const out = Buffer.alloc(MAGIC.length + 2 + lengthBytes + total, 0x20);
    out.set(MAGIC, 0);
    out[6] = major;
    out[7] = 0;
    if (lengthBytes === 2) out.writeUInt16LE(total, 8);
    else out.writeUInt32LE(total, 8);
    text.copy(out, 8 + lengthBytes);
    out[out.byteLength - 1] = 0x0a;
    return out;
  }
  throw new TensorError('npy header too large');
}


function fortranStrides(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let step = 1;
  for (let d = 0; d < shape.length; d++) {
    strides[d] = step;
    step *= Math.max(shape[d], 1);
  }
  return strides;
}

function describe(v: unknown): string {
  return v === null ? 'null' : typeof v === 'object' ? (v as object).constructor?.name ?? 'object' : typeof v;
}

interface NpyHeader {
  dtype: DType;
  bigEndian: boolean;
  fortranOrder: boolean;
  shape: number[];
}

type Literal = string | boolean | number | Literal[];

/** Reads the header's dict literal: string keys; string, bool, int or tuple values. */
function parseHeader(text: string, what: string): NpyHeader {
  let at = 0;
  const fail = (why: string): never => {
    throw new TensorError(`${what}: cannot parse header (${why}): ${JSON.stringify(text.slice(0, 200))}`);
  };
  const skipSpace = (): void => {
    while (at < text.length && /\s/.test(text[at])) at++;
  };
  const expect = (ch: string): void => {
    skipSpace();
    if (text[at] !== ch) fail(`expected '${ch}' at ${at}`);
    at++;
  };
  const parseValue = (depth: number): Literal => {
    if (depth > 8) fail('nesting too deep');
    skipSpace();
    const ch = text[at];
    if (ch === "'" || ch === '"') {
      const end = text.indexOf(ch, at + 1);
      if (end < 0) fail('unterminated string');
      const s = text.slice(at + 1, end);
      at = end + 1;
      return s;
    }
    if (ch === '(' || ch === '[') {
      const close = ch === '(' ? ')' : ']';
      at++;
      const items: Literal[] = [];
      for (;;) {
        skipSpace();
        if (text[at] === close) {
          at++;
          return items;
        }
        items.push(parseValue(depth + 1));
        skipSpace();
        if (text[at] === ',') at++;
        else if (text[at] !== close) fail(`expected ',' or '${close}' at ${at}`);
      }
    }
    const word = /^(True|False|-?\d+L?)/.exec(text.slice(at, at + 32));
    if (word === null) return fail(`unexpected character at ${at}`);
    at += word[0].length;
    if (word[0] === 'True') return true;
    if (word[0] === 'False') return false;
    return Number(word[0].replace('L', ''));
  };
  expect('{');
  const dict = new Map<string, Literal>();
  for (;;) {
    skipSpace();
    if (text[at] === '}') {
      at++;
      break;
    }
    const key = parseValue(0);
    if (typeof key !== 'string') fail('dictionary keys must be strings');
    expect(':');
    dict.set(key as string, parseValue(0));
    skipSpace();
    if (text[at] === ',') at++;
    else if (text[at] !== '}') fail(`expected ',' or '}' at ${at}`);
  }
  if (text.slice(at).trim() !== '') fail('text after the dictionary');
  const keys = [...dict.keys()].sort();
  if (keys.join(',') !== 'descr,fortran_order,shape')
    throw new TensorError(`${what}: header does not contain the correct keys: [${keys.map((k) => `'${k}'`).join(', ')}]`);
  const descr = dict.get('descr');
  const fortranOrder = dict.get('fortran_order');
  const shape = dict.get('shape');
  if (typeof descr !== 'string') throw new TensorError(`${what}: descr is not a valid dtype descriptor: ${JSON.stringify(descr)}`);
  if (typeof fortranOrder !== 'boolean') throw new TensorError(`${what}: fortran_order is not a valid bool`);
  if (!Array.isArray(shape) || !shape.every((s) => typeof s === 'number' && Number.isSafeInteger(s) && s >= 0))
    throw new TensorError(`${what}: shape is not valid: ${JSON.stringify(shape)}`);
  const order = descr[0];
  const dtype = TYPE_CODES[descr.slice(1)];
  if (!'<>|='.includes(order) || descr.length < 2 || dtype === undefined)
    throw new TensorError(`${what}: unsupported dtype descr '${descr}' (supported: <f4 <f8 <i4 <i8 <i2 |i1 |u1 |b1, either byte order)`);
  return { dtype, bigEndian: order === '>', fortranOrder, shape: shape as number[] };
}
