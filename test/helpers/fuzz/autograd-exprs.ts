/**
 * Random differentiable programs for the fuzzer's gradcheck part: a chain of steps, each a
 * smooth op (kinks and ties are avoided: inputs stay away from them), applied to float64
 * leaves of random shapes. A program that the shapes do not allow is discarded by the caller.
 */
import * as torch from '../../../lib';
import { Rng } from '../random';

type T = torch.Tensor;
export type Step = { name: string; f: (x: T, y: T) => T };

export function randomProgram(rng: Rng, length: number): Step[] {
  const F = torch.nn.functional;
  const makers: (() => Step)[] = [
    () => ({ name: 'exp(tanh)', f: (x) => x.tanh().exp() }),
    () => ({ name: 'sin', f: (x) => x.sin() }),
    () => ({ name: 'sigmoid', f: (x) => torch.sigmoid(x) }),
    () => ({ name: 'square', f: (x) => x.square() }),
    () => ({ name: 'log(1+x^2)', f: (x) => x.square().add(1).log() }),
    () => ({ name: 'sqrt(1+x^2)', f: (x) => x.mul(x).add(1).sqrt() }),
    () => ({ name: 'add y', f: (x, y) => x.add(y) }),
    () => ({ name: 'mul y', f: (x, y) => x.mul(y) }),
    () => ({ name: 'sub y', f: (x, y) => torch.sub(x, y) }),
    () => ({ name: 'div (1+y^2)', f: (x, y) => x.div(y.square().add(1)) }),
    () => ({ name: 'where(y>0)', f: (x, y) => torch.where(y.gt(0), x, x.mul(2)) }),
    () => { const d = rng.int(-1, 0); return { name: `softmax(${d})`, f: (x) => F.softmax(x, d) }; },
    () => { const d = rng.int(-1, 0); return { name: `logSoftmax(${d})`, f: (x) => F.logSoftmax(x, d) }; },
    () => { const d = rng.int(-1, 0); return { name: `logsumexp(${d}, keepdim)`, f: (x) => x.logsumexp(d, true) }; },
    () => { const d = rng.int(-1, 0); return { name: `sum(${d}, keepdim)`, f: (x) => x.sum(d, true) }; },
    () => { const d = rng.int(-1, 0); return { name: `mean(${d}, keepdim)`, f: (x) => x.mean({ dim: d, keepdim: true }) }; },
    () => { const d = rng.int(-1, 0); return { name: `cumsum(${d})`, f: (x) => x.cumsum(d) }; },
    () => { const d = rng.int(-1, 0); return { name: `amax(${d}, keepdim)`, f: (x) => x.amax(d, true) }; },
    () => { const d = rng.int(-1, 0); return { name: `max(${d}).values`, f: (x) => x.max(d, true)[0] }; },
    () => ({ name: 'transpose', f: (x) => x.transpose(0, -1) }),
    () => ({ name: 'flip view', f: (x) => x.index('...', '::2') }),
    () => ({ name: 'narrow', f: (x) => x.narrow(-1, 0, Math.max(1, x.size(-1) - 1)) }),
    () => ({ name: 'cat y', f: (x, y) => torch.cat([x, y], 0) }),
    () => ({ name: 'stack y', f: (x, y) => torch.stack([x, y], -1).sum(-1) }),
    () => ({ name: 'matmul yT', f: (x, y) => x.matmul(y.transpose(0, -1)) }),
    () => ({ name: 'reshape', f: (x) => x.reshape(-1) }),
    () => ({ name: 'unsqueeze+expand', f: (x) => x.unsqueeze(0).expand(2, ...x.shape).sum(0) }),
    () => ({ name: 'clamp', f: (x) => x.clamp(-0.9, 0.9) }),
    () => ({ name: 'sort values', f: (x) => x.sort(-1)[0] }),
    () => ({ name: 'topk values', f: (x) => x.topk(1, -1)[0] }),
    () => ({ name: 'gather', f: (x) => x.gather(-1, torch.zeros([...x.shape.slice(0, -1), 1], { dtype: torch.int64 })) }),
    () => ({ name: 'prod', f: (x) => x.prod(-1, true) }),
    () => ({ name: 'in-place mul_ on a clone', f: (x, y) => x.clone().mul_(y.sigmoid()) }),
  ];
  return Array.from({ length }, () => rng.pick(makers)());
}

/** The program as a function of (x, y); every step sees the original y (the second leaf). */
export function runProgram(steps: Step[], x: T, y: T): T {
  let h = x;
  for (const s of steps) h = s.f(h, y);
  return h;
}
