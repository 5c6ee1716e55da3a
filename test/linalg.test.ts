/**
 * matmul and its family against PyTorch 1.13 fixtures (every shape case, strided and
 * broadcast operands, empty dims, dtypes, out=, error messages), and the native GEMM
 * against a naive loop on random sizes and strides under every CPU capability at 1 and
 * 2 threads.
 */
import * as torch from '../lib';
import { native } from '../lib/native';
import { loadFixture } from './helpers/fixtures';
import { FixtureTensor, dtypeNamed, expectMatches, fromFixture } from './helpers/tensors';
import { Rng } from './helpers/random';

type View =
  | ['t']
  | ['slice', number, number | null, number | null, number]
  | ['expand', number[]]
  | ['unsqueeze', number]
  | ['permute', number[]];
interface Arg {
  tensor: FixtureTensor;
  views: View[];
}
interface Spec {
  shape: number[];
  dtype: string;
}
interface ValueCase {
  op: string;
  args: Arg[];
  kwargs: Record<string, number>;
  out: FixtureTensor;
}
interface ErrorCase {
  op: string;
  args: Spec[];
  kwargs: Record<string, number>;
  error: string;
}
interface Linalg {
  values: ValueCase[];
  errors: ErrorCase[];
  out: {
    values: { op: string; args: FixtureTensor[]; out: FixtureTensor }[];
    errors: { op: string; args: Spec[]; outDtype: string; error: string }[];
  };
  gradFn: Record<string, string>;
}
const fixture = loadFixture<Linalg>('linalg');

type AnyOp = (...args: unknown[]) => torch.Tensor;
function opNamed(name: string): AnyOp {
  if (name === 'linear') return torch.nn.functional.linear as AnyOp;
  const fn = (torch as unknown as Record<string, AnyOp>)[name];
  if (typeof fn !== 'function') throw new Error(`tensorgrad has no op ${name}`);
  return fn;
}

function applyViews(t: torch.Tensor, views: View[]): torch.Tensor {
  for (const v of views) {
    if (v[0] === 't') t = t.transpose(-1, -2);
    else if (v[0] === 'slice') {
      const [, dim, start, stop, step] = v;
      t = t.index(...new Array<string>(dim).fill(':'), `${start ?? ''}:${stop ?? ''}:${step}`);
    } else if (v[0] === 'expand') t = t.expand(v[1]);
    else if (v[0] === 'unsqueeze') t = t.unsqueeze(v[1]);
    else t = t.permute(v[1]);
  }
  return t;
}

const call = (op: string, args: unknown[], kwargs: Record<string, number> = {}) =>
  Object.keys(kwargs).length ? opNamed(op)(...args, kwargs) : opNamed(op)(...args);

const shapeOf = (c: ValueCase) => `${c.op}(${c.args.map((a) => `${a.tensor.dtype}[${a.tensor.shape}]${a.views.map((v) => v[0]).join('')}`).join(', ')})`;

describe('values match PyTorch', () => {
  test.each(fixture.values.map((c, i) => [`${i}: ${shapeOf(c)}`, c] as const))('%s', (_, c) => {
    const args = c.args.map((a) => applyViews(fromFixture(a.tensor), a.views));
    const real = c.out.values.some((v) => typeof v === 'number' && !Number.isInteger(v));
    expectMatches(call(c.op, args, c.kwargs), c.out, real ? 2e-5 : 1.3e-6, real ? 1e-5 : 1e-5);
  });

  test('transposed and expanded operands are read in place (no copy of the inputs)', () => {
    const copy = native.copy;
    let copies = 0;
    native.copy = (...args) => {
      copies++;
      return copy(...args);
    };
    try {
      const w = torch.randn([25, 78]), x = torch.randn([16, 78]);
      torch.matmul(x, w.t());
      torch.matmul(torch.randn([3, 16, 78]), w.t().unsqueeze(0).expand([3, 78, 25]));
      expect(copies).toBe(0);
      torch.nn.functional.linear(x, w, torch.randn([25]));
      expect(copies).toBe(1); // the bias, broadcast into the output once
    } finally {
      native.copy = copy;
    }
  });

  test('methods and in-place variants', () => {
    const a = torch.tensor([[1, 2], [3, 4]], { dtype: torch.float32 });
    expect(a.matmul(a).tolist()).toEqual([[7, 10], [15, 22]]);
    expect(a.mm(a).tolist()).toEqual([[7, 10], [15, 22]]);
    expect(a.mv(torch.tensor([1, 1], { dtype: torch.float32 })).tolist()).toEqual([3, 7]);
    const c = torch.ones([2, 2]);
    const version = c._version;
    expect(c.addmm_(a, a, { beta: 2, alpha: 0.5 })).toBe(c);
    expect(c.tolist()).toEqual([[5.5, 7], [9.5, 13]]);
    expect(c._version).toBe(version + 1);
    // Self as an operand of its own in-place product goes through a temporary.
    expect(a.clone().addmm_(a, a).tolist()).toEqual([[8, 12], [18, 26]]);
    const b = torch.ones([1, 2, 2]);
    b.baddbmm_(a.unsqueeze(0), a.unsqueeze(0), { beta: 0 });
    expect(b.tolist()).toEqual([[[7, 10], [15, 22]]]);
  });

  test('registry carries PyTorch 1.13 grad_fn names', () => {
    for (const [op, name] of Object.entries(fixture.gradFn)) expect(torch.registry.get(op)?.backwardName).toBe(name);
  });
});

describe('errors match PyTorch', () => {
  const label = (c: ErrorCase) => `${c.op}(${c.args.map((a) => `${a.dtype}[${a.shape}]`).join(', ')})`;
  test.each(fixture.errors.map((c, i) => [`${i}: ${label(c)}`, c] as const))('%s', (_, c) => {
    const args = c.args.map((s) => torch.zeros(s.shape, { dtype: dtypeNamed(s.dtype) }));
    expect(() => call(c.op, args, c.kwargs)).toThrow(torch.TensorError);
    expect(() => call(c.op, args, c.kwargs)).toThrow(c.error);
  });
});

describe('out=', () => {
  test.each(fixture.out.values.map((c, i) => [`${i}: ${c.op}`, c] as const))('%s writes into out', (_, c) => {
    const args = c.args.map(fromFixture);
    const fresh = torch.empty(c.out.shape, { dtype: dtypeNamed(c.out.dtype) });
    expect(call(c.op, [...args, { out: fresh }])).toBe(fresh);
    expectMatches(fresh, c.out);
    // A wrongly shaped out= is resized, as PyTorch does (it warns that this is deprecated).
    const wrong = torch.empty([7], { dtype: dtypeNamed(c.out.dtype) });
    expectMatches(call(c.op, [...args, { out: wrong }]), c.out);
    expect([...wrong.shape]).toEqual(c.out.shape);
  });

  test.each(fixture.out.errors.map((c, i) => [`${i}: ${c.op} into ${c.outDtype}`, c] as const))('%s', (_, c) => {
    const args = c.args.map((s) => torch.zeros(s.shape));
    const out = torch.zeros([1], { dtype: dtypeNamed(c.outDtype) });
    expect(() => call(c.op, [...args, { out }])).toThrow(c.error);
  });

  test('a transposed out= and an out= aliasing an input', () => {
    const a = torch.randn([5, 3]), b = torch.randn([3, 4]);
    const expected = torch.mm(a, b).tolist();
    const outT = torch.empty([4, 5]).t();
    torch.mm(a, b, { out: outT });
    expectClose(outT.tolist() as number[][], expected as number[][]);
    const square = torch.randn([4, 4]);
    const product = torch.mm(square, square).tolist();
    torch.mm(square, square, { out: square });
    expectClose(square.tolist() as number[][], product as number[][]);
  });
});

function expectClose(got: number[][], want: number[][]): void {
  got.forEach((row, i) => row.forEach((v, j) => expect(Math.abs(v - want[i][j])).toBeLessThan(1e-5 * (1 + Math.abs(want[i][j])))));
}

// ---- the kernels against a naive loop -------------------------------------------------

interface Product {
  label: string;
  run: () => torch.Tensor;
  /** Expected values (and the sums of |terms| that bound the rounding error), row-major. */
  expected: () => { values: Float64Array; scale: Float64Array };
  k: number;
}

/** Naive reference: out[b, i, j] = alpha * sum_p a[b, i, p] b[b, p, j] + beta * c[b, i, j]. */
function naive(
  a: Float64Array | number[], b: Float64Array | number[], c: ArrayLike<number> | null, batch: number, m: number, n: number,
  k: number, alpha = 1, beta = 0,
): { values: Float64Array; scale: Float64Array } {
  const values = new Float64Array(batch * m * n), scale = new Float64Array(batch * m * n);
  for (let q = 0; q < batch; q++)
    for (let i = 0; i < m; i++)
      for (let j = 0; j < n; j++) {
        let s = 0, abs = 0;
        for (let p = 0; p < k; p++) {
          const t = a[(q * m + i) * k + p] * b[(q * k + p) * n + j];
          s += t;
          abs += t < 0 ? -t : t; // not Math.abs: a global lookup per call is slow inside jest's sandbox
        }
        const o = (q * m + i) * n + j;
        const old = c && beta !== 0 ? beta * c[o] : 0;
        values[o] = alpha * s + old;
        scale[o] = Math.abs(alpha) * abs + Math.abs(old);
      }
  return { values, scale };
}

const flat = (t: torch.Tensor): Float64Array => {
  const data = t.contiguous().data();
  return data instanceof BigInt64Array ? Float64Array.from(data, Number) : Float64Array.from(data as Float32Array);
};

// Random values without Math.* or torch.randn: global lookups are slow inside jest's
// sandbox, and these tests fill millions of elements.
let xorshift = 0x2545f491;
function uniform(): number {
  xorshift ^= xorshift << 13;
  xorshift ^= xorshift >>> 17;
  xorshift ^= xorshift << 5;
  return (xorshift >>> 0) / 2147483648 - 1;
}
function random(shape: number[], dtype: torch.DType): torch.Tensor {
  const n = shape.reduce((x, y) => x * y, 1);
  const data = dtype === torch.float64 ? new Float64Array(n) : new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = uniform();
  return torch.from(data, shape);
}

/** A random m x k operand reached through a random layout: plain, transposed, sliced with a step, or rows broadcast. */
function operand(rng: Rng, rows: number, cols: number, dtype: torch.DType, batch: number[] = []): torch.Tensor {
  const layout = rng.int(0, 5);
  if (layout === 0 && rows > 0) return random([...batch, 1, cols], dtype).expand([...batch, rows, cols]);
  if (layout === 1 || layout === 2) return random([...batch, cols, rows], dtype).transpose(-1, -2);
  if (layout === 3) {
    const step = rng.int(2, 3);
    return random([...batch, rows, cols * step], dtype).index(...batch.map(() => ':'), ':', `::${step}`);
  }
  if (layout === 4) {
    const step = rng.int(2, 3);
    return random([...batch, cols, rows * step], dtype).index(...batch.map(() => ':'), ':', `::${step}`).transpose(-1, -2);
  }
  return random([...batch, rows, cols], dtype);
}

function randomDims(rng: Rng): [number, number, number] {
  switch (rng.int(0, 6)) {
    case 0: return [rng.int(1, 40), rng.int(1, 40), rng.int(0, 40)]; // small path
    case 1: return [rng.int(1, 300), 1, rng.int(1, 300)]; // gemv
    case 2: return [1, rng.int(1, 300), rng.int(1, 300)];
    case 3: return [rng.int(90, 200) | 1, rng.int(90, 200) | 1, rng.int(90, 300)]; // blocked, threaded
    default: return [rng.int(1, 300) | 1, rng.int(1, 300) | 1, rng.int(0, 300)];
  }
}

function randomProduct(rng: Rng): Product {
  const dtype = rng.next() < 0.7 ? torch.float32 : torch.float64;
  let [m, n, k] = randomDims(rng);
  while (m * n * k > 1.5e6) k = Math.max(1, k >> 1);
  const kind = rng.int(0, 3);
  if (kind === 0) {
    const a = operand(rng, m, k, dtype), b = operand(rng, k, n, dtype);
    return { label: `mm ${m}x${k} @ ${k}x${n}`, k, run: () => torch.mm(a, b), expected: () => naive(flat(a), flat(b), null, 1, m, n, k) };
  }
  if (kind === 1) {
    const alpha = rng.pick([1, -0.5, 2]), beta = rng.pick([0, 1, 0.25]);
    const input = rng.next() < 0.5 ? random([m, n], dtype) : random([n], dtype);
    const a = operand(rng, m, k, dtype), b = operand(rng, k, n, dtype);
    return {
      label: `addmm ${m}x${k} @ ${k}x${n} alpha ${alpha} beta ${beta}`, k,
      run: () => torch.addmm(input, a, b, { alpha, beta }),
      expected: () => naive(flat(a), flat(b), flat(input.expand([m, n])), 1, m, n, k, alpha, beta),
    };
  }
  // Batched with broadcast: a [b0, 1, m, k] @ b [b1, m, n] style shapes.
  const scale = Math.max(1, Math.floor(Math.cbrt((m * n * Math.max(k, 1)) / 2e5)));
  const bm = Math.max(1, Math.floor(m / scale)), bn = Math.max(1, Math.floor(n / scale)), bk = Math.floor(k / scale);
  const b0 = rng.int(1, 3), b1 = rng.int(1, 3);
  const a = operand(rng, bm, bk, dtype, [b0, 1]), b = operand(rng, bk, bn, dtype, rng.next() < 0.5 ? [b1] : []);
  const batchShape = b.dim() === 3 ? [b0, b1] : [b0, 1];
  const count = batchShape[0] * batchShape[1];
  return {
    label: `matmul [${a.shape}] @ [${b.shape}]`, k: bk,
    run: () => torch.matmul(a, b),
    expected: () => naive(flat(a.expand([...batchShape, bm, bk])), flat(b.expand([...batchShape, bk, bn])), null, count, bm, bn, bk),
  };
}

function checkProduct(p: Product): void {
  const got = flat(p.run());
  const { values, scale } = p.expected();
  expect(got.length).toBe(values.length);
  const eps = 1.2e-7 * (p.k + 8); // float32 rounding over k terms; float64 is far inside this
  for (let i = 0; i < values.length; i++) {
    if (!(Math.abs(got[i] - values[i]) <= eps * scale[i] + 1e-30))
      throw new Error(`${p.label}: element ${i}: got ${got[i]}, expected ${values[i]}`);
  }
}

/** Fixed shapes that cross the blocking boundaries (KC, MC, NC) and the batch split. */
function boundaryProducts(): Product[] {
  const mk = (m: number, k: number, n: number, dtype = torch.float32): Product => {
    const a = random([m, k], dtype), b = random([k, n], dtype);
    return { label: `mm ${m}x${k}x${n}`, k, run: () => torch.mm(a, b), expected: () => naive(flat(a), flat(b), null, 1, m, n, k) };
  };
  const a = random([6, 61, 83], torch.float32), b = random([6, 83, 71], torch.float32);
  // Few rows of A: B's rows are read in place, here from a column slice of a wider matrix
  // (row stride 120, a partial last panel), across two k blocks.
  const sliced = (dtype: torch.DType): Product => {
    const x = random([90, 450], dtype), y = random([450, 120], dtype).narrow(1, 7, 101);
    return { label: `mm 90x450x101, B a column slice (${dtype.name})`, k: 450, run: () => torch.mm(x, y), expected: () => naive(flat(x), flat(y), null, 1, 90, 101, 450) };
  };
  // x @ W^T with few rows of x (gemm_driver.h's transposedIsCheaper): computed as
  // (W x^T)^T, C written column by column, with addmm's bias, alpha and beta.
  const linear = (m: number, k: number, n: number, dtype: torch.DType, alpha: number, beta: number): Product => {
    const x = random([m, k], dtype), wt = random([n, k], dtype).t(), bias = random([n], dtype);
    return {
      label: `addmm ${m}x${k} @ (${n}x${k})^T alpha ${alpha} beta ${beta} (${dtype.name})`, k,
      run: () => torch.addmm(bias, x, wt, { alpha, beta }),
      expected: () => naive(flat(x), flat(wt), flat(bias.expand([m, n])), 1, m, n, k, alpha, beta),
    };
  };
  // A last column panel at most half full runs the narrow tile (gemm_micro_simd.h): a 4-wide
  // edge (n = 196, a 14x14 image), a 10-wide one, exactly half a panel (48 on AVX-512),
  // with A read in place (small products) and packed, and a beta that reads C.
  const edge = (m: number, k: number, n: number, dtype: torch.DType, beta: number): Product => {
    const x = random([m, k], dtype), y = random([k, n], dtype), c = random([m, n], dtype);
    return {
      label: `addmm ${m}x${k}x${n} alpha 1.5 beta ${beta} (${dtype.name})`, k,
      run: () => torch.addmm(c, x, y, { alpha: 1.5, beta }),
      expected: () => naive(flat(x), flat(y), flat(c), 1, m, n, k, 1.5, beta),
    };
  };
  return [
    edge(30, 40, 48, torch.float32, 0.5), edge(64, 128, 10, torch.float32, 0), edge(150, 300, 196, torch.float32, 1),
    edge(150, 300, 196, torch.float64, 0), edge(40, 90, 20, torch.float64, -1),
    mk(401, 300, 9), mk(3, 70, 4100), mk(700, 3, 130, torch.float64), mk(67, 520, 67), sliced(torch.float32), sliced(torch.float64),
    linear(64, 500, 200, torch.float32, 1, 1), linear(32, 600, 300, torch.float64, -0.5, 0.25), linear(96, 700, 900, torch.float32, 2, 0),
    { label: 'bmm 6x61x83x71', k: 83, run: () => torch.bmm(a, b), expected: () => naive(flat(a), flat(b), null, 6, 61, 71, 83) },
  ];
}

describe('GEMM kernels match a naive loop', () => {
  const detected = torch.backend.cpuCapability().detected;
  const order = ['default', 'avx2', 'avx512'] as const;
  const capabilities = order.slice(0, order.indexOf(detected as (typeof order)[number]) + 1);
  const threads0 = torch.getNumThreads();
  afterAll(() => {
    torch.backend.setCpuCapability('avx512');
    torch.setNumThreads(threads0);
  });

  for (const cap of capabilities) {
    for (const threads of [1, 2]) {
      test(`${cap}, ${threads} thread(s)`, () => {
        torch.backend.setCpuCapability(cap);
        torch.setNumThreads(threads);
        expect(torch.backend.cpuCapability().active).toBe(cap);
        const rng = new Rng(1000 + threads * 10 + capabilities.indexOf(cap));
        for (let i = 0; i < 20; i++) checkProduct(randomProduct(rng));
        for (const p of boundaryProducts()) checkProduct(p);
        torch.backend.setCpuCapability('avx512');
      });
    }
  }

  test('integer products wrap like PyTorch, through strided operands', () => {
    const rng = new Rng(7);
    for (let i = 0; i < 10; i++) {
      const [m, n, k] = [rng.int(1, 20), rng.int(1, 20), rng.int(0, 20)];
      const a = torch.randint(-50, 50, [k, m]).t(), b = torch.randint(-50, 50, [k, n]);
      const { values } = naive(flat(a), flat(b), null, 1, m, n, k);
      expect(flat(torch.mm(a, b))).toEqual(values);
      const a32 = a.to(torch.int32), b32 = b.to(torch.int32);
      expect(flat(torch.mm(a32, b32))).toEqual(values);
    }
  });
});

describe('the native matmul checks every operand against its buffer', () => {
  const f32 = (n: number) => new Uint8Array(new ArrayBuffer(4 * n));
  // [batch, m, n, k, C: dtype, offset, batch/row/col strides, A: ..., B: ...]
  const call = (meta: number[], out = f32(4), a = f32(4), b = f32(4), alpha = 1, beta = 0) => {
    native.meta.fill(0);
    native.meta.set(meta);
    native.matmul(out, a, b, alpha, beta);
  };
  const ok = [1, 2, 2, 2, 0, 0, 0, 2, 1, 0, 0, 0, 2, 1, 0, 0, 0, 2, 1];
  test('a well-formed call works', () => {
    const a = new Float32Array([1, 2, 3, 4]), out = new Float32Array(4);
    call(ok, new Uint8Array(out.buffer), new Uint8Array(a.buffer), new Uint8Array(a.buffer));
    expect([...out]).toEqual([7, 10, 15, 22]);
  });
  const bad: [string, number[], RegExp][] = [
    ['C past its end', [1, 2, 2, 2, 0, 1, 0, 2, 1, 0, 0, 0, 2, 1, 0, 0, 0, 2, 1], /outside its storage/],
    ['A row stride too large', [1, 2, 2, 2, 0, 0, 0, 2, 1, 0, 0, 0, 3, 1, 0, 0, 0, 2, 1], /outside its storage/],
    ['B negative offset', [1, 2, 2, 2, 0, 0, 0, 2, 1, 0, 0, 0, 2, 1, 0, -1, 0, 2, 1], /outside its storage/],
    ['batch over a stride-0 output', [2, 2, 2, 2, 0, 0, 0, 2, 1, 0, 0, 0, 2, 1, 0, 0, 0, 2, 1], /single memory location/],
    ['batch stride reaching past A', [2, 1, 1, 1, 0, 0, 1, 1, 1, 0, 0, 4, 1, 1, 0, 0, 0, 1, 1], /outside its storage/],
    ['huge K over a broadcast-free A', [1, 1, 1, 2 ** 40, 0, 0, 0, 1, 1, 0, 0, 0, 1, 1, 0, 0, 0, 1, 1], /outside its storage/],
    ['negative size', [1, -2, 2, 2, ...ok.slice(4)], /negative/],
    ['fractional size', [1, 1.5, 2, 2, ...ok.slice(4)], /integer/],
    ['mixed dtypes', [1, 2, 2, 2, 0, 0, 0, 2, 1, 1, 0, 0, 1, 1, 0, 0, 0, 2, 1], /one dtype|outside/],
    ['bool', [1, 2, 2, 2, 7, 0, 0, 2, 1, 7, 0, 0, 2, 1, 7, 0, 0, 2, 1], /bool/],
    ['unknown dtype', [1, 2, 2, 2, 9, 0, 0, 2, 1, 9, 0, 0, 2, 1, 9, 0, 0, 2, 1], /dtype/],
  ];
  test.each(bad)('%s', (_, meta, message) => {
    expect(() => call(meta)).toThrow(torch.TensorError);
    expect(() => call(meta)).toThrow(message);
  });
  test('non-buffer arguments', () => {
    expect(() => native.matmul(null as never, f32(4), f32(4), 1, 0)).toThrow(torch.TensorError);
    expect(() => native.matmul(f32(4), f32(4), f32(4), 'x' as never, 0)).toThrow(torch.TensorError);
  });
});
