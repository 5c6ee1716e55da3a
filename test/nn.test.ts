/** nn, optim and losses against PyTorch 1.13: init, forward, gradients, 20 optimizer steps. */
import * as torch from '../lib';
import { loadFixture } from './helpers/fixtures';
import { Storage, recycledStats } from '../lib/storage';
import { FixtureTensor, expectMatches, fromFixture } from './helpers/tensors';

const { nn, optim } = torch;
const F = torch.nn.functional;

interface NnFixture {
  init_linear: Record<string, FixtureTensor>;
  initial: Record<string, FixtureTensor>;
  x: FixtureTensor; y: FixtureTensor; out: FixtureTensor; loss: number;
  grads: Record<string, FixtureTensor>;
  names: string[];
  optim: Record<string, { opts: Record<string, number | boolean>; params: Record<string, FixtureTensor> }>;
  losses: Record<string, number | FixtureTensor>;
}
const fx = loadFixture<NnFixture>('nn');

class MLP extends nn.Module {
  fc1 = new nn.Linear(20, 16);
  fc2 = new nn.Linear(16, 5);
  override forward(x: torch.Tensor): torch.Tensor {
    return this.fc2.forward(F.relu(this.fc1.forward(x)));
  }
}

function loadInitial(model: MLP): void {
  const sd: Record<string, torch.Tensor> = {};
  for (const [k, v] of Object.entries(fx.initial)) sd[k] = fromFixture(v);
  model.loadStateDict(sd);
}

const camelOpts = (o: Record<string, number | boolean>) =>
  Object.fromEntries(Object.entries(o).map(([k, v]) => [k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()), v]));

describe('nn.Module', () => {
  test('Linear initialises exactly as PyTorch after the same seed', () => {
    torch.manualSeed(0);
    const l = new nn.Linear(5, 3);
    expectMatches(l.weight.detach(), fx.init_linear.weight, 1e-6, 1e-7);
    expectMatches((l.bias as torch.Tensor).detach(), fx.init_linear.bias, 1e-6, 1e-7);
  });

  test('parameters are discovered in declaration order with dotted names', () => {
    const m = new MLP();
    expect(m.namedParameters().map(([k]) => k)).toEqual(fx.names);
    expect(m.parameters().length).toBe(4);
    expect(m.children().length).toBe(2);
    expect(m.modules().length).toBe(3);
    expect(Object.keys(m.stateDict())).toEqual(fx.names);
  });

  test('forward and gradients match PyTorch', () => {
    const m = new MLP();
    loadInitial(m);
    const out = m.forward(fromFixture(fx.x));
    expectMatches(out.detach(), fx.out, 1e-5);
    const loss = F.crossEntropy(out, fromFixture(fx.y));
    expect(loss.item()).toBeCloseTo(fx.loss, 5);
    loss.backward();
    for (const [k, p] of m.namedParameters()) expectMatches(p.grad as torch.Tensor, fx.grads[k], 1e-4, 1e-6);
  });

  test('loadStateDict checks keys and shapes with PyTorch messages', () => {
    const m = new MLP();
    const sd = m.stateDict();
    delete sd['fc2.bias'];
    expect(() => m.loadStateDict(sd)).toThrow('Missing key(s) in state_dict: "fc2.bias".');
    sd['fc2.bias'] = torch.zeros(4);
    expect(() => m.loadStateDict(sd)).toThrow('size mismatch for fc2.bias: copying a param with shape torch.Size([4]) from checkpoint, the shape in current model is torch.Size([5]).');
    expect(m.loadStateDict({ ...m.stateDict(), extra: torch.zeros(1) }, { strict: false }).unexpectedKeys).toEqual(['extra']);
  });

  test('train/eval, requiresGrad_, zeroGrad, forward hooks', () => {
    const m = new nn.Sequential(new nn.Linear(3, 3), new nn.Dropout(0.5), new nn.ReLU());
    m.eval();
    expect(m.modules().every((x) => !x.training)).toBe(true);
    const x = torch.ones(2, 3);
    expect(m.forward(x).tolist()).toEqual(m.forward(x).tolist()); // dropout off in eval
    const calls: number[] = [];
    const h = m.registerForwardHook((_mod, _in, out) => { calls.push((out as torch.Tensor).size(0)); });
    m.forward(x);
    h.remove();
    m.forward(x);
    expect(calls).toEqual([2]);
    m.requiresGrad_(false);
    expect(m.parameters().every((p) => !p.requiresGrad)).toBe(true);
    m.requiresGrad_(true);
    m.forward(x).sum().backward();
    m.zeroGrad();
    expect(m.parameters().every((p) => p.grad === null)).toBe(true);
    expect(m.namedParameters().map(([k]) => k)).toEqual(['0.weight', '0.bias']);
  });
});

describe('optimizers track PyTorch for 20 steps', () => {
  const ctor: Record<string, new (p: torch.Tensor[], o: never) => torch.optim.Optimizer> = {
    sgd: optim.SGD as never, sgd_momentum: optim.SGD as never, sgd_nesterov: optim.SGD as never, adam: optim.Adam as never,
    adam_amsgrad: optim.Adam as never, adamw: optim.AdamW as never, rmsprop: optim.RMSprop as never,
    rmsprop_centered: optim.RMSprop as never, adagrad: optim.Adagrad as never,
  };
  test.each(Object.keys(fx.optim))('%s', (name) => {
    const m = new MLP();
    loadInitial(m);
    const opt = new ctor[name](m.parameters(), camelOpts(fx.optim[name].opts) as never);
    const x = fromFixture(fx.x), y = fromFixture(fx.y);
    for (let i = 0; i < 20; i++) {
      opt.zeroGrad();
      F.crossEntropy(m.forward(x), y).backward();
      opt.step();
    }
    const sd = m.stateDict();
    for (const [k, v] of Object.entries(fx.optim[name].params)) expectMatches(sd[k], v, 1e-3, 1e-5);
  });

  test('optimizer state dicts round-trip', () => {
    const m = new MLP();
    const opt = new optim.Adam(m.parameters(), { lr: 0.01 });
    F.crossEntropy(m.forward(fromFixture(fx.x)), fromFixture(fx.y)).backward();
    opt.step();
    const sd = opt.stateDict();
    const opt2 = new optim.Adam(m.parameters(), { lr: 0.5 });
    opt2.loadStateDict(sd);
    expect(opt2.paramGroups[0].lr).toBe(0.01);
    expect(opt2.state.get(m.fc1.weight)?.step).toBe(1);
  });

  test('StepLR and CosineAnnealingLR', () => {
    const p = [torch.zeros(1, { requiresGrad: true })];
    const opt = new optim.SGD(p, { lr: 1 });
    const step = new optim.lrScheduler.StepLR(opt, 2, 0.5);
    const lrs: number[] = [];
    for (let i = 0; i < 5; i++) { step.step(); lrs.push(step.getLastLr()[0]); }
    expect(lrs).toEqual([1, 0.5, 0.5, 0.25, 0.25]);
    const opt2 = new optim.SGD(p, { lr: 1 });
    const cos = new optim.lrScheduler.CosineAnnealingLR(opt2, 4);
    cos.step();
    cos.step();
    expect(cos.getLastLr()[0]).toBeCloseTo(0.5, 10);
  });
});

describe('losses match PyTorch', () => {
  const L = fx.losses;
  const logits = () => fromFixture(L.logits as FixtureTensor);
  const targets = () => fromFixture(L.targets as FixtureTensor);
  const probs = () => fromFixture(L.probs as FixtureTensor);
  const w = () => fromFixture(L.weight as FixtureTensor);
  test.each([
    ['ce', () => F.crossEntropy(logits(), targets())],
    ['ce_sum', () => F.crossEntropy(logits(), targets(), { reduction: 'sum' })],
    ['ce_weight', () => F.crossEntropy(logits(), targets(), { weight: w() })],
    ['ce_smooth', () => F.crossEntropy(logits(), targets(), { labelSmoothing: 0.1 })],
    ['ce_smooth_weight', () => F.crossEntropy(logits(), targets(), { weight: w(), labelSmoothing: 0.2 })],
    ['ce_probs', () => F.crossEntropy(logits(), probs())],
    ['mse', () => F.mseLoss(logits(), probs())],
    ['l1', () => F.l1Loss(logits(), probs())],
    ['bce', () => F.binaryCrossEntropy(probs(), torch.tensor([[1, 0, 1], [1, 0, 1], [1, 0, 1], [1, 0, 1]], { dtype: torch.float32 }))],
    ['bce_logits', () => F.binaryCrossEntropyWithLogits(logits(), probs())],
    ['bce_logits_pos', () => F.binaryCrossEntropyWithLogits(logits(), probs(), { posWeight: w() })],
  ] as [string, () => torch.Tensor][])('%s', (name, fn) => {
    expect(fn().item()).toBeCloseTo(L[name] as number, 5);
  });
  test('ce with reduction none', () => {
    expectMatches(F.crossEntropy(logits(), targets(), { reduction: 'none' }), L.ce_none as FixtureTensor, 1e-5);
  });
});

describe('data', () => {
  test('DataLoader batches, shuffles reproducibly and drops the last batch on request', () => {
    const ds = new torch.utils.data.TensorDataset(torch.arange(10), torch.arange(10).mul(2));
    const plain = [...new torch.utils.data.DataLoader(ds, { batchSize: 4 })].map(([a]) => a.tolist());
    expect(plain).toEqual([[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]);
    const dropped = new torch.utils.data.DataLoader(ds, { batchSize: 4, dropLast: true });
    expect(dropped.length).toBe(2);
    const shuffled = (seed: number) => [...new torch.utils.data.DataLoader(ds, { batchSize: 5, shuffle: true, generator: new torch.Generator(seed) })];
    const a = shuffled(3), b = shuffled(3);
    expect(a.map(([x]) => x.tolist())).toEqual(b.map(([x]) => x.tolist()));
    const all = a.flatMap(([x]) => x.tolist() as number[]).sort((p, q) => p - q);
    expect(all).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    for (const [x, y] of a) expect(y.tolist()).toEqual((x.tolist() as number[]).map((v) => v * 2));
  });
});

describe('nllLoss is one NllLossBackward0 node', () => {
  const f64 = { dtype: torch.float64 };
  const x = () => torch.randn([5, 4], { ...f64, requiresGrad: true });
  const targets = torch.tensor([1, -100, 2, 0, 3]);
  const w = torch.tensor([1, 0, 2, 3], f64);
  test.each([
    ['mean', {}],
    ['sum', { reduction: 'sum' }],
    ['none', { reduction: 'none' }],
    ['weight, mean', { weight: w }],
    ['weight, none', { weight: w, reduction: 'none' }],
    ['ignoreIndex 0', { ignoreIndex: 0 }],
  ] as [string, torch.nn.functional.NllOptions][])('%s: gradcheck and gradgradcheck in float64', (_name, opts) => {
    torch.manualSeed(3);
    const input = x();
    const t = opts.ignoreIndex === 0 ? torch.tensor([1, 0, 2, 0, 3]) : targets;
    expect(F.nllLoss(input, t, opts).gradFn?.name()).toBe('NllLossBackward0');
    expect(torch.autograd.gradcheck((a: torch.Tensor) => F.nllLoss(a, t, opts), [input])).toBe(true);
    expect(torch.autograd.gradgradcheck((a: torch.Tensor) => F.nllLoss(a, t, opts), [input])).toBe(true);
  });
  test('1-D input and (N, C, d) input pass gradcheck; crossEntropy ends in NllLossBackward0', () => {
    torch.manualSeed(4);
    const one = torch.randn([4], { ...f64, requiresGrad: true });
    expect(torch.autograd.gradcheck((a: torch.Tensor) => F.nllLoss(a, torch.tensor(2)), [one])).toBe(true);
    const spatial = torch.randn([2, 3, 4], { ...f64, requiresGrad: true });
    const st = torch.tensor([[0, 2, 1, -100], [2, 2, 0, 1]]);
    expect(torch.autograd.gradcheck((a: torch.Tensor) => F.nllLoss(a, st, { reduction: 'none' }), [spatial])).toBe(true);
    expect(torch.autograd.gradcheck((a: torch.Tensor) => F.crossEntropy(a, st), [spatial])).toBe(true);
    expect(F.crossEntropy(spatial, st).gradFn?.name()).toBe('NllLossBackward0');
  });
  test("ignored targets get zero gradient, even with a zero total weight or an infinite upstream gradient (PyTorch 1.13's values)", () => {
    const a = torch.randn([3, 4], { ...f64, requiresGrad: true });
    const loss = F.nllLoss(a, torch.tensor([-100, -100, -100]));
    expect(Number.isNaN(loss.item())).toBe(true);
    loss.backward();
    expect(a.grad!.tolist()).toEqual([[0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]]);
    a.grad = null;
    F.nllLoss(a, torch.tensor([1, -100, 2]), { weight: w }).backward();
    expect(a.grad!.tolist()).toEqual([[0, -0, 0, 0], [0, 0, 0, 0], [0, 0, -1, 0]]);
    expect(Object.is((a.grad!.tolist() as number[][])[0][1], -0)).toBe(true);
    a.grad = null;
    F.nllLoss(a, torch.tensor([1, -100, 2]), { reduction: 'none' }).backward(torch.tensor([Infinity, Infinity, 1], f64));
    expect(a.grad!.tolist()).toEqual([[0, -Infinity, 0, 0], [0, 0, 0, 0], [0, 0, -1, 0]]);
  });
});

describe("nllLoss refuses what PyTorch refuses, with PyTorch 1.13's messages", () => {
  test.each([
    ['a target out of range', () => F.nllLoss(torch.randn(2, 3), torch.tensor([0, 5])), 'Target 5 is out of bounds.'],
    ['a negative target', () => F.nllLoss(torch.randn(2, 3), torch.tensor([0, -5])), 'Target -5 is out of bounds.'],
    ['a target of the wrong size', () => F.nllLoss(torch.randn(2, 3, 4), torch.tensor([[0, 1, 2], [0, 1, 2]])), 'Expected target size [2, 4], got [2, 3]'],
    ['a weight for too few classes', () => F.nllLoss(torch.randn(2, 3), torch.tensor([0, 1]), { weight: torch.ones(2) }),
      'weight tensor should be defined either for all 3 classes or no classes but got weight tensor of shape: [2]'],
    ['a weight of another dtype', () => F.nllLoss(torch.randn(2, 3), torch.tensor([0, 1]), { weight: torch.ones(3, { dtype: torch.float64 }) }),
      'expected scalar type Float but found Double'],
    ['integer log-probabilities', () => F.nllLoss(torch.tensor([[1, 2]]), torch.tensor([0])), `"nll_loss_out_frame" not implemented for 'Long'`],
  ] as [string, () => unknown, string][])('%s', (_name, fn, message) => {
    expect(fn).toThrow(torch.TensorError);
    expect(fn).toThrow(message);
  });
  test('a target equal to ignoreIndex may lie outside the classes; float32 values match float64', () => {
    const logp = F.logSoftmax(torch.randn(6, 5, { dtype: torch.float64 }), 1);
    const t = torch.tensor([4, -1, 0, 2, -1, 3]);
    const ref = Number(F.nllLoss(logp, t, { ignoreIndex: -1 }).item());
    expect(F.nllLoss(logp.to(torch.float32), t, { ignoreIndex: -1 }).item()).toBeCloseTo(ref, 5);
    const picked = [4, 0, 2, 3].map((c, i) => (logp.tolist() as number[][])[[0, 2, 3, 5][i]][c]);
    expect(ref).toBeCloseTo(-picked.reduce((a, b) => a + b) / 4, 12);
  });
});

describe('gradients the user never held go back to the pool at zeroGrad', () => {
  const model = () => {
    torch.manualSeed(0);
    return new nn.Sequential(new nn.Linear(6, 5), new nn.ReLU(), new nn.Linear(5, 3));
  };
  const x = torch.randn(4, 6), y = torch.tensor([0, 2, 1, 2]);
  const backward = (m: torch.nn.Module) => F.crossEntropy(m.forward(x), y).backward();

  test('an unread gradient is released; the next backward gets a new, correct one', () => {
    const m = model(), opt = new optim.SGD(m.parameters(), { lr: 0.1 });
    backward(m);
    const p = m.parameters()[0];
    const first = p._grad!;
    const values = first.clone();
    opt.zeroGrad();
    expect(first._storage.disposed).toBe(true);
    expect(p.grad).toBeNull();
    backward(m);
    expect(torch.equal(p.grad!, values)).toBe(true);
  });
  test('x.grad = null releases an unread gradient as zeroGrad does; a read one, or a replaced one the user set, stays valid', () => {
    const m = model();
    const [w0, b0, w1] = m.parameters();
    backward(m);
    const unread = w0._grad!;
    const values = unread.clone();
    w0.grad = null;
    expect(unread._storage.disposed).toBe(true);
    expect(w0.grad).toBeNull();
    backward(m);
    expect(torch.equal(w0.grad!, values)).toBe(true); // the next backward's gradient, from the same inputs
    const read = b0.grad!; // read: the user may hold it
    b0.grad = null;
    expect(read._storage.disposed).toBe(false);
    // A gradient the user set is theirs: replacing it leaves it alone.
    const mine = torch.zeros(w1.shape);
    w1.grad = mine;
    w1.grad = null;
    expect(mine._storage.disposed).toBe(false);
    expect(mine.sum().item()).toBe(0);
  });
  test('a gradient read through .grad, or given to a custom update, stays valid', () => {
    const m = model();
    class Keeping extends optim.SGD {
      kept: torch.Tensor[] = [];
      protected override update(p: torch.Tensor, grad: torch.Tensor, st: Record<string, torch.Tensor | number>, g: torch.optim.ParamGroup): void {
        this.kept.push(grad);
        super.update(p, grad, st, g);
      }
    }
    const opt = new Keeping(m.parameters(), { lr: 0 });
    backward(m);
    const read = m.parameters()[1].grad!;
    const readValues = read.clone();
    opt.step();
    const keptValues = opt.kept.map((k) => k.clone());
    opt.zeroGrad();
    m.zeroGrad();
    backward(m);
    expect(torch.equal(read, readValues)).toBe(true);
    opt.kept.forEach((k, i) => expect(torch.equal(k, keptValues[i])).toBe(true));
  });
  test('released buffers serve the next storages of their size, with the same results; emptyCache drops them', () => {
    // Storages of more than 512 bytes (smaller ones are carved from shared slabs).
    const bx = torch.randn(16, 64), by = torch.randint(0, 10, [16]);
    const train = () => {
      torch.manualSeed(1);
      const m = new nn.Sequential(new nn.Linear(64, 48), new nn.ReLU(), new nn.Linear(48, 10));
      const opt = new optim.SGD(m.parameters(), { lr: 0.1, momentum: 0.9 });
      for (let i = 0; i < 5; i++) {
        opt.zeroGrad();
        F.crossEntropy(m.forward(bx), by).backward();
        opt.step();
      }
      return m.parameters().map((p) => p.detach().clone());
    };
    const before = recycledStats().hits;
    const recycledRun = train();
    expect(recycledStats().hits).toBeGreaterThan(before);
    const recycle = Storage.prototype.recycle;
    Storage.prototype.recycle = Storage.prototype.release; // free, never reuse
    try {
      const plain = train();
      recycledRun.forEach((p, i) => expect(torch.equal(p, plain[i])).toBe(true));
    } finally {
      Storage.prototype.recycle = recycle;
    }
    torch.backend.emptyCache();
    expect(recycledStats().bytes).toBe(0);
  });
  test('clipGradNorm_ and the built-in step keep recycling; setToNone false zeroes in place', () => {
    const m = model(), opt = new optim.Adam(m.parameters(), { lr: 0.01 });
    backward(m);
    nn.utils.clipGradNorm_(m.parameters(), 0.5);
    opt.step();
    const held = m.parameters().map((p) => p._grad!);
    m.zeroGrad();
    expect(held.every((g) => g._storage.disposed)).toBe(true);
    backward(m);
    const kept = m.parameters().map((p) => p._grad!);
    opt.zeroGrad({ setToNone: false });
    m.parameters().forEach((p, i) => {
      expect(p._grad).toBe(kept[i]);
      expect(kept[i]._storage.disposed).toBe(false);
      expect(p._grad!.abs().sum().item()).toBe(0);
    });
  });
});
