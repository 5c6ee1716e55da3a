/** Every error tensorgrad raises (a wrong JavaScript type aside, which is a TypeError). */
export class TensorError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TensorError';
  }
}

export function check(condition: unknown, message: string | (() => string)): asserts condition {
  if (!condition) throw new TensorError(typeof message === 'function' ? message() : message);
}
