import { Bytes, native } from './native';
import { TensorError } from './errors';

/**
 * The memory behind a tensor and all its views: bytes from the addon's caching allocator
 * (returned to the pool when collected), or user memory wrapped by torch.from, or a
 * SharedArrayBuffer after shareMemory_(). The version counter lives here because every
 * view of the same memory shares it (PyTorch's in-place checks rely on that).
 */
export class Storage {
  version = 0;
  disposed = false;

  constructor(public bytes: Bytes) {}

  static allocate(byteLength: number): Storage {
    return new Storage(native.allocate(byteLength));
  }

  get byteLength(): number {
    return this.bytes.byteLength;
  }

  get isShared(): boolean {
    return typeof SharedArrayBuffer !== 'undefined' && this.bytes.buffer instanceof SharedArrayBuffer;
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
