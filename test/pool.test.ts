/**
 * Pooling and interpolation against PyTorch 1.13 fixtures (values, indices, gradients,
 * output and gradient layouts, node names, error messages), gradcheck / gradgradcheck in
 * float64, every CPU capability and thread count, and the native boundary refusing
 * calls that would reach outside a buffer.
 */
import * as torch from '../lib';
import { native } from '../lib/native';
import { capabilities, underCapability } from './helpers/capabilities';
import { loadFixture } from './helpers/fixtures';
import { FixtureTensor, dtypeNamed, expectMatches, fromFixture } from './helpers/tensors';
import { Rng } from './helpers/random';

const F = torch.nn.functional;

type View = ['channels_last'] | ['transpose', number, number] | ['slice', number, number | null, number | null, number];
interface ValueCase {
  op: string;
  input: { tensor: FixtureTensor; views: View[] };
  kwargs: Record<string, unknown>;
  out: FixtureTensor;
  outStride: number[];
  gradFn: string | null;
  indices?: FixtureTensor;
  upstream?: FixtureTensor;
  grad?: FixtureTensor;
  gradStride?: number[];
}
interface ErrorCase {
  op: string;
  shape: number[];
  dtype: string;
  kwargs: Record<string, unknown>;
  error: string;
}
const fixture = loadFixture<{ values: ValueCase[]; errors: ErrorCase[] }>('pool');

function applyViews(t: torch.Tensor, views: View[]): torch.Tensor {
  for (const v of views) {
    if (v[0] === 'channels_last') t = t.contiguous({ memoryFormat: torch.channelsLast });
    else if (v[0] === 'transpose') t = t.transpose(v[1], v[2]);
    else {
      const [, dim, start, stop, step] = v;
      t = t.index(...new Array<string>(dim).fill(':'), `${start ?? ''}:${stop ?? ''}:${step}`);
    }
  }
  return t;
}

type Result = torch.Tensor | [torch.Tensor, torch.Tensor];
function call(op: string, x: torch.Tensor, kwargs: Record<string, unknown>): Result {
  const { outputSize, returnIndices, ...rest } = kwargs;
  switch (op) {
    case 'adaptiveAvgPool2d':
      return F.adaptiveAvgPool2d(x, outputSize as number);
    case 'adaptiveMaxPool2d':
      return F.adaptiveMaxPool2d(x, outputSize as number, Boolean(returnIndices));
    default:
      return (F as unknown as Record<string, (x: torch.Tensor, o: unknown) => Result>)[op](x, { ...rest, ...(returnIndices ? { returnIndices } : {}) });
  }
}

const label = (c: ValueCase) => `${c.op} ${c.input.tensor.dtype}[${c.input.tensor.shape}]${c.input.views.map((v) => `.${v[0]}`).join('')} ${JSON.stringify(c.kwargs)}`;

function checkCase(c: ValueCase): void {
  const base = fromFixture(c.input.tensor);
  const x = applyViews(base, c.input.views);
  if (x.dtype.isFloatingPoint) x.requiresGrad_();
  const result = call(c.op, x, c.kwargs);
  const [out, indices] = Array.isArray(result) ? result : [result, null];
  const real = c.op === 'avgPool2d' || c.op === 'avgPool1d' || c.op === 'adaptiveAvgPool2d' || c.op === 'interpolate';
  expectMatches(out, c.out, real ? 1e-5 : 1.3e-6, real ? 1e-5 : 1e-6);
  expect(out.stride()).toEqual(c.outStride);
  if (c.indices) expectMatches(indices as torch.Tensor, c.indices);
  expect(out.gradFn?.name() ?? null).toBe(c.gradFn);
  if (c.grad) {
    const [g] = torch.autograd.grad(out, x, fromFixture(c.upstream as FixtureTensor));
    expectMatches(g as torch.Tensor, c.grad, 1e-5, 1e-5);
    expect((g as torch.Tensor).stride()).toEqual(c.gradStride);
  }
}

describe('values, indices, gradients and layouts match PyTorch', () => {
  test.each(fixture.values.map((c, i) => [`${i}: ${label(c)}`, c] as const))('%s', (_, c) => checkCase(c));
});

describe('every CPU capability and thread count gives the same results', () => {
  const picks = fixture.values;
  test.each(capabilities)('%s', (cap) => underCapability(cap, () => picks.forEach(checkCase)));
});

describe('the 2x2 stride-2 max pool row kernel agrees with the general paths', () => {
  // Rows of 4, 12 (under one 16-lane vector), 35 (two vectors and a tail) outputs, odd
  // sizes (the last row or column left out), ties and NaNs (a later element wins when
  // greater or NaN, as PyTorch): values and indices must match the channels_last kernel
  // and the strided general path exactly, forward and backward.
  test.each([[2, 3, 8, 8], [2, 3, 24, 24], [1, 2, 7, 41], [1, 1, 4, 70], [1, 11, 6, 10]])('x[%i,%i,%i,%i]', (n, c, h, w) => {
    const rng = new Rng(h * 100 + w);
    const values = Array.from({ length: n * c * h * w }, () => (rng.next() < 0.1 ? NaN : Math.round(rng.next() * 6)));
    const x = torch.tensor(values).reshape(n, c, h, w);
    const runs = [x, x.contiguous({ memoryFormat: torch.channelsLast }), x.transpose(2, 3).contiguous().transpose(2, 3)].map((t) => {
      t = t.detach().requiresGrad_();
      const [y, idx] = F.maxPool2d(t, { kernelSize: 2, returnIndices: true }) as [torch.Tensor, torch.Tensor];
      // The gradient in the output's layout (emptyLike keeps it), as a channels_last network passes it.
      const [g] = torch.autograd.grad(y, t, torch.emptyLike(y).copy_(torch.arange(y.numel()).reshape(y.shape).float()));
      return [y.contiguous().tolist(), idx.contiguous().tolist(), (g as torch.Tensor).contiguous().tolist()];
    });
    expect(runs[0][0]).toEqual(runs[1][0]);
    expect(runs[0][1]).toEqual(runs[1][1]);
    expect(runs[0][2]).toEqual(runs[1][2]);
    expect(runs[0]).toEqual(runs[2]);
  });
});

describe('every layout runs the same arithmetic (random shapes and parameters)', () => {
  // NCHW rows, channels_last runs and arbitrary strides are three loop orders over the
  // same windows in the same order: results and indices agree exactly.
  const rng = new Rng(77);
  const layouts = (x: torch.Tensor) => [
    x,
    x.contiguous({ memoryFormat: torch.channelsLast }),
    x.transpose(2, 3).contiguous().transpose(2, 3),
  ];
  test.each(Array.from({ length: 40 }, (_, i) => i))('case %i', (i) => {
    const shape = [rng.int(1, 3), i % 4 === 0 ? rng.int(60, 140) : rng.int(2, 20), rng.int(5, 12), rng.int(8, 40)];
    const dtype = i % 2 === 0 ? torch.float32 : torch.float64;
    const x = torch.randn(shape, { dtype });
    const k = [rng.int(1, 3), rng.int(1, 4)], s = [rng.int(1, 3), rng.int(1, 3)];
    const p = [rng.int(0, Math.floor(k[0] / 2)), rng.int(0, Math.floor(k[1] / 2))], d = [rng.int(1, 2), rng.int(1, 2)];
    const ceilMode = rng.next() < 0.5, countIncludePad = rng.next() < 0.5;
    const adaptive = [rng.int(1, 6), rng.int(1, 6)];
    const runs = layouts(x).map((t) => {
      t.requiresGrad_();
      const [mx, idx] = F.maxPool2d(t, { kernelSize: k, stride: s, padding: p, dilation: d, ceilMode, returnIndices: true }) as [torch.Tensor, torch.Tensor];
      const av = F.avgPool2d(t, { kernelSize: k, stride: s, padding: p, ceilMode, countIncludePad });
      const ad = F.adaptiveAvgPool2d(t, adaptive);
      const up = F.interpolate(t, { scaleFactor: [1.5, 0.7], mode: i % 3 === 0 ? 'nearest' : 'bilinear' });
      const loss = mx.mul(1.5).sum().add(av.mul(av).sum()).add(ad.sum()).add(up.mul(up).sum());
      const [g] = torch.autograd.grad(loss, t);
      return [mx, idx, av, ad, up, g as torch.Tensor];
    });
    for (const other of runs.slice(1))
      other.forEach((t, j) => expect(torch.allclose(t.to(torch.float64), runs[0][j].to(torch.float64), { rtol: 1e-6, atol: 1e-6 })).toBe(true));
  });
});

describe('errors in PyTorch words', () => {
  test.each(fixture.errors.map((c, i) => [`${i}: ${c.op} [${c.shape}] ${c.dtype} ${JSON.stringify(c.kwargs)}`, c] as const))('%s', (_, c) => {
    const x = torch.zeros(c.shape, { dtype: dtypeNamed(c.dtype) });
    expect(() => call(c.op, x, c.kwargs)).toThrow(torch.TensorError);
    expect(() => call(c.op, x, c.kwargs)).toThrow(c.error);
  });
});

describe('gradcheck in float64', () => {
  const d = (...shape: number[]) => torch.randn(shape, { dtype: torch.float64, requiresGrad: true });
  const cl = (t: torch.Tensor) => t.detach().contiguous({ memoryFormat: torch.channelsLast }).requiresGrad_();
  test('max pool (padding, dilation, ceil mode; both layouts)', () => {
    const f = (x: torch.Tensor) => F.maxPool2d(x, { kernelSize: 3, stride: 2, padding: 1, dilation: [1, 2], ceilMode: true }) as torch.Tensor;
    expect(torch.autograd.gradcheck(f, [d(2, 3, 6, 7)])).toBe(true);
    expect(torch.autograd.gradcheck(f, [cl(d(2, 3, 6, 7))])).toBe(true);
    expect(torch.autograd.gradgradcheck(f, [d(1, 2, 5, 5)])).toBe(true);
  });
  test('avg pool (count_include_pad, divisor_override, unbatched)', () => {
    const f = (x: torch.Tensor) => F.avgPool2d(x, 3, 2, 1, true, false);
    expect(torch.autograd.gradcheck(f, [d(2, 3, 6, 7)])).toBe(true);
    expect(torch.autograd.gradcheck(f, [cl(d(2, 3, 6, 7))])).toBe(true);
    expect(torch.autograd.gradcheck((x) => F.avgPool2d(x, { kernelSize: 2, divisorOverride: 3 }), [d(3, 4, 5)])).toBe(true);
    expect(torch.autograd.gradgradcheck(f, [d(1, 2, 5, 5)])).toBe(true);
  });
  test('adaptive pools', () => {
    expect(torch.autograd.gradcheck((x) => F.adaptiveAvgPool2d(x, [3, 4]), [d(2, 3, 7, 5)])).toBe(true);
    expect(torch.autograd.gradcheck((x) => F.adaptiveAvgPool2d(x, [3, 4]), [cl(d(2, 3, 7, 5))])).toBe(true);
    expect(torch.autograd.gradgradcheck((x) => F.adaptiveAvgPool2d(x, 2), [d(1, 2, 5, 5)])).toBe(true);
    expect(torch.autograd.gradcheck((x) => F.adaptiveMaxPool2d(x, [3, 2]) as torch.Tensor, [d(2, 3, 7, 5)])).toBe(true);
    expect(torch.autograd.gradgradcheck((x) => F.adaptiveMaxPool2d(x, [3, 2]) as torch.Tensor, [d(1, 2, 5, 5)])).toBe(true);
  });
  test('1-D forms', () => {
    expect(torch.autograd.gradcheck((x) => F.maxPool1d(x, 3, 2, 1) as torch.Tensor, [d(2, 3, 9)])).toBe(true);
    expect(torch.autograd.gradcheck((x) => F.avgPool1d(x, 3, 2, 1), [d(2, 3, 9)])).toBe(true);
  });
  test('interpolate nearest and bilinear', () => {
    for (const opts of [{ scaleFactor: 2 }, { size: [5, 3] }, { scaleFactor: 1.5, mode: 'bilinear' }, { size: [7, 2], mode: 'bilinear', alignCorners: true }]) {
      expect(torch.autograd.gradcheck((x) => F.interpolate(x, opts), [d(2, 3, 4, 3)])).toBe(true);
      expect(torch.autograd.gradcheck((x) => F.interpolate(x, opts), [cl(d(2, 3, 4, 3))])).toBe(true);
      expect(torch.autograd.gradgradcheck((x) => F.interpolate(x, opts), [d(1, 2, 3, 3)])).toBe(true);
    }
    expect(torch.autograd.gradcheck((x) => F.interpolate(x, { scaleFactor: 2.5 }), [d(2, 3, 4)])).toBe(true);
  });
});

describe('API forms', () => {
  const x = torch.randn([2, 3, 8, 8]);
  test('positional and options forms agree; stride defaults to kernel_size', () => {
    const a = F.maxPool2d(x, 2) as torch.Tensor;
    const b = F.maxPool2d(x, { kernelSize: 2, stride: 2 }) as torch.Tensor;
    const c = F.maxPool2d(x, 2, null, 0, 1, false, false) as torch.Tensor;
    expect(a.shape).toEqual([2, 3, 4, 4]);
    expect(torch.equal(a, b) && torch.equal(a, c)).toBe(true);
    expect(torch.equal(torch.maxPool2d(x, 2) as torch.Tensor, a)).toBe(true);
    expect(torch.equal(F.avgPool2d(x, 2, { padding: 1 }), F.avgPool2d(x, 2, 2, 1))).toBe(true);
  });
  test('torch.* forms exist only where PyTorch has them', () => {
    const t = torch as unknown as Record<string, unknown>;
    expect(typeof t.maxPool2d).toBe('function');
    expect(typeof t.maxPool1d).toBe('function');
    expect(typeof t.avgPool1d).toBe('function');
    expect(t.avgPool2d).toBeUndefined();
  });
  test('layers', () => {
    const pool = new torch.nn.MaxPool2d(3, { stride: 2, padding: 1 });
    expect(torch.equal(pool.forward(x) as torch.Tensor, F.maxPool2d(x, 3, 2, 1) as torch.Tensor)).toBe(true);
    expect(String(pool)).toBe('MaxPool2d(kernel_size=3, stride=2, padding=1, dilation=1, ceil_mode=False)');
    const [, idx] = new torch.nn.MaxPool2d(2, 2, 0, 1, true).forward(x) as [torch.Tensor, torch.Tensor];
    expect(idx.dtype).toBe(torch.int64);
    expect(torch.equal(new torch.nn.AvgPool2d(2).forward(x), F.avgPool2d(x, 2))).toBe(true);
    expect(new torch.nn.AdaptiveAvgPool2d([1, 1]).forward(x).shape).toEqual([2, 3, 1, 1]);
    expect(new torch.nn.AdaptiveAvgPool2d([null, 2]).forward(x).shape).toEqual([2, 3, 8, 2]);
    const up = new torch.nn.Upsample({ scaleFactor: 2, mode: 'bilinear' });
    expect(up.forward(x).shape).toEqual([2, 3, 16, 16]);
    expect(String(up)).toBe('Upsample(scale_factor=2.0, mode=bilinear)');
    expect(String(new torch.nn.Upsample({ size: [3, 4] }))).toBe('Upsample(size=(3, 4), mode=nearest)');
    expect(String(new torch.nn.AdaptiveAvgPool2d([null, 2]))).toBe('AdaptiveAvgPool2d(output_size=(None, 2))');
    expect(String(new torch.nn.MaxPool2d([2, 3]))).toBe('MaxPool2d(kernel_size=(2, 3), stride=(2, 3), padding=0, dilation=1, ceil_mode=False)');
    expect(String(new torch.nn.AvgPool2d(3, { ceilMode: true }))).toBe('AvgPool2d(kernel_size=3, stride=3, padding=0)');
  });
  test('indices freed with the graph stay alive for a double-backward graph built from them', () => {
    const x = torch.randn([1, 2, 6, 6], { dtype: torch.float64, requiresGrad: true });
    const y = F.maxPool2d(x, 2) as torch.Tensor;
    const v = torch.randn(y.shape, { dtype: torch.float64, requiresGrad: true });
    const [g] = torch.autograd.grad(y, x, v, { createGraph: true, retainGraph: false });
    (g as torch.Tensor).sum().backward();
    expect(torch.equal(v.grad as torch.Tensor, torch.onesLike(v))).toBe(true);
    // And without a double-backward graph they are returned to the pool: a loop runs on.
    for (let i = 0; i < 3; i++) (F.maxPool2d(x, 2) as torch.Tensor).sum().backward();
    expect((x.grad as torch.Tensor).shape).toEqual([1, 2, 6, 6]);
  });
  test('channels_last in, channels_last out, gradients too', () => {
    const y = x.contiguous({ memoryFormat: torch.channelsLast }).requiresGrad_();
    const out = F.maxPool2d(y, 2) as torch.Tensor;
    expect(out.isContiguous({ memoryFormat: torch.channelsLast })).toBe(true);
    out.sum().backward();
    expect((y.grad as torch.Tensor).isContiguous({ memoryFormat: torch.channelsLast })).toBe(true);
  });
});

describe('native boundary', () => {
  const meta = native.meta;
  function writeMeta(n: number, c: number, h: number, w: number, oh: number, ow: number, bigOffset: number, smallOffset: number): void {
    const geo = [n, c, h, w, oh, ow, 2, 2, 2, 2, 0, 0, 1, 1, 0, 1, 0, 0, 0, 0];
    geo.forEach((v, i) => (meta[i] = v));
    let p = geo.length;
    for (const [off, hh, ww] of [[bigOffset, h, w], [smallOffset, oh, ow], [smallOffset, oh, ow]]) {
      meta[p++] = 0;
      meta[p++] = off;
      meta[p++] = c * hh * ww;
      meta[p++] = hh * ww;
      meta[p++] = ww;
      meta[p++] = 1;
    }
    meta[32] = 3; // the index operand (after 20 numbers and two operands of 6) is int64
  }
  test('an operand reaching outside its buffer throws a TensorError', () => {
    const big = torch.zeros([1, 1, 4, 4]), small = torch.zeros([1, 1, 2, 2]);
    writeMeta(1, 1, 4, 4, 2, 2, 8, 0);
    expect(() => native.pool2d(3, big._storage.bytes, small._storage.bytes)).toThrow(torch.TensorError);
    writeMeta(1, 1, 4, 4, 3, 3, 0, 0);
    expect(() => native.pool2d(3, big._storage.bytes, small._storage.bytes)).toThrow(/outside its storage/);
  });
  test('a saved index inside its plane but outside its window is followed (channels_last 2x2 backward falls back)', () => {
    const x = torch.randn([1, 9, 4, 4]).contiguous({ memoryFormat: torch.channelsLast }).requiresGrad_();
    const [out, idx] = F.maxPool2d(x, 2, { returnIndices: true }) as [torch.Tensor, torch.Tensor];
    // Channel 4's top-left window now points at the bottom-right corner (flat 15).
    const flat = idx.permute(0, 2, 3, 1).contiguous();
    expect(idx.isContiguous({ memoryFormat: torch.channelsLast })).toBe(true);
    idx.permute(0, 2, 3, 1).data()[4] = BigInt(15); // the same memory, row-major (n, h, w, c)
    const [g] = torch.autograd.grad(out, x, torch.onesLike(out)) as torch.Tensor[]; // a dense channels_last gradient
    const expected = Array.from({ length: 9 }, () => new Array<number>(16).fill(0));
    const saved = flat.tolist() as number[][][][];
    saved[0].forEach((row) => row.forEach((chans) => chans.forEach((i, c) => (expected[c][i] += 1))));
    expected[4][saved[0][0][0][4]] -= 1;
    expected[4][15] += 1;
    expect(g.reshape(9, 16).tolist()).toEqual(expected);
  });

  test('a saved index outside its plane is refused, not followed', () => {
    const x = torch.randn([1, 1, 4, 4], { requiresGrad: true });
    const [out, idx] = F.maxPool2d(x, 2, { returnIndices: true }) as [torch.Tensor, torch.Tensor];
    idx.data()[0] = BigInt(1000);
    expect(() => out.sum().backward()).toThrow(/outside its input plane/);
  });
});
