/**
 * Autograd, part 2, against PyTorch 1.13 (scripts/fixtures/autograd2.py): in-place writes
 * through views (the base's node becomes CopySlices, the view's AsStridedBackward0), the
 * derivatives of cumprod / median / mode, and stack's node.
 */
import * as torch from '../lib';
import { loadFixture } from './helpers/fixtures';
import { FixtureTensor, expectMatches, fromFixture } from './helpers/tensors';

interface Names { name: string | null; next: [string | null, number][] }
interface Selection { x?: FixtureTensor; grad: FixtureTensor; name: string; keepdim?: boolean; indices?: FixtureTensor; value?: number }
interface Fixture {
  views: {
    select_mul: { y: Names; v: Names; value: FixtureTensor; grad: FixtureTensor };
    narrow_add: { grad: FixtureTensor; y: Names };
    column_copy: { gx: FixtureTensor; gz: FixtureTensor; y: Names };
    nested_view_mul: { gx: FixtureTensor; gw: FixtureTensor };
    plain_base: { y: Names; requires_grad: boolean; gz: FixtureTensor };
    fill_zero: { grad: FixtureTensor };
    second_order: { g1: FixtureTensor; g2: FixtureTensor };
    view_after_write: { grad: FixtureTensor; v: Names };
    view_before_base_write: { grad: FixtureTensor; v: Names };
    sibling_view: { requires_grad: boolean; v: Names; gz: FixtureTensor };
    setitem: { gx: FixtureTensor; gz: FixtureTensor; y: Names };
    index_put_accumulate_mask: { gx: FixtureTensor; gv: FixtureTensor; y: Names };
  };
  errors: Record<string, string>;
  selections: Record<string, Selection> & { stack: Names; median_all: Selection & { x: FixtureTensor; value: number } };
}
const fx = loadFixture<Fixture>('autograd2');
const V = fx.views;

function namesOf(t: torch.Tensor): Names {
  const fn = t.gradFn;
  return { name: fn ? fn.name() : null, next: fn ? fn.nextFunctions.map(([n, i]) => [n ? n.name() : null, i]) : [] };
}
const f64 = { dtype: torch.float64 };
const X = () => torch.tensor([[1.0, -2.0, 3.0], [0.5, 4.0, -1.5]], { ...f64, requiresGrad: true });
const vec = (values: number[], requiresGrad = true) => torch.tensor(values, { ...f64, requiresGrad });
const grad = (t: torch.Tensor) => t.grad as torch.Tensor;

describe('in-place writes through views (CopySlices)', () => {
  test('y = x * 1; y[0].mul_(2): the graph and the gradient', () => {
    const x = X();
    const y = x.mul(1);
    const v = y.select(0, 0);
    v.mul_(2);
    expect(namesOf(y)).toEqual(V.select_mul.y);
    expect(namesOf(v)).toEqual(V.select_mul.v);
    expectMatches(y.detach(), V.select_mul.value);
    y.mul(y).sum().backward();
    expectMatches(grad(x), V.select_mul.grad);
  });

  test('y.narrow(0, 0, 1).add_(1)', () => {
    const x = X();
    const y = x.mul(x);
    y.narrow(0, 0, 1).add_(1);
    expect(namesOf(y)).toEqual(V.narrow_add.y);
    y.sum().backward();
    expectMatches(grad(x), V.narrow_add.grad);
  });

  test('y[:, 1].copy_(z): the column gets z, z gets its gradient', () => {
    const x = X(), z = vec([7, -8]);
    const y = x.mul(1);
    y.select(1, 1).copy_(z);
    expect(namesOf(y)).toEqual(V.column_copy.y);
    y.mul(y).sum().backward();
    expectMatches(grad(x), V.column_copy.gx);
    expectMatches(grad(z), V.column_copy.gz);
  });

  test('a view of a view, written with a tensor that needs grad', () => {
    const x = X(), w = vec([2, -1]);
    const y = x.sin();
    y.t().narrow(0, 1, 1).mul_(w);
    y.mul(torch.arange(6, f64).reshape(2, 3)).sum().backward();
    expectMatches(grad(x), V.nested_view_mul.gx);
    expectMatches(grad(w), V.nested_view_mul.gw);
  });

  test('a base that needs no grad starts needing it', () => {
    const z = vec([1.5, -2.5, 0.5]);
    const y = torch.zeros([2, 3], f64);
    y.select(0, 1).copy_(z.mul(2));
    expect(namesOf(y)).toEqual(V.plain_base.y);
    expect(y.requiresGrad).toBe(V.plain_base.requires_grad);
    y.mul(torch.tensor([[1, 2, 3], [4, 5, 6]], f64)).sum().backward();
    expectMatches(grad(z), V.plain_base.gz);
  });

  test('fill_ and zero_ through views cut the gradient of the overwritten region', () => {
    const x = X();
    const y = x.mul(3);
    y.select(1, 0).fill_(5);
    y.select(0, 1).narrow(0, 2, 1).zero_();
    y.mul(y).sum().backward();
    expectMatches(grad(x), V.fill_zero.grad);
  });

  test('second order through a write on a view', () => {
    const x = X();
    const y = x.mul(x);
    y.select(0, 1).mul_(x.select(0, 0));
    const [g1] = torch.autograd.grad(y.sum(), x, null, { createGraph: true });
    expectMatches((g1 as torch.Tensor).detach(), V.second_order.g1);
    const [g2] = torch.autograd.grad((g1 as torch.Tensor).pow(2).sum(), x);
    expectMatches(g2 as torch.Tensor, V.second_order.g2);
  });

  test('the written view keeps working (its node regenerated over the base)', () => {
    const x = X();
    const v = x.mul(2).select(0, 1);
    v.add_(x.select(0, 0));
    expect(namesOf(v)).toEqual(V.view_after_write.v);
    v.mul(v).sum().backward();
    expectMatches(grad(x), V.view_after_write.grad);
  });

  test('a view made before its base was written follows the base (regenerated AsStridedBackward0)', () => {
    const x = X();
    const y = x.mul(1);
    const v = y.narrow(1, 0, 2);
    y.mul_(x);
    v.mul(v).sum().backward();
    expectMatches(grad(x), V.view_before_base_write.grad);
    expect(namesOf(v)).toEqual(V.view_before_base_write.v);
  });

  test('a sibling view of a base that starts needing grad needs it too', () => {
    const z = vec([5, -1, 2]);
    const y = torch.zeros([2, 3], f64);
    const v = y.select(0, 0);
    y.select(0, 1).copy_(z);
    expect(v.requiresGrad).toBe(V.sibling_view.requires_grad);
    expect(namesOf(v)).toEqual(V.sibling_view.v);
    y.mul(2).sum().backward();
    expectMatches(grad(z), V.sibling_view.gz);
  });

  test('asStrided is differentiable (AsStridedBackward0), also of a view and at second order', () => {
    const a = torch.rand([3, 3], f64).requiresGrad_();
    expect(a.asStrided([2, 2], [1, 2]).gradFn?.name()).toBe('AsStridedBackward0');
    expect(torch.autograd.gradcheck((t: torch.Tensor) => t.asStrided([2, 2], [1, 2]), [a])).toBe(true);
    expect(torch.autograd.gradcheck((t: torch.Tensor) => t.t().narrow(0, 1, 2).asStrided([2, 3], [1, 3], 1), [a])).toBe(true);
    expect(torch.autograd.gradgradcheck((t: torch.Tensor) => t.asStrided([2, 2], [3, 1], 4).mul(t.asStrided([2, 2], [1, 3])), [a])).toBe(true);
  });

  test('unfold (overlapping windows) is differentiable, UnfoldBackward0', () => {
    const a = torch.rand([5, 3], f64).requiresGrad_();
    expect(a.unfold(0, 2, 1).gradFn?.name()).toBe('UnfoldBackward0');
    expect(torch.autograd.gradcheck((t: torch.Tensor) => t.unfold(0, 3, 1), [a])).toBe(true);
    expect(torch.autograd.gradcheck((t: torch.Tensor) => t.unfold(1, 2, 2), [a])).toBe(true);
    expect(torch.autograd.gradgradcheck((t: torch.Tensor) => t.unfold(0, 2, 1).pow(2), [a])).toBe(true);
    const s = torch.tensor(2.5, { ...f64, requiresGrad: true });
    expect(torch.autograd.gradcheck((t: torch.Tensor) => t.unfold(0, 1, 1), [s])).toBe(true);
  });

  test('setitem (indexPut_) with basic slices and index tensors', () => {
    const x = X(), z = vec([7, -8]);
    const y = x.mul(2);
    y.indexPut_([':', 1], z);
    y.indexPut_([[0, 1], [2, 0]], z.mul(3));
    expect(namesOf(y)).toEqual(V.setitem.y);
    y.mul(y).sum().backward();
    expectMatches(grad(x), V.setitem.gx);
    expectMatches(grad(z), V.setitem.gz);
  });

  test('indexPut_ accumulating, and a masked fill, in the graph', () => {
    const x = X();
    const v = torch.tensor([[1], [2]], { ...f64, requiresGrad: true });
    const y = x.sin();
    y.indexPut_([torch.tensor([0, 0, 1])], v.index([0, 1, 1]).mul(1), true);
    y.indexPut_([y.gt(0.5)], 0.25);
    expect(namesOf(y)).toEqual(V.index_put_accumulate_mask.y);
    y.mul(torch.arange(6, f64).reshape(2, 3)).sum().backward();
    expectMatches(grad(x), V.index_put_accumulate_mask.gx);
    expectMatches(grad(v), V.index_put_accumulate_mask.gv);
    const a = torch.rand([3, 2], f64).requiresGrad_(), b = torch.rand([2], f64).requiresGrad_();
    expect(torch.autograd.gradcheck((p: torch.Tensor, q: torch.Tensor) => p.mul(1).indexPut_([torch.tensor([0, 2])], q), [a, b])).toBe(true);
    expect(torch.autograd.gradgradcheck((p: torch.Tensor, q: torch.Tensor) => p.mul(p).indexPut_([torch.tensor([2, 0, 2])], q.mul(q), true), [a, b])).toBe(true);
  });

  test('gradcheck and gradgradcheck through CopySlices', () => {
    const fn = (a: torch.Tensor, b: torch.Tensor) => {
      const y = a.mul(1.5);
      y.narrow(1, 1, 2).mul_(b);
      y.select(0, 0).copy_(b.select(1, 1).mul(2));
      return y.sin();
    };
    const a = torch.rand([3, 3], f64).requiresGrad_();
    const b = torch.rand([3, 2], f64).requiresGrad_();
    expect(torch.autograd.gradcheck(fn, [a, b])).toBe(true);
    expect(torch.autograd.gradgradcheck(fn, [a, b])).toBe(true);
  });

  test("PyTorch's errors: saved views and bases modified, views made in noGrad, views of leaves", () => {
    const E = fx.errors;
    expect(() => {
      const y = X().mul(1);
      const v = y.select(0, 0);
      const p = v.mul(v);
      v.mul_(2);
      p.sum().backward();
    }).toThrow(E.saved_view_modified);
    expect(() => {
      const y = X().mul(1);
      const p = y.mul(y);
      y.select(0, 0).mul_(2);
      p.sum().backward();
    }).toThrow(E.saved_base_modified);
    expect(() => {
      const y = X().exp();
      y.t().narrow(0, 1, 1).mul_(2);
      y.sum().backward();
    }).toThrow(E.saved_result_written_through_view);
    expect(() => {
      const y = X().mul(1);
      const v = torch.noGrad(() => y.select(0, 0));
      v.mul_(2);
    }).toThrow(E.view_made_in_no_grad);
    expect(() => X().select(0, 0).mul_(2)).toThrow(E.view_of_leaf);
  });

  test('in noGrad, writes through views record nothing', () => {
    const y = X().mul(1);
    const before = y.gradFn;
    torch.noGrad(() => y.select(0, 0).mul_(2));
    expect(y.gradFn).toBe(before);
  });
});

describe('derivatives of cumprod, median, mode; stack', () => {
  const S = fx.selections;
  const weights = torch.tensor([[0.5, -1.0, 2.0, 1.5], [3.0, 0.25, -0.5, 1.0]], f64);

  test.each(['no_zero', 'one_zero', 'two_zeros'].flatMap((label) => [0, 1].map((dim) => [label, dim] as const)))(
    'cumprod (%s) along dim %d',
    (label, dim) => {
      const c = S[`cumprod_${label}_${dim}`];
      const x = fromFixture(c.x as FixtureTensor).requiresGrad_();
      const y = x.cumprod(dim);
      expect(y.gradFn?.name()).toBe(c.name);
      y.mul(weights).sum().backward();
      expectMatches(grad(x), c.grad);
    },
  );

  test('cumprod passes gradcheck and gradgradcheck, with and without zeros', () => {
    const noZero = torch.rand([3, 4], f64).add(0.5).requiresGrad_();
    expect(torch.autograd.gradcheck((t: torch.Tensor) => t.cumprod(1), [noZero])).toBe(true);
    expect(torch.autograd.gradgradcheck((t: torch.Tensor) => t.cumprod(0), [noZero])).toBe(true);
    const withZero = torch.tensor([[0.5, 0, 1.5, 2], [0, 1.25, 0, 0.75]], { ...f64, requiresGrad: true });
    expect(torch.autograd.gradcheck((t: torch.Tensor) => t.cumprod(1), [withZero])).toBe(true);
    expect(torch.autograd.gradcheck((t: torch.Tensor) => t.cumprod(0), [withZero])).toBe(true);
  });

  test('median() shares the gradient among the elements equal to it', () => {
    const c = S.median_all;
    const x = fromFixture(c.x).requiresGrad_();
    const m = x.median();
    expect(m.item()).toBe(c.value);
    expect(m.gradFn?.name()).toBe(c.name);
    m.mul(3).backward();
    expectMatches(grad(x), c.grad);
  });

  test.each([
    ['median', 0], ['median', 1], ['mode', 0], ['mode', 1],
  ] as const)('%s(dim %d): the gradient goes to the returned index', (op, dim) => {
    const c = S[`${op}_dim${dim}`];
    const x = fromFixture(S.median_all.x).requiresGrad_();
    const [values, indices] = x[op](dim, c.keepdim);
    expect(values.gradFn?.name()).toBe(c.name);
    expectMatches(indices, c.indices as FixtureTensor);
    values.mul(torch.arange(1, values.numel() + 1, f64).reshape([...values.shape])).sum().backward();
    expectMatches(grad(x), c.grad);
  });

  test('median and mode pass gradcheck (distinct values)', () => {
    const x = torch.randperm(12).to(torch.float64).div(7).reshape(3, 4).requiresGrad_();
    expect(torch.autograd.gradcheck((t: torch.Tensor) => t.median(), [x])).toBe(true);
    expect(torch.autograd.gradcheck((t: torch.Tensor) => t.median(1)[0], [x])).toBe(true);
    expect(torch.autograd.gradcheck((t: torch.Tensor) => t.mode(0, true)[0], [x])).toBe(true);
    expect(torch.autograd.gradgradcheck((t: torch.Tensor) => t.median(0)[0], [x])).toBe(true);
  });

  test('stack records StackBackward0 and passes gradcheck', () => {
    const a = vec([1, 2]), b = vec([3, 4]);
    expect(namesOf(torch.stack([a, b], 1))).toEqual(S.stack);
    expect(torch.autograd.gradcheck((p: torch.Tensor, q: torch.Tensor) => torch.stack([p, q.mul(2)], 1), [a, b])).toBe(true);
    expect(torch.autograd.gradgradcheck((p: torch.Tensor, q: torch.Tensor) => torch.stack([p.mul(p), q], 0), [a, b])).toBe(true);
  });
});
