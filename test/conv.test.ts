/**
 * conv1d / conv2d / convTranspose2d against PyTorch 1.13 fixtures (values, output
 * strides, gradients of input, weight and bias, node names, error messages), gradcheck
 * and gradgradcheck in float64, channels_last against NCHW on random geometries, and the
 * native binding's refusal of bad arguments.
 */
import * as torch from '../lib';
import { native } from '../lib/native';
import { loadFixture } from './helpers/fixtures';
import { FixtureTensor, dtypeNamed, expectMatches, fromFixture } from './helpers/tensors';
import { Rng } from './helpers/random';

type View = ['channels_last'] | ['slice', number, number | null, number | null, number] | ['transpose', number, number];
interface Arg {
  tensor: FixtureTensor;
  views: View[];
}
interface ValueCase {
  op: 'conv1d' | 'conv2d' | 'convTranspose2d';
  x: Arg;
  w: Arg;
  b: Arg | null;
  kwargs: Record<string, unknown>;
  dtype: string;
  out: FixtureTensor;
  outStrides: number[];
  grad: FixtureTensor;
  gx: FixtureTensor;
  gw: FixtureTensor;
  gb: FixtureTensor | null;
  gradFn: string;
}
interface ErrorCase {
  op: string;
  x: number[];
  w: number[];
  b: number[] | null;
  xDtype: string;
  wDtype: string;
  bDtype: string;
  kwargs: Record<string, unknown>;
  error: string;
}
const fixture = loadFixture<{ values: ValueCase[]; errors: ErrorCase[] }>('conv');
const F = torch.nn.functional;
type Op = (...args: unknown[]) => torch.Tensor;
const ops: Record<string, Op> = { conv1d: F.conv1d as Op, conv2d: F.conv2d as Op, convTranspose2d: F.convTranspose2d as Op };

function build(a: Arg): torch.Tensor {
  let t = fromFixture(a.tensor);
  for (const v of a.views) {
    if (v[0] === 'channels_last') t = t.contiguous({ memoryFormat: torch.channelsLast });
    else if (v[0] === 'transpose') t = t.transpose(v[1], v[2]);
    else {
      const [, dim, start, stop, step] = v;
      t = t.index(...new Array<string>(dim).fill(':'), `${start ?? ''}:${stop ?? ''}:${step}`);
    }
  }
  return t;
}

const label = (c: ValueCase, i: number) =>
  `${i}: ${c.op} x[${c.x.tensor.shape}]${c.x.views.map((v) => v[0]).join(',')} w[${c.w.tensor.shape}]${c.w.views.map((v) => v[0]).join(',')} ${c.b ? 'bias ' : ''}${c.dtype} ${JSON.stringify(c.kwargs)}`;

describe('values, strides and gradients match PyTorch', () => {
  test.each(fixture.values.map((c, i) => [label(c, i), c] as const))('%s', (_, c) => {
    const x = build(c.x).requiresGrad_(), w = build(c.w).requiresGrad_();
    const b = c.b ? build(c.b).requiresGrad_() : null;
    const y = ops[c.op](x, w, b, c.kwargs);
    const [rtol, atol] = c.dtype === 'float64' ? [1e-10, 1e-10] : [1e-4, 1e-4];
    expectMatches(y, c.out, rtol, atol);
    expect([...y.stride()]).toEqual(c.outStrides);
    expect(y.gradFn?.name()).toBe(c.gradFn);
    y.backward(fromFixture(c.grad));
    expectMatches(x.grad as torch.Tensor, c.gx, rtol, atol);
    expectMatches(w.grad as torch.Tensor, c.gw, rtol, atol);
    if (b && c.gb) expectMatches(b.grad as torch.Tensor, c.gb, rtol, atol);
  });

  test('positional arguments give the same result as options', () => {
    const c = fixture.values.find((v) => v.op === 'conv2d' && v.kwargs.stride === 2 && Array.isArray(v.kwargs.padding)) as ValueCase;
    const k = c.kwargs as { stride: number; padding: number[] };
    expectMatches(F.conv2d(build(c.x), build(c.w), build(c.b as Arg), k.stride, k.padding, 1, 1), c.out, 1e-4, 1e-4);
    expectMatches(torch.conv2d(build(c.x), build(c.w), build(c.b as Arg), { stride: k.stride, padding: k.padding }), c.out, 1e-4, 1e-4);
  });
});

describe('errors match PyTorch', () => {
  test.each(fixture.errors.map((e, i) => [`${i}: ${e.op} x[${e.x}] w[${e.w}] ${JSON.stringify(e.kwargs)}`, e] as const))('%s', (_, e) => {
    const x = torch.zeros(e.x, { dtype: dtypeNamed(e.xDtype) });
    const w = torch.zeros(e.w, { dtype: dtypeNamed(e.wDtype) });
    const b = e.b ? torch.zeros(e.b, { dtype: dtypeNamed(e.bDtype) }) : null;
    expect(() => ops[e.op](x, w, b, e.kwargs)).toThrow(torch.TensorError);
    expect(() => ops[e.op](x, w, b, e.kwargs)).toThrow(e.error);
  });
});

describe('gradcheck in float64', () => {
  const opts = { dtype: torch.float64, requiresGrad: true };
  test('conv2d: stride, padding, dilation, groups, bias', () => {
    const x = torch.randn([2, 4, 5, 6], opts), w = torch.randn([4, 2, 3, 2], opts), b = torch.randn([4], opts);
    const fn = (a: torch.Tensor, k: torch.Tensor, c: torch.Tensor) => F.conv2d(a, k, c, { stride: [2, 1], padding: 1, dilation: [1, 2], groups: 2 });
    expect(torch.autograd.gradcheck(fn, [x, w, b])).toBe(true);
  });
  test('conv2d channels_last', () => {
    const x = torch.randn([2, 3, 5, 5], opts).contiguous({ memoryFormat: torch.channelsLast }).detach().requiresGrad_();
    const w = torch.randn([2, 3, 3, 3], opts);
    expect(torch.autograd.gradcheck((a: torch.Tensor, k: torch.Tensor) => F.conv2d(a, k, null, { padding: 1 }), [x, w])).toBe(true);
  });
  test('conv2d 1x1 and depthwise', () => {
    const x = torch.randn([2, 4, 3, 3], opts), w1 = torch.randn([3, 4, 1, 1], opts), wd = torch.randn([4, 1, 3, 3], opts);
    expect(torch.autograd.gradcheck((a: torch.Tensor, k: torch.Tensor) => F.conv2d(a, k), [x, w1])).toBe(true);
    expect(torch.autograd.gradcheck((a: torch.Tensor, k: torch.Tensor) => F.conv2d(a, k, null, { padding: 1, groups: 4 }), [x, wd])).toBe(true);
  });
  test('conv1d', () => {
    const x = torch.randn([2, 2, 7], opts), w = torch.randn([3, 2, 3], opts), b = torch.randn([3], opts);
    expect(torch.autograd.gradcheck((a: torch.Tensor, k: torch.Tensor, c: torch.Tensor) => F.conv1d(a, k, c, { stride: 2, padding: 1 }), [x, w, b])).toBe(true);
  });
  test('convTranspose2d with outputPadding', () => {
    const x = torch.randn([2, 4, 3, 3], opts), w = torch.randn([4, 1, 3, 3], opts), b = torch.randn([2], opts);
    const fn = (a: torch.Tensor, k: torch.Tensor, c: torch.Tensor) => F.convTranspose2d(a, k, c, { stride: 2, padding: 1, outputPadding: 1, groups: 2 });
    expect(torch.autograd.gradcheck(fn, [x, w, b])).toBe(true);
  });
  test('gradgradcheck conv2d and convTranspose2d', () => {
    const x = torch.randn([1, 2, 4, 4], opts), w = torch.randn([2, 2, 2, 2], opts);
    expect(torch.autograd.gradgradcheck((a: torch.Tensor, k: torch.Tensor) => F.conv2d(a, k, null, { stride: 2, padding: 1 }), [x, w])).toBe(true);
    const xt = torch.randn([1, 2, 3, 3], opts);
    expect(torch.autograd.gradgradcheck((a: torch.Tensor, k: torch.Tensor) => F.convTranspose2d(a, k, null, { stride: 2 }), [xt, w])).toBe(true);
  });
});

describe('channels_last matches NCHW on random geometries', () => {
  const rng = new Rng(7);
  const cases = Array.from({ length: 24 }, (_, i) => {
    const groups = [1, 1, 2, 3][rng.int(0, 3)];
    const cg = rng.int(groups === 1 ? 2 : 1, 4), og = rng.int(1, 3); // C = 1 makes channels_last ambiguous
    const kh = rng.int(1, 3), kw = rng.int(1, 3);
    return {
      i, groups, n: rng.int(1, 3), c: cg * groups, o: og * groups, h: rng.int(kh + 1, 9), w: rng.int(kw + 1, 9), kh, kw,
      stride: [rng.int(1, 2), rng.int(1, 3)], padding: [rng.int(0, 2), rng.int(0, 2)], dilation: [rng.int(1, 2), 1],
    };
  });
  test.each(cases.map((c) => [JSON.stringify(c), c] as const))('%s', (_, c) => {
    if ((c.h + 2 * c.padding[0] < c.dilation[0] * (c.kh - 1) + 1)) return;
    const x = torch.randn([c.n, c.c, c.h, c.w], { dtype: torch.float64 }).requiresGrad_();
    const w = torch.randn([c.o, c.c / c.groups, c.kh, c.kw], { dtype: torch.float64 }).requiresGrad_();
    const opts = { stride: c.stride, padding: c.padding, dilation: c.dilation, groups: c.groups };
    const y = F.conv2d(x, w, null, opts);
    const xl = x.detach().contiguous({ memoryFormat: torch.channelsLast }).requiresGrad_();
    const yl = F.conv2d(xl, w, null, opts);
    expect(yl.isContiguous({ memoryFormat: torch.channelsLast })).toBe(true);
    expect(torch.allclose(yl, y, { rtol: 1e-12, atol: 1e-12 })).toBe(true);
    const g = torch.randn(y.shape, { dtype: torch.float64 });
    const [gx, gw] = torch.autograd.grad([y], [x, w], [g]) as torch.Tensor[];
    const [gxl, gwl] = torch.autograd.grad([yl], [xl, w], [g]) as torch.Tensor[];
    expect(gxl.isContiguous({ memoryFormat: torch.channelsLast })).toBe(true);
    expect(torch.allclose(gxl, gx, { rtol: 1e-12, atol: 1e-12 })).toBe(true);
    expect(torch.allclose(gwl, gw, { rtol: 1e-12, atol: 1e-12 })).toBe(true);
  });
});

describe('the stride-1 kernel-row paths agree with im2col over several image tiles', () => {
  // A kernel one column wide ignores the width dilation, but dilation 2 rules out the
  // kernel-row paths (the GEMMs of conv_rows.h, or for float32 on AVX-512 the direct
  // kernel): the same convolution through both algorithms. 9 images of ~1 MB of scratch
  // each take several tiles, the last one partial; 40 output channels leave a partial
  // 32-wide block in the direct kernel. Every CPU capability, 1 and 2 threads.
  const detected = torch.backend.cpuCapability().detected;
  const order = ['default', 'avx2', 'avx512'] as const;
  const capabilities = order.slice(0, order.indexOf(detected as (typeof order)[number]) + 1);
  const threads0 = torch.getNumThreads();
  afterAll(() => {
    torch.backend.setCpuCapability(detected as (typeof order)[number]);
    torch.setNumThreads(threads0);
  });
  const nchw = ['NCHW', torch.contiguousFormat] as const, cl = ['channels_last', torch.channelsLast] as const;
  const cases = [
    ...capabilities.flatMap((cap) => [1, 2].map((threads) => {
      const [layout, memoryFormat] = threads === 1 ? nchw : cl;
      return { cap, threads, layout, memoryFormat, dtype: torch.float32 };
    })),
    ...[nchw, cl].map(([layout, memoryFormat]) => ({ cap: detected, threads: 2, layout, memoryFormat, dtype: torch.float64 })),
  ];
  test.each(cases.map((c) => [`${c.cap} ${c.threads} thread(s) ${c.layout as string} ${c.dtype}`, c] as const))('%s', (_, c) => {
    torch.backend.setCpuCapability(c.cap as (typeof order)[number]);
    torch.setNumThreads(c.threads);
    const dtype = c.dtype;
    const x = torch.randn([9, 64, 30, 29], { dtype }).contiguous({ memoryFormat: c.memoryFormat as torch.MemoryFormat }).requiresGrad_();
    const w = torch.randn([40, 64, 3, 1], { dtype }).requiresGrad_();
    const b = torch.randn([40], { dtype });
    const g = torch.randn([9, 40, 30, 29], { dtype });
    const run = (dilation: number[]) => {
      const y = F.conv2d(x, w, b, { padding: [1, 0], dilation });
      return [y, ...(torch.autograd.grad([y], [x, w], [g]) as torch.Tensor[])];
    };
    const rows = run([1, 1]), cols = run([1, 2]);
    const tol = dtype === torch.float64 ? 1e-10 : 2e-3;
    rows.forEach((t, i) => expect(torch.allclose(t, cols[i], { rtol: tol, atol: tol })).toBe(true));
  });
});

describe('the direct kernel by output row (float32 on AVX-512) agrees with float64 (GEMM)', () => {
  // Rows of 28 outputs are two whole 14-pixel tiles, rows of 13 one partial tile: both run
  // by output row (straight into a channels_last output, bias added in the kernel) instead
  // of over the padded grid, whose 2 dropped columns per row cost more. The input gradient
  // runs the same kernel. 5 images take two tiles of images; 40 output channels leave a
  // partial 32-wide block. float64 runs the kernel-row GEMMs.
  const threads0 = torch.getNumThreads();
  afterAll(() => torch.setNumThreads(threads0));
  const cases = [28, 13].flatMap((width) => [1, 2].flatMap((threads) =>
    [['NCHW', torch.contiguousFormat], ['channels_last', torch.channelsLast]].map(([layout, memoryFormat]) =>
      [`width ${width}, ${threads} thread(s), ${layout as string}`, width, threads, memoryFormat as torch.MemoryFormat] as const)));
  test.each(cases)('%s', (_, width, threads, memoryFormat) => {
    torch.setNumThreads(threads);
    const x64 = torch.randn([5, 64, 12, width], { dtype: torch.float64 });
    const w64 = torch.randn([40, 64, 3, 3], { dtype: torch.float64 });
    const b64 = torch.randn([40], { dtype: torch.float64 });
    const g64 = torch.randn([5, 40, 12, width], { dtype: torch.float64 });
    const run = (dtype: torch.DType) => {
      const x = x64.to(dtype).contiguous({ memoryFormat }).requiresGrad_(), w = w64.to(dtype).requiresGrad_();
      const y = F.conv2d(x, w, b64.to(dtype), { padding: 1 });
      expect(y.isContiguous({ memoryFormat })).toBe(true);
      return [y, ...(torch.autograd.grad([y], [x, w], [g64.to(dtype)]) as torch.Tensor[])].map((t) => t.to(torch.float64));
    };
    const single = run(torch.float32), double = run(torch.float64);
    expect(single[0].shape).toEqual([5, 40, 12, width]);
    single.forEach((t, i) => expect(torch.allclose(t, double[i], { rtol: 1e-3, atol: 2e-2 })).toBe(true));
  });
});

describe('the direct kernel with its row stride built in (input channels 32, 128, 256) or not (48, 27, 40) agrees with float64', () => {
  // conv_direct_avx512.cc: common channel counts get a tile whose 14 input rows are one
  // pointer plus constant offsets; others pass the stride at run time. The input gradient
  // runs the kernel with the output channels (40) as its input channels. 27 leaves a partial
  // block of planes in the NCHW <-> NHWC copies (conv_rows.h).
  test.each([32, 128, 256, 48, 27])('%i input channels', (c) => {
    const x64 = torch.randn([2, c, 9, 16], { dtype: torch.float64 });
    const w64 = torch.randn([40, c, 3, 3], { dtype: torch.float64 });
    const g64 = torch.randn([2, 40, 9, 16], { dtype: torch.float64 });
    const run = (dtype: torch.DType) => {
      const x = x64.to(dtype).requiresGrad_(), w = w64.to(dtype).requiresGrad_();
      const y = F.conv2d(x, w, null, { padding: 1 });
      return [y, ...(torch.autograd.grad([y], [x, w], [g64.to(dtype)]) as torch.Tensor[])].map((t) => t.to(torch.float64));
    };
    const single = run(torch.float32), double = run(torch.float64);
    expect(single[0].shape).toEqual([2, 40, 9, 16]);
    single.forEach((t, i) => expect(torch.allclose(t, double[i], { rtol: 1e-3, atol: 2e-2 * Math.sqrt(c / 64) })).toBe(true));
  });
});

describe('channels_last 1x1 convolutions (float32: the direct kernel on AVX-512) agree with float64', () => {
  // Rows of 14 (one whole tile) and 9 (a partial one), 64 and 256 input channels, 40
  // output channels (a partial 32-wide block), bias, 1 and 2 threads; the gradients run the
  // GEMM paths.
  const threads0 = torch.getNumThreads();
  afterAll(() => torch.setNumThreads(threads0));
  test.each([[64, 14, 1], [256, 9, 2], [64, 9, 2], [256, 14, 1]])('%i channels, width %i, %i thread(s)', (c, width, threads) => {
    torch.setNumThreads(threads);
    const x64 = torch.randn([3, c, 5, width], { dtype: torch.float64 });
    const w64 = torch.randn([40, c, 1, 1], { dtype: torch.float64 });
    const b64 = torch.randn([40], { dtype: torch.float64 });
    const g64 = torch.randn([3, 40, 5, width], { dtype: torch.float64 });
    const run = (dtype: torch.DType) => {
      const x = x64.to(dtype).contiguous({ memoryFormat: torch.channelsLast }).requiresGrad_();
      const w = w64.to(dtype).contiguous({ memoryFormat: torch.channelsLast }).requiresGrad_();
      const y = F.conv2d(x, w, b64.to(dtype));
      expect(y.isContiguous({ memoryFormat: torch.channelsLast })).toBe(true);
      return [y, ...(torch.autograd.grad([y], [x, w], [g64.to(dtype)]) as torch.Tensor[])].map((t) => t.to(torch.float64));
    };
    const single = run(torch.float32), double = run(torch.float64);
    expect(single[0].shape).toEqual([3, 40, 5, width]);
    single.forEach((t, i) => expect(torch.allclose(t, double[i], { rtol: 1e-3, atol: 2e-2 * Math.sqrt(c / 64) })).toBe(true));
  });
});

describe('float32 (direct weight-gradient kernel on AVX-512) agrees with float64 (GEMM) over several tiles', () => {
  // Stride 2 goes through im2col; ~0.9 MB of columns per image makes three tiles of images.
  test.each([['NCHW', torch.contiguousFormat], ['channels_last', torch.channelsLast]] as const)('%s', (_, memoryFormat) => {
    const x64 = torch.randn([10, 64, 40, 40], { dtype: torch.float64 });
    const w64 = torch.randn([32, 64, 3, 3], { dtype: torch.float64 });
    const g64 = torch.randn([10, 32, 20, 20], { dtype: torch.float64 });
    const run = (dtype: torch.DType) => {
      const x = x64.to(dtype).contiguous({ memoryFormat }).requiresGrad_(), w = w64.to(dtype).requiresGrad_();
      const y = F.conv2d(x, w, null, { stride: 2, padding: 1 });
      return [y, ...(torch.autograd.grad([y], [x, w], [g64.to(dtype)]) as torch.Tensor[])].map((t) => t.to(torch.float64));
    };
    const single = run(torch.float32), double = run(torch.float64);
    single.forEach((t, i) => expect(torch.allclose(t, double[i], { rtol: 1e-3, atol: 2e-2 })).toBe(true));
  });

  // Stride 1: the kernel sums the output rows of the padded grid in blocks of ~512 pixels
  // (25 rows of 20 here, then 15), skipping the padded columns and rows.
  test.each([['NCHW', torch.contiguousFormat], ['channels_last', torch.channelsLast]] as const)('stride 1, %s', (_, memoryFormat) => {
    const x64 = torch.randn([3, 32, 40, 20], { dtype: torch.float64 });
    const w64 = torch.randn([20, 32, 3, 3], { dtype: torch.float64 });
    const g64 = torch.randn([3, 20, 40, 20], { dtype: torch.float64 });
    const gradW = (dtype: torch.DType) => {
      const x = x64.to(dtype).contiguous({ memoryFormat }), w = w64.to(dtype).requiresGrad_();
      const y = F.conv2d(x, w, null, { padding: 1 });
      return (torch.autograd.grad([y], [w], [g64.to(dtype)]) as torch.Tensor[])[0].to(torch.float64);
    };
    expect(torch.allclose(gradW(torch.float32), gradW(torch.float64), { rtol: 1e-3, atol: 2e-2 })).toBe(true);
  });
});

describe('the register-tap kernels (float32, AVX-512: few input channels, kernels up to 5x5) agree with float64', () => {
  // Output widths that are and are not multiples of the 8-pixel vector, output heights that
  // leave 0, 1 and 2 rows after the forward's groups of 3, output channel counts that leave
  // partial blocks of 4 (weight gradient) and 8 (forward), odd
  // image counts (the weight gradient splits the images in two), non-square kernels, and
  // rows narrow enough for the input-gradient kernel (1 to 8 input channels).
  const cases: [number, number, number, number, number, number, number][] = [
    // n, c, h, w, o, kh, kw
    [64, 1, 28, 28, 32, 5, 5],
    [5, 1, 28, 28, 6, 5, 5],
    [3, 6, 12, 12, 16, 5, 5],
    [1, 4, 17, 20, 7, 3, 5],
    [7, 3, 15, 13, 9, 5, 2],
    [2, 2, 9, 31, 17, 2, 4],
    // The input-gradient kernel: output rows of at most 8, input rows of at most 16.
    [4, 8, 9, 10, 33, 3, 5],
    [3, 1, 6, 12, 5, 2, 5],
    [2, 7, 11, 9, 12, 4, 2],
  ];
  test.each(cases.flatMap((c) => [1, 2].map((threads) => [`x[${c.slice(0, 4)}] w[${c[4]},${c[1]},${c[5]},${c[6]}], ${threads} thread(s)`, c, threads] as const)))('%s', (_, c, threads) => {
    const threads0 = torch.getNumThreads();
    torch.setNumThreads(threads);
    try {
      const [n, ci, h, w, o, kh, kw] = c;
      const x64 = torch.randn([n, ci, h, w], { dtype: torch.float64 }), w64 = torch.randn([o, ci, kh, kw], { dtype: torch.float64 });
      const b64 = torch.randn([o], { dtype: torch.float64 });
      const g64 = torch.randn([n, o, h - kh + 1, w - kw + 1], { dtype: torch.float64 });
      const run = (dtype: torch.DType) => {
        const x = x64.to(dtype).requiresGrad_(), wt = w64.to(dtype).requiresGrad_(), b = b64.to(dtype).requiresGrad_();
        const y = F.conv2d(x, wt, b);
        return [y, ...(torch.autograd.grad([y], [x, wt, b], [g64.to(dtype)]) as torch.Tensor[])].map((t) => t.to(torch.float64));
      };
      const single = run(torch.float32), double = run(torch.float64);
      single.forEach((t, i) => {
        const scale = double[i].abs().max().item() as number;
        expect(t.sub(double[i]).abs().max().item()).toBeLessThan(2e-6 * Math.max(1, scale) * Math.sqrt(n * h * w));
      });
    } finally {
      torch.setNumThreads(threads0);
    }
  });
});

describe('the native binding refuses bad arguments', () => {
  const meta = native.meta;
  // A valid forward call: x (1,1,3,3), w (1,1,2,2), y (1,1,2,2), NCHW, float32.
  function valid(): void {
    const fields = [0, 0, 1, 1, 3, 3, 1, 2, 2, 2, 2, 1, 1, 0, 0, 1, 1, 1];
    fields.forEach((v, i) => (meta[i] = v));
    const operands = [[0, 0, 4, 4, 2, 1], [0, 0, 9, 9, 3, 1], [0, 0, 4, 4, 2, 1]];
    let p = fields.length;
    for (const o of operands) for (const v of o) meta[p++] = v;
    meta[p] = 0;
  }
  const buffers = () => [new Uint8Array(16), new Uint8Array(36), new Uint8Array(16)];
  test('a valid call runs', () => {
    valid();
    const [y, x, w] = buffers();
    expect(() => native.conv2d(y, x, w)).not.toThrow();
  });
  test.each([
    ['input too small for its shape', () => { valid(); meta[4] = 4; }],
    ['output offset outside its buffer', () => { valid(); meta[19] = 1; }],
    ['strides not dense', () => { valid(); meta[29] = 2; }],
    ['zero stride', () => { valid(); meta[11] = 0; }],
    ['groups not dividing channels', () => { valid(); meta[17] = 2; }],
    ['integer dtype', () => { valid(); meta[18] = 3; meta[24] = 3; meta[30] = 3; }],
    ['huge padding', () => { valid(); meta[13] = 1e17; }],
    ['bias without buffer', () => { valid(); meta[36] = 1; }],
  ])('%s', (_, spoil) => {
    spoil();
    const [y, x, w] = buffers();
    expect(() => native.conv2d(y, x, w)).toThrow(torch.TensorError);
  });
});

test('integer convolution as PyTorch\'s CPU path (exact), bool refused', () => {
  // torch.nn.functional.conv2d(torch.ones(1,1,3,3,dtype=torch.long), torch.ones(1,1,2,2,dtype=torch.long))
  const y = torch.nn.functional.conv2d(torch.ones([1, 1, 3, 3], { dtype: torch.int64 }), torch.ones([1, 1, 2, 2], { dtype: torch.int64 }));
  expect(y.dtype).toBe(torch.int64);
  expect(y.tolist()).toEqual([[[[4, 4], [4, 4]]]]);
  const x = torch.arange(16, { dtype: torch.int32 }).reshape(1, 1, 16);
  const w = torch.tensor([[[1, -2, 3]]], { dtype: torch.int32 });
  const ref = torch.nn.functional.conv1d(x.double(), w.double(), null, { padding: 1 }).to(torch.int32);
  expect(torch.nn.functional.conv1d(x, w, null, { padding: 1 }).tolist()).toEqual(ref.tolist());
  expect(() => torch.nn.functional.conv2d(torch.ones([1, 1, 3, 3], { dtype: torch.bool }), torch.ones([1, 1, 2, 2], { dtype: torch.bool }))).toThrow(
    '"slow_conv2d_cpu" not implemented for \'Bool\'',
  );
});
