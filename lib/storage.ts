import { Bytes, native } from './native';
import { TensorError } from './errors';

/**
 * The memory behind a tensor and all its views: a V8-owned uninitialised buffer (freed by
 * the garbage collector, which V8 sizes by it; the addon tunes glibc so freed blocks are
 * reused warm - see native/src/core/malloc_tuning.h for why not an addon pool), or user
 * memory wrapped by torch.from, or a SharedArrayBuffer after shareMemory_(). The version
 * counter lives here because every view of the same memory shares it (PyTorch's in-place
 * checks rely on that).
 */
export class Storage {
  version = 0;
  disposed = false;

  constructor(public bytes: Bytes) {}

  static allocate(byteLength: number): Storage {
    return new Storage(Buffer.allocUnsafeSlow(byteLength));
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
  }

  /** Gives pooled memory back now; the storage is unusable afterwards. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    native.dispose(this.bytes);
    this.bytes = new Uint8Array(0);
  }

  assertAlive(): void {
    if (this.disposed) throw new TensorError('Tensor was disposed: its memory has been released with dispose()');
  }
}
