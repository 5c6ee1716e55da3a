/**
 * API.md's calling convention: PyTorch's keyword arguments are a trailing options object
 * and the positional forms work too. For each function that took only one of the forms
 * (found by walking PyTorch 1.13's signatures), the two forms must give identical results
 * (values, dtypes, shapes, strides), and one hand-checked value pins what the argument does.
 */
import * as torch from '../lib';
import { Tensor } from '../lib';

const { nn, optim } = torch;
const F = torch.nn.functional;

/** Everything observable about a result: tensors by dtype, shape, strides and values. */
function describe_(v: unknown): unknown {
  if (v instanceof Tensor) return { dtype: String(v.dtype), shape: [...v.shape], stride: v.stride(), values: v.detach().tolist() };
  if (Array.isArray(v)) return v.map(describe_);
  return v;
}

/** Runs both forms from the same seed and input; returns the options form's result. */
function same<T>(positional: () => T, options: () => T): T {
  torch.manualSeed(7);
  const a = positional();
  torch.manualSeed(7);
  const b = options();
  expect(describe_(b)).toEqual(describe_(a));
  return b;
}

/** A module's observable state: its parameters and buffers, and the named fields. */
function moduleState(m: torch.nn.Module, fields: string[]): unknown {
  const rec = m as unknown as Record<string, unknown>;
  return {
    state: Object.entries(m.stateDict()).map(([k, t]) => [k, describe_(t)]),
    fields: fields.map((f) => [f, rec[f]]),
  };
}

function sameModule(positional: () => torch.nn.Module, options: () => torch.nn.Module, fields: string[]): torch.nn.Module {
  same(() => moduleState(positional(), fields), () => moduleState(options(), fields));
  return options();
}

const close = (t: Tensor, expected: number[], digits = 5): void => {
  const got = t.flatten().tolist() as number[];
  expect(got.length).toBe(expected.length);
  got.forEach((v, i) => expect(v).toBeCloseTo(expected[i], digits));
};

describe('nn.functional', () => {
  const x = () => torch.tensor([[0, Math.log(3)], [-1, 2]], { dtype: torch.float32 });

  test('softmax / logSoftmax: dim and dtype', () => {
    const y = same(() => F.softmax(x(), 1, torch.float64), () => F.softmax(x(), { dim: 1, dtype: torch.float64 }));
    expect(y.dtype).toBe(torch.float64);
    close(y.select(0, 0), [0.25, 0.75]);
    same(() => F.softmax(x(), 0), () => F.softmax(x(), { dim: 0 }));
    same(() => F.softmax(x(), 1, { dtype: torch.float64 }), () => F.softmax(x(), { dim: 1, dtype: torch.float64 }));
    // The implicit dim (1 for 2-D) still applies when only dtype is named.
    same(() => F.softmax(x(), 1, torch.float64), () => F.softmax(x(), { dtype: torch.float64 }));
    const l = same(() => F.logSoftmax(x(), 1, torch.float64), () => F.logSoftmax(x(), { dim: 1, dtype: torch.float64 }));
    close(l.select(0, 0), [Math.log(0.25), Math.log(0.75)]);
  });

  test('dropout: p, training, inplace', () => {
    const ones = () => torch.ones(1000);
    const y = same(() => F.dropout(ones(), 0.5, true), () => F.dropout(ones(), { p: 0.5, training: true }));
    for (const v of new Set(y.tolist() as number[])) expect([0, 2]).toContain(v);
    same(() => F.dropout(ones(), 0.2), () => F.dropout(ones(), { p: 0.2 }));
    same(() => F.dropout(ones(), 0.2, false), () => F.dropout(ones(), 0.2, { training: false }));
    expect(F.dropout(ones(), { p: 0.9, training: false }).sum().item()).toBe(1000);
    const a = ones();
    expect(F.dropout(a, { p: 0.5, inplace: true })).toBe(a);
    const b = ones();
    expect(F.dropout(b, 0.5, true, true)).toBe(b);
  });

  test('leakyRelu / softplus / relu / silu', () => {
    const v = () => torch.tensor([-1, 0, 2], { dtype: torch.float32 });
    close(same(() => F.leakyRelu(v(), 0.2), () => F.leakyRelu(v(), { negativeSlope: 0.2 })), [-0.2, 0, 2]);
    const a = v();
    expect(F.leakyRelu(a, { negativeSlope: 0.5, inplace: true })).toBe(a);
    close(a, [-0.5, 0, 2]);
    close(same(() => F.softplus(v(), 2, 1), () => F.softplus(v(), { beta: 2, threshold: 1 })), [Math.log1p(Math.exp(-2)) / 2, Math.log(2) / 2, 2]);
    same(() => F.softplus(v(), 2), () => F.softplus(v(), { beta: 2 }));
    const r = v();
    expect(F.relu(r, true)).toBe(r);
    const s = v();
    expect(F.relu(s, { inplace: true })).toBe(s);
    close(same(() => F.relu(v(), true), () => F.relu(v(), { inplace: true })), [0, 0, 2]);
    const q = v();
    expect(F.silu(q, { inplace: true })).toBe(q);
    close(q, [-1 / (1 + Math.E), 0, 2 / (1 + Math.exp(-2))]);
    same(() => F.silu(v(), true), () => F.silu(v(), { inplace: true }));
  });

  test('linear: bias', () => {
    const w = torch.tensor([[1, 2]], { dtype: torch.float32 });
    const b = torch.tensor([10], { dtype: torch.float32 });
    const y = same(() => F.linear(x(), w, b), () => F.linear(x(), w, { bias: b }));
    close(y, [10 + 2 * Math.log(3), 13]);
    same(() => F.linear(x(), w, null), () => F.linear(x(), w, { bias: null }));
  });

  test('weighted losses: weight positionally, as PyTorch', () => {
    const logits = torch.tensor([[2, 0, 1], [0, 1, 3]], { dtype: torch.float32 });
    const t = torch.tensor([0, 2]);
    const w = torch.tensor([1, 2, 3], { dtype: torch.float32 });
    const ce = same(() => F.crossEntropy(logits, t, w), () => F.crossEntropy(logits, t, { weight: w }));
    same(() => F.crossEntropy(logits, t, w, null, 2, null, 'sum'), () => F.crossEntropy(logits, t, { weight: w, ignoreIndex: 2, reduction: 'sum' }));
    same(() => F.nllLoss(logits.logSoftmax(1), t, w, { reduction: 'none' }), () => F.nllLoss(logits.logSoftmax(1), t, { weight: w, reduction: 'none' }));
    // (1 * -log p0[0] + 3 * -log p1[2]) / (1 + 3)
    const lp = (row: number[], k: number) => row[k] - Math.log(row.reduce((a, v) => a + Math.exp(v), 0));
    expect(ce.item()).toBeCloseTo(-(lp([2, 0, 1], 0) + 3 * lp([0, 1, 3], 2)) / 4, 5);
    expect(() => F.crossEntropy(logits, t, w, true)).toThrow('size_average and reduce are deprecated');
    const p = torch.tensor([0.25, 0.5], { dtype: torch.float32 }), y = torch.tensor([1, 0], { dtype: torch.float32 }), bw = torch.tensor([2, 1], { dtype: torch.float32 });
    const bce = same(() => F.binaryCrossEntropy(p, y, bw, null, null, 'sum'), () => F.binaryCrossEntropy(p, y, { weight: bw, reduction: 'sum' }));
    expect(bce.item()).toBeCloseTo(-2 * Math.log(0.25) - Math.log(0.5), 5);
    same(() => F.binaryCrossEntropyWithLogits(p, y, bw), () => F.binaryCrossEntropyWithLogits(p, y, { weight: bw }));
    const m = (make: () => torch.nn.Module) => make().forward(logits, t) as Tensor;
    same(() => m(() => new torch.nn.CrossEntropyLoss(w)), () => m(() => new torch.nn.CrossEntropyLoss({ weight: w })));
    same(() => m(() => new torch.nn.CrossEntropyLoss(w, { labelSmoothing: 0.1 })), () => m(() => new torch.nn.CrossEntropyLoss({ weight: w, labelSmoothing: 0.1 })));
    const n = (make: () => torch.nn.Module) => make().forward(logits.logSoftmax(1), t) as Tensor;
    same(() => n(() => new torch.nn.NLLLoss(w)), () => n(() => new torch.nn.NLLLoss({ weight: w })));
    const b = (make: () => torch.nn.Module) => make().forward(p, y) as Tensor;
    same(() => b(() => new torch.nn.BCELoss(bw)), () => b(() => new torch.nn.BCELoss({ weight: bw })));
    same(() => b(() => new torch.nn.BCEWithLogitsLoss(bw, { reduction: 'sum' })), () => b(() => new torch.nn.BCEWithLogitsLoss({ weight: bw, reduction: 'sum' })));
  });

  test('oneHot: numClasses', () => {
    const t = () => torch.tensor([0, 2]);
    const y = same(() => F.oneHot(t(), 4), () => F.oneHot(t(), { numClasses: 4 }));
    expect(y.tolist()).toEqual([[1, 0, 0, 0], [0, 0, 1, 0]]);
    expect(y.dtype).toBe(torch.int64);
  });
});

describe('torch functions and Tensor methods', () => {
  const x = () => torch.arange(24, { dtype: torch.float32 }).reshape(2, 3, 4);

  test('layerNorm: weight, bias, eps', () => {
    const w = torch.full([4], 2), b = torch.full([4], 1);
    const y = same(() => torch.layerNorm(x(), [4], w, b, 1e-3), () => torch.layerNorm(x(), [4], { weight: w, bias: b, eps: 1e-3 }));
    const z = (k: number) => (2 * (k - 1.5)) / Math.sqrt(1.25 + 1e-3) + 1;
    close(y.select(0, 0).select(0, 0), [z(0), z(1), z(2), z(3)], 4);
    same(() => torch.layerNorm(x(), [4], null, null, 0.5), () => torch.layerNorm(x(), [4], { eps: 0.5 }));
  });

  test('isclose / allclose: rtol, atol, equalNan', () => {
    const a = torch.tensor([1.0, 2.0, NaN], { dtype: torch.float32 });
    const b = torch.tensor([1.05, 2.5, NaN], { dtype: torch.float32 });
    const y = same(() => torch.isclose(a, b, 0.1), () => torch.isclose(a, b, { rtol: 0.1 }));
    expect(y.tolist()).toEqual([true, false, false]);
    same(() => torch.isclose(a, b, 0, 0.6, true), () => torch.isclose(a, b, { rtol: 0, atol: 0.6, equalNan: true }));
    expect(a.isclose(b, 0, 0.6, true).tolist()).toEqual([true, true, true]);
    expect(a.isclose(b, 0.1, { equalNan: true }).tolist()).toEqual([true, false, true]);
    expect(torch.allclose(a, b, 0, 0.6, true)).toBe(true);
    expect(a.allclose(b, { atol: 0.6 })).toBe(false);
  });

  test('diagonal: offset, dim1, dim2', () => {
    const y = same(() => x().diagonal(1, 1, 2), () => x().diagonal({ offset: 1, dim1: 1, dim2: 2 }));
    expect(y.tolist()).toEqual([[1, 6, 11], [13, 18, 23]]);
    same(() => torch.diagonal(x(), 0, 0, 2), () => torch.diagonal(x(), { dim2: 2 }));
    same(() => torch.diagonal(x(), -1, 1, 2), () => torch.diagonal(x(), -1, { dim1: 1, dim2: 2 }));
  });

  test('flatten: startDim, endDim', () => {
    const y = same(() => x().flatten(1), () => x().flatten({ startDim: 1 }));
    expect([...y.shape]).toEqual([2, 12]);
    expect([...same(() => torch.flatten(x(), 0, 1), () => torch.flatten(x(), { endDim: 1 })).shape]).toEqual([6, 4]);
  });

  test('chunk / split / tensorSplit / unbind / stack: dim', () => {
    const c = same(() => x().chunk(2, 2), () => x().chunk(2, { dim: 2 }));
    expect(c.map((t) => [...t.shape])).toEqual([[2, 3, 2], [2, 3, 2]]);
    same(() => torch.split(x(), 1, 1), () => torch.split(x(), 1, { dim: 1 }));
    same(() => torch.tensorSplit(x(), 3, -1), () => x().tensorSplit(3, { dim: -1 }));
    const u = same(() => x().unbind(1), () => torch.unbind(x(), { dim: 1 }));
    expect(u[1].tolist()).toEqual([[4, 5, 6, 7], [16, 17, 18, 19]]);
    const s = same(() => torch.stack([x(), x()], 3), () => torch.stack([x(), x()], { dim: 3 }));
    expect([...s.shape]).toEqual([2, 3, 4, 2]);
  });

  test('roll: dims', () => {
    const y = same(() => x().roll(1, 2), () => x().roll(1, { dims: 2 }));
    expect((y.tolist() as number[][][])[0][0]).toEqual([3, 0, 1, 2]);
    same(() => torch.roll(x(), [1, 1], [0, 1]), () => torch.roll(x(), [1, 1], { dims: [0, 1] }));
  });
});

describe('nn layer constructors', () => {
  test('activations', () => {
    const v = torch.tensor([-1, 0, 2], { dtype: torch.float32 });
    const lr = sameModule(() => new nn.LeakyReLU(0.3, true), () => new nn.LeakyReLU({ negativeSlope: 0.3, inplace: true }), ['negativeSlope', 'inplace']);
    close(lr.forward(v.clone()), [-0.3, 0, 2]);
    sameModule(() => new nn.ReLU(true), () => new nn.ReLU({ inplace: true }), ['inplace']);
    sameModule(() => new nn.SiLU(true), () => new nn.SiLU({ inplace: true }), ['inplace']);
    const g = sameModule(() => new nn.GELU('tanh'), () => new nn.GELU({ approximate: 'tanh' }), ['approximate']);
    expect((g as torch.nn.GELU).approximate).toBe('tanh');
    const sp = sameModule(() => new nn.Softplus(2, 1), () => new nn.Softplus({ beta: 2, threshold: 1 }), ['beta', 'threshold']);
    close(sp.forward(torch.zeros(1)), [Math.log(2) / 2]);
    const sm = sameModule(() => new nn.Softmax(0), () => new nn.Softmax({ dim: 0 }), ['dim']);
    close(sm.forward(torch.tensor([[0], [Math.log(3)]], { dtype: torch.float32 })), [0.25, 0.75]);
    sameModule(() => new nn.LogSoftmax(-1), () => new nn.LogSoftmax({ dim: -1 }), ['dim']);
  });

  test('Flatten, Dropout', () => {
    const f = sameModule(() => new nn.Flatten(0, 1), () => new nn.Flatten({ startDim: 0, endDim: 1 }), ['startDim', 'endDim']);
    expect([...f.forward(torch.zeros(2, 3, 4)).shape]).toEqual([6, 4]);
    const d = sameModule(() => new nn.Dropout(0.25, true), () => new nn.Dropout({ p: 0.25, inplace: true }), ['p', 'inplace']);
    expect(String(d)).toBe('Dropout(p=0.25, inplace=True)');
  });

  test('Linear, Bilinear: bias', () => {
    const l = sameModule(() => new nn.Linear(3, 2, false), () => new nn.Linear(3, 2, { bias: false }), ['inFeatures', 'outFeatures']);
    expect((l as torch.nn.Linear).bias).toBeNull();
    sameModule(() => new nn.Linear(3, 2, true), () => new nn.Linear(3, 2), []);
    const b = sameModule(() => new nn.Bilinear(2, 3, 4, false), () => new nn.Bilinear(2, 3, 4, { bias: false }), []);
    expect((b as torch.nn.Bilinear).bias).toBeNull();
  });

  test('BatchNorm, LayerNorm, GroupNorm', () => {
    const bn = sameModule(() => new nn.BatchNorm2d(3, 1e-3, 0.2, false, false), () => new nn.BatchNorm2d(3, { eps: 1e-3, momentum: 0.2, affine: false, trackRunningStats: false }), ['eps', 'momentum', 'affine', 'trackRunningStats']);
    expect(Object.keys(bn.stateDict())).toEqual([]);
    sameModule(() => new nn.BatchNorm1d(3, 1e-5, null), () => new nn.BatchNorm1d(3, { momentum: null }), ['momentum']);
    const ln = sameModule(() => new nn.LayerNorm(4, 1e-3, false), () => new nn.LayerNorm(4, { eps: 1e-3, elementwiseAffine: false }), ['eps', 'elementwiseAffine']);
    expect((ln as torch.nn.LayerNorm).eps).toBe(1e-3);
    sameModule(() => new nn.GroupNorm(2, 4, 1e-3, false), () => new nn.GroupNorm(2, 4, { eps: 1e-3, affine: false }), ['eps', 'affine']);
  });

  test('Conv2d, ConvTranspose2d, TransformerEncoderLayer: positional values then options', () => {
    const c = sameModule(() => new nn.Conv2d(2, 4, 3, 2, 1, 1, 2, false), () => new nn.Conv2d(2, 4, 3, 2, { padding: 1, groups: 2, bias: false }), ['stride', 'padding', 'groups']);
    expect([...c.forward(torch.zeros(1, 2, 5, 5)).shape]).toEqual([1, 4, 3, 3]);
    sameModule(() => new nn.Conv2d(2, 4, 3, 1, 1), () => new nn.Conv2d(2, 4, 3, null, { padding: 1 }), ['stride', 'padding']);
    sameModule(() => new nn.Conv1d(2, 4, 3, 1, 0, 2), () => new nn.Conv1d(2, 4, 3, { dilation: 2 }), ['dilation']);
    const t = sameModule(() => new nn.ConvTranspose2d(2, 3, 3, 2, 1, 1), () => new nn.ConvTranspose2d(2, 3, 3, 2, { padding: 1, outputPadding: 1 }), ['outputPadding']);
    expect([...t.forward(torch.zeros(1, 2, 4, 4)).shape]).toEqual([1, 3, 8, 8]);
    const e = sameModule(() => new nn.TransformerEncoderLayer(4, 2, 8, 0, 'gelu', 1e-3, true, true), () => new nn.TransformerEncoderLayer(4, 2, 8, { dropout: 0, activation: 'gelu', layerNormEps: 1e-3, batchFirst: true, normFirst: true }), ['normFirst', 'activation']);
    expect((e as torch.nn.TransformerEncoderLayer).norm1.eps).toBe(1e-3);
  });

  test('Embedding, MultiheadAttention, AdaptiveMaxPool2d', () => {
    const e = sameModule(() => new nn.Embedding(5, 3, 1), () => new nn.Embedding(5, 3, { paddingIdx: 1 }), ['paddingIdx']);
    expect((e.stateDict().weight as Tensor).select(0, 1).tolist()).toEqual([0, 0, 0]);
    const m = sameModule(
      () => new nn.MultiheadAttention(4, 2, 0.1, false, false, false, 3, 5, true),
      () => new nn.MultiheadAttention(4, 2, { dropout: 0.1, bias: false, kdim: 3, vdim: 5, batchFirst: true }),
      ['dropout', 'kdim', 'vdim', 'batchFirst'],
    );
    expect((m as torch.nn.MultiheadAttention).batchFirst).toBe(true);
    const p = sameModule(() => new nn.AdaptiveMaxPool2d(1, true), () => new nn.AdaptiveMaxPool2d(1, { returnIndices: true }), ['returnIndices']);
    expect(Array.isArray(p.forward(torch.zeros(1, 1, 2, 2)))).toBe(true);
  });
});

describe('optimisers, schedulers, data, utils', () => {
  function run(make: (params: Tensor[]) => torch.optim.Optimizer): unknown {
    const w = torch.tensor([1, -2, 3], { dtype: torch.float32, requiresGrad: true });
    const opt = make([w]);
    for (let i = 0; i < 3; i++) {
      opt.zeroGrad();
      w.mul(w).sum().backward();
      opt.step();
    }
    return describe_(w);
  }

  test('optimisers: PyTorch positional order', () => {
    same(() => run((p) => new optim.SGD(p, 0.1, 0.9, 0, 0.01, true)), () => run((p) => new optim.SGD(p, { lr: 0.1, momentum: 0.9, weightDecay: 0.01, nesterov: true })));
    same(() => run((p) => new optim.SGD(p, 0.1, { momentum: 0.5 })), () => run((p) => new optim.SGD(p, { lr: 0.1, momentum: 0.5 })));
    same(() => run((p) => new optim.Adam(p, 0.01, [0.8, 0.9], 1e-6, 0.1, true)), () => run((p) => new optim.Adam(p, { lr: 0.01, betas: [0.8, 0.9], eps: 1e-6, weightDecay: 0.1, amsgrad: true })));
    same(() => run((p) => new optim.AdamW(p, 0.01, [0.8, 0.9])), () => run((p) => new optim.AdamW(p, { lr: 0.01, betas: [0.8, 0.9] })));
    same(() => run((p) => new optim.RMSprop(p, 0.01, 0.9, 1e-6, 0, 0.5, true)), () => run((p) => new optim.RMSprop(p, { lr: 0.01, alpha: 0.9, eps: 1e-6, momentum: 0.5, centered: true })));
    same(() => run((p) => new optim.Adagrad(p, 0.1, 0.01)), () => run((p) => new optim.Adagrad(p, { lr: 0.1, lrDecay: 0.01 })));
    // Plain SGD, lr 0.1: w <- w - 0.1 * 2w = 0.8 w per step.
    const w = run((p) => new optim.SGD(p, 0.1)) as { values: number[] };
    w.values.forEach((v, i) => expect(v).toBeCloseTo([1, -2, 3][i] * 0.8 ** 3, 5));
    expect(() => new optim.SGD([torch.zeros(1, { requiresGrad: true })], {} as { lr: number })).toThrow(torch.TensorError);
  });

  test('StepLR, CosineAnnealingLR', () => {
    const lrs = (make: (o: torch.optim.Optimizer) => { step(): void; getLastLr(): number[] }): number[] => {
      const opt = new optim.SGD([torch.zeros(1, { requiresGrad: true })], { lr: 1 });
      const s = make(opt);
      const out: number[] = [];
      for (let i = 0; i < 5; i++) {
        s.step();
        out.push(s.getLastLr()[0]);
      }
      return out;
    };
    const step = same(() => lrs((o) => new optim.lrScheduler.StepLR(o, 2, 0.5)), () => lrs((o) => new optim.lrScheduler.StepLR(o, { stepSize: 2, gamma: 0.5 })));
    expect(step).toEqual([1, 0.5, 0.5, 0.25, 0.25]);
    same(() => lrs((o) => new optim.lrScheduler.StepLR(o, 2, 0.5)), () => lrs((o) => new optim.lrScheduler.StepLR(o, 2, { gamma: 0.5 })));
    const cos = same(() => lrs((o) => new optim.lrScheduler.CosineAnnealingLR(o, 4, 0.2)), () => lrs((o) => new optim.lrScheduler.CosineAnnealingLR(o, { tMax: 4, etaMin: 0.2 })));
    expect(cos[1]).toBeCloseTo(0.6, 10);
    same(() => lrs((o) => new optim.lrScheduler.CosineAnnealingLR(o, 4, 0.2)), () => lrs((o) => new optim.lrScheduler.CosineAnnealingLR(o, 4, { etaMin: 0.2 })));
  });

  test('DataLoader: batchSize, shuffle', () => {
    const ds = new torch.utils.data.TensorDataset(torch.arange(5));
    const batches = (dl: Iterable<Tensor[]>) => [...dl].map((b) => b[0].tolist());
    const b = same(() => batches(new torch.utils.data.DataLoader(ds, 2)), () => batches(new torch.utils.data.DataLoader(ds, { batchSize: 2 })));
    expect(b).toEqual([[0, 1], [2, 3], [4]]);
    same(() => batches(new torch.utils.data.DataLoader(ds, 2, true)), () => batches(new torch.utils.data.DataLoader(ds, { batchSize: 2, shuffle: true })));
    expect(new torch.utils.data.DataLoader(ds, 2, { dropLast: true }).length).toBe(2);
  });

  test('clipGradNorm_: normType; padSequence: batchFirst, paddingValue', () => {
    const norm = (clip: (p: Tensor) => Tensor): unknown => {
      const p = torch.tensor([3, -4], { dtype: torch.float32, requiresGrad: true });
      p.sum().backward();
      p.grad!.copy_(torch.tensor([3, -4], { dtype: torch.float32 }));
      return [describe_(clip(p)), describe_(p.grad)];
    };
    const r = same(() => norm((p) => nn.utils.clipGradNorm_(p, 1, 1)), () => norm((p) => nn.utils.clipGradNorm_(p, 1, { normType: 1 })));
    expect((r as { values: number }[])[0].values).toBe(7);
    const seqs = () => [torch.tensor([1, 2, 3]), torch.tensor([4])];
    const y = same(() => torch.nn.utils.rnn.padSequence(seqs(), true, 9), () => torch.nn.utils.rnn.padSequence(seqs(), { batchFirst: true, paddingValue: 9 }));
    expect(y.tolist()).toEqual([[1, 2, 3], [4, 9, 9]]);
    same(() => torch.padSequence(seqs(), false, 9), () => torch.padSequence(seqs(), false, { paddingValue: 9 }));
  });
});

test('nn.Sequential.forward and Module.call are typed by what forward returns', () => {
  const seq = new nn.Sequential(new nn.Linear(2, 3), new nn.ReLU());
  const y: Tensor = seq.forward(torch.ones(1, 2));
  expect([...y.shape]).toEqual([1, 3]);
  const z: Tensor = seq.call(torch.ones(1, 2));
  expect(z.tolist()).toEqual(y.tolist());
  const l: Tensor = new nn.Linear(2, 1).call(torch.ones(1, 2));
  expect([...l.shape]).toEqual([1, 1]);
});
