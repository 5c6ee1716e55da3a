import { Tensor } from '../../tensor';
import { DType, defaultFloat } from '../../dtype';
import { empty } from '../../creation';
import { Module } from '../module';
import { Parameter } from '../parameter';
import * as init from '../init';
import * as F from '../functional';
import { bilinear } from '../../ops/bilinear';
import { pyBool, pyFloat } from '../../python-repr';
import { parseTrailing } from '../../args';
import type { PositionalThenOptions } from './constructor-args';

/** Linear's and Bilinear's keyword options (PyTorch's `bias`, `dtype`). */
export interface BiasOptions {
  bias?: boolean;
  dtype?: DType;
}

/** nn.Linear: y = x W^T + b, with PyTorch's default initialisation (kaiming_uniform(a=sqrt(5))). */
export class Linear extends Module {
  weight: Parameter;
  bias: Parameter | null;

  constructor(readonly inFeatures: number, readonly outFeatures: number, ...rest: PositionalThenOptions<[bias: boolean], BiasOptions>) {
    super();
    const opts = parseTrailing(rest, ['bias']) as BiasOptions;
    const dtype = opts.dtype ?? defaultFloat;
    this.weight = new Parameter(empty([outFeatures, inFeatures], { dtype }));
    this.bias = opts.bias === false ? null : new Parameter(empty([outFeatures], { dtype }));
    this.resetParameters();
  }

  resetParameters(): void {
    init.kaimingUniform_(this.weight, { a: Math.sqrt(5) });
    if (this.bias) {
      const [fanIn] = init.calculateFans(this.weight);
      const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
      init.uniform_(this.bias, -bound, bound);
    }
  }

  override forward(x: Tensor): Tensor {
    return F.linear(x, this.weight, this.bias);
  }

  override extraRepr(): string {
    return `in_features=${this.inFeatures}, out_features=${this.outFeatures}, bias=${this.bias !== null ? 'True' : 'False'}`;
  }
}

/** nn.Identity: returns its input. */
export class Identity extends Module {
  override forward(x: Tensor): Tensor {
    return x;
  }
}

/** nn.Flatten: flattens dims startDim..endDim (1..-1 by default, keeping the batch). */
export class Flatten extends Module {
  readonly startDim: number;
  readonly endDim: number;
  constructor(...args: PositionalThenOptions<[startDim: number, endDim: number], { startDim?: number; endDim?: number }>) {
    super();
    const o = parseTrailing(args, ['startDim', 'endDim']) as { startDim?: number; endDim?: number };
    this.startDim = o.startDim ?? 1;
    this.endDim = o.endDim ?? -1;
  }
  override forward(x: Tensor): Tensor {
    return x.flatten(this.startDim, this.endDim);
  }
  override extraRepr(): string {
    return `start_dim=${this.startDim}, end_dim=${this.endDim}`;
  }
}

/** nn.Unflatten. */
export class Unflatten extends Module {
  constructor(readonly dim: number, readonly unflattenedSize: number[]) {
    super();
  }
  override forward(x: Tensor): Tensor {
    return x.unflatten(this.dim, this.unflattenedSize);
  }
}

/** nn.Dropout: active only in training mode. */
export class Dropout extends Module {
  readonly p: number;
  readonly inplace: boolean;
  constructor(...args: PositionalThenOptions<[p: number, inplace: boolean], { p?: number; inplace?: boolean }>) {
    super();
    const o = parseTrailing(args, ['p', 'inplace']) as { p?: number; inplace?: boolean };
    this.p = o.p ?? 0.5;
    this.inplace = o.inplace ?? false;
  }
  override forward(x: Tensor): Tensor {
    return F.dropout(x, this.p, this.training, this.inplace);
  }
  override extraRepr(): string {
    return `p=${pyFloat(this.p)}, inplace=${pyBool(this.inplace)}`;
  }
}

/** nn.Bilinear: y = x1^T A x2 + b, weight (out, in1, in2), initialised uniform in ±1/sqrt(in1) as PyTorch. */
export class Bilinear extends Module {
  weight: Parameter;
  bias: Parameter | null;

  constructor(
    readonly in1Features: number, readonly in2Features: number, readonly outFeatures: number,
    ...rest: PositionalThenOptions<[bias: boolean], BiasOptions>
  ) {
    super();
    const opts = parseTrailing(rest, ['bias']) as BiasOptions;
    const dtype = opts.dtype ?? defaultFloat;
    this.weight = new Parameter(empty([outFeatures, in1Features, in2Features], { dtype }));
    this.bias = opts.bias === false ? null : new Parameter(empty([outFeatures], { dtype }));
    this.resetParameters();
  }

  resetParameters(): void {
    const bound = 1 / Math.sqrt(this.weight._shape[1]);
    init.uniform_(this.weight, -bound, bound);
    if (this.bias) init.uniform_(this.bias, -bound, bound);
  }

  override forward(x1: Tensor, x2: Tensor): Tensor {
    return bilinear(x1, x2, this.weight, this.bias);
  }

  override extraRepr(): string {
    return `in1_features=${this.in1Features}, in2_features=${this.in2Features}, out_features=${this.outFeatures}, bias=${this.bias !== null ? 'True' : 'False'}`;
  }
}
