/**
 * The little of the ZIP format that .npz and PyTorch's .pt archives use: reading the
 * central directory (ZIP64 included, as PyTorch writes it for large checkpoints), stored
 * and deflated entries; writing stored entries with CRC-32. Every offset and size read
 * from the file is checked against the buffer before use, so a damaged archive raises a
 * TensorError instead of reading past the end.
 */
import * as zlib from 'zlib';
import { TensorError } from '../errors';

const LOCAL_HEADER = 0x04034b50;
const CENTRAL_HEADER = 0x02014b50;
const END_OF_CENTRAL_DIR = 0x06054b50;
const ZIP64_END_OF_CENTRAL_DIR = 0x06064b50;
const ZIP64_LOCATOR = 0x07064b50;
const METHOD_STORED = 0;
const METHOD_DEFLATE = 8;
const UTF8_NAME_FLAG = 0x0800;

let crcTable: Uint32Array | null = null;

/** CRC-32 (IEEE 802.3, as zip and zlib use). */
export function crc32(bytes: Uint8Array): number {
  if (crcTable === null) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  // zlib's crc32 is native and much faster where Node has it (>= 20.15 / 22.2).
  const nativeCrc = (zlib as unknown as { crc32?: (data: Uint8Array) => number }).crc32;
  if (typeof nativeCrc === 'function') return nativeCrc(bytes) >>> 0;
  let crc = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) crc = crcTable[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

interface CentralEntry {
  name: string;
  method: number;
  flags: number;
  crc: number;
  compressedSize: number;
  uncompressedSize: number;
  localHeaderOffset: number;
}

/** A parsed archive: entry names and on-demand, CRC-checked entry contents. */
export class ZipArchive {
  private readonly entries = new Map<string, CentralEntry>();
  private readonly view: DataView;

  constructor(private readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.parseCentralDirectory();
  }

  get names(): string[] {
    return [...this.entries.keys()];
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  /** The entry's uncompressed bytes (a view into the archive for stored entries). */
  read(name: string): Uint8Array {
    const entry = this.entries.get(name);
    if (entry === undefined) throw new TensorError(`zip archive has no entry named '${name}'`);
    if (entry.flags & 1) throw new TensorError(`zip entry '${name}' is encrypted, which is not supported`);
    const at = entry.localHeaderOffset;
    this.need(at, 30, `local header of '${name}'`);
    if (this.view.getUint32(at, true) !== LOCAL_HEADER) throw new TensorError(`zip entry '${name}': bad local header signature`);
    const dataStart = at + 30 + this.view.getUint16(at + 26, true) + this.view.getUint16(at + 28, true);
    this.need(dataStart, entry.compressedSize, `data of '${name}'`);
    const raw = this.bytes.subarray(dataStart, dataStart + entry.compressedSize);
    let data: Uint8Array;
    if (entry.method === METHOD_STORED) {
      if (entry.compressedSize !== entry.uncompressedSize)
        throw new TensorError(`zip entry '${name}': stored entry sizes differ (${entry.compressedSize} vs ${entry.uncompressedSize})`);
      data = raw;
    } else if (entry.method === METHOD_DEFLATE) {
      data = inflate(raw, entry.uncompressedSize, name);
    } else {
      throw new TensorError(`zip entry '${name}' uses unsupported compression method ${entry.method}`);
    }
    if (crc32(data) !== entry.crc) throw new TensorError(`zip entry '${name}': CRC-32 mismatch (corrupt data)`);
    return data;
  }

  private need(at: number, length: number, what: string): void {
    if (!(at >= 0 && length >= 0 && at + length <= this.bytes.byteLength))
      throw new TensorError(`zip archive is truncated or corrupt: ${what} lies past the end of the file`);
  }

  private parseCentralDirectory(): void {
    const view = this.view;
    const size = this.bytes.byteLength;
    // The end record sits in the last 22 bytes plus at most a 65535-byte comment.
    let eocd = -1;
    for (let at = size - 22; at >= 0 && at >= size - 22 - 0xffff; at--) {
      if (view.getUint32(at, true) === END_OF_CENTRAL_DIR) {
        eocd = at;
        break;
      }
    }
    if (eocd < 0) throw new TensorError('not a zip archive: end of central directory record not found');
    let count = view.getUint16(eocd + 10, true);
    let dirSize = view.getUint32(eocd + 12, true);
    let dirOffset = view.getUint32(eocd + 16, true);
    if (count === 0xffff || dirSize === 0xffffffff || dirOffset === 0xffffffff) {
      const locator = eocd - 20;
      if (locator < 0 || view.getUint32(locator, true) !== ZIP64_LOCATOR)
        throw new TensorError('zip archive is corrupt: ZIP64 end of central directory locator missing');
      const record = this.safeNumber(view.getBigUint64(locator + 8, true), 'ZIP64 end record offset');
      this.need(record, 56, 'ZIP64 end of central directory');
      if (view.getUint32(record, true) !== ZIP64_END_OF_CENTRAL_DIR)
        throw new TensorError('zip archive is corrupt: bad ZIP64 end of central directory signature');
      count = this.safeNumber(view.getBigUint64(record + 32, true), 'entry count');
      dirSize = this.safeNumber(view.getBigUint64(record + 40, true), 'central directory size');
      dirOffset = this.safeNumber(view.getBigUint64(record + 48, true), 'central directory offset');
    }
    this.need(dirOffset, dirSize, 'central directory');
    let at = dirOffset;
    const end = dirOffset + dirSize;
    for (let i = 0; i < count; i++) {
      if (at + 46 > end) throw new TensorError('zip archive is corrupt: central directory shorter than its entry count');
      if (view.getUint32(at, true) !== CENTRAL_HEADER) throw new TensorError('zip archive is corrupt: bad central directory entry signature');
      const flags = view.getUint16(at + 8, true);
      const nameLength = view.getUint16(at + 28, true);
      const extraLength = view.getUint16(at + 30, true);
      const commentLength = view.getUint16(at + 32, true);
      const next = at + 46 + nameLength + extraLength + commentLength;
      if (next > end) throw new TensorError('zip archive is corrupt: central directory entry runs past the directory');
      const nameBytes = this.bytes.subarray(at + 46, at + 46 + nameLength);
      const name = Buffer.from(nameBytes).toString(flags & UTF8_NAME_FLAG ? 'utf8' : 'latin1');
      const entry: CentralEntry = {
        name,
        flags,
        method: view.getUint16(at + 10, true),
        crc: view.getUint32(at + 16, true),
        compressedSize: view.getUint32(at + 20, true),
        uncompressedSize: view.getUint32(at + 24, true),
        localHeaderOffset: view.getUint32(at + 42, true),
      };
      this.applyZip64Extra(entry, at + 46 + nameLength, extraLength);
      if (this.entries.has(name)) throw new TensorError(`zip archive is corrupt: duplicate entry '${name}'`);
      this.entries.set(name, entry);
      at = next;
    }
  }

  /** Sizes and offsets that overflow 32 bits live in the ZIP64 extra field (id 1), in order. */
  private applyZip64Extra(entry: CentralEntry, start: number, length: number): void {
    const view = this.view;
    let at = start;
    const end = start + length;
    while (at + 4 <= end) {
      const id = view.getUint16(at, true);
      const size = view.getUint16(at + 2, true);
      if (at + 4 + size > end) throw new TensorError(`zip entry '${entry.name}': extra field runs past its end`);
      if (id === 1) {
        let field = at + 4;
        const take = (what: string): number => {
          if (field + 8 > at + 4 + size) throw new TensorError(`zip entry '${entry.name}': ZIP64 extra field too short`);
          const value = this.safeNumber(view.getBigUint64(field, true), what);
          field += 8;
          return value;
        };
        if (entry.uncompressedSize === 0xffffffff) entry.uncompressedSize = take('uncompressed size');
        if (entry.compressedSize === 0xffffffff) entry.compressedSize = take('compressed size');
        if (entry.localHeaderOffset === 0xffffffff) entry.localHeaderOffset = take('local header offset');
      }
      at += 4 + size;
    }
  }

  private safeNumber(value: bigint, what: string): number {
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new TensorError(`zip archive is corrupt: ${what} too large`);
    return Number(value);
  }
}

function inflate(raw: Uint8Array, expectedSize: number, name: string): Uint8Array {
  let out: Buffer;
  try {
    // The cap stops a corrupt or hostile stream from inflating past the declared size.
    out = zlib.inflateRawSync(raw, { maxOutputLength: Math.max(expectedSize, 1) });
  } catch (e) {
    throw new TensorError(`zip entry '${name}': corrupt deflate data (${(e as Error).message})`);
  }
  if (out.byteLength !== expectedSize)
    throw new TensorError(`zip entry '${name}': inflated to ${out.byteLength} bytes, expected ${expectedSize}`);
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

export interface ZipInput {
  name: string;
  data: Uint8Array;
}

// 1980-01-01 00:00:00 in DOS format: a fixed stamp keeps written archives reproducible.
const DOS_TIME = 0;
const DOS_DATE = (0 << 9) | (1 << 5) | 1;

/** Builds an archive of stored (uncompressed) entries, as numpy.savez does. */
export function writeZip(files: readonly ZipInput[]): Uint8Array {
  const chunks: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  for (const file of files) {
    const name = Buffer.from(file.name, 'utf8');
    const size = file.data.byteLength;
    if (size >= 0xffffffff || offset >= 0xffffffff)
      throw new TensorError('writing zip archives over 4 GiB is not supported');
    const flags = /^[\x20-\x7e]*$/.test(file.name) ? 0 : UTF8_NAME_FLAG;
    const crc = crc32(file.data);
    const local = Buffer.alloc(30 + name.byteLength);
    local.writeUInt32LE(LOCAL_HEADER, 0);
    local.writeUInt16LE(20, 4); // version needed to extract: 2.0
    local.writeUInt16LE(flags, 6);
    local.writeUInt16LE(METHOD_STORED, 8);
    local.writeUInt16LE(DOS_TIME, 10);
    local.writeUInt16LE(DOS_DATE, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(size, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.byteLength, 26);
    local.writeUInt16LE(0, 28);
    name.copy(local, 30);
    const header = Buffer.alloc(46 + name.byteLength);
    header.writeUInt32LE(CENTRAL_HEADER, 0);
    header.writeUInt16LE(20, 4); // made by: MS-DOS, spec 2.0
    header.writeUInt16LE(20, 6);
    header.writeUInt16LE(flags, 8);
    header.writeUInt16LE(METHOD_STORED, 10);
    header.writeUInt16LE(DOS_TIME, 12);
    header.writeUInt16LE(DOS_DATE, 14);
    header.writeUInt32LE(crc, 16);
    header.writeUInt32LE(size, 20);
    header.writeUInt32LE(size, 24);
    header.writeUInt16LE(name.byteLength, 28);
    header.writeUInt32LE(offset, 42);
    name.copy(header, 46);
    chunks.push(local, file.data);
    central.push(header);
    offset += local.byteLength + size;
  }
  const dirSize = central.reduce((n, c) => n + c.byteLength, 0);
  if (files.length > 0xfffe || offset + dirSize >= 0xffffffff)
    throw new TensorError('writing zip archives over 4 GiB or 65535 entries is not supported');
  const end = Buffer.alloc(22);
  end.writeUInt32LE(END_OF_CENTRAL_DIR, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(dirSize, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...chunks, ...central, end]);
}

export function looksLikeZip(bytes: Uint8Array): boolean {
  return bytes.byteLength >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
}
