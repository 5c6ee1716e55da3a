/**
 * The op catalogue (issue 3): every name of API.md §2/§3 exists wherever PyTorch 1.13 has
 * it (torch.fn, method, in place, torch.nn.functional; list in helpers/api-names.ts, the
 * same one scripts/op-table.js turns into docs/ops.md), and every registry op with an
 * autograd node passes gradcheck somewhere: in the table below (run here, float64), or in
 * a gradcheck call of another suite that names the op (found by scanning test/*.test.ts).
 * Every registry op must also be named by a PyTorch fixture generator (scripts/fixtures).
 * A failure lists the missing names, so nothing can be added without its check.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as torch from '../lib';
import { API_NAMES, SECTIONS, statusOf, spelling } from './helpers/api-names';
import { expectMatches, fromFixture } from './helpers/tensors';

const F = torch.nn.functional;
type T = torch.Tensor;

describe('every §2/§3 name exists where PyTorch has it', () => {
  const groups = [...new Set(API_NAMES.map((e) => e.group))];
  test.each(groups.map((g) => [SECTIONS[g], g] as const))('%s', (_, group) => {
    const missing = API_NAMES.filter((e) => e.group === group)
      .map((e) => statusOf(torch, e))
      .flatMap((s) => s.missing.map((v) => spelling(v, s.entry.name)));
    expect(missing).toEqual([]);
  });
});

// ---- gradcheck table -------------------------------------------------------------------

const x = (...shape: number[]): T => torch.randn(shape, { dtype: torch.float64, requiresGrad: true });
/** Values in [0.5, 1.5): inside the domain of sqrt, log, reciprocal and away from 0. */
const pos = (...shape: number[]): T => torch.rand(shape, { dtype: torch.float64 }).add(0.5).requiresGrad_();
/** Distinct, well separated values (max/min/sort/median/mode pick one element). */
const distinct = (...shape: number[]): T => {
  const n = shape.reduce((a, b) => a * b, 1);
  return torch.randperm(n).to(torch.float64).mul(0.37).reshape(shape).requiresGrad_();
};
const idx = (values: number[]): T => torch.tensor(values);
const first = (r: T | T[] | { values: T }): T => (Array.isArray(r) ? r[0] : r instanceof torch.Tensor ? r : r.values);

type Check = [(...xs: T[]) => T, () => T[]];
/** One small gradcheck per differentiable op, keyed by registry name. */
const GRADCHECKS: Record<string, Check> = {
  // views
  view: [(a) => a.view(6), () => [x(2, 3)]],
  reshape: [(a) => a.transpose(0, 1).reshape(6), () => [x(2, 3)]],
  squeeze: [(a) => a.squeeze(1), () => [x(2, 1, 3)]],
  unsqueeze: [(a) => a.unsqueeze(0), () => [x(2, 3)]],
  transpose: [(a) => a.transpose(0, 2), () => [x(2, 3, 2)]],
  t: [(a) => a.t(), () => [x(2, 3)]],
  permute: [(a) => a.permute(2, 0, 1), () => [x(2, 3, 2)]],
  expand: [(a) => a.expand(3, 4), () => [x(3, 1)]],
  select: [(a) => a.select(1, 2), () => [x(2, 3)]],
  unfold: [(a) => a.unfold(0, 2, 1), () => [x(5)]],
  diagonal: [(a) => a.diagonal(1), () => [x(3, 4)]],
  asStrided: [(a) => a.asStrided([2, 2], [1, 2]), () => [x(3, 3)]],
  // joining
  cat: [(a, b) => torch.cat([a, b], 1), () => [x(2, 2), x(2, 3)]],
  stack: [(a, b) => torch.stack([a, b], 1), () => [x(2, 3), x(2, 3)]],
  // reductions
  sum: [(a) => a.sum(1), () => [x(2, 3)]],
  mean: [(a) => a.mean([0, 2]), () => [x(2, 3, 2)]],
  prod: [(a) => a.prod(1), () => [pos(2, 3)]],
  amax: [(a) => a.amax(1), () => [distinct(2, 3)]],
  amin: [(a) => a.amin(1), () => [distinct(2, 3)]],
  norm: [(a) => a.norm(), () => [x(2, 3)]],
  var: [(a) => a.var(1), () => [x(2, 3)]],
  std: [(a) => a.std(1), () => [x(2, 3)]],
  logsumexp: [(a) => a.logsumexp(1), () => [x(2, 3)]],
  max: [(a) => a.max(), () => [distinct(2, 3)]],
  min: [(a) => first(torch.min(a, 1)), () => [distinct(2, 3)]],
  median: [(a) => a.median(), () => [distinct(5)]],
  mode: [(a) => first(torch.mode(a, 1)), () => [distinct(2, 3)]],
  cumsum: [(a) => a.cumsum(1), () => [x(2, 3)]],
  cumprod: [(a) => a.cumprod(1), () => [pos(2, 3)]],
  softmax: [(a) => a.softmax(1), () => [x(2, 3)]],
  logSoftmax: [(a) => a.logSoftmax(1), () => [x(2, 3)]],
  // elementwise, binary (broadcast operands)
  add: [(a, b) => torch.add(a, b, { alpha: 2 }), () => [x(2, 3), x(3)]],
  sub: [(a, b) => torch.sub(a, b, { alpha: 0.5 }), () => [x(2, 3), x(3)]],
  mul: [(a, b) => torch.mul(a, b), () => [x(2, 3), x(2, 1)]],
  div: [(a, b) => torch.div(a, b), () => [x(2, 3), pos(3)]],
  pow: [(a, b) => torch.pow(a, b), () => [pos(2, 3), x(3)]],
  remainder: [(a) => torch.remainder(a, 1.7), () => [pos(2, 3)]],
  fmod: [(a) => torch.fmod(a, 1.7), () => [pos(2, 3)]],
  maximum: [(a, b) => torch.maximum(a, b), () => [distinct(2, 3), x(2, 3)]],
  minimum: [(a, b) => torch.minimum(a, b), () => [distinct(2, 3), x(2, 3)]],
  atan2: [(a, b) => torch.atan2(a, b), () => [x(2, 3), pos(3)]],
  where: [(a, b) => torch.where(torch.tensor([true, false, true]), a, b), () => [x(2, 3), x(3)]],
  lerp: [(a, b, w) => torch.lerp(a, b, w), () => [x(2, 3), x(3), x(2, 1)]],
  addcmul: [(a, b, c) => torch.addcmul(a, b, c, { value: 0.5 }), () => [x(3), x(2, 3), x(2, 1)]],
  addcdiv: [(a, b, c) => torch.addcdiv(a, b, c, { value: 2 }), () => [x(3), x(2, 3), pos(2, 1)]],
  // elementwise, unary
  neg: [(a) => a.neg(), () => [x(2, 3)]],
  abs: [(a) => a.abs(), () => [pos(2, 3)]],
  sign: [(a) => a.sign(), () => [pos(2, 3)]],
  sqrt: [(a) => a.sqrt(), () => [pos(2, 3)]],
  rsqrt: [(a) => a.rsqrt(), () => [pos(2, 3)]],
  exp: [(a) => a.exp(), () => [x(2, 3)]],
  expm1: [(a) => a.expm1(), () => [x(2, 3)]],
  log: [(a) => a.log(), () => [pos(2, 3)]],
  log1p: [(a) => a.log1p(), () => [pos(2, 3)]],
  log2: [(a) => a.log2(), () => [pos(2, 3)]],
  sin: [(a) => a.sin(), () => [x(2, 3)]],
  cos: [(a) => a.cos(), () => [x(2, 3)]],
  tan: [(a) => a.tan(), () => [x(2, 3).mul(0.3).detach().requiresGrad_()]],
  tanh: [(a) => a.tanh(), () => [x(2, 3)]],
  sigmoid: [(a) => a.sigmoid(), () => [x(2, 3)]],
  relu: [(a) => a.relu(), () => [pos(2, 3)]],
  floor: [(a) => a.floor(), () => [pos(2, 3)]],
  ceil: [(a) => a.ceil(), () => [pos(2, 3)]],
  trunc: [(a) => a.trunc(), () => [pos(2, 3)]],
  round: [(a) => a.round(), () => [pos(2, 3)]],
  reciprocal: [(a) => a.reciprocal(), () => [pos(2, 3)]],
  square: [(a) => a.square(), () => [x(2, 3)]],
  silu: [(a) => torch.silu(a), () => [x(2, 3)]],
  gelu: [(a) => F.gelu(a), () => [x(2, 3)]],
  softplus: [(a) => torch.softplus(a, { beta: 2 }), () => [x(2, 3)]],
  clamp: [(a) => a.clamp(-0.5, 0.5), () => [x(2, 3)]],
  // linear algebra
  mm: [(a, b) => torch.mm(a, b), () => [x(2, 3), x(3, 2)]],
  bmm: [(a, b) => torch.bmm(a, b), () => [x(2, 2, 3), x(2, 3, 2)]],
  mv: [(a, b) => torch.mv(a, b), () => [x(2, 3), x(3)]],
  dot: [(a, b) => torch.dot(a, b), () => [x(3), x(3)]],
  outer: [(a, b) => torch.outer(a, b), () => [x(3), x(2)]],
  addmm: [(c, a, b) => torch.addmm(c, a, b, { beta: 0.5, alpha: 2 }), () => [x(2, 2), x(2, 3), x(3, 2)]],
  baddbmm: [(c, a, b) => torch.baddbmm(c, a, b, { beta: 0.5, alpha: 2 }), () => [x(2, 2, 2), x(2, 2, 3), x(2, 3, 2)]],
  // indexing and selection
  index: [(a) => a.index(idx([0, 2, 2])), () => [x(3, 2)]],
  indexPut: [(a, v) => a.clone().indexPut_([idx([0, 2])], v), () => [x(3, 2), x(2)]],
};

const gradchecked = (name: string): Check | undefined => GRADCHECKS[name];

const differentiable = [...torch.registry.values()].filter((e) => e.backwardName).map((e) => e.name);

describe('gradcheck of every differentiable op', () => {
  const here = Object.keys(GRADCHECKS).filter((n) => torch.registry.has(n));
  test.each(here)('%s', (name) => {
    const [fn, inputs] = gradchecked(name) as Check;
    expect(torch.autograd.gradcheck(fn, inputs())).toBe(true);
  });

  test('every registry op with an autograd node is gradchecked (here or in its own suite)', () => {
    const elsewhere = scanGradchecks(differentiable.filter((n) => !(n in GRADCHECKS)));
    const uncovered = differentiable.filter((n) => !(n in GRADCHECKS) && !elsewhere.has(n));
    expect(uncovered).toEqual([]);
  });
});

/**
 * Ops that a gradcheck / gradgradcheck / toPassGradcheck call in another suite names
 * (as torch.op(, F.op(, .op( or .op_() in the call's describe block. A heuristic, but it
 * only ever reads the other suites: the checks themselves run there.
 */
function scanGradchecks(names: string[]): Set<string> {
  const found = new Set<string>();
  const dir = __dirname;
  for (const file of fs.readdirSync(dir)) {
    if (!file.endsWith('.test.ts') || file === path.basename(__filename)) continue;
    const text = fs.readFileSync(path.join(dir, file), 'utf8');
    const calls = /gradcheck\(|gradgradcheck\(|toPassGradcheck\(/gi;
    let m: RegExpExecArray | null;
    while ((m = calls.exec(text)) !== null) {
      // From the enclosing describe( (table-driven suites list their cases there) to just
      // past the call.
      const describeAt = text.lastIndexOf('describe(', m.index);
      const window = text.slice(describeAt >= 0 ? describeAt : Math.max(0, m.index - 300), m.index + 800);
      for (const n of names) if (new RegExp(`(^|[^\\w])(torch\\.|F\\.|functional\\.|\\.)?${n}_?\\(`).test(window)) found.add(n);
    }
  }
  return found;
}

describe('every registry op has PyTorch fixtures', () => {
  test('each op (or an alias) is named, in PyTorch spelling, by a fixture generator in scripts/fixtures', () => {
    const dir = path.join(__dirname, '..', 'scripts', 'fixtures');
    const text = fs.readdirSync(dir).filter((f) => f.endsWith('.py')).map((f) => fs.readFileSync(path.join(dir, f), 'utf8')).join('\n');
    const snake = (n: string) => n.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
    const unreferenced = [...torch.registry.values()]
      .filter((e) => ![e.name, ...(e.aliases ?? [])].map(snake).some((s) => new RegExp(`(^|[^\\w])${s}\\b`).test(text)))
      .map((e) => e.name);
    expect(unreferenced).toEqual([]);
  });
});

describe('fixtures of the ops no other suite covers (scripts/fixtures/catalogue.py)', () => {
  const fx = JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures', 'catalogue.json'), 'utf8'));
  const F = torch.nn.functional;

  test('viewAs / reshapeAs / expandAs', () => {
    const x = fromFixture(fx.view_as.x);
    expectMatches(x.viewAs(torch.empty(3, 2)), fx.view_as.out);
    expect(() => x.t().viewAs(torch.empty(6))).toThrow(fx.view_as.error);
    const r = x.t().reshapeAs(torch.empty(3, 2));
    expectMatches(r, fx.reshape_as.out);
    expect(r.stride()).toEqual(fx.reshape_as.out_strides);
    const col = fromFixture(fx.expand_as.x);
    expectMatches(col.expandAs(torch.empty(3, 4)), fx.expand_as.out);
    expect(() => col.expandAs(torch.empty(2, 4))).toThrow(fx.expand_as.error);
  });

  test('softplus / leakyRelu', () => {
    const s = fromFixture(fx.softplus.x);
    expectMatches(F.softplus(s), fx.softplus.default, 1e-12, 1e-12);
    expectMatches(F.softplus(s, { beta: 2, threshold: 5 }), fx.softplus.beta2_threshold5, 1e-12, 1e-12);
    expectMatches(F.leakyRelu(s), fx.leaky_relu.default, 1e-12, 1e-12);
    expectMatches(F.leakyRelu(s, 0.2), fx.leaky_relu.slope02, 1e-12, 1e-12);
  });

  test('isclose / allclose', () => {
    const a = fromFixture(fx.isclose.a), b = fromFixture(fx.isclose.b);
    expectMatches(torch.isclose(a, b), fx.isclose.default);
    expectMatches(torch.isclose(a, b, { equalNan: true }), fx.isclose.equal_nan);
    expectMatches(torch.isclose(a, b, { rtol: 0, atol: 1e-5 }), fx.isclose.atol);
    expect(torch.allclose(a, b)).toBe(fx.allclose.default);
    expect(torch.allclose(a.narrow(0, 0, 3), b.narrow(0, 0, 3), { rtol: 0.1 })).toBe(fx.allclose.equal_nan);
  });
});
