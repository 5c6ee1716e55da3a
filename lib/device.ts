import { TensorError } from './errors';

/** A device: 'cpu', or 'cuda:N' once the CUDA backend is built. */
export class Device {
  constructor(readonly type: 'cpu' | 'cuda', readonly index: number | null = null) {}
  toString(): string {
    return this.index === null ? this.type : `${this.type}:${this.index}`;
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `device(type='${this.type}'${this.index === null ? '' : `, index=${this.index}`})`;
  }
}

export const cpu = new Device('cpu');

export const CUDA_UNAVAILABLE =
  'Torch not compiled with CUDA enabled: rebuild tensorgrad with CUDA (npm run build:cmake -- --CDTG_CUDA=ON) on a machine with the CUDA toolkit';

export function parseDevice(v: unknown): Device {
  if (v instanceof Device) return v;
  if (typeof v === 'string') {
    const m = /^(cpu|cuda)(?::(\d+))?$/.exec(v);
    if (!m) throw new TensorError(`Expected one of cpu, cuda device type at start of device string: ${v}`);
    if (m[1] === 'cuda') throw new TensorError(CUDA_UNAVAILABLE);
    return cpu;
  }
  throw new TypeError(`expected a device, got ${String(v)}`);
}

export function isDeviceLike(v: unknown): boolean {
  return v instanceof Device || (typeof v === 'string' && /^(cpu|cuda)(:\d+)?$/.test(v));
}
