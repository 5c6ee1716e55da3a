/**
 * Small gaps against PyTorch 1.13 (test/fixtures/gaps.json, scripts/fixtures/gaps.py):
 * in-place view ops, logicalNot_, cumsum_/cumprod_, torch.indexPut, the autograd node
 * names and nextFunctions of scalar/tensor overloads and reductions, clamp with tensor
 * bounds, memoryFormat refused by the random creation functions, and torch.* functions
 * recorded by the profiler.
 */
import * as torch from '../lib';
import { loadFixture } from './helpers/fixtures';
import { FixtureTensor, expectMatches, fromFixture } from './helpers/tensors';

interface NodeNames {
  name: string;
  next: (string | null)[];
}
interface ViewCase {
  op: string;
  shape: number[];
  args: unknown[];
  out: FixtureTensor;
  stride: number[];
  offset: number;
  versionBump: number;
  node: NodeNames;
}
interface Fixture {
  views: ViewCase[];
  errors: { label: string; message: string | null }[];
  scans: { op: string; input: FixtureTensor; dim: number; out: FixtureTensor }[];
  logicalNot: { input: FixtureTensor; out: FixtureTensor }[];
  indexPut: {
    base: FixtureTensor;
    node: NodeNames;
    cases: { indices: number[][]; value: FixtureTensor; accumulate: boolean; out: FixtureTensor }[];
  };
  pointwiseNodes: Record<string, NodeNames>;
  reduceNodes: Record<string, NodeNames>;
  clampTensor: Record<'x' | 'lo' | 'hi' | 'out' | 'gx' | 'glo' | 'ghi', FixtureTensor>;
}

const fx = loadFixture<Fixture>('gaps');
const f64 = { dtype: torch.float64 };

/** The fixtures' deterministic input: arange(n) * 0.5 - 1 in float64, shaped. */
function arangeInput(shape: number[]): torch.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return torch.arange(n, f64).mul(0.5).sub(1).reshape(shape);
}

function namesOf(t: torch.Tensor): NodeNames {
  const fn = t.gradFn as NonNullable<torch.Tensor['gradFn']>;
  return { name: fn.name(), next: fn.nextFunctions.map(([n]) => (n ? n.name() : null)) };
}

const camel = (op: string) => op.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
function applyOp(t: torch.Tensor, op: string, args: unknown[]): torch.Tensor {
  const method = (t as unknown as Record<string, (...a: unknown[]) => torch.Tensor>)[camel(op)];
  return method.apply(t, args);
}

function messageOf(label: string): string {
  const e = fx.errors.find((x) => x.label === label);
  if (!e || e.message === null) throw new Error(`no fixture message for ${label}`);
  return e.message;
}

describe('in-place view ops (squeeze_, unsqueeze_, transpose_, t_, asStrided_)', () => {
  test.each(fx.views.map((c) => [`${c.op}(${JSON.stringify(c.args)}) on [${c.shape}]`, c] as const))('%s', (_, c) => {
    const x = arangeInput(c.shape);
    const version = x._version;
    const r = applyOp(x, c.op, c.args);
    expect(r).toBe(x);
    expectMatches(x, c.out);
    expect(x.stride()).toEqual(c.stride);
    expect(x._offset).toBe(c.offset);
    expect(x._version - version).toBe(c.versionBump);
    // In the graph: the tensor's node is the in-place overload's, over its old node.
    const y = arangeInput(c.shape).requiresGrad_(true).mul(1);
    applyOp(y, c.op, c.args);
    expect(namesOf(y)).toEqual(c.node);
  });

  test.each([
    ['squeeze_', [1], [2, 1, 3]],
    ['squeeze_', [], [2, 1, 3, 1]],
    ['unsqueeze_', [1], [2, 3]],
    ['transpose_', [0, 2], [2, 3, 4]],
    ['t_', [], [2, 3]],
    ['asStrided_', [[2, 3], [1, 2], 1], [4, 2]],
  ] as const)('gradcheck and gradgradcheck of %s%j', (op, args, shape) => {
    const x = torch.randn([...shape], f64).requiresGrad_(true);
    const fn = (a: torch.Tensor) => {
      const y = a.mul(1);
      applyOp(y, op, [...args]);
      // A non-symmetric weight so a wrong geometry shows in the gradient.
      return y.mul(torch.arange(y.numel(), f64).add(1).reshape(y.shape));
    };
    expect(torch.autograd.gradcheck(fn, [x])).toBe(true);
    expect(torch.autograd.gradgradcheck(fn, [x])).toBe(true);
  });

  test('a view that changes its geometry in place still writes its base and backpropagates to it', () => {
    const a = torch.randn([2, 3], f64).requiresGrad_(true);
    const b = a.mul(1);
    const row = b.select(0, 1);
    row.unsqueeze_(0);
    expect(row.shape).toEqual([1, 3]);
    expect(row.gradFn?.name()).toBe('UnsqueezeBackward1');
    row.mul_(2);
    b.sum().backward();
    expectMatches(a.grad as torch.Tensor, { dtype: 'float64', shape: [2, 3], values: [1, 1, 1, 2, 2, 2] });
  });

  test('errors as PyTorch', () => {
    const leafOf = (shape: number[]) => torch.zeros(shape).requiresGrad_(true);
    expect(() => leafOf([2, 1]).squeeze_()).toThrow(messageOf('leaf squeeze_'));
    expect(() => leafOf([2]).unsqueeze_(0)).toThrow(messageOf('leaf unsqueeze_'));
    expect(() => leafOf([2, 3]).transpose_(0, 1)).toThrow(messageOf('leaf transpose_'));
    expect(() => leafOf([2, 3]).t_()).toThrow(messageOf('leaf t_'));
    expect(() => leafOf([4]).asStrided_([2], [1])).toThrow(messageOf('leaf as_strided_'));
    expect(() => leafOf([2, 3]).select(0, 0).unsqueeze_(0)).toThrow(messageOf('view of leaf unsqueeze_'));
    expect(() => torch.zeros([2, 3, 4]).t_()).toThrow(messageOf('t_ 3d'));
    expect(() => torch.zeros([2, 3]).unsqueeze_(5)).toThrow(messageOf('unsqueeze_ range'));
    expect(() => torch.zeros([2, 3]).transpose_(0, 5)).toThrow(messageOf('transpose_ range'));
    expect(() => torch.zeros([2, 3]).squeeze_(2)).toThrow(messageOf('squeeze_ range'));
    expect(() => torch.zeros([2, 3]).asStrided_([4, 4], [1, 1])).toThrow(messageOf('as_strided_ bounds'));
    // A refused call leaves the tensor as it was.
    const t = torch.zeros([2, 3]);
    expect(() => t.transpose_(0, 5)).toThrow(torch.TensorError);
    expect(t.shape).toEqual([2, 3]);
  });

  test('with grad off, a leaf that requires grad may change its geometry (PyTorch allows it)', () => {
    const leaf = torch.zeros([2, 1]).requiresGrad_(true);
    torch.noGrad(() => leaf.squeeze_());
    expect(leaf.shape).toEqual([2]);
    expect(leaf.gradFn).toBeNull();
  });
});

describe('logicalNot_', () => {
  test.each(fx.logicalNot.map((c) => [c.input.dtype, c] as const))('%s', (_, c) => {
    const x = fromFixture(c.input);
    expect(x.logicalNot_()).toBe(x);
    expectMatches(x, c.out);
  });
  test('not differentiable: no node recorded, and a leaf is not refused (as PyTorch)', () => {
    expect(messageOf.bind(null, 'leaf logical_not_')).toThrow('no fixture message');
    const leaf = torch.tensor([0, 1.5], f64).requiresGrad_(true);
    leaf.logicalNot_();
    expect(leaf.gradFn).toBeNull();
    expect(leaf.tolist()).toEqual([1, 0]);
  });
});

describe('cumsum_ / cumprod_', () => {
  test.each(fx.scans.map((c) => [`${c.op} ${c.input.dtype} dim ${c.dim}`, c] as const))('%s', (_, c) => {
    const x = fromFixture(c.input);
    const r = c.op === 'cumsum_' ? x.cumsum_(c.dim) : x.cumprod_(c.dim);
    expect(r).toBe(x);
    expectMatches(x, c.out);
  });
  test('in the graph: rebased like any in-place op, gradcheck', () => {
    for (const op of ['cumsum_', 'cumprod_'] as const) {
      const x = torch.randn([3, 4], f64).requiresGrad_(true);
      const fn = (a: torch.Tensor) => {
        const y = a.mul(1);
        return op === 'cumsum_' ? y.cumsum_(1) : y.cumprod_(1);
      };
      const y = fn(x);
      expect(y.gradFn?.name()).toBe(op === 'cumsum_' ? 'CumsumBackward0' : 'CumprodBackward0');
      expect(torch.autograd.gradcheck(fn, [x])).toBe(true);
      expect(torch.autograd.gradgradcheck(fn, [x])).toBe(true);
    }
  });
  test('through a view, the base gets the gradient', () => {
    const a = torch.randn([2, 3], f64).requiresGrad_(true);
    const fn = (t: torch.Tensor) => {
      const b = t.mul(1);
      b.select(0, 1).cumsum_(0);
      return b;
    };
    expect(torch.autograd.gradcheck(fn, [a])).toBe(true);
  });
  test('errors as PyTorch', () => {
    expect(() => torch.zeros([3]).requiresGrad_(true).cumsum_(0)).toThrow(messageOf('leaf cumsum_'));
    expect(() => torch.zeros([3]).cumsum_(0, { dtype: torch.float64 })).toThrow(messageOf('cumsum_ dtype'));
    expect(() => torch.zeros([3], { dtype: torch.int64 }).cumprod_(0, { dtype: torch.float32 })).toThrow(messageOf('cumprod_ dtype int'));
    expect(() => torch.zeros([3], { dtype: torch.bool }).cumsum_(0)).toThrow(messageOf('cumsum_ bool'));
    expect(() => torch.zeros([3]).cumsum_(1)).toThrow(messageOf('cumsum_ range'));
  });
});

describe('torch.indexPut (out of place)', () => {
  test.each(fx.indexPut.cases.map((c, i) => [i, c] as const))('case %i', (_, c) => {
    const base = fromFixture(fx.indexPut.base);
    const before = base.clone();
    const r = torch.indexPut(base, c.indices.map((i) => torch.tensor(i)), fromFixture(c.value), c.accumulate);
    expectMatches(r, c.out);
    expect(base.equal(before)).toBe(true);
    expect(r._storage).not.toBe(base._storage);
  });
  test('one IndexPutBackward0 node over self and the value; gradcheck', () => {
    const x = torch.randn([3], f64).requiresGrad_(true);
    const v = torch.randn([2], f64).requiresGrad_(true);
    const idx = [torch.tensor([0, 2])];
    expect(namesOf(torch.indexPut(x, idx, v))).toEqual(fx.indexPut.node);
    expect(torch.autograd.gradcheck((a, b) => torch.indexPut(a, idx, b), [x, v])).toBe(true);
    expect(torch.autograd.gradcheck((a, b) => torch.indexPut(a, [torch.tensor([1, 1])], b, true), [x, v])).toBe(true);
    expect(x.isLeaf).toBe(true);
  });
  test('errors as PyTorch', () => {
    expect(() => torch.indexPut(torch.zeros([3]), [torch.tensor([5])], torch.tensor(1))).toThrow(messageOf('index_put range'));
  });
});

describe('autograd node names and nextFunctions as PyTorch records them', () => {
  const x = arangeInput([3]).add(2).requiresGrad_(true);
  const y = arangeInput([3]).add(3).requiresGrad_(true);
  const lo = torch.zeros([3], f64), hi = torch.ones([3], f64);
  const pointwise: Record<string, () => torch.Tensor> = {
    'x.pow(2)': () => x.pow(2),
    'x.pow(2.5)': () => x.pow(2.5),
    'pow(2, x)': () => torch.pow(2, x),
    'x.pow(y)': () => x.pow(y),
    'x.pow(tensor(2))': () => x.pow(torch.tensor(2, f64)),
    'x.square()': () => x.square(),
    'x.mul(2)': () => x.mul(2),
    'mul(2, x)': () => torch.mul(2, x),
    'x.add(2)': () => x.add(2),
    'x.add(2, alpha=3)': () => x.add(2, { alpha: 3 }),
    'add(2, x)': () => torch.add(2, x),
    'x.sub(2)': () => x.sub(2),
    'sub(2, x)': () => torch.sub(2, x),
    'x.div(2)': () => x.div(2),
    'div(2, x)': () => torch.div(2, x),
    'x.div(2, floor)': () => x.div(2, { roundingMode: 'floor' }),
    'x.div(y, trunc)': () => x.div(y, { roundingMode: 'trunc' }),
    'x.remainder(2)': () => x.remainder(2),
    'x.remainder(y)': () => x.remainder(y),
    'x.fmod(2)': () => x.fmod(2),
    'x.fmod(y)': () => x.fmod(y),
    'x.clamp(0, 1)': () => x.clamp(0, 1),
    'x.clamp(min=0)': () => x.clamp({ min: 0 }),
    'x.clamp(lo, hi)': () => x.clamp(lo, hi),
    'x.clamp(min=lo)': () => x.clamp({ min: lo }),
    'x.clamp(y, hi)': () => x.clamp(y, hi),
    'x.mul(y)': () => x.mul(y),
    'x.add(y)': () => x.add(y),
  };
  test('every fixture case is exercised', () => {
    expect(Object.keys(pointwise).sort()).toEqual(Object.keys(fx.pointwiseNodes).sort());
  });
  test.each(Object.keys(fx.pointwiseNodes))('%s', (key) => {
    expect(namesOf(pointwise[key]())).toEqual(fx.pointwiseNodes[key]);
  });

  const m = arangeInput([2, 3, 4]).requiresGrad_(true);
  const reductions: Record<string, () => torch.Tensor> = {
    'sum()': () => m.sum(), 'sum(1)': () => m.sum(1), 'sum([0, 1])': () => m.sum([0, 1]), 'sum(1, keepdim)': () => m.sum(1, true),
    'mean()': () => m.mean(), 'mean(1)': () => m.mean(1), 'mean([0, 1])': () => m.mean([0, 1]),
    'prod()': () => m.prod(), 'prod(1)': () => m.prod(1),
    'amax()': () => m.amax(), 'amax(1)': () => m.amax(1), 'amin([0, 2])': () => m.amin([0, 2]),
    'max()': () => m.max(), 'max(1)': () => m.max(1).values, 'min()': () => m.min(), 'min(1)': () => m.min(1).values,
    'std()': () => m.std(), 'std(1)': () => m.std(1), 'var()': () => m.var(), 'var(1)': () => m.var(1),
    'norm()': () => m.norm(), 'logsumexp(1)': () => m.logsumexp(1),
    'cumsum(1)': () => m.cumsum(1), 'cumprod(1)': () => m.cumprod(1),
    'softmax(1)': () => m.softmax(1), 'logSoftmax(1)': () => m.logSoftmax(1),
  };
  test.each(Object.keys(fx.reduceNodes))('%s', (key) => {
    expect(namesOf(reductions[key]())).toEqual(fx.reduceNodes[key]);
  });

  test('gradients unchanged by the one-edge overloads: gradcheck and gradgradcheck', () => {
    const a = torch.rand([4], f64).add(0.5).requiresGrad_(true);
    const b = torch.rand([4], f64).add(0.5).requiresGrad_(true);
    const fns: ((p: torch.Tensor, q: torch.Tensor) => torch.Tensor)[] = [
      (p) => p.pow(3), (p) => torch.pow(2, p), (p, q) => p.pow(q), (p) => p.remainder(0.7), (p, q) => p.remainder(q.add(1)),
      (p) => p.fmod(0.7), (p, q) => p.fmod(q.add(1)),
    ];
    for (const fn of fns) {
      expect(torch.autograd.gradcheck(fn, [a, b])).toBe(true);
      expect(torch.autograd.gradgradcheck(fn, [a, b])).toBe(true);
    }
    // pow_ with a number exponent: the in-place form records the same one-edge node.
    const c = a.mul(1);
    c.pow_(2);
    expect(namesOf(c)).toEqual({ name: 'PowBackward0', next: ['MulBackward0'] });
  });
});

describe('clamp with tensor bounds (ClampBackward0)', () => {
  test("values and each input's gradient as PyTorch, ties and min > max included", () => {
    const c = fx.clampTensor;
    const x = fromFixture(c.x).requiresGrad_(true), lo = fromFixture(c.lo).requiresGrad_(true), hi = fromFixture(c.hi).requiresGrad_(true);
    const r = x.clamp(lo, hi);
    expectMatches(r, c.out);
    r.backward(torch.arange(1, 7, f64));
    expectMatches(x.grad as torch.Tensor, c.gx);
    expectMatches(lo.grad as torch.Tensor, c.glo);
    expectMatches(hi.grad as torch.Tensor, c.ghi);
  });
  test('gradcheck with broadcast bounds; in-place form rebased', () => {
    const x = torch.randn([3, 4], f64).requiresGrad_(true);
    const lo = torch.full([4], -0.3, f64).requiresGrad_(true);
    const hi = torch.full([3, 1], 0.4, f64).requiresGrad_(true);
    expect(torch.autograd.gradcheck((a, b, d) => a.clamp(b, d), [x, lo, hi])).toBe(true);
    expect(torch.autograd.gradcheck((a, b) => torch.clamp(a, { max: b }), [x, hi])).toBe(true);
    const y = x.mul(1);
    y.clamp_(lo, hi);
    expect(namesOf(y)).toEqual({ name: 'ClampBackward0', next: ['MulBackward0', 'AccumulateGrad', 'AccumulateGrad'] });
    expect(() => torch.clamp(x, lo, hi, { out: torch.empty([3, 4], f64) })).toThrow('out=');
  });
});

describe('random creation refuses memoryFormat (PyTorch: TypeError)', () => {
  test.each([
    ['rand', () => torch.rand([2, 3], { memoryFormat: torch.channelsLast })],
    ['randn', () => torch.randn(2, 3, { memoryFormat: torch.contiguousFormat })],
    ['randint', () => torch.randint(0, 5, [2, 3], { memoryFormat: torch.channelsLast })],
  ] as const)('%s', (name, fn) => {
    expect(fn).toThrow(TypeError);
    expect(fn).toThrow(`${name}() got an unexpected keyword argument 'memoryFormat'`);
  });
  test('without it they still work', () => {
    expect(torch.rand([2, 3]).shape).toEqual([2, 3]);
    expect(torch.randint(0, 5, [2]).dtype).toBe(torch.int64);
  });
});

describe('profiler records torch.* functions as their aten:: operator', () => {
  test('torch.sum, torch.matmul, torch.cat, torch.indexPut', () => {
    const a = torch.randn([3, 4]), b = torch.randn([4, 5]);
    const prof = torch.autograd.profiler.profile(() => {
      torch.sum(a);
      torch.matmul(a, b);
      torch.cat([a, a]);
      torch.indexPut(a, [torch.tensor([0])], torch.tensor(1));
      a.t_();
    });
    const top = prof.events().filter((e) => e.cpuParent === null).map((e) => e.name);
    expect(top).toEqual(expect.arrayContaining(['aten::sum', 'aten::matmul', 'aten::cat', 'aten::index_put', 'aten::t_']));
    expect(top.indexOf('aten::sum')).toBeLessThan(top.indexOf('aten::matmul'));
    const counts = Object.fromEntries([...prof.keyAverages()].map((r) => [r.key, r.count]));
    expect(counts['aten::sum']).toBe(1);
    expect(counts['aten::matmul']).toBe(1);
  });
  test('the profiled functions keep their behaviour and names resolve (aliases too)', () => {
    const a = torch.tensor([[1, 2], [3, 4]], f64);
    expect(torch.sum(a).item()).toBe(10);
    expect(torch.var(a).item()).toBeCloseTo(1.6666666666666667, 12);
    expect(torch.concat([a, a]).shape).toEqual([4, 2]);
    expect(torch.swapaxes(a, 0, 1).tolist()).toEqual([[1, 3], [2, 4]]);
    expect(torch.t(a).tolist()).toEqual([[1, 3], [2, 4]]);
    expect(torch.clip(a, 2, 3).tolist()).toEqual([[2, 2], [3, 3]]);
  });
});

test('repeatInterleave checks outputSize as PyTorch ("allocated size does not match required size")', () => {
  const r = torch.tensor([1, 2]);
  expect(torch.repeatInterleave(torch.tensor([1, 2]), r, { outputSize: 3 }).tolist()).toEqual([1, 2, 2]);
  expect(() => torch.repeatInterleave(torch.tensor([1, 2]), r, { outputSize: 5 })).toThrow('allocated size does not match required size');
  expect(() => torch.repeatInterleave(torch.tensor([1, 2]), r, { outputSize: 2 })).toThrow('allocated size does not match required size');
});
