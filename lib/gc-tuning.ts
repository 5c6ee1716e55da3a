import * as v8 from 'v8';

/**
 * Makes V8 free dead ArrayBuffers during the scavenge that finds them, on the main thread,
 * instead of handing them to a background task (V8's --concurrent-array-buffer-sweeping).
 *
 * Why: a training or inference loop makes a new output tensor per op, and V8 scavenges
 * every ~32 MB of new buffers. With the background task, the next outputs are allocated
 * before the dead ones are freed, so glibc hands out fresh pages (page faults: ~2 per call
 * of a 16 MB relu) and the task takes the second core from the thread pool while the main
 * thread waits for it. Measured on relu of 4M floats into a new output, 1 thread:
 * 1090 -> 825-880 us, CPU time per call 1390 -> 880 us, 3 context switches per call -> 0
 * (into an `out=` tensor: 670 us). V8 reads the flag each time it starts a sweep, so
 * setting it after start-up is safe; it only changes which thread calls free().
 * TENSORGRAD_GC_TUNING=0 leaves V8 as it is (as TENSORGRAD_MALLOC_TUNING=0 does glibc).
 */
let tuned = false;

export function tuneGarbageCollectorOnce(): void {
  if (tuned || process.env.TENSORGRAD_GC_TUNING === '0') return;
  tuned = true;
  v8.setFlagsFromString('--no-concurrent-array-buffer-sweeping');
}
