import * as v8 from 'v8';
import * as vm from 'vm';

/**
 * How tensorgrad helps V8's garbage collector give tensor memory back while it is still in
 * cache. TENSORGRAD_GC_TUNING=0 leaves V8 as it is (as TENSORGRAD_MALLOC_TUNING=0 does glibc).
 *
 * 1. Dead ArrayBuffers are freed during the scavenge that finds them, on the main thread,
 *    instead of by a background task (V8's --concurrent-array-buffer-sweeping). With the
 *    task, the next outputs were allocated before the dead ones were freed, so glibc handed
 *    out fresh pages (~2 page faults per call of a 16 MB relu), and the task took the second
 *    core from the thread pool while the main thread waited for it. Relu of 4M floats into
 *    a new output, 1 thread: 1090 -> 825-880 us, CPU time per call 1390 -> 880 us. V8 reads
 *    the flag each time it starts a sweep, so setting it after start-up is safe.
 *
 * 2. The young generation is collected once every YOUNG_BYTES_BUDGET of new tensor memory
 *    (see below).
 */
let tuned = false;

type Collect = (options: { type: 'minor' }) => void;
let collectYoung: (() => void) | null = null;

export function tuneGarbageCollectorOnce(): void {
  if (tuned || process.env.TENSORGRAD_GC_TUNING === '0') return;
  tuned = true;
  v8.setFlagsFromString('--no-concurrent-array-buffer-sweeping');
  collectYoung = youngCollector();
}

/**
 * V8's gc() function, taken from a context made while --expose-gc is on; the flag goes
 * back off at once, so no other context (a user's vm sandbox, a test runner's) gets a `gc`
 * global. Null where V8 will not give it (the flag is read when a context is made).
 */
function youngCollector(): (() => void) | null {
  const wasExposed = typeof (globalThis as { gc?: unknown }).gc === 'function';
  v8.setFlagsFromString('--expose-gc');
  let gc: unknown = null;
  try {
    gc = vm.runInNewContext('typeof gc === "function" ? gc : null');
  } finally {
    if (!wasExposed) v8.setFlagsFromString('--no-expose-gc');
  }
  if (typeof gc !== 'function') return null;
  return () => (gc as Collect)({ type: 'minor' });
}

/**
 * A result nobody holds any more is garbage until V8 scavenges, and V8 scavenges for
 * ArrayBuffers only once ~32 MB of them are new (twice its fixed semi-space size, not
 * tunable at run time). A loop that makes a 16 MB output per op therefore cycled through
 * three blocks and a 16 MB input: more than the cache keeps, so every output was written to
 * cold memory, where PyTorch's allocator hands back the block it freed an op ago.
 * tensorgrad asks for a young-generation collection once 12 MiB of storages were handed
 * out and not given back, so dead results are freed in time for the next ones to take
 * their blocks, warm. 12 MiB: a C loop writing 4 MB results in turn into 2, 3 or 4 blocks
 * (plus its 4 MB input) took 97, 123-143 and 175-214 us a result - this machine's L3
 * keeps ~12-16 MB for one core, not the 32 MiB it reports. A scavenge of a small young
 * generation costs ~37 us (most of it visiting V8's fixed roots), so a smaller budget
 * pays it too often: broadcast add (1000,1000)+(1000,) into a new output, 1 thread:
 * 225-275 us with 16 MiB, 159-187 with 12, 155-160 with 8 (into `out=`: 98-101). Relu of
 * 4M floats into a new output, 2 threads: 470-600 -> 305-325 us (PyTorch 364). Training
 * steps, whose tensors are small or recycled, do not change (MLP and LeNet within noise).
 * Memory that dispose() or autograd's recycling gave back is not garbage, so it comes off
 * the count.
 */
export const YOUNG_BYTES_BUDGET = 12 << 20;
let youngBytes = 0;
let youngCollections = 0;

/** Called before a storage of byteLength is handed out (a new buffer, a recycled one or a slab). */
export function beforePoolStorage(byteLength: number): void {
  if (collectYoung === null) return;
  if (youngBytes > 0 && youngBytes + byteLength > YOUNG_BYTES_BUDGET) {
    collectYoung();
    youngCollections++;
    youngBytes = 0;
  }
  youngBytes += byteLength;
}

/** Called when such a storage is given back without the collector (dispose, recycling). */
export function poolStorageReleased(byteLength: number): void {
  youngBytes = Math.max(0, youngBytes - byteLength);
}

/** How many young-generation collections tensorgrad asked for (tests read it). */
export function youngCollectionCount(): number {
  return youngCollections;
}
