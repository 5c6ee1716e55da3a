/**
 * batchNorm / layerNorm / groupNorm, embedding, pad and scaledDotProductAttention against
 * PyTorch 1.13 fixtures (values, running statistics, gradients for a fixed upstream
 * gradient, grad_fn names, error messages), gradcheck / gradgradcheck in float64, the
 * layer classes, and the native kernels under 1 and 2 threads and odd layouts.
 */
import * as torch from '../lib';
import { native } from '../lib/native';
import { capabilities, underCapability } from './helpers/capabilities';
import { loadFixture } from './helpers/fixtures';
import { FixtureTensor, expectMatches, fromFixture } from './helpers/tensors';

const F = torch.nn.functional;
type T = torch.Tensor;

interface BatchNormCase {
  shape: number[]; dtype: string; training: boolean; momentum: number; eps: number; channelsLast: boolean;
  input: FixtureTensor; weight: FixtureTensor | null; bias: FixtureTensor | null;
  runningMean: FixtureTensor | null; runningVar: FixtureTensor | null;
  out: FixtureTensor; outChannelsLast: boolean; runningMeanAfter: FixtureTensor | null; runningVarAfter: FixtureTensor | null;
  gradOutput: FixtureTensor; grads: (FixtureTensor | null)[];
}
interface LayerNormCase {
  normalizedShape: number[]; eps: number; input: FixtureTensor; weight: FixtureTensor | null; bias: FixtureTensor | null;
  out: FixtureTensor; gradOutput: FixtureTensor; grads: (FixtureTensor | null)[];
}
interface GroupNormCase {
  groups: number; input: FixtureTensor; weight: FixtureTensor; bias: FixtureTensor; out: FixtureTensor;
  gradOutput: FixtureTensor; grads: FixtureTensor[];
}
interface EmbeddingCase {
  weight: FixtureTensor; indices: FixtureTensor; paddingIdx: number | null; out: FixtureTensor; gradOutput: FixtureTensor; grad: FixtureTensor;
}
interface PadCase {
  input: FixtureTensor; pad: number[]; mode: 'constant' | 'reflect' | 'replicate' | 'circular'; value: number | null;
  out: FixtureTensor; gradOutput: FixtureTensor; grad: FixtureTensor;
}
interface AttentionCase {
  q: FixtureTensor; k: FixtureTensor; v: FixtureTensor; mask: FixtureTensor | null; isCausal: boolean; scale: number | null;
  out: FixtureTensor; gradOutput: FixtureTensor; grads: FixtureTensor[];
}
interface NormFixture {
  batchNorm: BatchNormCase[]; layerNorm: LayerNormCase[]; groupNorm: GroupNormCase[]; embedding: EmbeddingCase[];
  pad: PadCase[]; attention: AttentionCase[]; errors: Record<string, string>; gradFn: Record<string, string>;
}
const fixture = loadFixture<NormFixture>('norm');

const leaf = (f: FixtureTensor | null): T | null => (f ? fromFixture(f).requiresGrad_() : null);
const tol = (dtype: string): [number, number] => (dtype === 'float64' ? [1e-9, 1e-10] : [2e-5, 2e-5]);

function expectGrads(grads: (T | null)[], want: (FixtureTensor | null)[], dtype: string): void {
  const [rtol, atol] = tol(dtype);
  want.forEach((w, i) => {
    if (w === null) expect(grads[i] ?? null).toBeNull();
    else expectMatches(grads[i] as T, w, rtol, atol);
  });
}

function checkBatchNorm(c: BatchNormCase): void {
  let x = fromFixture(c.input);
  if (c.channelsLast) x = x.contiguous({ memoryFormat: torch.channelsLast });
  x.requiresGrad_();
  const w = leaf(c.weight), b = leaf(c.bias);
  const rm = c.runningMean ? fromFixture(c.runningMean) : null;
  const rv = c.runningVar ? fromFixture(c.runningVar) : null;
  const y = F.batchNorm(x, rm, rv, { weight: w, bias: b, training: c.training, momentum: c.momentum, eps: c.eps });
  const [rtol, atol] = tol(c.dtype);
  expectMatches(y, c.out, rtol, atol);
  expect(y.gradFn?.name()).toBe('NativeBatchNormBackward0');
  if (c.outChannelsLast) expect(y.isContiguous({ memoryFormat: torch.channelsLast })).toBe(true);
  if (rm) expectMatches(rm, c.runningMeanAfter as FixtureTensor, rtol, atol);
  if (rv) expectMatches(rv, c.runningVarAfter as FixtureTensor, rtol, atol);
  const inputs = [x, w, b].filter((t): t is T => t !== null);
  const got = torch.autograd.grad(y, inputs, fromFixture(c.gradOutput));
  expectGrads([got[0], w ? got[1] : null, b ? got[2] : null], c.grads, c.dtype);
}

function checkLayerNorm(c: LayerNormCase): void {
  const x = fromFixture(c.input).requiresGrad_();
  const w = leaf(c.weight), b = leaf(c.bias);
  const y = F.layerNorm(x, c.normalizedShape, { weight: w, bias: b, eps: c.eps });
  const [rtol, atol] = tol(c.input.dtype);
  expectMatches(y, c.out, rtol, atol);
  expect(y.gradFn?.name()).toBe('NativeLayerNormBackward0');
  const inputs = [x, w, b].filter((t): t is T => t !== null);
  const got = torch.autograd.grad(y, inputs, fromFixture(c.gradOutput));
  expectGrads([got[0], w ? got[1] : null, b ? got[2] : null], c.grads, c.input.dtype);
}

describe('batchNorm matches PyTorch', () => {
  test.each(fixture.batchNorm.map((c, i) => [`${i}: ${c.dtype}[${c.shape}] ${c.training ? 'train' : 'eval'}${c.channelsLast ? ' channels_last' : ''}`, c] as const))('%s', (_, c) => checkBatchNorm(c));

  test('positional order (input, running_mean, running_var, weight, bias, training, momentum, eps) and torch.batchNorm', () => {
    const c = fixture.batchNorm[4];
    const x = fromFixture(c.input);
    const rm = fromFixture(c.runningMean as FixtureTensor), rv = fromFixture(c.runningVar as FixtureTensor);
    const y = F.batchNorm(x, rm, rv, fromFixture(c.weight as FixtureTensor), fromFixture(c.bias as FixtureTensor), true, c.momentum, c.eps);
    expectMatches(y, c.out, 2e-5, 2e-5);
    expectMatches(rm, c.runningMeanAfter as FixtureTensor, 2e-5, 2e-5);
    const rm2 = fromFixture(c.runningMean as FixtureTensor), rv2 = fromFixture(c.runningVar as FixtureTensor);
    const y2 = torch.batchNorm(x, fromFixture(c.weight as FixtureTensor), fromFixture(c.bias as FixtureTensor), rm2, rv2, true, c.momentum, c.eps);
    expectMatches(y2, c.out, 2e-5, 2e-5);
  });

  test('non-dense and transposed inputs, 1 and 2 threads, give the same values', () => {
    const base = torch.randn([6, 5, 4, 3], { dtype: torch.float64 });
    const ref = F.batchNorm(base, null, null, { training: true });
    const threads = torch.getNumThreads();
    try {
      for (const n of [1, 2]) {
        torch.setNumThreads(n);
        const sliced = torch.randn([6, 10, 4, 3], { dtype: torch.float64 }).index(':', '::2');
        sliced.copy_(base);
        const a = F.batchNorm(sliced, null, null, { training: true });
        expect(torch.allclose(a, ref, { rtol: 1e-12, atol: 1e-12 })).toBe(true);
        const permuted = base.permute(1, 0, 2, 3).contiguous().permute(1, 0, 2, 3);
        expect(torch.allclose(F.batchNorm(permuted, null, null, { training: true }), ref, { rtol: 1e-12, atol: 1e-12 })).toBe(true);
        const big = torch.randn([16, 16, 12, 12]).contiguous({ memoryFormat: torch.channelsLast });
        const bigRef = F.batchNorm(big.contiguous(), null, null, { training: true });
        expect(torch.allclose(F.batchNorm(big, null, null, { training: true }), bigRef, { rtol: 1e-4, atol: 1e-5 })).toBe(true);
      }
    } finally {
      torch.setNumThreads(threads);
    }
  });

  test('gradcheck and gradgradcheck in float64 (train and eval)', () => {
    const x = torch.randn([3, 2, 2], { dtype: torch.float64, requiresGrad: true });
    const w = torch.randn([2], { dtype: torch.float64, requiresGrad: true });
    const b = torch.randn([2], { dtype: torch.float64, requiresGrad: true });
    const train = (xx: T, ww: T, bb: T) => F.batchNorm(xx, null, null, { weight: ww, bias: bb, training: true });
    expect(torch.autograd.gradcheck(train, [x, w, b])).toBe(true);
    expect(torch.autograd.gradgradcheck(train, [x, w, b])).toBe(true);
    const rm = torch.randn([2], { dtype: torch.float64 }), rv = torch.rand([2], { dtype: torch.float64 }).add(0.5);
    const evalFn = (xx: T, ww: T, bb: T) => F.batchNorm(xx, rm, rv, { weight: ww, bias: bb, training: false });
    expect(torch.autograd.gradcheck(evalFn, [x, w, b])).toBe(true);
    expect(torch.autograd.gradgradcheck(evalFn, [x, w, b])).toBe(true);
    const xl = torch.randn([2, 3, 2, 2], { dtype: torch.float64 }).contiguous({ memoryFormat: torch.channelsLast }).requiresGrad_();
    expect(torch.autograd.gradcheck((xx: T) => F.batchNorm(xx, null, null, { training: true }), [xl])).toBe(true);
  });

  test('the differentiable backward (createGraph) agrees with the native one', () => {
    for (const training of [true, false]) {
      const x = torch.randn([4, 3, 5], { dtype: torch.float64, requiresGrad: true });
      const w = torch.randn([3], { dtype: torch.float64, requiresGrad: true });
      const b = torch.randn([3], { dtype: torch.float64, requiresGrad: true });
      const rm = torch.randn([3], { dtype: torch.float64 }), rv = torch.rand([3], { dtype: torch.float64 }).add(0.5);
      const g = torch.randn([4, 3, 5], { dtype: torch.float64 });
      const y = F.batchNorm(x, rm, rv, { weight: w, bias: b, training });
      const native = torch.autograd.grad(y, [x, w, b], g, { retainGraph: true });
      const ops = torch.autograd.grad(y, [x, w, b], g, { createGraph: true });
      native.forEach((t, i) => expect(torch.allclose(t as T, (ops[i] as T).detach(), { rtol: 1e-10, atol: 1e-12 })).toBe(true));
    }
    const x = torch.randn([2, 3, 4], { dtype: torch.float64, requiresGrad: true });
    const w = torch.randn([3, 4], { dtype: torch.float64, requiresGrad: true });
    const g = torch.randn([2, 3, 4], { dtype: torch.float64 });
    const y = F.layerNorm(x, [3, 4], { weight: w });
    const native = torch.autograd.grad(y, [x, w], g, { retainGraph: true });
    const ops = torch.autograd.grad(y, [x, w], g, { createGraph: true });
    native.forEach((t, i) => expect(torch.allclose(t as T, (ops[i] as T).detach(), { rtol: 1e-10, atol: 1e-12 })).toBe(true));
  });

  test('errors in PyTorch words', () => {
    const e = fixture.errors;
    const x = torch.randn([2, 3]);
    expect(() => F.batchNorm(torch.randn([1, 3]), torch.zeros(3), torch.ones(3), { training: true })).toThrow(e.bn_one_value);
    expect(() => F.batchNorm(x, torch.zeros(4), torch.ones(3), { training: true })).toThrow(e.bn_running_mean_size);
    expect(() => F.batchNorm(x, torch.zeros(3), torch.ones(3), { weight: torch.ones(4), training: true })).toThrow(e.bn_weight_size);
    expect(() => F.batchNorm(x, null, null, { training: false })).toThrow(e.bn_eval_no_stats);
    expect(() => F.batchNorm(x.long(), null, null, { training: true })).toThrow(e.bn_long);
    expect(() => new torch.nn.BatchNorm2d(3).forward(torch.randn([2, 3, 4]))).toThrow(e.bn2d_rank);
    expect(() => new torch.nn.BatchNorm1d(3).forward(torch.randn([2, 3, 4, 4]))).toThrow(e.bn1d_rank);
    expect(() => F.batchNorm(torch.randn([1, 3]), null, null, { training: true })).toThrow(torch.TensorError);
  });
});

describe('every CPU capability and thread count matches PyTorch (the kernels are built per ISA)', () => {
  test.each(capabilities)('%s', (cap) =>
    underCapability(cap, () => {
      fixture.batchNorm.forEach(checkBatchNorm);
      fixture.layerNorm.forEach(checkLayerNorm);
    }));
});

describe('layerNorm and groupNorm match PyTorch', () => {
  test.each(fixture.layerNorm.map((c, i) => [`${i}: ${c.input.dtype}[${c.input.shape}] over ${c.normalizedShape}`, c] as const))('%s', (_, c) => checkLayerNorm(c));

  test('positional weight/bias/eps, torch.layerNorm, transposed input', () => {
    const c = fixture.layerNorm[1];
    const x = fromFixture(c.input);
    expectMatches(F.layerNorm(x, c.normalizedShape, fromFixture(c.weight as FixtureTensor), fromFixture(c.bias as FixtureTensor), c.eps), c.out, 1e-9, 1e-10);
    expectMatches(torch.layerNorm(x, c.normalizedShape, fromFixture(c.weight as FixtureTensor), fromFixture(c.bias as FixtureTensor), c.eps), c.out, 1e-9, 1e-10);
    const t = x.transpose(0, 1).contiguous().transpose(0, 1);
    expectMatches(F.layerNorm(t, c.normalizedShape, fromFixture(c.weight as FixtureTensor), fromFixture(c.bias as FixtureTensor), c.eps), c.out, 1e-9, 1e-10);
  });

  test.each(fixture.groupNorm.map((c, i) => [`${i}: groupNorm ${c.input.dtype}[${c.input.shape}] groups ${c.groups}`, c] as const))('%s', (_, c) => {
    const x = fromFixture(c.input).requiresGrad_();
    const w = fromFixture(c.weight).requiresGrad_(), b = fromFixture(c.bias).requiresGrad_();
    const y = F.groupNorm(x, c.groups, w, b, 1e-5);
    const [rtol, atol] = tol(c.input.dtype);
    expectMatches(y, c.out, rtol, atol);
    expectGrads(torch.autograd.grad(y, [x, w, b], fromFixture(c.gradOutput)), c.grads, c.input.dtype);
  });

  test('gradcheck and gradgradcheck in float64', () => {
    const x = torch.randn([2, 3, 4], { dtype: torch.float64, requiresGrad: true });
    const w = torch.randn([3, 4], { dtype: torch.float64, requiresGrad: true });
    const b = torch.randn([3, 4], { dtype: torch.float64, requiresGrad: true });
    const fn = (xx: T, ww: T, bb: T) => F.layerNorm(xx, [3, 4], { weight: ww, bias: bb });
    expect(torch.autograd.gradcheck(fn, [x, w, b])).toBe(true);
    expect(torch.autograd.gradgradcheck(fn, [x, w, b])).toBe(true);
    const x1 = torch.randn([3, 5], { dtype: torch.float64, requiresGrad: true });
    expect(torch.autograd.gradcheck((xx: T) => F.layerNorm(xx, [5]), [x1])).toBe(true);
    const g = torch.randn([2, 4, 3], { dtype: torch.float64, requiresGrad: true });
    const gw = torch.randn([4], { dtype: torch.float64, requiresGrad: true });
    expect(torch.autograd.gradcheck((xx: T, ww: T) => F.groupNorm(xx, 2, ww), [g, gw])).toBe(true);
  });

  test('errors in PyTorch words', () => {
    const e = fixture.errors;
    const x = torch.randn([2, 3]);
    expect(() => F.layerNorm(torch.randn([2, 4]), [3])).toThrow(e.ln_shape);
    expect(() => F.layerNorm(x, [3], { weight: torch.ones(4) })).toThrow(e.ln_weight);
    expect(() => F.layerNorm(x, [])).toThrow(e.ln_empty);
    expect(() => F.layerNorm(x.long(), [3])).toThrow(e.ln_long);
    expect(() => F.groupNorm(torch.randn([2, 6, 4]), 4)).toThrow(e.gn_groups);
  });
});

describe('embedding', () => {
  test.each(fixture.embedding.map((c, i) => [`${i}: indices [${c.indices.shape}] padding ${c.paddingIdx}`, c] as const))('%s', (_, c) => {
    const w = fromFixture(c.weight).requiresGrad_();
    const y = F.embedding(fromFixture(c.indices), w, { paddingIdx: c.paddingIdx });
    expectMatches(y, c.out, 1e-12, 0);
    expect(y.gradFn?.name()).toBe(fixture.gradFn.embedding);
    y.backward(fromFixture(c.gradOutput));
    expectMatches(w.grad as T, c.grad, 1e-12, 1e-12);
    if (c.paddingIdx === null) expectMatches(torch.embedding(fromFixture(c.weight), fromFixture(c.indices)), c.out, 1e-12, 0);
  });

  test('gradcheck and gradgradcheck', () => {
    const w = torch.randn([5, 3], { dtype: torch.float64, requiresGrad: true });
    const idx = torch.tensor([[0, 2, 4], [2, 2, 1]]);
    // paddingIdx 3 is not looked up: the padding row's zero gradient is PyTorch's choice, not the derivative.
    expect(torch.autograd.gradcheck((ww: T) => F.embedding(idx, ww, { paddingIdx: 3 }), [w])).toBe(true);
    expect(torch.autograd.gradgradcheck((ww: T) => F.embedding(idx, ww).pow(2), [w])).toBe(true);
  });

  test('errors in PyTorch words', () => {
    const e = fixture.errors;
    expect(() => F.embedding(torch.tensor([5]), torch.randn([3, 2]))).toThrow(e.emb_range);
    expect(() => F.embedding(torch.tensor([1], { dtype: torch.float32 }), torch.randn([3, 2]))).toThrow(e.emb_dtype);
    expect(() => F.embedding(torch.tensor([1]), torch.randn([3, 2]), 3)).toThrow(e.emb_padding);
  });
});

describe('pad', () => {
  test.each(fixture.pad.map((c, i) => [`${i}: ${c.mode} [${c.input.shape}] pad ${c.pad}`, c] as const))('%s', (_, c) => {
    const x = fromFixture(c.input).requiresGrad_();
    const y = F.pad(x, c.pad, { mode: c.mode, value: c.value });
    expectMatches(y, c.out, 1e-12, 0);
    if (c.mode === 'constant') expect(y.gradFn?.name()).toBe(fixture.gradFn.padConstant);
    if (c.mode === 'reflect' && c.pad.length === 2) expect(y.gradFn?.name()).toBe(fixture.gradFn.padReflect);
    if (c.mode === 'replicate' && c.pad.length === 4) expect(y.gradFn?.name()).toBe(fixture.gradFn.padReplicate);
    if (c.mode === 'circular') expect(y.gradFn?.name()).toBe(fixture.gradFn.padCircular);
    expectMatches(torch.autograd.grad(y, x, fromFixture(c.gradOutput))[0] as T, c.grad, 1e-12, 1e-12);
  });

  test('positional mode and value; channels_last kept by constant pad', () => {
    const x = torch.randn([1, 3, 4, 4]).contiguous({ memoryFormat: torch.channelsLast });
    const y = F.pad(x, [1, 1, 2, 0], 'constant', 3);
    expect([...y.shape]).toEqual([1, 3, 6, 6]);
    expect(y.isContiguous({ memoryFormat: torch.channelsLast })).toBe(true);
    expect(y.index(0, 0, 0, 0).item()).toBe(3);
  });

  test('gradcheck and gradgradcheck in every mode', () => {
    const x = torch.randn([1, 2, 3, 4], { dtype: torch.float64, requiresGrad: true });
    for (const mode of ['constant', 'reflect', 'replicate', 'circular'] as const) {
      expect(torch.autograd.gradcheck((xx: T) => F.pad(xx, [2, 1, 1, 2], { mode }), [x])).toBe(true);
      expect(torch.autograd.gradgradcheck((xx: T) => F.pad(xx, [2, 1, 1, 2], { mode }).pow(2), [x])).toBe(true);
    }
    expect(torch.autograd.gradgradcheck((xx: T) => F.pad(xx, [2, -1, 1, 0], { value: 0.5 }).pow(2), [x])).toBe(true);
  });

  test('errors in PyTorch words', () => {
    const e = fixture.errors;
    const x = torch.randn([1, 2, 3]);
    expect(() => F.pad(x, [1])).toThrow(e.pad_odd);
    expect(() => F.pad(x, [1, 1, 1, 1, 1, 1, 1, 1])).toThrow(e.pad_long);
    expect(() => F.pad(x, [3, 3], { mode: 'reflect' })).toThrow(e.pad_reflect_size);
    expect(() => F.pad(torch.randn([3]), [1, 1], { mode: 'reflect' })).toThrow(e.pad_reflect_rank);
    expect(() => F.pad(x, [4, 1], { mode: 'circular' })).toThrow(e.pad_circular_wrap);
    expect(() => F.pad(x, [1, 1], { mode: 'foo' as 'constant' })).toThrow(e.pad_mode);
  });
});

describe('scaledDotProductAttention', () => {
  test.each(fixture.attention.map((c, i) => [`${i}: q[${c.q.shape}] ${c.mask ? `${c.mask.dtype} mask` : c.isCausal ? 'causal' : 'no mask'}`, c] as const))('%s', (_, c) => {
    const q = fromFixture(c.q).requiresGrad_(), k = fromFixture(c.k).requiresGrad_(), v = fromFixture(c.v).requiresGrad_();
    const y = F.scaledDotProductAttention(q, k, v, { attnMask: c.mask ? fromFixture(c.mask) : null, isCausal: c.isCausal, scale: c.scale });
    expectMatches(y, c.out, 1e-10, 1e-12);
    expectGrads(torch.autograd.grad(y, [q, k, v], fromFixture(c.gradOutput)), c.grads, 'float64');
  });

  test('gradcheck with a causal mask', () => {
    const q = torch.randn([2, 3, 4], { dtype: torch.float64, requiresGrad: true });
    const k = torch.randn([2, 3, 4], { dtype: torch.float64, requiresGrad: true });
    const v = torch.randn([2, 3, 2], { dtype: torch.float64, requiresGrad: true });
    expect(torch.autograd.gradcheck((a: T, b: T, c: T) => F.scaledDotProductAttention(a, b, c, { isCausal: true }), [q, k, v])).toBe(true);
  });

  test('mask and isCausal together are refused', () => {
    const q = torch.randn([2, 3]);
    expect(() => F.scaledDotProductAttention(q, q, q, { isCausal: true, attnMask: torch.ones([2, 2]) })).toThrow(torch.TensorError);
  });
});

describe('native norm kernels refuse bad calls', () => {
  // [outer, channels, inner], then per full-size operand [dtype, offset, 3 strides], per vector [dtype, offset, stride].
  function writeMeta(dims: number[], full: number[][], vectors: number[][]): void {
    const m = native.meta;
    let p = 0;
    for (const v of [...dims, ...full.flat(), ...vectors.flat()]) m[p++] = v;
  }
  const f32 = torch.float32.code;
  test('operands reaching outside their storage, mixed dtypes, overlapping outputs', () => {
    const x = torch.zeros(24), y = torch.zeros(24), small = torch.zeros(2), vec = torch.zeros(3);
    writeMeta([2, 3, 4], [[f32, 0, 12, 4, 1]], [[f32, 0, 1], [f32, 0, 1]]);
    expect(() => native.normStats(small._storage.bytes, vec._storage.bytes, x._storage.bytes)).toThrow(torch.TensorError);
    writeMeta([2, 3, 5], [[f32, 0, 15, 5, 1]], [[f32, 0, 1], [f32, 0, 1]]);
    expect(() => native.normStats(vec._storage.bytes, vec._storage.bytes, x._storage.bytes)).toThrow(/outside its storage/);
    writeMeta([2, 3, 4], [[f32, 0, 12, 4, 1]], [[torch.float64.code, 0, 1], [f32, 0, 1]]);
    const vec64 = torch.zeros([3], { dtype: torch.float64 });
    expect(() => native.normStats(vec64._storage.bytes, vec._storage.bytes, x._storage.bytes)).toThrow(/dtype/);
    writeMeta([2, 3, 4], [[f32, 0, 12, 4, 1], [f32, 0, 0, 4, 1]], [[f32, 0, 1], [f32, 0, 1]]);
    expect(() => native.normApply(y._storage.bytes, x._storage.bytes, vec._storage.bytes, vec._storage.bytes, null, null, 1)).toThrow(torch.TensorError);
  });
});

describe('layers', () => {
  test('BatchNorm2d: parameters, buffers, running stats, momentum null, eval, stateDict names', () => {
    const bn = new torch.nn.BatchNorm2d(3);
    expect(bn.namedParameters().map(([n]) => n)).toEqual(['weight', 'bias']);
    expect(bn.namedBuffers().map(([n]) => n)).toEqual(['running_mean', 'running_var', 'num_batches_tracked']);
    expect(Object.keys(bn.stateDict())).toEqual(['weight', 'bias', 'running_mean', 'running_var', 'num_batches_tracked']);
    const c = fixture.batchNorm[4];
    const x = fromFixture(c.input);
    // Fixture case 4 used non-default running stats; start the module from them.
    torch.noGrad(() => {
      bn.running_mean!.copy_(fromFixture(c.runningMean as FixtureTensor));
      bn.running_var!.copy_(fromFixture(c.runningVar as FixtureTensor));
      bn.weight!.copy_(fromFixture(c.weight as FixtureTensor));
      bn.bias!.copy_(fromFixture(c.bias as FixtureTensor));
    });
    expectMatches(bn.forward(x), c.out, 2e-5, 2e-5);
    expectMatches(bn.runningMean as T, c.runningMeanAfter as FixtureTensor, 2e-5, 2e-5);
    expect(Number(bn.numBatchesTracked!.item())).toBe(1);
    bn.eval();
    const evalOut = bn.forward(x);
    const manual = F.batchNorm(x, bn.running_mean!.clone(), bn.running_var!.clone(), { weight: bn.weight, bias: bn.bias, training: false });
    expect(torch.allclose(evalOut, manual)).toBe(true);

    const cumulative = new torch.nn.BatchNorm1d(2, { momentum: null });
    const a = torch.tensor([[1, 2], [3, 6]], { dtype: torch.float32 }), b = torch.tensor([[5, 0], [7, 2]], { dtype: torch.float32 });
    cumulative.forward(a);
    cumulative.forward(b);
    // Cumulative average of the batch means (2, 4) and (6, 1).
    expect(cumulative.runningMean!.tolist()).toEqual([4, 2.5]);
  });

  test('BatchNorm without running stats or affine', () => {
    const bn = new torch.nn.BatchNorm1d(4, { affine: false, trackRunningStats: false });
    expect(bn.parameters()).toHaveLength(0);
    expect(bn.buffers()).toHaveLength(0);
    bn.eval();
    const y = bn.forward(torch.randn([8, 4]));
    expect(torch.allclose(y.mean(0), torch.zeros(4), { atol: 1e-5 })).toBe(true);
  });

  test('LayerNorm and GroupNorm modules', () => {
    const ln = new torch.nn.LayerNorm([3, 4]);
    expect(ln.namedParameters().map(([n, p]) => [n, [...p.shape]])).toEqual([['weight', [3, 4]], ['bias', [3, 4]]]);
    const y = ln.forward(torch.randn([2, 3, 4]));
    expect(torch.allclose(y.mean([1, 2]), torch.zeros(2), { atol: 1e-5 })).toBe(true);
    expect(new torch.nn.LayerNorm(5, { elementwiseAffine: false }).parameters()).toHaveLength(0);
    const gn = new torch.nn.GroupNorm(2, 4);
    expect([...gn.forward(torch.randn([3, 4, 5])).shape]).toEqual([3, 4, 5]);
  });

  test('Embedding: N(0,1) init with padding row zeroed, padding grad zero, fromPretrained', () => {
    torch.manualSeed(0);
    const emb = new torch.nn.Embedding(10, 3, { paddingIdx: -1 });
    expect(emb.paddingIdx).toBe(9);
    expect(emb.weight.index(9).tolist()).toEqual([0, 0, 0]);
    const y = emb.forward(torch.tensor([[1, 9], [9, 2]]));
    y.sum().backward();
    const g = emb.weight.grad as T;
    expect(g.index(9).tolist()).toEqual([0, 0, 0]);
    expect(g.index(1).tolist()).toEqual([1, 1, 1]);
    const pre = torch.nn.Embedding.fromPretrained(torch.tensor([[1, 2], [3, 4]], { dtype: torch.float32 }));
    expect(pre.weight.requiresGrad).toBe(false);
    expect(pre.forward(torch.tensor([1])).tolist()).toEqual([[3, 4]]);
  });
});
