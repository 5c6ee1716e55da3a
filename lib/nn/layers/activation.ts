import { Tensor } from '../../tensor';
import { Module } from '../module';
import * as F from '../functional';
import { parseTrailing } from '../../args';
import type { PositionalThenOptions } from './constructor-args';

/**
 * Activation modules: thin wrappers over nn.functional with PyTorch's names and options.
 * Constructor arguments come positionally or as a trailing options object (`new
 * nn.LeakyReLU(0.2, true)` ≡ `new nn.LeakyReLU({ negativeSlope: 0.2, inplace: true })`).
 */
type InplaceArgs = PositionalThenOptions<[inplace: boolean], { inplace?: boolean }>;

export class ReLU extends Module {
  readonly inplace: boolean;
  constructor(...args: InplaceArgs) {
    super();
    this.inplace = parseTrailing(args, ['inplace']).inplace === true;
  }
  override forward(x: Tensor): Tensor { return F.relu(x, { inplace: this.inplace }); }
}
export class LeakyReLU extends Module {
  readonly negativeSlope: number;
  readonly inplace: boolean;
  constructor(...args: PositionalThenOptions<[negativeSlope: number, inplace: boolean], { negativeSlope?: number; inplace?: boolean }>) {
    super();
    const o = parseTrailing(args, ['negativeSlope', 'inplace']) as { negativeSlope?: number; inplace?: boolean };
    this.negativeSlope = o.negativeSlope ?? 0.01;
    this.inplace = o.inplace ?? false;
  }
  override forward(x: Tensor): Tensor { return F.leakyRelu(x, this.negativeSlope, this.inplace); }
}
export class GELU extends Module {
  readonly approximate: 'none' | 'tanh';
  constructor(...args: PositionalThenOptions<[approximate: 'none' | 'tanh'], { approximate?: 'none' | 'tanh' }>) {
    super();
    this.approximate = (parseTrailing(args, ['approximate']).approximate as 'none' | 'tanh' | undefined) ?? 'none';
  }
  override forward(x: Tensor): Tensor { return F.gelu(x, { approximate: this.approximate }); }
}
export class SiLU extends Module {
  readonly inplace: boolean;
  constructor(...args: InplaceArgs) {
    super();
    this.inplace = parseTrailing(args, ['inplace']).inplace === true;
  }
  override forward(x: Tensor): Tensor { return F.silu(x, this.inplace); }
}
export class Tanh extends Module {
  override forward(x: Tensor): Tensor { return F.tanh(x); }
}
export class Sigmoid extends Module {
  override forward(x: Tensor): Tensor { return F.sigmoid(x); }
}
export class Softplus extends Module {
  readonly beta: number;
  readonly threshold: number;
  constructor(...args: PositionalThenOptions<[beta: number, threshold: number], { beta?: number; threshold?: number }>) {
    super();
    const o = parseTrailing(args, ['beta', 'threshold']) as { beta?: number; threshold?: number };
    this.beta = o.beta ?? 1;
    this.threshold = o.threshold ?? 20;
  }
  override forward(x: Tensor): Tensor { return F.softplus(x, { beta: this.beta, threshold: this.threshold }); }
}
type DimArgs = PositionalThenOptions<[dim: number | null], { dim?: number | null }>;
const dimOf = (args: readonly unknown[]): number | null => (parseTrailing(args, ['dim']).dim as number | null | undefined) ?? null;
export class Softmax extends Module {
  readonly dim: number | null;
  constructor(...args: DimArgs) {
    super();
    this.dim = dimOf(args);
  }
  override forward(x: Tensor): Tensor { return F.softmax(x, this.dim); }
}
export class LogSoftmax extends Module {
  readonly dim: number | null;
  constructor(...args: DimArgs) {
    super();
    this.dim = dimOf(args);
  }
  override forward(x: Tensor): Tensor { return F.logSoftmax(x, this.dim); }
}
