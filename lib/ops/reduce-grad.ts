/**
 * Derivatives of the reductions (derivatives.yaml's entries for sum, mean, amax, norm,
 * var, softmax ...), written with other ops so that higher orders work. reduce.ts calls
 * recordReduction once per op run; the formulas are looked up here by op name.
 */
import { Tensor } from '../tensor';
import { int64 } from '../dtype';
import { arange, onesLike } from '../creation';
import { needsGrad, record } from '../autograd/node';
import { abs, add, div, eq, exp, isnan, logicalAnd, logicalOr, mul, pow, sign, sub, where } from './pointwise';
import { any, cumprod, cumsum, mean, softmaxBackwardData, sum } from './reduce';
import { narrow, permute } from './shape';
import { flip } from './select';
import { cat } from './join';

/** What a reduction's derivative needs to know about the run. */
export interface ReductionRun {
  name: string;
  input: Tensor;
  result: Tensor;
  /** Per input dim: reduced or not. */
  mask: readonly boolean[];
  keepdim: boolean;
  /** norm's p, var/std's correction. */
  p?: number;
  /** max/min along a dim: the indices. */
  indices?: Tensor;
  /** softmax/logSoftmax: the dim. */
  dim?: number;
}

const BACKWARD_NAMES: Record<string, [string, string]> = {
  // [full reduction, reduction over dims]
  sum: ['SumBackward0', 'SumBackward1'], mean: ['MeanBackward0', 'MeanBackward1'], prod: ['ProdBackward0', 'ProdBackward1'],
  amax: ['AmaxBackward0', 'AmaxBackward0'], amin: ['AminBackward0', 'AminBackward0'], max: ['MaxBackward1', 'MaxBackward0'],
  min: ['MinBackward1', 'MinBackward0'], norm: ['NormBackward1', 'NormBackward1'], var: ['VarBackward0', 'VarBackward0'],
  std: ['StdBackward0', 'StdBackward0'], logsumexp: ['LogsumexpBackward0', 'LogsumexpBackward0'],
  cumsum: ['CumsumBackward0', 'CumsumBackward0'], cumprod: ['CumprodBackward0', 'CumprodBackward0'],
  median: ['MedianBackward0', 'MedianBackward1'], mode: ['ModeBackward0', 'ModeBackward0'], softmax: ['SoftmaxBackward0', 'SoftmaxBackward0'], logSoftmax: ['LogSoftmaxBackward0', 'LogSoftmaxBackward0'],
};

/** Reduced dims back as size 1 (when keepdim was false), then expanded to the input's shape. */
function expandBack(g: Tensor, run: ReductionRun): Tensor {
  let r = g;
  if (!run.keepdim) run.mask.forEach((m, d) => { if (m) r = r.unsqueeze(d); });
  return r.expand([...run.input._shape]);
}

function keepdimResult(run: ReductionRun, t: Tensor): Tensor {
  let r = t;
  if (!run.keepdim) run.mask.forEach((m, d) => { if (m) r = r.unsqueeze(d); });
  return r;
}

function reducedCount(run: ReductionRun): number {
  return run.input._shape.reduce((n, d, i) => (run.mask[i] ? n * d : n), 1);
}

function dimsOf(run: ReductionRun): number[] {
  return run.mask.flatMap((m, d) => (m ? [d] : []));
}

/** amax/amin and full max/min: the gradient is shared evenly among the tied extremes. */
function evenlyAmongTies(g: Tensor, x: Tensor, run: ReductionRun): Tensor {
  const hit = eq(x, keepdimResult(run, run.result));
  const count = sum(hit, { dim: dimsOf(run), keepdim: true });
  return div(mul(expandBack(g, run), hit), count);
}

/** sum over positions k >= i along dim (cumsum's transpose). */
function reversedCumsum(w: Tensor, dim: number): Tensor {
  return add(sub(sum(w, { dim, keepdim: true }), cumsum(w, dim)), w);
}

/**
 * cumprod: d out_k / d x_i = prod_{j <= k, j != i} x_j for k >= i. Without zeros that is
 * out_k / x_i, so the gradient is reversedCumsum(g * out) / x (PyTorch's fast path). With a
 * zero the division fails; then, per position i, the product is the cumprod of x with x_i
 * replaced by 1 (O(n^2) along dim, as PyTorch's zero path, and itself differentiable).
 */
function cumprodGrad(g: Tensor, x: Tensor, run: ReductionRun): Tensor {
  const dim = run.dim as number;
  if (x.dim() === 0 || x._shape[dim] <= 1) return g;
  if (!any(eq(x, 0)).item()) return div(reversedCumsum(mul(run.result, g), dim), x);
  const n = x._shape[dim];
  const positions = arange(n, { dtype: int64 }).reshape(x._shape.map((s, d) => (d === dim ? s : 1)));
  const parts: Tensor[] = [];
  for (let i = 0; i < n; i++) {
    const withoutI = cumprod(where(eq(positions, i), 1, x), dim);
    parts.push(sum(narrow(mul(g, withoutI), dim, i, n - i), { dim, keepdim: true }));
  }
  return cat(parts, dim);
}

/**
 * prod: d out / d x_i = the product of the other elements. Without zeros that is out / x_i
 * (PyTorch's fast path); with a zero the division gives NaN, so then (as PyTorch's
 * prod_safe_zeros_backward) it is the exclusive cumprod from the left times the one from
 * the right, over the reduced elements moved to one trailing dim.
 */
function prodGrad(g: Tensor, x: Tensor, run: ReductionRun): Tensor {
  if (!any(eq(x, 0)).item()) return div(mul(expandBack(g, run), keepdimResult(run, run.result)), x);
  const dims = dimsOf(run);
  const kept = x._shape.map((_, d) => d).filter((d) => !run.mask[d]);
  const order = [...kept, ...dims];
  const r = dims.reduce((n, d) => n * x._shape[d], 1);
  const flat = permute(x, order).reshape([...kept.map((d) => x._shape[d]), r]);
  const exclusive = (t: Tensor): Tensor => cat([onesLike(narrow(t, -1, 0, 1)), narrow(cumprod(t, -1), -1, 0, r - 1)], -1);
  const others = mul(exclusive(flat), flip(exclusive(flip(flat, -1)), -1));
  const back = others.reshape(order.map((d) => x._shape[d])).permute(order.map((_, i) => order.indexOf(i)));
  return mul(expandBack(g, run), back);
}

/** Full median: the gradient is shared evenly among the elements equal to it (NaN: the NaNs). */
function medianGrad(g: Tensor, x: Tensor, run: ReductionRun): Tensor {
  const r = run.result;
  const hit = logicalOr(eq(x, r), logicalAnd(isnan(x), isnan(r)));
  return div(mul(expandBack(g, run), hit), sum(hit));
}

const FORMULAS: Record<string, (g: Tensor, x: Tensor, run: ReductionRun) => Tensor> = {
  sum: (g, _x, run) => expandBack(g, run),
  mean: (g, _x, run) => div(expandBack(g, run), reducedCount(run)),
  prod: prodGrad,
  amax: evenlyAmongTies,
  amin: evenlyAmongTies,
  max: evenlyAmongTies,
  min: evenlyAmongTies,
  // cumsum: each input feeds every later output, so its gradient is the suffix sum of g.
  cumsum: (g, _x, run) => reversedCumsum(g, run.dim as number),
  cumprod: cumprodGrad,
  median: medianGrad,
  logsumexp: (g, x, run) => mul(expandBack(g, run), exp(sub(x, keepdimResult(run, run.result)))),
  norm: (g, x, run) => {
    const p = run.p ?? 2;
    const n = keepdimResult(run, run.result);
    const gx = expandBack(g, run);
    if (p === 1) return mul(gx, sign(x));
    if (p === Infinity || p === -Infinity) return mul(evenlyAmongTies(g, abs(x), run), sign(x));
    // x |x|^(p-2) / norm^(p-1), and 0 where the norm is 0 (PyTorch's norm'(0) = 0).
    const scaled = p === 2 ? div(x, n) : div(mul(x, pow(abs(x), p - 2)), pow(n, p - 1));
    return where(eq(n, 0), 0, mul(gx, scaled));
  },
  var: (g, x, run) => {
    const centered = sub(x, mean(x, { dim: dimsOf(run), keepdim: true }));
    return mul(expandBack(g, run), div(mul(centered, 2), reducedCount(run) - (run.p ?? 1)));
  },
  std: (g, x, run) => {
    const centered = sub(x, mean(x, { dim: dimsOf(run), keepdim: true }));
    const denom = mul(keepdimResult(run, run.result), reducedCount(run) - (run.p ?? 1));
    return mul(expandBack(g, run), div(centered, denom));
  },
  // max/min/median/mode along a dim: the gradient goes to the returned index (PyTorch's
  // value_selecting_reduction_backward); a 0-d input is its own result.
  maxDim: (g, x, run) => {
    if (x.dim() === 0) return g;
    const dim = dimsOf(run)[0];
    const positions = arange(x._shape[dim], { dtype: int64 }).reshape(x._shape.map((s, d) => (d === dim ? s : 1)));
    const picked = eq(positions, keepdimResult(run, run.indices as Tensor));
    return mul(expandBack(g, run), picked);
  },
  // One native kernel, unless the gradient itself requires grad (a second derivative).
  softmax: (g, _x, run) => {
    const y = run.result;
    if (!needsGrad([g])) return softmaxBackwardData('softmax', g, y, run.dim as number);
    return mul(y, sub(g, sum(mul(g, y), { dim: run.dim, keepdim: true })));
  },
  logSoftmax: (g, _x, run) => {
    if (!needsGrad([g])) return softmaxBackwardData('logSoftmax', g, run.result, run.dim as number);
    return sub(g, mul(exp(run.result), sum(g, { dim: run.dim, keepdim: true })));
  },
};

/** Links a reduction's result into the graph when its input requires grad. */
export function recordReduction(run: ReductionRun): void {
  if (!run.result.dtype.isFloatingPoint || !needsGrad([run.input])) return;
  const key = run.indices ? 'maxDim' : run.name;
  const formula = FORMULAS[key];
  if (!formula) return;
  const names = BACKWARD_NAMES[run.name] ?? [`${run.name}Backward0`, `${run.name}Backward0`];
  const full = run.mask.every((m) => m) && !run.keepdim && run.indices === undefined;
  record(full ? names[0] : names[1], [run.input], [run.result], (node) => {
    const saved = node.save(run.input);
    const savedResult = node.save(run.result, true);
    return ([g]) => {
      if (!g) return [null];
      const x = saved.unpack();
      const r = formula(g, x, { ...run, input: x, result: savedResult.unpack() });
      return [r.dtype === x.dtype ? r : r.to(x.dtype)];
    };
  });
}
