/** Pointwise ops, broadcasting and type promotion against PyTorch 1.13 fixtures. */
import * as torch from '../lib';
import { capabilities, underCapability } from './helpers/capabilities';
import { loadFixture } from './helpers/fixtures';
import { FixtureTensor, dtypeNamed, expectMatches, fromFixture } from './helpers/tensors';

interface PromotionCase { a: string; b: string; kind: string; scalar?: number | boolean; result: string }
interface PointwiseCase { op: string; a: FixtureTensor; b?: FixtureTensor; scalar?: number | boolean; out?: FixtureTensor; error?: string }
interface BroadcastCase { a?: FixtureTensor; b?: FixtureTensor; out?: FixtureTensor; stride?: number[]; stride2?: number[]; error?: string; layout?: string }
interface Core {
  promotion: PromotionCase[];
  pointwise: PointwiseCase[];
  broadcasting: BroadcastCase[];
  errors: Record<string, string>;
}
const core = loadFixture<Core>('core');

const camel = (name: string) => name.replace(/^nn\.functional\./, '').replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
type AnyOp = (...args: unknown[]) => torch.Tensor;
function opNamed(name: string): AnyOp {
  if (name === 'div_trunc') return (a, b) => torch.div(a as torch.Tensor, b as torch.Tensor, { roundingMode: 'trunc' });
  if (name === 'div_floor') return (a, b) => torch.div(a as torch.Tensor, b as torch.Tensor, { roundingMode: 'floor' });
  const fn = (torch as unknown as Record<string, AnyOp>)[camel(name)];
  if (typeof fn !== 'function') throw new Error(`tensorgrad has no op ${name}`);
  return fn;
}

describe('type promotion (torch.result_type)', () => {
  test.each(core.promotion.map((c) => [`${c.kind} ${c.a} ${c.b}`, c] as const))('%s', (_, c) => {
    const a = torch.ones([2], { dtype: dtypeNamed(c.a) });
    let b: torch.Tensor | number | boolean;
    if (c.kind === 'tensor-tensor') b = torch.ones([2], { dtype: dtypeNamed(c.b) });
    else if (c.kind === 'tensor-zerodim') b = torch.ones([], { dtype: dtypeNamed(c.b) });
    else b = c.scalar as number | boolean;
    expect(torch.resultType(a, b)).toBe(dtypeNamed(c.result));
  });

  test('the course examples: int64 + float32 -> float32, int / int -> float32, comparisons -> bool', () => {
    const i = torch.tensor([1, 2]);
    expect(i.add(torch.tensor([0.5, 1])).dtype).toBe(torch.float32);
    expect(i.div(i).dtype).toBe(torch.float32);
    expect(i.lt(2).dtype).toBe(torch.bool);
  });
});

describe('pointwise values match PyTorch', () => {
  const label = (c: PointwiseCase) => `${c.op}(${c.a.dtype}${c.b ? `, ${c.b.dtype}` : c.scalar !== undefined ? `, ${c.scalar}` : ''})`;
  test.each(core.pointwise.map((c, i) => [`${i}: ${label(c)}`, c] as const))('%s', (_, c) => {
    const fn = opNamed(c.op);
    const args: unknown[] = [fromFixture(c.a)];
    if (c.b) args.push(fromFixture(c.b));
    else if (c.scalar !== undefined) args.push(c.scalar);
    if (c.error !== undefined && c.error.includes('must be Tensor, not')) {
      // API.md: scalars are accepted wherever a tensor is (PyTorch 1.13 refuses some).
      const asTensor = fn(args[0], torch.tensor(c.scalar as number | boolean));
      expect(fn(...args).tolist()).toEqual(asTensor.tolist());
      return;
    }
    if (c.error !== undefined) {
      expect(() => fn(...args)).toThrow(torch.TensorError);
      expect(() => fn(...args)).toThrow(c.error);
      return;
    }
    const rtol = c.op.includes('gelu') || c.op === 'tan' || c.op === 'pow' ? 1e-5 : 1.3e-6;
    expectMatches(fn(...args), c.out as FixtureTensor, rtol);
  });

  test('in-place variants write into self and return it', () => {
    const a = torch.tensor([1, 2, 3], { dtype: torch.float32 });
    const before = a._version;
    expect(a.mul_(2)).toBe(a);
    expect(a.tolist()).toEqual([2, 4, 6]);
    expect(a._version).toBe(before + 1);
    const i = torch.tensor([1, 2]);
    i.add_(torch.tensor([1.0, 2.0]).long());
    expect(i.tolist()).toEqual([2, 4]);
  });

  test('out= writes into the given tensor and resizes an empty one', () => {
    const out = torch.empty([0]);
    const r = torch.add(torch.ones([2, 2]), 1, { out } as never);
    expect(r).toBe(out);
    expect(out.tolist()).toEqual([[2, 2], [2, 2]]);
  });

  test('add with alpha, and integer clamp bounds', () => {
    expect(torch.tensor([1, 2]).add(torch.tensor([3, 4]), { alpha: 2 }).tolist()).toEqual([7, 10]);
    expect(torch.tensor([-5, 0, 300], { dtype: torch.uint8 }).clamp(3, 1000).tolist()).toEqual([251, 3, 44]);
    expect(torch.tensor([-5, 0, 9]).clamp({ max: 4 }).tolist()).toEqual([-5, 0, 4]);
    expect(torch.tensor([-1.5, 0.5, NaN]).clamp(-1, null).tolist()).toEqual([-1, 0.5, NaN]);
  });
  test.each(capabilities)('in-place ops equal their out-of-place results (%s; own-operand, scalar, broadcast and self cases)', (cap) => {
    underCapability(cap, () => {
      for (const dtype of [torch.float32, torch.float64, torch.int32]) {
        const base = torch.arange(1, 1 + 70000, { dtype }).remainder(97).sub(40);
        const other = base.flip(0).add(3), row = torch.arange(7, { dtype }).add(2);
        const cases: [string, (t: torch.Tensor) => torch.Tensor, (t: torch.Tensor) => torch.Tensor][] = [
          ['mul_ scalar', (t) => t.mul_(3), (t) => t.mul(3)],
          ['sub_ scalar', (t) => t.sub_(5), (t) => t.sub(5)],
          ['sub_ tensor', (t) => t.sub_(other), (t) => t.sub(other)],
          ['add_ tensor with alpha', (t) => t.add_(other, { alpha: 2 }), (t) => t.add(other, { alpha: 2 })],
          ['mul_ by itself', (t) => t.mul_(t), (t) => t.mul(t)],
          ['sub_ broadcast row', (t) => t.view(-1, 7).sub_(row).view(-1), (t) => t.view(-1, 7).sub(row).view(-1)],
          ['neg_', (t) => t.neg_(), (t) => t.neg()],
          ['abs_', (t) => t.abs_(), (t) => t.abs()],
        ];
        for (const [name, inPlace, outOfPlace] of cases) {
          const x = base.clone();
          const expected = outOfPlace(x.clone());
          expect([name, torch.equal(inPlace(x), expected)]).toEqual([name, true]);
        }
      }
    });
  });
  test.each(capabilities)('clamp keeps NaN, takes max where min > max and treats a missing bound as none (%s)', (cap) => {
    underCapability(cap, () => {
      for (const dtype of [torch.float32, torch.float64]) {
        const x = torch.tensor([NaN, -2, 0.5, 3, -0, Infinity, -Infinity], { dtype });
        expect(x.clamp(-1, 1).tolist()).toEqual([NaN, -1, 0.5, 1, -0, 1, -1]);
        expect(x.clamp(null, 0).tolist()).toEqual([NaN, -2, 0, 0, -0, 0, -Infinity]);
        expect(x.clamp(0).tolist()).toEqual([NaN, 0, 0.5, 3, -0, Infinity, 0]);
        expect(x.clamp(3, 2).tolist()).toEqual([NaN, 2, 2, 2, 2, 2, 2]);
      }
    });
  });
  test.each(capabilities)('relu keeps NaN and -0, as PyTorch (its clamp_min is max(0, x)) (%s)', (cap) => {
    underCapability(cap, () => {
      // PyTorch 1.13: torch.relu(torch.tensor([-0., nan, -1, 2, -inf, inf])) -> [-0., nan, 0., 2., 0., inf]
      const values = [-0, NaN, -1, 2, -Infinity, Infinity];
      const expected = [-0, NaN, 0, 2, 0, Infinity];
      for (const dtype of [torch.float32, torch.float64]) {
        // 8 repeats: the vector loop runs, not only its scalar tail; then a strided view and in place.
        const long = torch.tensor(Array(8).fill(values).flat(), { dtype });
        expect(long.relu().tolist()).toEqual(Array(8).fill(expected).flat());
        expect(long.reshape([8, 6]).t().relu().t().reshape([48]).tolist()).toEqual(Array(8).fill(expected).flat());
        expect(long.clone().relu_().tolist()).toEqual(Array(8).fill(expected).flat());
      }
      expect(torch.tensor([-3, 0, 4], { dtype: torch.int32 }).relu().tolist()).toEqual([0, 0, 4]);
    });
  });
  test('neg flips the sign of zero in floating types, as PyTorch (-x, not 0 - x)', () => {
    for (const dtype of [torch.float32, torch.float64])
      expect(torch.tensor([0, -0, 2], { dtype }).neg().tolist()).toEqual([-0, 0, -2]);
    expect(torch.tensor([0, 3], { dtype: torch.int32 }).neg().tolist()).toEqual([0, -3]);
    expect(torch.tensor([0, 3], { dtype: torch.uint8 }).neg().tolist()).toEqual([0, 253]);
  });
});

describe('broadcasting', () => {
  test.each(core.broadcasting.filter((c) => c.a).map((c, i) => [i, c] as const))('case %i', (_, c) => {
    const a = fromFixture(c.a as FixtureTensor), b = fromFixture(c.b as FixtureTensor);
    if (c.error) {
      expect(() => a.add(b)).toThrow(c.error);
      return;
    }
    const out = a.add(b);
    expectMatches(out, c.out as FixtureTensor);
    expect(out.stride()).toEqual(c.stride);
  });

  test('outputs keep a transposed input layout, as TensorIterator', () => {
    const layout = core.broadcasting.find((c) => c.layout === 'transposed') as BroadcastCase;
    const t = torch.arange(12, { dtype: torch.float32 }).reshape(3, 4).t();
    expect(t.add(1).stride()).toEqual(layout.stride);
    expect(t.add(t).stride()).toEqual(layout.stride2);
  });
});

describe('errors carry PyTorch messages', () => {
  const e = core.errors;
  const cases: [string, () => unknown][] = [
    ['broadcast', () => torch.ones(2, 3).add(torch.ones(4))],
    ['inplace_cast', () => torch.ones([2], { dtype: torch.int64 }).add_(1.5)],
    ['inplace_broadcast', () => torch.ones(3).add_(torch.ones(2, 3))],
    ['bool_sub', () => torch.tensor([true]).sub(torch.tensor([false]))],
    ['bool_neg', () => torch.tensor([true]).neg()],
    ['bitwise_float', () => torch.ones(2).bitwiseAnd(torch.ones(2))],
    ['item_many', () => torch.ones(3).item()],
    ['int_div_zero', () => torch.floorDivide(torch.tensor([1]), torch.tensor([0]))],
    ['int_requires_grad', () => torch.ones([2], { dtype: torch.int64 }).requiresGrad_()],
    ['negative_dim', () => torch.empty(2, -1)],
    ['alpha_float_int', () => torch.ones([2], { dtype: torch.int64 }).add(torch.ones([2], { dtype: torch.int64 }), { alpha: 0.5 })],
    ['int_negative_pow', () => torch.tensor([2]).pow(-1)],
  ];
  test.each(cases)('%s', (name, fn) => {
    expect(fn).toThrow(torch.TensorError);
    expect(fn).toThrow(e[name]);
  });

  test('a wrong JavaScript type is a TypeError', () => {
    expect(() => torch.add('a' as never, 1)).toThrow(TypeError);
    expect(() => torch.zeros([2, 'x' as never])).toThrow(TypeError);
  });
});
