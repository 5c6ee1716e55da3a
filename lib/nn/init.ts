/**
 * torch.nn.init: in-place initialisers with PyTorch's formulas, drawing from the default
 * generator in the same order as PyTorch (so manualSeed gives PyTorch's initial weights).
 */
import { TensorError } from '../errors';
import { Tensor } from '../tensor';
import { fillNormal, fillUniform } from '../creation';
import { noGrad } from '../autograd/grad-mode';

export function calculateGain(nonlinearity: string, param?: number): number {
  switch (nonlinearity) {
    case 'linear': case 'conv1d': case 'conv2d': case 'conv3d': case 'sigmoid':
    case 'conv_transpose1d': case 'conv_transpose2d': case 'conv_transpose3d':
      return 1;
    case 'tanh': return 5 / 3;
    case 'relu': return Math.SQRT2;
    case 'leaky_relu': {
      const slope = param ?? 0.01;
      return Math.sqrt(2 / (1 + slope * slope));
    }
    case 'selu': return 3 / 4;
    default: throw new TensorError(`Unsupported nonlinearity ${nonlinearity}`);
  }
}

/** fan_in and fan_out of a weight (dims 0 and 1 times the receptive field), as PyTorch. */
export function calculateFans(t: Tensor): [number, number] {
  if (t.dim() < 2) throw new TensorError('Fan in and fan out can not be computed for tensor with fewer than 2 dimensions');
  const receptive = t._shape.slice(2).reduce((a, b) => a * b, 1);
  return [t._shape[1] * receptive, t._shape[0] * receptive];
}

export function uniform_(t: Tensor, a = 0, b = 1): Tensor {
  return noGrad(() => fillUniform(t, a, b));
}
export function normal_(t: Tensor, mean = 0, std = 1): Tensor {
  return noGrad(() => fillNormal(t, mean, std));
}
export function constant_(t: Tensor, value: number): Tensor {
  return noGrad(() => t.fill_(value));
}
export function zeros_(t: Tensor): Tensor {
  return constant_(t, 0);
}
export function ones_(t: Tensor): Tensor {
  return constant_(t, 1);
}

export interface KaimingOptions {
  a?: number;
  mode?: 'fan_in' | 'fan_out';
  nonlinearity?: string;
}
export function kaimingUniform_(t: Tensor, opts: KaimingOptions = {}): Tensor {
  const [fanIn, fanOut] = calculateFans(t);
  const fan = (opts.mode ?? 'fan_in') === 'fan_in' ? fanIn : fanOut;
  const gain = calculateGain(opts.nonlinearity ?? 'leaky_relu', opts.a ?? 0);
  const bound = Math.sqrt(3) * (gain / Math.sqrt(fan));
  return uniform_(t, -bound, bound);
}
export function kaimingNormal_(t: Tensor, opts: KaimingOptions = {}): Tensor {
  const [fanIn, fanOut] = calculateFans(t);
  const fan = (opts.mode ?? 'fan_in') === 'fan_in' ? fanIn : fanOut;
  return normal_(t, 0, calculateGain(opts.nonlinearity ?? 'leaky_relu', opts.a ?? 0) / Math.sqrt(fan));
}
export function xavierUniform_(t: Tensor, gain = 1): Tensor {
  const [fanIn, fanOut] = calculateFans(t);
  const a = gain * Math.sqrt(6 / (fanIn + fanOut));
  return uniform_(t, -a, a);
}
export function xavierNormal_(t: Tensor, gain = 1): Tensor {
  const [fanIn, fanOut] = calculateFans(t);
  return normal_(t, 0, gain * Math.sqrt(2 / (fanIn + fanOut)));
}
