/**
 * Selection ops (maskedSelect, maskedFill, indexSelect, gather, scatter, scatterAdd,
 * indexAdd, take, tril, triu, flip, roll, repeat, tile, repeatInterleave, sort, argsort,
 * topk) against PyTorch 1.13 fixtures (scripts/fixtures/select.py): values, shapes and
 * dtypes over broadcasting, negative dims, strided inputs, empty and 0-d tensors, every
 * dtype family, sort stability and NaN order, topk ties; PyTorch's error messages;
 * gradients and grad_fn names; gradcheck in float64.
 */
import * as torch from '../lib';
import { loadFixture } from './helpers/fixtures';
import { FixtureTensor, expectMatches, fromFixture } from './helpers/tensors';

type View = ['t'] | ['slice', number, number | null, number | null, number] | ['expand', number[]] | ['permute', number[]];
interface TensorArg {
  tensor: FixtureTensor;
  views: View[];
}
type Arg = TensorArg | number | boolean | string | null | number[];
interface ValueCase {
  op: string;
  method: boolean;
  args: Arg[];
  kwargs: Record<string, Arg>;
  out: FixtureTensor | FixtureTensor[];
}
interface ErrorCase extends Omit<ValueCase, 'out'> {
  error: string;
}
interface GradCase {
  op: string;
  method: boolean;
  inputs: Arg[];
  rest: Arg[];
  kwargs: Record<string, Arg>;
  gradFn: string;
  grads: FixtureTensor[];
}
const fixture = loadFixture<{ values: ValueCase[]; errors: ErrorCase[]; grads: GradCase[] }>('select');

const camel = (name: string): string => name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
const isTensorArg = (a: Arg): a is TensorArg => a !== null && typeof a === 'object' && !Array.isArray(a) && 'tensor' in a;

function applyViews(t: torch.Tensor, views: View[]): torch.Tensor {
  for (const v of views) {
    if (v[0] === 't') t = t.transpose(-1, -2);
    else if (v[0] === 'slice') {
      const [, dim, start, stop, step] = v;
      t = t.index(...new Array<string>(dim).fill(':'), `${start ?? ''}:${stop ?? ''}:${step}`);
    } else if (v[0] === 'expand') t = t.expand(v[1]);
    else t = t.permute(v[1]);
  }
  return t;
}

const build = (a: Arg): unknown => (isTensorArg(a) ? applyViews(fromFixture(a.tensor), a.views) : a);

type AnyFn = (...args: unknown[]) => unknown;
function invoke(op: string, method: boolean, args: unknown[], kwargs: Record<string, unknown>): unknown {
  const opts = Object.fromEntries(Object.entries(kwargs).map(([k, v]) => [camel(k), v]));
  const all = Object.keys(opts).length ? [...args, opts] : args;
  if (method) {
    const self = all[0] as unknown as Record<string, AnyFn>;
    const fn = self[camel(op)];
    if (typeof fn !== 'function') throw new Error(`Tensor has no method ${camel(op)}`);
    return fn.apply(self, all.slice(1));
  }
  const fn = (torch as unknown as Record<string, AnyFn>)[camel(op)];
  if (typeof fn !== 'function') throw new Error(`tensorgrad has no op ${camel(op)}`);
  return fn(...all);
}

const buildKwargs = (k: Record<string, Arg>): Record<string, unknown> => Object.fromEntries(Object.entries(k).map(([n, v]) => [n, build(v)]));
const label = (c: { op: string; method: boolean; args: Arg[]; kwargs: Record<string, Arg> }) =>
  `${c.method ? 'Tensor.' : ''}${camel(c.op)}(${c.args
    .map((a) => (isTensorArg(a) ? `${a.tensor.dtype}[${a.tensor.shape}]${a.views.map((v) => v[0]).join('')}` : JSON.stringify(a)))
    .join(', ')}${Object.keys(c.kwargs).length ? `, ${JSON.stringify(Object.fromEntries(Object.entries(c.kwargs).map(([k, v]) => [k, isTensorArg(v) ? 'tensor' : v])))}` : ''})`;

describe('values match PyTorch', () => {
  test.each(fixture.values.map((c, i) => [`${i}: ${label(c)}`, c] as const))('%s', (_, c) => {
    const result = invoke(c.op, c.method, c.args.map(build), buildKwargs(c.kwargs));
    if (Array.isArray(c.out)) {
      const parts = result as torch.Tensor[];
      expect(parts.length).toBe(c.out.length);
      c.out.forEach((o, k) => expectMatches(parts[k], o));
    } else expectMatches(result as torch.Tensor, c.out);
  });
});

describe('errors match PyTorch', () => {
  test.each(fixture.errors.map((c, i) => [`${i}: ${label(c)}`, c] as const))('%s', (_, c) => {
    const run = () => invoke(c.op, c.method, c.args.map(build), buildKwargs(c.kwargs));
    expect(run).toThrow(torch.TensorError);
    expect(run).toThrow(c.error);
  });
});

describe('gradients match PyTorch', () => {
  const gradLabel = (c: GradCase) => label({ ...c, args: [...c.inputs, ...c.rest] });
  test.each(fixture.grads.map((c, i) => [`${i}: ${gradLabel(c)}`, c] as const))('%s', (_, c) => {
    const leaves: torch.Tensor[] = [];
    const inputs = c.inputs.map((a) => {
      const v = build(a);
      if (v instanceof torch.Tensor && v.dtype.isFloatingPoint) {
        const leaf = v.double().requiresGrad_();
        leaves.push(leaf);
        return leaf;
      }
      return v;
    });
    let out = invoke(c.op, c.method, [...inputs, ...c.rest.map(build)], buildKwargs(c.kwargs)) as torch.Tensor | torch.Tensor[];
    if (Array.isArray(out)) out = out[0];
    expect(out.gradFn?.name()).toBe(c.gradFn);
    const w = torch.arange(out.numel(), { dtype: torch.float64 }).reshape([...out.shape]).div(7).sub(1);
    out.mul(w).sum().backward();
    expect(leaves.length).toBe(c.grads.length);
    leaves.forEach((leaf, k) => expectMatches(leaf.grad as torch.Tensor, c.grads[k], 1e-9, 1e-9));
  });
});

describe('gradcheck in float64', () => {
  const { gradcheck, gradgradcheck } = torch.autograd;
  const x = () => torch.randn([3, 4], { dtype: torch.float64, requiresGrad: true });
  const idx = torch.tensor([[0, 3], [2, 2], [1, 0]]);
  const mask = torch.tensor([[true, false, true, false], [false, false, true, true], [true, true, false, false]]);
  const cases: [string, (...t: torch.Tensor[]) => torch.Tensor, () => torch.Tensor[], boolean][] = [
    ['gather', (a) => torch.gather(a, 1, idx), () => [x()], true],
    ['scatter src', (a, s) => torch.scatter(a, 1, torch.tensor([[0, 3], [2, 1], [1, 0]]), s), () => [x(), torch.randn([3, 2], { dtype: torch.float64, requiresGrad: true })], true],
    ['scatter value', (a) => torch.scatter(a, 0, torch.tensor([[2, 0, 1, 1]]), 2.5), () => [x()], true],
    ['scatterAdd', (a, s) => torch.scatterAdd(a, 1, idx, s), () => [x(), torch.randn([3, 2], { dtype: torch.float64, requiresGrad: true })], true],
    ['indexSelect', (a) => torch.indexSelect(a, 1, torch.tensor([3, 0, 3])), () => [x()], true],
    ['indexAdd', (a, s) => torch.indexAdd(a, 0, torch.tensor([2, 0, 2]), s, { alpha: 1.5 }), () => [x(), torch.randn([3, 4], { dtype: torch.float64, requiresGrad: true })], true],
    ['take', (a) => torch.take(a, torch.tensor([[0, -1], [5, 5]])), () => [x()], true],
    ['maskedSelect', (a) => torch.maskedSelect(a, mask), () => [x()], true],
    ['maskedSelect broadcast', (a) => torch.maskedSelect(a, mask), () => [torch.randn([4], { dtype: torch.float64, requiresGrad: true })], true],
    ['maskedFill tensor', (a, v) => torch.maskedFill(a, mask, v), () => [x(), torch.randn([], { dtype: torch.float64, requiresGrad: true })], true],
    ['maskedFill scalar', (a) => torch.maskedFill(a, mask, -2), () => [x()], true],
    ['tril', (a) => torch.tril(a, 1), () => [x()], true],
    ['triu', (a) => torch.triu(a, -1), () => [x()], true],
    ['flip', (a) => torch.flip(a, [0, 1]), () => [x()], true],
    ['roll', (a) => torch.roll(a, [1, -3], [0, 1]), () => [x()], true],
    ['roll flat', (a) => torch.roll(a, 5), () => [x()], true],
    ['repeat', (a) => a.repeat([2, 1, 3]), () => [x()], true],
    ['tile', (a) => torch.tile(a, [2]), () => [x()], true],
    ['repeatInterleave', (a) => torch.repeatInterleave(a, torch.tensor([2, 0, 1]), { dim: 0 }), () => [x()], true],
    ['sort', (a) => torch.sort(a, 1)[0], () => [x()], true],
    ['sort descending dim 0', (a) => torch.sort(a, 0, true)[0], () => [x()], true],
    ['topk', (a) => torch.topk(a, 2, 1)[0], () => [x()], true],
    ['topk smallest', (a) => torch.topk(a, 2, 0, false)[0], () => [x()], true],
  ];
  test.each(cases)('%s', (_, fn, inputs, second) => {
    const args = inputs();
    expect(gradcheck(fn, args)).toBe(true);
    if (second) expect(gradgradcheck(fn, args)).toBe(true);
  });
});

describe('in-place and out= variants', () => {
  test('in-place ops return the same tensor and bump the version', () => {
    const a = torch.zeros([3, 4]);
    const v = a._version;
    expect(a.scatter_(1, torch.tensor([[0], [1], [2]]), 1)).toBe(a);
    expect(a._version).toBeGreaterThan(v);
    expect(a.tolist()).toEqual([[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0]]);
    expect(a.scatterAdd_(1, torch.tensor([[0, 0]]), torch.ones([1, 2]))).toBe(a);
    expect((a.tolist() as number[][])[0]).toEqual([3, 0, 0, 0]);
    expect(a.indexAdd_(0, torch.tensor([2]), torch.ones([1, 4]), { alpha: 2 })).toBe(a);
    expect((a.tolist() as number[][])[2]).toEqual([2, 2, 3, 2]);
    expect(a.maskedFill_(torch.tensor([true, false, false, true]), -1)).toBe(a);
    expect(a.tolist()).toEqual([[-1, 0, 0, -1], [-1, 1, 0, -1], [-1, 2, 3, -1]]);
    expect(a.tril_()).toBe(a);
    expect(a.tolist()).toEqual([[-1, 0, 0, 0], [-1, 1, 0, 0], [-1, 2, 3, 0]]);
    expect(a.triu_(1)).toBe(a);
    expect(a.tolist()).toEqual([[0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]]);
    const b = torch.ones([2, 3]);
    expect(() => b.maskedFill_(torch.ones([2, 2, 3], { dtype: torch.bool }), 0)).toThrow("output with shape [2, 3] doesn't match the broadcast shape [2, 2, 3]");
    // A written tensor whose elements share memory is refused, as PyTorch.
    const shared = torch.zeros([1]).expand(3);
    const overlap = 'more than one element of the written-to tensor refers to a single memory location';
    expect(() => shared.scatter_(0, torch.tensor([0]), 1)).toThrow(overlap);
    expect(() => shared.indexAdd_(0, torch.tensor([0]), torch.ones([1]))).toThrow(overlap);
    expect(() => shared.maskedFill_(torch.tensor([true, false, true]), 1)).toThrow(overlap);
  });

  test('in-place ops on graph tensors record their node', () => {
    const leaf = torch.randn([3, 4], { dtype: torch.float64, requiresGrad: true });
    const y = leaf.mul(2);
    y.maskedFill_(torch.tensor([true, false, true, false]), 0);
    expect(y.gradFn?.name()).toBe('MaskedFillBackward0');
    y.sum().backward();
    expect(leaf.grad?.tolist()).toEqual(Array(3).fill([0, 2, 0, 2]));
    expect(() => leaf.scatter_(0, torch.tensor([[0]]), 1)).toThrow('a leaf Variable that requires grad is being used in an in-place operation.');
  });

  test('out= writes into the given tensor', () => {
    const x = torch.tensor([[3, 1, 2], [9, 7, 8]], { dtype: torch.float32 });
    const out = torch.empty([0]);
    expect(torch.gather(x, 1, torch.tensor([[2], [0]]), { out })).toBe(out);
    expect(out.tolist()).toEqual([[2], [9]]);
    const sel = torch.empty([2, 2]);
    expect(torch.indexSelect(x, 1, torch.tensor([1, 1]), { out: sel }).tolist()).toEqual([[1, 1], [7, 7]]);
    const values = torch.empty([2, 3]), indices = torch.empty([2, 3], { dtype: torch.int64 });
    const r = torch.sort(x, { out: [values, indices] });
    expect(r.values).toBe(values);
    expect(r.indices).toBe(indices);
    expect(values.tolist()).toEqual([[1, 2, 3], [7, 8, 9]]);
    expect(indices.tolist()).toEqual([[1, 2, 0], [1, 2, 0]]);
    const tv = torch.empty([2, 1]), ti = torch.empty([2, 1], { dtype: torch.int64 });
    torch.topk(x, 1, { out: [tv, ti] });
    expect(tv.tolist()).toEqual([[3], [9]]);
    expect(ti.tolist()).toEqual([[0], [0]]);
    expect(torch.tril(x, { out: torch.empty([2, 3]) }).tolist()).toEqual([[3, 0, 0], [9, 7, 0]]);
    expect(torch.take(x, torch.tensor([5]), { out: torch.empty([1]) }).tolist()).toEqual([8]);
  });
});

describe('native kernels', () => {
  test('sort and topk agree with a reference across threads, dtypes and strides', () => {
    const prev = torch.getNumThreads();
    try {
      for (const threads of [1, 2]) {
        torch.setNumThreads(threads);
        const x = torch.randn([64, 517]);
        const [v, i] = torch.sort(x.t(), { dim: 0, descending: true });
        // Every column is descending and the indices pick the values.
        expect(v.index('1:').le(v.index(':-1')).all().item()).toBe(true);
        expect(torch.equal(torch.gather(x.t(), 0, i), v)).toBe(true);
        const [tv] = torch.topk(x, 5, 1);
        expect(torch.equal(tv, torch.sort(x, 1, true)[0].index(':', ':5'))).toBe(true);
        const ints = torch.randint(0, 7, [33, 1000]);
        const [sv, si] = torch.sort(ints, { stable: true });
        expect(torch.equal(torch.gather(ints, 1, si), sv)).toBe(true);
      }
    } finally {
      torch.setNumThreads(prev);
    }
  });

  test('the registry lists every selection op with its node name', () => {
    const expected: Record<string, string | undefined> = {
      gather: 'GatherBackward0', scatter: 'ScatterBackward0', scatterAdd: 'ScatterAddBackward0', indexSelect: 'IndexSelectBackward0',
      maskedFill: 'MaskedFillBackward0', maskedSelect: 'MaskedSelectBackward0', take: 'TakeBackward0', tril: 'TrilBackward0',
      triu: 'TriuBackward0', flip: 'FlipBackward0', roll: 'RollBackward0', repeat: 'RepeatBackward0', sort: 'SortBackward0',
      topk: 'TopkBackward0', repeatInterleave: undefined, argsort: undefined, tile: 'RepeatBackward0', indexAdd: 'IndexAddBackward0',
    };
    for (const [name, backward] of Object.entries(expected)) {
      const entry = torch.registry.get(name);
      expect(entry?.kind).toBe('index');
      expect(entry?.backwardName).toBe(backward);
    }
  });

  test('scatter with reduce refuses to differentiate, as PyTorch 1.13', () => {
    const x = torch.randn([2, 3], { requiresGrad: true });
    const y = torch.scatter(x, 1, torch.tensor([[0]]), 1, { reduce: 'add' });
    expect(() => y.sum().backward()).toThrow('derivative for aten::scatter is not implemented');
  });
});
