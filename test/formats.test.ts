/**
 * Memory formats against PyTorch 1.13 (test/fixtures/formats.json from
 * scripts/fixtures/formats.py), on every 4-D shape whose N, C, H, W are each 1 or more:
 * channels_last strides of creation and conversion, isContiguous answers and the
 * suggested format of tensors that are both formats (or neither), the output strides of
 * conv2d, convTranspose2d, pooling, batchNorm, relu, dropout, interpolate and elementwise
 * ops (mixed operands included) and of their input gradients, compared exactly; values
 * and gradients must not depend on the input's format. Then Module.to({ memoryFormat }).
 */
import * as torch from '../lib';
import { Tensor } from '../lib';
import { suggestFormat } from '../lib/memory-format';
import { loadFixture } from './helpers/fixtures';

const F = torch.nn.functional;
const CL = torch.channelsLast;

interface Layout { stride: number[]; contiguous: boolean; channels_last: boolean }
interface ViewInfo {
  shape: number[]; stride: number[]; contiguous: boolean; channels_last: boolean; suggest: string; empty_like: number[]; clone: number[];
  contiguous_cl: number[]; to_cl: number[]; to_contiguous_format: number[]; empty_like_cl: number[]; zeros_like_cl: number[]; clone_cl: number[];
}
interface StridesCase {
  shape: number[]; empty_channels_last: number[]; nchw_contiguous_cl: number[]; nchw_to_cl: number[];
  cl_contiguous: number[]; cl_contiguous_cl: number[]; cl_to_nchw: number[]; views: Record<string, ViewInfo>;
}
interface Strides3dCase { shape: number[]; empty_channels_last_3d: number[]; nchw_contiguous_cl3d: number[]; is_cl3d: boolean[]; is_contiguous: boolean[]; suggest: string[] }
interface OpCase { shape: number[]; format: string; op: string; out: Layout; grad: Layout }
interface Fixture { strides: StridesCase[]; strides_3d: Strides3dCase[]; ops: OpCase[]; module_to: Record<string, number[]> }

const fx = loadFixture<Fixture>('formats');
const formatNamed = (name: string): torch.MemoryFormat => ({ contiguous_format: torch.contiguousFormat, channels_last: CL, channels_last_3d: torch.channelsLast3d })[name]!;
const layoutOf = (t: Tensor): Layout => ({ stride: t.stride(), contiguous: t.isContiguous(), channels_last: t.isContiguous({ memoryFormat: CL }) });

/** The views formats.py asks about, built the same way. */
function views(shape: number[]): Record<string, Tensor> {
  const x = torch.zeros(shape);
  const out: Record<string, Tensor> = {
    nchw: x,
    channels_last: x.contiguous({ memoryFormat: CL }),
    permuted_nhwc: x.permute(0, 2, 3, 1),
  };
  if (shape[3] > 1) {
    out.sliced_w = x.index('...', '::2');
    out.channels_last_sliced_w = x.contiguous({ memoryFormat: CL }).index('...', '::2');
  }
  out.transposed_hw = x.transpose(2, 3);
  out.expanded_c = torch.zeros(shape[0], 1, shape[2], shape[3]).expand(...shape);
  return out;
}

describe('stride rules on shapes with size-1 dims', () => {
  test.each(fx.strides.map((c) => [c.shape.join('x'), c] as const))('%s', (_, c) => {
    const x = torch.zeros(c.shape);
    const xl = x.contiguous({ memoryFormat: CL });
    expect(torch.empty(c.shape, { memoryFormat: CL }).stride()).toEqual(c.empty_channels_last);
    expect(torch.zeros(c.shape, { memoryFormat: CL }).stride()).toEqual(c.empty_channels_last);
    expect(xl.stride()).toEqual(c.nchw_contiguous_cl);
    expect(x.to({ memoryFormat: CL }).stride()).toEqual(c.nchw_to_cl);
    expect(xl.contiguous().stride()).toEqual(c.cl_contiguous);
    expect(xl.contiguous({ memoryFormat: CL }).stride()).toEqual(c.cl_contiguous_cl);
    expect(xl.to({ memoryFormat: torch.contiguousFormat }).stride()).toEqual(c.cl_to_nchw);
    const vs = views(c.shape);
    expect(Object.keys(vs).sort()).toEqual(Object.keys(c.views).sort());
    for (const [name, v] of Object.entries(vs)) {
      const e = c.views[name];
      const got = {
        shape: [...v.shape], stride: v.stride(), contiguous: v.isContiguous(), channels_last: v.isContiguous({ memoryFormat: CL }),
        suggest: suggestFormat(v.shape, v.stride()).name, empty_like: torch.emptyLike(v).stride(), clone: v.clone().stride(),
        contiguous_cl: v.contiguous({ memoryFormat: CL }).stride(), to_cl: v.to({ memoryFormat: CL }).stride(),
        to_contiguous_format: v.to({ memoryFormat: torch.contiguousFormat }).stride(),
        empty_like_cl: torch.emptyLike(v, { memoryFormat: CL }).stride(), zeros_like_cl: torch.zerosLike(v, { memoryFormat: CL }).stride(),
        clone_cl: v.clone({ memoryFormat: CL }).stride(),
      };
      expect([name, got]).toEqual([name, e]);
    }
  });

  test.each(fx.strides_3d.map((c) => [c.shape.join('x'), c] as const))('channels_last_3d %s', (_, c) => {
    const x = torch.zeros(c.shape);
    const x3 = x.contiguous({ memoryFormat: torch.channelsLast3d });
    expect(torch.empty(c.shape, { memoryFormat: torch.channelsLast3d }).stride()).toEqual(c.empty_channels_last_3d);
    expect(x3.stride()).toEqual(c.nchw_contiguous_cl3d);
    expect([x, x3].map((t) => t.isContiguous({ memoryFormat: torch.channelsLast3d }))).toEqual(c.is_cl3d);
    expect([x, x3].map((t) => t.isContiguous())).toEqual(c.is_contiguous);
    expect([x, x3].map((t) => suggestFormat(t.shape, t.stride()))).toEqual(c.suggest.map(formatNamed));
  });
});

// ---- ops --------------------------------------------------------------------------------

/** As formats.py: channels_last_strides always has channels_last strides, even for a tensor that is both. */
function inFormat(t: Tensor, f: string): Tensor {
  if (f === 'channels_last_strides') return torch.emptyLike(t, { memoryFormat: CL }).copy_(t);
  return f === 'channels_last' ? t.contiguous({ memoryFormat: CL }) : t.contiguous();
}

/** formats.py's op table; weights are random (only layouts and format-independence matter). */
function opTable(shape: number[]): Record<string, (x: Tensor, f: string) => Tensor> {
  const [n, c, h, w] = shape;
  const k = [Math.min(2, h), Math.min(2, w)];
  const f64 = { dtype: torch.float64 };
  torch.manualSeed(11);
  const w1 = torch.randn([4, c, 1, 1], f64), w3 = torch.randn([4, c, 3, 3], f64), wt = torch.randn([c, 2, 3, 3], f64);
  const biasC = torch.randn([1, c, 1, 1], f64), bnW = torch.randn([c], f64);
  const bnTraining = n * h * w > 1;
  return {
    conv2d_1x1: (x, f) => F.conv2d(x, inFormat(w1, f)),
    conv2d_1x1_nchw_weight: (x) => F.conv2d(x, w1),
    conv2d_3x3: (x, f) => F.conv2d(x, inFormat(w3, f), null, { padding: 1 }),
    conv2d_3x3_cl_weight: (x) => F.conv2d(x, inFormat(w3, 'channels_last'), null, { padding: 1 }),
    conv_transpose2d: (x, f) => F.convTranspose2d(x, inFormat(wt, f), null, { padding: 1 }),
    max_pool2d: (x) => F.maxPool2d(x, k) as Tensor,
    avg_pool2d: (x) => F.avgPool2d(x, k),
    batch_norm: (x) => F.batchNorm(x, torch.zeros([c], f64), torch.ones([c], f64), { weight: bnW, training: bnTraining }),
    relu: (x) => F.relu(x),
    exp: (x) => x.exp(),
    add_self: (x) => x.add(x),
    add_scalar: (x) => x.add(1),
    mul_0d: (x) => x.mul(torch.tensor(2, { dtype: torch.float64 })),
    mul_channel_bias: (x) => x.mul(biasC),
    add_nchw_other: (x) => x.add(inFormat(x.detach(), 'contiguous_format')),
    add_cl_other: (x) => x.add(inFormat(x.detach(), 'channels_last')),
    nchw_other_add: (x) => inFormat(x.detach(), 'contiguous_format').add(x),
    cl_other_add: (x) => inFormat(x.detach(), 'channels_last').add(x),
    add_cl_strides_other: (x) => x.add(inFormat(x.detach(), 'channels_last_strides')),
    cl_strides_other_add: (x) => inFormat(x.detach(), 'channels_last_strides').add(x),
    dropout: (x) => F.dropout(x, 0.5, true),
    interpolate_nearest: (x) => F.interpolate(x, { scaleFactor: 2, mode: 'nearest' }),
    interpolate_bilinear: (x) => F.interpolate(x, { scaleFactor: 2, mode: 'bilinear', alignCorners: false }),
  };
}

function runOp(shape: number[], op: string, format: string, base: Tensor): { y: Tensor; grad: Tensor } {
  const x = inFormat(base, format).detach().requiresGrad_();
  const fn = opTable(shape)[op];
  torch.manualSeed(0);
  const y = fn(x, format);
  y.backward(torch.onesLike(y));
  return { y, grad: x.grad! };
}

describe('output and input-gradient formats', () => {
  const byShape = new Map<string, OpCase[]>();
  for (const c of fx.ops) {
    const key = c.shape.join('x');
    if (!byShape.has(key)) byShape.set(key, []);
    byShape.get(key)!.push(c);
  }
  test.each([...byShape.entries()])('%s', (_, cases) => {
    const mismatches: unknown[] = [];
    for (const c of cases) {
      torch.manualSeed(5);
      const base = torch.randn(c.shape, { dtype: torch.float64 });
      const { y, grad } = runOp(c.shape, c.op, c.format, base);
      const got = { out: layoutOf(y), grad: layoutOf(grad) };
      if (JSON.stringify(got) !== JSON.stringify({ out: c.out, grad: c.grad })) mismatches.push({ op: c.op, format: c.format, got, expected: { out: c.out, grad: c.grad } });
    }
    expect(mismatches).toEqual([]);
  });

  test.each([...byShape.keys()])('values and gradients do not depend on the format: %s', (key) => {
    const shape = key.split('x').map(Number);
    torch.manualSeed(5);
    const base = torch.randn(shape, { dtype: torch.float64 });
    for (const op of Object.keys(opTable(shape))) {
      const a = runOp(shape, op, 'contiguous_format', base);
      for (const format of ['channels_last', 'channels_last_strides']) {
        const b = runOp(shape, op, format, base);
        expect([op, format, torch.allclose(a.y, b.y, { rtol: 1e-12, atol: 1e-12 })]).toEqual([op, format, true]);
        expect([op, format, torch.allclose(a.grad, b.grad, { rtol: 1e-12, atol: 1e-12 })]).toEqual([op, format, true]);
      }
    }
  });
});

test('nn.Module.to({ memoryFormat }) converts 4-D parameters and buffers only', () => {
  const { nn } = torch;
  const m = new nn.Sequential(new nn.Conv2d(3, 4, 3), new nn.BatchNorm2d(4), new nn.Linear(5, 2), new nn.Conv2d(1, 2, 1));
  expect(m.to({ memoryFormat: CL })).toBe(m);
  const got: Record<string, number[]> = {};
  for (const [name, t] of [...m.namedParameters(), ...m.namedBuffers()]) got[name] = t.stride();
  expect(got).toEqual(fx.module_to);
  // The converted parameters are still the module's leaves, trainable and usable.
  const y = m.at(0).forward(torch.randn(1, 3, 5, 5).contiguous({ memoryFormat: CL })) as Tensor;
  expect(y.isContiguous({ memoryFormat: CL })).toBe(true);
  expect(m.parameters().every((p) => p.isLeaf && p.requiresGrad)).toBe(true);
});
