/**
 * The default CPU generator: a Mersenne Twister (mt19937) seeded and consumed exactly as
 * PyTorch's CPUGeneratorImpl consumes it, so that after the same manualSeed the random
 * creation functions give PyTorch's numbers (within float rounding). One per worker
 * thread, since each worker loads its own copy of this module.
 */
const N = 624;
const M = 397;
const DEFAULT_SEED = 67280421310721;

export class Generator {
  private state = new Uint32Array(N);
  private index = N;
  private seedValue = DEFAULT_SEED;
  /** Box-Muller makes normals in pairs; PyTorch keeps the second for the next call. */
  nextDoubleNormal: number | null = null;

  constructor(seed = DEFAULT_SEED) {
    this.manualSeed(seed);
  }

  manualSeed(seed: number | bigint): this {
    const s = BigInt(seed);
    this.seedValue = Number(s);
    const st = this.state;
    st[0] = Number(s & 0xffffffffn);
    for (let j = 1; j < N; j++) {
      const prev = st[j - 1] ^ (st[j - 1] >>> 30);
      st[j] = (Math.imul(1812433253, prev) + j) >>> 0;
    }
    this.index = N;
    this.nextDoubleNormal = null;
    return this;
  }

  initialSeed(): number {
    return this.seedValue;
  }

  private twist(): void {
    const st = this.state;
    for (let i = 0; i < N; i++) {
      const y = (st[i] & 0x80000000) | (st[(i + 1) % N] & 0x7fffffff);
      let v = st[(i + M) % N] ^ (y >>> 1);
      if (y & 1) v ^= 0x9908b0df;
      st[i] = v >>> 0;
    }
    this.index = 0;
  }

  /** 32 random bits (PyTorch's generator->random()). */
  random(): number {
    if (this.index >= N) this.twist();
    let y = this.state[this.index++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** 64 random bits as a BigInt: first draw high, second low (make64BitsFrom32Bits). */
  random64(): bigint {
    const hi = this.random();
    const lo = this.random();
    return (BigInt(hi) << 32n) | BigInt(lo);
  }

  /**
   * uniform_real_distribution<float>: 24 random bits; the bounds are floats (so `to - from`
   * rounds to float) and the scaling runs in double, as ATen's CPU uniform kernel.
   */
  uniformFloat(from = 0, to = 1): number {
    const lo = Math.fround(from);
    return ((this.random() & 0xffffff) / 16777216) * Math.fround(Math.fround(to) - lo) + lo;
  }

  /** uniform_real_distribution<double>: 53 random bits of a 64-bit draw. */
  uniformDouble(from = 0, to = 1): number {
    const hi = this.random();
    const lo = this.random();
    const x = ((hi & 0x1fffff) * 4294967296 + lo) / 9007199254740992;
    return x * (to - from) + from;
  }

  /** normal_distribution<double> with PyTorch's cached second sample. */
  normalDouble(mean = 0, std = 1): number {
    if (this.nextDoubleNormal !== null) {
      const v = this.nextDoubleNormal;
      this.nextDoubleNormal = null;
      return v * std + mean;
    }
    const u1 = this.uniformDouble();
    const u2 = this.uniformDouble();
    const r = Math.sqrt(-2 * Math.log(1 - u2));
    const theta = 2 * Math.PI * u1;
    this.nextDoubleNormal = r * Math.sin(theta);
    return r * Math.cos(theta) * std + mean;
  }
}

export const defaultGenerator = new Generator();

export function manualSeed(seed: number | bigint): Generator {
  return defaultGenerator.manualSeed(seed);
}

export function seed(): number {
  const s = Math.floor(Math.random() * 2 ** 52);
  defaultGenerator.manualSeed(s);
  return s;
}

export function initialSeed(): number {
  return defaultGenerator.initialSeed();
}
