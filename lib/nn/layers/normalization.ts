/**
 * nn.BatchNorm1d / BatchNorm2d / LayerNorm / GroupNorm with PyTorch's parameters, buffers
 * and names (weight, bias; running_mean, running_var, num_batches_tracked), so state dicts
 * load from PyTorch as they are. The buffers keep PyTorch's snake_case names because
 * they are state-dict keys; runningMean / runningVar / numBatchesTracked read them too.
 */
import { TensorError } from '../../errors';
import { Tensor } from '../../tensor';
import { DType, defaultFloat, int64 } from '../../dtype';
import { empty, ones, zeros } from '../../creation';
import { noGrad } from '../../autograd/grad-mode';
import { Module } from '../module';
import { Parameter } from '../parameter';
import * as init from '../init';
import { batchNorm, groupNorm, layerNorm } from '../../ops/norm';
import { pyFloat } from '../../python-repr';
import { parseTrailing } from '../../args';
import type { PositionalThenOptions } from './constructor-args';

export interface BatchNormOptions {
  eps?: number;
  /** null: a cumulative moving average (1 / num_batches_tracked), as PyTorch. */
  momentum?: number | null;
  affine?: boolean;
  trackRunningStats?: boolean;
  dtype?: DType;
}

/** PyTorch's _BatchNorm: the shared forward of BatchNorm1d/2d; subclasses check the rank. */
export abstract class BatchNormBase extends Module {
  readonly eps: number;
  readonly momentum: number | null;
  readonly affine: boolean;
  readonly trackRunningStats: boolean;
  weight: Parameter | null;
  bias: Parameter | null;
  running_mean!: Tensor | null;
  running_var!: Tensor | null;
  num_batches_tracked!: Tensor | null;

  constructor(readonly numFeatures: number, ...rest: PositionalThenOptions<[eps: number, momentum: number | null, affine: boolean, trackRunningStats: boolean], BatchNormOptions>) {
    super();
    const opts = parseTrailing(rest, ['eps', 'momentum', 'affine', 'trackRunningStats']) as BatchNormOptions;
    this.eps = opts.eps ?? 1e-5;
    this.momentum = opts.momentum === undefined ? 0.1 : opts.momentum;
    this.affine = opts.affine ?? true;
    this.trackRunningStats = opts.trackRunningStats ?? true;
    const dtype = opts.dtype ?? defaultFloat;
    this.weight = this.affine ? new Parameter(empty([numFeatures], { dtype })) : null;
    this.bias = this.affine ? new Parameter(empty([numFeatures], { dtype })) : null;
    if (this.trackRunningStats) {
      this.registerBuffer('running_mean', zeros([numFeatures], { dtype }));
      this.registerBuffer('running_var', ones([numFeatures], { dtype }));
      this.registerBuffer('num_batches_tracked', zeros([], { dtype: int64 }));
    } else {
      this.registerBuffer('running_mean', null);
      this.registerBuffer('running_var', null);
      this.registerBuffer('num_batches_tracked', null);
    }
    this.resetParameters();
  }

  get runningMean(): Tensor | null {
    return this.running_mean;
  }
  get runningVar(): Tensor | null {
    return this.running_var;
  }
  get numBatchesTracked(): Tensor | null {
    return this.num_batches_tracked;
  }

  resetRunningStats(): void {
    if (!this.trackRunningStats) return;
    noGrad(() => {
      this.running_mean?.zero_();
      this.running_var?.fill_(1);
      this.num_batches_tracked?.zero_();
    });
  }

  resetParameters(): void {
    this.resetRunningStats();
    if (this.weight && this.bias) {
      init.ones_(this.weight);
      init.zeros_(this.bias);
    }
  }

  protected abstract checkInputDim(x: Tensor): void;

  override forward(x: Tensor): Tensor {
    this.checkInputDim(x);
    let factor = this.momentum ?? 0;
    if (this.training && this.trackRunningStats && this.num_batches_tracked) {
      const tracked = this.num_batches_tracked;
      noGrad(() => tracked.add_(1));
      factor = this.momentum === null ? 1 / Number(tracked.item()) : this.momentum;
    }
    const useBatchStats = this.training || (this.running_mean === null && this.running_var === null);
    const updateStats = !this.training || this.trackRunningStats;
    return batchNorm(x, updateStats ? this.running_mean : null, updateStats ? this.running_var : null, {
      weight: this.weight,
      bias: this.bias,
      training: useBatchStats,
      momentum: factor,
      eps: this.eps,
    });
  }

  override extraRepr(): string {
    const py = (b: boolean) => (b ? 'True' : 'False');
    return `${this.numFeatures}, eps=${pyFloat(this.eps)}, momentum=${this.momentum === null || this.momentum === undefined ? 'None' : pyFloat(this.momentum)}, affine=${py(this.affine)}, track_running_stats=${py(this.trackRunningStats)}`;
  }
}

/** nn.BatchNorm1d: (N, C) or (N, C, L) input. */
export class BatchNorm1d extends BatchNormBase {
  protected checkInputDim(x: Tensor): void {
    if (x.dim() !== 2 && x.dim() !== 3) throw new TensorError(`expected 2D or 3D input (got ${x.dim()}D input)`);
  }
}

/** nn.BatchNorm2d: (N, C, H, W) input, NCHW or channels_last (the output keeps the layout). */
export class BatchNorm2d extends BatchNormBase {
  protected checkInputDim(x: Tensor): void {
    if (x.dim() !== 4) throw new TensorError(`expected 4D input (got ${x.dim()}D input)`);
  }
}

export interface LayerNormModuleOptions {
  eps?: number;
  elementwiseAffine?: boolean;
  dtype?: DType;
}

/** nn.LayerNorm over the trailing normalizedShape dims. */
export class LayerNorm extends Module {
  readonly normalizedShape: number[];
  readonly eps: number;
  readonly elementwiseAffine: boolean;
  weight: Parameter | null;
  bias: Parameter | null;

  constructor(normalizedShape: number | readonly number[], ...rest: PositionalThenOptions<[eps: number, elementwiseAffine: boolean], LayerNormModuleOptions>) {
    super();
    const opts = parseTrailing(rest, ['eps', 'elementwiseAffine']) as LayerNormModuleOptions;
    this.normalizedShape = typeof normalizedShape === 'number' ? [normalizedShape] : [...normalizedShape];
    this.eps = opts.eps ?? 1e-5;
    this.elementwiseAffine = opts.elementwiseAffine ?? true;
    const dtype = opts.dtype ?? defaultFloat;
    this.weight = this.elementwiseAffine ? new Parameter(ones(this.normalizedShape, { dtype })) : null;
    this.bias = this.elementwiseAffine ? new Parameter(zeros(this.normalizedShape, { dtype })) : null;
  }

  resetParameters(): void {
    if (this.weight && this.bias) {
      init.ones_(this.weight);
      init.zeros_(this.bias);
    }
  }

  override forward(x: Tensor): Tensor {
    return layerNorm(x, this.normalizedShape, { weight: this.weight, bias: this.bias, eps: this.eps });
  }

  override extraRepr(): string {
    return `(${this.normalizedShape.join(', ')}${this.normalizedShape.length === 1 ? ',' : ''}), eps=${pyFloat(this.eps)}, elementwise_affine=${this.elementwiseAffine ? 'True' : 'False'}`;
  }
}

/** nn.GroupNorm(numGroups, numChannels). */
export class GroupNorm extends Module {
  readonly eps: number;
  readonly affine: boolean;
  weight: Parameter | null;
  bias: Parameter | null;

  constructor(readonly numGroups: number, readonly numChannels: number, ...rest: PositionalThenOptions<[eps: number, affine: boolean], { eps?: number; affine?: boolean; dtype?: DType }>) {
    super();
    const opts = parseTrailing(rest, ['eps', 'affine']) as { eps?: number; affine?: boolean; dtype?: DType };
    if (numChannels % numGroups !== 0) throw new TensorError('num_channels must be divisible by num_groups');
    this.eps = opts.eps ?? 1e-5;
    this.affine = opts.affine ?? true;
    const dtype = opts.dtype ?? defaultFloat;
    this.weight = this.affine ? new Parameter(ones([numChannels], { dtype })) : null;
    this.bias = this.affine ? new Parameter(zeros([numChannels], { dtype })) : null;
  }

  override forward(x: Tensor): Tensor {
    return groupNorm(x, this.numGroups, { weight: this.weight, bias: this.bias, eps: this.eps });
  }

  override extraRepr(): string {
    return `${this.numGroups}, ${this.numChannels}, eps=${pyFloat(this.eps)}, affine=${this.affine ? 'True' : 'False'}`;
  }
}
