/** Autograd against PyTorch 1.13: node names, gradients, modes, in-place safety, errors. */
import * as torch from '../lib';
import { loadFixture } from './helpers/fixtures';
import { FixtureTensor, expectMatches, fromFixture } from './helpers/tensors';

interface Names { name: string | null; next: [string | null, number][] }
interface Autograd {
  course: { x: FixtureTensor; grad: FixtureTensor; y: number; names: Names };
  mixed: { x: FixtureTensor; w: FixtureTensor; z: number; gx: FixtureTensor; gw: FixtureTensor };
  view_names: Names[];
  second_order: { g1: FixtureTensor; g2: FixtureTensor };
  maximum_ties: FixtureTensor;
  nondiff_points: FixtureTensor;
  sqrt_at_zero: FixtureTensor;
  inplace_rebase: { grad: FixtureTensor; name: Names };
  errors: Record<string, string>;
}
const fx = loadFixture<Autograd>('autograd');

function namesOf(t: torch.Tensor): Names {
  const fn = t.gradFn;
  return { name: fn ? fn.name() : null, next: fn ? fn.nextFunctions.map(([n, i]) => [n ? n.name() : null, i]) : [] };
}
const leaf = (f: FixtureTensor) => fromFixture(f).requiresGrad_();

describe('gradients match PyTorch', () => {
  test("the course's y = (x+3)(x+4)/2 summed", () => {
    const x = leaf(fx.course.x);
    const y = x.add(3).mul(x.add(4)).mul(0.5).sum();
    expect(y.item()).toBeCloseTo(fx.course.y, 4);
    expect(namesOf(y)).toEqual(fx.course.names);
    y.backward();
    expectMatches(x.grad as torch.Tensor, fx.course.grad);
  });

  test('a mixed program with broadcasting', () => {
    const x = leaf(fx.mixed.x), w = leaf(fx.mixed.w);
    const z = x.mul(w).relu().exp().mean()
      .add(x.div(w.add(3)).tanh().sum())
      .sub(x.sigmoid().pow(2).sum())
      .add(w.pow(3).sum());
    expect(z.item()).toBeCloseTo(fx.mixed.z, 4);
    z.backward();
    expectMatches(x.grad as torch.Tensor, fx.mixed.gx, 1e-5);
    expectMatches(w.grad as torch.Tensor, fx.mixed.gw, 1e-5);
  });

  test('view ops carry PyTorch node names', () => {
    const a = torch.tensor([1, 2, 3], { dtype: torch.float32, requiresGrad: true });
    const b = a.mul(2);
    const c = b.view(3, 1).expand(3, 2).t().reshape(6);
    expect(namesOf(b)).toEqual(fx.view_names[0]);
    expect(namesOf(c)).toEqual(fx.view_names[1]);
  });

  test('second order with createGraph', () => {
    const a = torch.tensor([1, 2, 3], { dtype: torch.float32, requiresGrad: true });
    const [g1] = torch.autograd.grad(a.mul(a).sum(), a, null, { createGraph: true }) as torch.Tensor[];
    expectMatches(g1.detach(), fx.second_order.g1);
    const [g2] = torch.autograd.grad(g1.sum(), a) as torch.Tensor[];
    expectMatches(g2, fx.second_order.g2);
  });

  test('non-differentiable points follow PyTorch', () => {
    const m = torch.tensor([1, 5, 5, 2], { dtype: torch.float32, requiresGrad: true });
    torch.maximum(m, torch.tensor([3, 5, 1, 2], { dtype: torch.float32 })).sum().backward();
    expectMatches(m.grad as torch.Tensor, fx.maximum_ties);
    const r = torch.tensor([-1, 0, 2], { dtype: torch.float32, requiresGrad: true });
    r.relu().sum().add(r.abs().sum()).add(r.clamp(0, 2).sum()).backward();
    expectMatches(r.grad as torch.Tensor, fx.nondiff_points);
    const s = torch.tensor([0, 4], { dtype: torch.float32, requiresGrad: true });
    s.sqrt().sum().backward();
    expectMatches(s.grad as torch.Tensor, fx.sqrt_at_zero);
  });

  test('in-place ops on non-leaves rebase the graph', () => {
    const p = torch.tensor([1, 2], { dtype: torch.float32, requiresGrad: true });
    const q = p.mul(2);
    q.add_(1);
    q.mul_(p);
    expect(namesOf(q)).toEqual(fx.inplace_rebase.name);
    q.sum().backward();
    expectMatches(p.grad as torch.Tensor, fx.inplace_rebase.grad);
  });

  test('gradients accumulate until zeroed; retainGraph allows a second backward', () => {
    const x = torch.tensor([1, 2], { dtype: torch.float32, requiresGrad: true });
    const y = x.mul(x).sum();
    y.backward({ retainGraph: true });
    y.backward();
    expect((x.grad as torch.Tensor).tolist()).toEqual([4, 8]);
  });

  test('retainGrad and hooks', () => {
    const x = torch.tensor([1, 2], { dtype: torch.float32, requiresGrad: true });
    const h = x.mul(3);
    h.retainGrad();
    const seen: number[][] = [];
    h.registerHook((g) => { seen.push(g.tolist() as number[]); return g.mul(2); });
    h.sum().backward();
    expect(seen).toEqual([[1, 1]]);
    expect((h.grad as torch.Tensor).tolist()).toEqual([1, 1]);
    expect((x.grad as torch.Tensor).tolist()).toEqual([6, 6]);
    expect(x.isLeaf).toBe(true);
    expect(h.isLeaf).toBe(false);
    expect(x.gradFn).toBeNull();
  });

  test('backward with a gradient for non-scalar outputs, and with inputs=', () => {
    const x = torch.tensor([1, 2], { dtype: torch.float32, requiresGrad: true });
    const w = torch.tensor([3, 4], { dtype: torch.float32, requiresGrad: true });
    x.mul(w).backward(torch.tensor([1, 10], { dtype: torch.float32 }), { inputs: [x] });
    expect((x.grad as torch.Tensor).tolist()).toEqual([3, 40]);
    expect(w.grad).toBeNull();
  });
});

describe('grad modes', () => {
  test('noGrad, enableGrad, setGradEnabled: callback and using forms, nested, exception-safe', () => {
    const x = torch.ones(2, { requiresGrad: true });
    expect(torch.noGrad(() => x.mul(2)).requiresGrad).toBe(false);
    expect(torch.noGrad(() => torch.enableGrad(() => x.mul(2))).requiresGrad).toBe(true);
    expect(() => torch.noGrad(() => { throw new Error('boom'); })).toThrow('boom');
    expect(torch.isGradEnabled()).toBe(true);
    {
      using _guard = torch.noGrad();
      expect(torch.isGradEnabled()).toBe(false);
      expect(x.mul(2).requiresGrad).toBe(false);
    }
    expect(torch.isGradEnabled()).toBe(true);
    torch.setGradEnabled(false);
    expect(x.add(1).gradFn).toBeNull();
    torch.setGradEnabled(true);
  });

  test('inference mode: flags tensors, refuses them later in autograd and in-place', () => {
    const t = torch.inferenceMode(() => torch.ones(2));
    expect(t.isInference()).toBe(true);
    expect(torch.isInferenceModeEnabled()).toBe(false);
    const u = torch.ones(2, { requiresGrad: true });
    expect(() => u.mul(t)).toThrow('Inference tensors cannot be saved for backward');
    expect(() => t.add_(1)).toThrow(fx.errors.inference_inplace);
  });
});

describe('autograd errors carry PyTorch messages', () => {
  const e = fx.errors;
  test.each([
    ['modified_output', () => { const u = torch.tensor([1, 2], { dtype: torch.float32, requiresGrad: true }); const v = u.sigmoid(); v.mul_(2); v.sum().backward(); }],
    ['modified_input', () => { const u = torch.tensor([1, 2], { dtype: torch.float32, requiresGrad: true }); const t = u.mul(1); const v = t.mul(t); t.add_(1); v.sum().backward(); }],
    ['second_backward', () => { const u = torch.tensor([1], { dtype: torch.float32, requiresGrad: true }); const v = u.mul(u).sum(); v.backward(); v.backward(); }],
    ['leaf_inplace', () => torch.tensor([1], { dtype: torch.float32, requiresGrad: true }).add_(1)],
    ['non_scalar', () => torch.tensor([1, 2], { dtype: torch.float32, requiresGrad: true }).mul(2).backward()],
    ['no_grad', () => torch.tensor([1], { dtype: torch.float32 }).sum().backward()],
  ] as [string, () => void][])('%s', (name, fn) => {
    expect(fn).toThrow(torch.TensorError);
    expect(fn).toThrow(e[name]);
  });
});

describe('gradcheck in float64', () => {
  const d = (shape: number[], lo = -2, hi = 2) => torch.rand(shape, { dtype: torch.float64 }).mul(hi - lo).add(lo).requiresGrad_();
  const unary: [string, (x: torch.Tensor) => torch.Tensor, number?][] = [
    ['neg', (x) => x.neg()], ['abs', (x) => x.abs()], ['sqrt', (x) => x.abs().add(0.5).sqrt()],
    ['rsqrt', (x) => x.abs().add(0.5).rsqrt()], ['exp', (x) => x.exp()], ['expm1', (x) => x.expm1()],
    ['log', (x) => x.abs().add(0.5).log()], ['log1p', (x) => x.abs().log1p()], ['log2', (x) => x.abs().add(0.5).log2()],
    ['sin', (x) => x.sin()], ['cos', (x) => x.cos()], ['tan', (x) => x.mul(0.5).tan()], ['tanh', (x) => x.tanh()],
    ['sigmoid', (x) => x.sigmoid()], ['relu', (x) => x.relu()], ['reciprocal', (x) => x.abs().add(0.5).reciprocal()],
    ['square', (x) => x.square()], ['silu', (x) => x.silu()], ['softplus', (x) => torch.softplus(x, { beta: 2 })],
    ['leakyRelu', (x) => torch.leakyRelu(x, 0.2)], ['clamp', (x) => x.clamp(-0.5, 0.5)], ['floor', (x) => x.floor()],
    ['view ops', (x) => x.t().reshape(-1).unsqueeze(0).expand(2, 6).narrow(1, 1, 3).select(0, 1)],
    ['transpose/permute/diagonal', (x) => x.transpose(0, 1).permute(1, 0).diagonal()],
  ];
  test.each(unary)('%s', (_, fn) => {
    expect(torch.autograd.gradcheck(fn, [d([2, 3])])).toBe(true);
  });
  const binary: [string, (a: torch.Tensor, b: torch.Tensor) => torch.Tensor][] = [
    ['add alpha', (a, b) => a.add(b, { alpha: 2 })], ['sub', (a, b) => a.sub(b)], ['mul', (a, b) => a.mul(b)],
    ['div', (a, b) => a.div(b.abs().add(0.5))], ['pow', (a, b) => a.abs().add(0.5).pow(b)], ['maximum', (a, b) => torch.maximum(a, b)],
    ['minimum', (a, b) => torch.minimum(a, b)], ['atan2', (a, b) => torch.atan2(a, b)], ['where', (a, b) => torch.where(a.gt(b), a, b.mul(2))],
    ['remainder', (a, b) => a.remainder(b.abs().add(0.5))],
  ];
  test.each(binary)('%s (broadcast)', (_, fn) => {
    expect(torch.autograd.gradcheck(fn, [d([2, 3]), d([3])])).toBe(true);
  });
  test('gradgradcheck of a composite', () => {
    expect(torch.autograd.gradgradcheck((a, b) => a.mul(b).tanh().mul(a), [d([2, 2]), d([2, 2])])).toBe(true);
  });
  test('a wrong derivative is caught', () => {
    const bad = (x: torch.Tensor) => torch.noGrad(() => x.mul(2)).add(x);
    expect(torch.autograd.gradcheck(bad, [d([3])], { raiseException: false })).toBe(false);
  });
});

describe('reductions are differentiable', () => {
  const d = (shape: number[]) => torch.rand(shape, { dtype: torch.float64 }).mul(4).sub(2).requiresGrad_();
  const cases: [string, (x: torch.Tensor) => torch.Tensor][] = [
    ['sum', (x) => x.sum()], ['sum dim', (x) => x.sum(1)], ['sum dims keepdim', (x) => x.sum([0, 1], true)],
    ['mean', (x) => x.mean(0)], ['prod', (x) => x.abs().add(0.5).prod(1)], ['amax', (x) => x.amax(1)],
    ['max()', (x) => x.max()], ['min(dim) values', (x) => torch.min(x, 1).values], ['logsumexp', (x) => x.logsumexp(1)],
    ['norm', (x) => x.norm()], ['norm p=3 dim', (x) => x.norm(3, 1)], ['var', (x) => x.var(1)], ['std', (x) => x.std()],
    ['softmax', (x) => x.softmax(1)], ['logSoftmax', (x) => x.logSoftmax(0)], ['cumsum', (x) => x.cumsum(1)],
    ['matmul', (x) => x.matmul(x.t())], ['mm + addmm', (x) => torch.addmm(x.select(1, 0), x, x.t(), { beta: 0.5, alpha: 2 })],
    ['batched matmul', (x) => x.reshape(2, 1, 3).matmul(x.t().reshape(1, 3, 2))], ['mv', (x) => torch.mv(x, x.select(0, 0))],
    ['cat', (x) => torch.cat([x, x.mul(2)], 1)], ['advanced index', (x) => x.index(torch.tensor([1, 0, 1]))],
  ];
  test.each(cases)('%s', (_, fn) => {
    expect(torch.autograd.gradcheck(fn, [d([2, 3])])).toBe(true);
  });
});
