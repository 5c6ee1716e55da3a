/**
 * The tensorgrad call behind each `op` of test/fixtures/nonfinite.json (written by
 * scripts/fixtures/nonfinite.py): values ops take the fixture's inputs and args, gradient
 * ops take the one input (requiring grad) and return what is summed and differentiated.
 */
import * as torch from '../../lib';

type T = torch.Tensor;
export type Args = Record<string, unknown>;
const F = torch.nn.functional;
const fns = torch as unknown as Record<string, (...a: unknown[]) => T | T[]>;
const ffns = F as unknown as Record<string, (...a: unknown[]) => T>;

const num = (v: unknown): number | null => (v === undefined ? null : v === 'nan' ? NaN : (v as number));
const withDim = (name: string) => ([x]: T[], a: Args): T | T[] => (a.dim === undefined ? fns[name](x) : fns[name](x, a.dim));

export const VALUE_CALLS: Record<string, (inputs: T[], args: Args) => T | T[]> = {
  max: withDim('max'), min: withDim('min'), argmax: withDim('argmax'), argmin: withDim('argmin'),
  amax: withDim('amax'), amin: withDim('amin'), median: withDim('median'),
  sum: withDim('sum'), mean: withDim('mean'), prod: withDim('prod'), var: withDim('var'), norm: withDim('norm'),
  cumsum: ([x], a) => torch.cumsum(x, a.dim as number), cumprod: ([x], a) => torch.cumprod(x, a.dim as number),
  logsumexp: ([x], a) => torch.logsumexp(x, a.dim as number),
  softmax: ([x], a) => F.softmax(x, a.dim as number), logSoftmax: ([x], a) => F.logSoftmax(x, a.dim as number),
  sort: ([x], a) => torch.sort(x, { descending: a.descending as boolean }),
  topk: ([x], a) => torch.topk(x, a.k as number, -1, a.largest as boolean),
  argsort: ([x]) => torch.argsort(x),
  crossEntropy: ([x, t], a) => F.crossEntropy(x, t, { reduction: (a.reduction as 'mean' | 'none') ?? 'none' }),
  clamp: ([x], a) => torch.clamp(x, num(a.min), num(a.max)),
  gelu: ([x]) => F.gelu(x), silu: ([x]) => F.silu(x), softplus: ([x]) => F.softplus(x),
};
for (const name of ['maximum', 'minimum', 'div', 'pow', 'atan2', 'remainder', 'fmod']) VALUE_CALLS[name] = ([a, b]) => fns[name](a, b);
for (const name of ['log', 'log2', 'log1p', 'sqrt', 'rsqrt', 'reciprocal', 'exp', 'expm1', 'sigmoid', 'tanh', 'relu', 'sign', 'abs', 'floor', 'round', 'isnan', 'isinf', 'isfinite'])
  VALUE_CALLS[name] = ([x]) => fns[name](x);

export const GRAD_CALLS: Record<string, (x: T, args: Args) => T> = {
  pow: (x, a) => torch.pow(x, a.exponent as number),
  max: (x) => torch.max(x),
  amax: (x, a) => torch.amax(x, a.dim as number),
  maxDim: (x, a) => torch.max(x, a.dim as number)[0],
  maximum: (x, a) => torch.maximum(x, torch.tensor(a.other as number[], { dtype: torch.float64 })),
  clamp: (x, a) => torch.clamp(x, a.min as number, a.max as number),
  norm: (x) => torch.norm(x),
  prod: (x) => torch.prod(x),
  div: (x, a) => torch.div(x, a.other as number),
  softmax: (x, a) => F.softmax(x, a.dim as number).mul(torch.tensor(a.weights as number[], { dtype: torch.float64 })),
  logsumexp: (x, a) => torch.logsumexp(x, a.dim as number),
};
for (const name of ['log', 'sqrt', 'abs', 'relu', 'reciprocal', 'exp', 'sigmoid', 'tanh']) GRAD_CALLS[name] = (x) => fns[name](x) as T;
void ffns;
