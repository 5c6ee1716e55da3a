import { Bytes, native } from './native';
import { TensorError } from './errors';
import { beforePoolStorage, poolStorageReleased, tuneGarbageCollectorOnce } from './gc-tuning';

tuneGarbageCollectorOnce();

/**
 * The memory behind a tensor and all its views: a V8-owned uninitialised buffer (freed by
 * the garbage collector, which V8 sizes by it; the addon tunes glibc so freed blocks are
 * reused warm - see native/src/core/malloc_tuning.h for why not an addon pool), or user
 * memory wrapped by torch.from, or a SharedArrayBuffer after shareMemory_(). The version
 * counter lives here because every view of the same memory shares it (PyTorch's in-place
 * checks rely on that).
 */
/**
 * Small storages are carved from shared slabs: creating an ArrayBuffer costs about a
 * microsecond, more than a whole tiny op, so a 5x5 tensor must not pay for its own (Node's
 * Buffer.allocUnsafe pools the same way). A slab lives while any storage carved from it
 * does; the size cap bounds what a long-lived scalar can pin.
 */
const SLAB_BYTES = 16384;
const SLAB_MAX_REQUEST = 512;
const SLAB_ALIGN = 16; // the widest element (8 bytes) and SSE loads; kernels do not need more
let slab: ArrayBufferLike = new ArrayBuffer(0);
let slabUsed = 0;

function carve(byteLength: number): Uint8Array {
  if (slabUsed + byteLength > slab.byteLength) {
    beforePoolStorage(SLAB_BYTES);
    slab = Buffer.allocUnsafeSlow(SLAB_BYTES).buffer; // uninitialised, as the big storages
    slabUsed = 0;
  }
  // A plain Uint8Array: Buffer#subarray goes through Buffer's constructor, several times slower.
  const bytes = new Uint8Array(slab, slabUsed, byteLength);
  slabUsed += (byteLength + SLAB_ALIGN - 1) & -SLAB_ALIGN;
  return bytes;
}

// Storages this big may span a whole 2 MiB page, which the addon advises as a transparent
// huge page before anything touches it (one syscall, against hundreds of page faults).
const HUGE_PAGE_MIN_REQUEST = 2 << 20;
// From 64 KiB, storages start on a cache line, as PyTorch's do: glibc aligns V8's buffers
// to 16 bytes only, and vector loops over misaligned data split loads and stores across
// lines (native alignStorage has the figures: ~13% of a 4M-float in-place mul). Below that
// the native call that finds the padding (~150-200 ns) costs more than the split accesses.
const CACHE_LINE = 64;
const ALIGN_MIN_REQUEST = 64 << 10;

function allocateAligned(byteLength: number): Bytes {
  if (byteLength < ALIGN_MIN_REQUEST) return Buffer.allocUnsafeSlow(byteLength);
  const raw = Buffer.allocUnsafeSlow(byteLength + CACHE_LINE - 1);
  const pad = native.alignStorage(raw, byteLength, HUGE_PAGE_MIN_REQUEST);
  return new Uint8Array(raw.buffer, pad, byteLength);
}

let storagesMade = 0;

// What a disposed storage holds: one shared empty view (a zero-length view cannot be
// written through), since a new Uint8Array(0) per dispose() cost ~0.25 us, a third of
// creating and disposing a small tensor.
const NO_BYTES = new Uint8Array(0);

/**
 * Storages autograd is done with (gradients the engine consumed, private .grad buffers that
 * zeroGrad dropped) and those the user disposed of wait here, by exact byte length, for the
 * next storage of that size, which takes the most recently returned one: the same
 * ArrayBuffer, still warm in cache.
 * A new ArrayBuffer costs 0.9-2 us (more than many ops) and lands on cold memory until V8
 * collects the old one; PyTorch's allocator likewise hands back the block it just freed. A
 * training step asks for the same sizes every time. Only storages no code outside
 * tensorgrad can reach come here, and RECYCLE_MAX_BYTES bounds what waits.
 */
export const RECYCLE_MAX_BYTES = 64 << 20;
const recycled = new Map<number, Bytes[]>();
let recycledBytes = 0;
let recycledHits = 0;

/** What waits for reuse, and how many storages were served from it. */
export function recycledStats(): { bytes: number; hits: number } {
  return { bytes: recycledBytes, hits: recycledHits };
}

/** Gives the waiting storages' memory back (torch.backend.emptyCache). */
export function emptyRecycled(): void {
  for (const list of recycled.values()) for (const bytes of list) native.dispose(bytes);
  recycled.clear();
  recycledBytes = 0;
}

/**
 * Frees waiting storages, oldest size first (a Map keeps its keys in insertion order), until
 * byteLength more fits under RECYCLE_MAX_BYTES; false if it never can. Without this, sizes
 * a program stopped asking for would fill the budget and turn recycling off for good.
 */
function makeRoomToRecycle(byteLength: number): boolean {
  if (byteLength > RECYCLE_MAX_BYTES) return false;
  for (const list of recycled.values()) {
    while (recycledBytes + byteLength > RECYCLE_MAX_BYTES && list.length > 0) {
      const bytes = list.shift() as Bytes;
      recycledBytes -= bytes.byteLength;
      native.dispose(bytes);
    }
    if (recycledBytes + byteLength <= RECYCLE_MAX_BYTES) break;
  }
  return true;
}

export class Storage {
  version = 0;
  disposed = false;
  /** Set once bytes were handed outside tensorgrad (data(), a worker message): see dispose(). */
  private exposed = false;
  /** Creation order: the engine tells a buffer a derivative just made from older ones. */
  readonly serial = storagesMade++;

  /** The serial the next storage will get. */
  static get nextSerial(): number {
    return storagesMade;
  }

  /**
   * `origin`: 'slab' bytes are part of a slab, which dispose() must not detach; 'pool' bytes
   * are a buffer Storage.allocate made, which only this storage uses and recycle() may keep;
   * 'user' bytes came from outside (torch.from, a worker's message).
   */
  constructor(public bytes: Bytes, private readonly origin: 'slab' | 'pool' | 'user' = 'user') {}

  static allocate(byteLength: number): Storage {
    if (byteLength > 0 && byteLength <= SLAB_MAX_REQUEST) return new Storage(carve(byteLength), 'slab');
    // Counted whether new or recycled: recycle() and dispose() take the bytes off again, so
    // what stays counted is what was dropped for the collector to find.
    beforePoolStorage(byteLength);
    const waiting = recycled.get(byteLength);
    if (waiting !== undefined && waiting.length > 0) {
      recycledBytes -= byteLength;
      recycledHits++;
      return new Storage(waiting.pop() as Bytes, 'pool');
    }
    return new Storage(allocateAligned(byteLength), 'pool');
  }

  get byteLength(): number {
    return this.bytes.byteLength;
  }

  get isShared(): boolean {
    return typeof SharedArrayBuffer !== 'undefined' && this.bytes.buffer instanceof SharedArrayBuffer;
  }

  /**
   * Moves the bytes into a SharedArrayBuffer (PyTorch's share_memory_): every tensor and
   * view on this storage follows, since they all hold this object, not the bytes.
   */
  moveToShared(): void {
    this.assertAlive();
    if (this.isShared) return;
    const shared = new Uint8Array(new SharedArrayBuffer(this.bytes.byteLength));
    shared.set(this.bytes);
    this.bytes = shared;
    this.exposed = true; // other workers hold it now
  }

  /** The bytes, for code outside tensorgrad that may keep them (t.data(), a worker message). */
  expose(): Bytes {
    this.exposed = true;
    return this.bytes;
  }

  /**
   * Gives the memory back now; the storage is unusable afterwards. Bytes nothing outside
   * tensorgrad ever saw wait for the next storage of their size (recycle()), as PyTorch's
   * allocator keeps the block it freed; bytes that were handed out are detached, so a
   * typed array the user kept reads as empty instead of aliasing a later tensor.
   */
  dispose(): void {
    if (this.origin === 'pool' && !this.exposed) this.recycle();
    else this.release();
  }

  /** Frees the bytes (a pooled block goes back to the addon's pool, V8's is freed). */
  release(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.origin === 'pool') poolStorageReleased(this.bytes.byteLength); // only those were counted
    // A SharedArrayBuffer cannot be detached, and other workers may still use it.
    if (this.origin !== 'slab' && !this.isShared) native.dispose(this.bytes);
    this.bytes = NO_BYTES;
  }

  /**
   * dispose() for a storage only tensorgrad can reach: its ArrayBuffer waits for the next
   * storage of its size instead of being freed (see `recycled`). Any tensor still on this
   * storage sees it disposed, as after dispose(). Shared memory is left alone: another
   * worker may be using it.
   */
  recycle(): void {
    if (this.isShared) return;
    const bytes = this.bytes;
    if (this.disposed || this.exposed || this.origin !== 'pool' || !makeRoomToRecycle(bytes.byteLength)) return this.release();
    this.disposed = true;
    this.bytes = NO_BYTES;
    let list = recycled.get(bytes.byteLength);
    if (list === undefined) recycled.set(bytes.byteLength, (list = []));
    list.push(bytes);
    recycledBytes += bytes.byteLength;
    poolStorageReleased(bytes.byteLength);
  }

  assertAlive(): void {
    if (this.disposed) throw new TensorError('Tensor was disposed: its memory has been released with dispose()');
  }
}
