/** torch.nn.utils: gradient clipping and rnn.padSequence. */
import { TensorError } from '../errors';
import { Tensor } from '../tensor';
import { noGrad } from '../autograd/grad-mode';
import { full } from '../creation';
import { parseTrailing } from '../args';
import type { PositionalThenOptions } from './layers/constructor-args';

/** Scales all gradients so their global p-norm is at most maxNorm; returns the norm before. */
export function clipGradNorm_(parameters: Tensor | Iterable<Tensor>, maxNorm: number, ...rest: PositionalThenOptions<[normType: number], { normType?: number }>): Tensor {
  const normType = (parseTrailing(rest, ['normType']).normType as number | undefined) ?? 2;
  const params = [...(parameters instanceof Tensor ? [parameters] : parameters)].filter((p) => p._grad !== null);
  return noGrad(() => {
    if (params.length === 0) return full([], 0.0);
    let total: number;
    if (normType === Infinity) total = Math.max(...params.map((p) => Number(p._grad!.abs().max().item())));
    else {
      let acc = 0;
      for (const p of params) acc += Number(p._grad!.abs().pow(normType).sum().item());
      total = acc ** (1 / normType);
    }
    if (!Number.isFinite(total) && normType !== Infinity && Number.isNaN(total))
      throw new TensorError('The total norm for gradients is non-finite, so it cannot be clipped.');
    const coef = maxNorm / (total + 1e-6);
    if (coef < 1) for (const p of params) p._grad!.mul_(coef);
    return full([], total);
  });
}

export const rnn = {
  /** Pads a list of (L_i, *) tensors to (maxL, B, *) or (B, maxL, *) with batchFirst. */
  padSequence(sequences: Tensor[], ...rest: PositionalThenOptions<[batchFirst: boolean, paddingValue: number], { batchFirst?: boolean; paddingValue?: number }>): Tensor {
    const opts = parseTrailing(rest, ['batchFirst', 'paddingValue']) as { batchFirst?: boolean; paddingValue?: number };
    if (sequences.length === 0) throw new TensorError('received an empty list of sequences');
    const maxLen = Math.max(...sequences.map((s) => s._shape[0]));
    const trailing = sequences[0]._shape.slice(1);
    const out = full([sequences.length, maxLen, ...trailing], opts.paddingValue ?? 0, { dtype: sequences[0].dtype });
    sequences.forEach((s, i) => out.select(0, i).narrow(0, 0, s._shape[0]).copy_(s));
    return opts.batchFirst ? out : out.transpose(0, 1);
  },
};
