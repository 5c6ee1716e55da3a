/**
 * Public-API calls with an argument of the wrong JavaScript type or a missing one: each must
 * throw TypeError or TensorError. The junk is chosen per parameter so that no PyTorch call
 * would accept it (a string, NaN or 1.5 where an int goes; a number where a tensor goes).
 */
import * as torch from '../../../lib';
import { Rng } from '../random';

// Not {} or another object (an options object) nor [1] (a list of dims) nor true: some of these calls accept those.
const NOT_INT: readonly unknown[] = ['1', NaN, 1.5, Infinity, -Infinity, () => 1, Symbol('x'), 2n ** 70n];
const NOT_INDEX: readonly unknown[] = [NaN, 1.5, Infinity, {}, () => 1, Symbol('i'), new Date(0)];
const NOT_TENSOR: readonly unknown[] = ['x', {}, [[1, 'a']], () => 1, Symbol('t'), undefined, new Date(0)];
const NOT_SHAPE: readonly unknown[] = ['2,3', [2, '3'], [2, NaN], [1.5], [-2], [[2]], [2, null]];

type Call = [string, () => unknown];

/** Random wrong calls on tensor t (float32, 2-D). */
export function junkCalls(rng: Rng, t: torch.Tensor, count: number): Call[] {
  const bad = rng.pick.bind(rng);
  const T = torch as unknown as Record<string, (...a: unknown[]) => unknown>;
  const m = t as unknown as Record<string, (...a: unknown[]) => unknown>;
  const makers: (() => Call)[] = [
    () => { const v = bad(NOT_INT); return [`sum(${String(v)})`, () => m.sum(v)]; },
    () => { const v = bad(NOT_INT); return [`transpose(0, ${String(v)})`, () => m.transpose(0, v)]; },
    () => { const v = bad(NOT_INT); return [`narrow(0, ${String(v)}, 1)`, () => m.narrow(0, v, 1)]; },
    () => { const v = bad(NOT_INT); return [`narrow(0, 0, ${String(v)})`, () => m.narrow(0, 0, v)]; },
    () => { const v = bad(NOT_INT); return [`unsqueeze(${String(v)})`, () => m.unsqueeze(v)]; },
    () => { const v = bad(NOT_INT); return [`softmax(${String(v)})`, () => m.softmax(v)]; },
    () => { const v = bad(NOT_INT); return [`cumsum(${String(v)})`, () => m.cumsum(v)]; },
    () => { const v = bad(NOT_INT); return [`topk(${String(v)})`, () => m.topk(v)]; },
    () => { const v = bad(NOT_INT); return [`argmax(${String(v)})`, () => m.argmax(v)]; },
    () => { const v = bad(NOT_INT); return [`max(${String(v)}) as dim`, () => m.max(v, true)]; },
    () => { const v = bad(NOT_INT); return [`gather(${String(v)}, idx)`, () => m.gather(v, torch.zeros([1, 1], { dtype: torch.int64 }))]; },
    () => { const v = bad(NOT_INDEX); return [`index(${String(v)})`, () => m.index(v)]; },
    () => { const v = bad(NOT_INT); return [`squeeze(${String(v)})`, () => m.squeeze(v)]; },
    () => { const v = bad(NOT_SHAPE); return [`reshape(${JSON.stringify(v)})`, () => m.reshape(v)]; },
    () => { const v = bad(NOT_SHAPE); return [`view(${JSON.stringify(v)})`, () => m.view(v)]; },
    () => { const v = bad(NOT_SHAPE); return [`expand(${JSON.stringify(v)})`, () => m.expand(v)]; },
    () => { const v = bad(NOT_SHAPE); return [`permute(${JSON.stringify(v)})`, () => m.permute(v)]; },
    () => { const v = bad(NOT_SHAPE); return [`zeros(${JSON.stringify(v)})`, () => T.zeros(v)]; },
    () => { const v = bad(NOT_TENSOR); return [`matmul(t, ${String(v)})`, () => m.matmul(v)]; },
    () => { const v = bad(NOT_TENSOR); return [`add(t, ${String(v)})`, () => T.add(t, v)]; },
    () => { const v = bad(NOT_TENSOR); return [`mul_(${String(v)})`, () => m.mul_(v)]; },
    () => { const v = bad(NOT_TENSOR); return [`cat([t, ${String(v)}])`, () => T.cat([t, v])]; },
    () => { const v = bad(NOT_TENSOR); return [`stack(${String(v)})`, () => T.stack(v)]; },
    () => { const v = bad(NOT_TENSOR); return [`where(${String(v)}, t, t)`, () => T.where(v, t, t)]; },
    () => { const v = bad(NOT_TENSOR); return [`gather(0, ${String(v)})`, () => m.gather(0, v)]; },
    () => { const v = bad(NOT_TENSOR); return [`copy_(${String(v)})`, () => m.copy_(v)]; },
    () => { const v = bad(NOT_TENSOR); return [`exp(${String(v)})`, () => T.exp(v)]; },
    () => { const v = bad(['1', {}, [1], () => 1, Symbol('v')]); return [`fill_(${String(v)})`, () => m.fill_(v)]; },
    () => { const v = bad(['1', {}, [], () => 1]); return [`clamp(${String(v)})`, () => m.clamp(v, '2')]; },
    // wrong arity: a required argument missing
    () => ['matmul()', () => T.matmul(t)],
    () => ['narrow(0)', () => m.narrow(0)],
    () => ['transpose(0)', () => m.transpose(0)],
    () => ['gather(0)', () => m.gather(0)],
    () => ['topk()', () => m.topk()],
    () => ['cat()', () => T.cat()],
    () => ['where(cond)', () => T.where(t.gt(0), t)],
    () => ['add()', () => T.add()],
    () => ['reshape()', () => m.reshape()],
    () => ['expand()', () => m.expand()],
    () => ['unsqueeze()', () => m.unsqueeze()],
    () => ['scatterAdd(0, idx)', () => m.scatterAdd(0, torch.zeros([1, 1], { dtype: torch.int64 }))],
  ];
  return Array.from({ length: count }, () => rng.pick(makers)());
}
