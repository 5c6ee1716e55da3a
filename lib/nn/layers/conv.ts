/**
 * nn.Conv1d / Conv2d / ConvTranspose2d: parameters named and shaped as PyTorch's
 * (`weight` (out, in/groups, *k) or, transposed, (in, out/groups, *k); `bias` (out)),
 * initialised as PyTorch's reset_parameters (kaiming_uniform with a = sqrt(5), bias
 * uniform in ±1/sqrt(fan_in)), forward through F.conv*.
 */
import { Tensor } from '../../tensor';
import { DType, defaultFloat } from '../../dtype';
import { TensorError } from '../../errors';
import { empty } from '../../creation';
import { Module } from '../module';
import { Parameter } from '../parameter';
import * as init from '../init';
import * as F from '../functional';
import type { PositionalThenOptions } from './constructor-args';
import { parseTrailing } from '../../args';

type IntOrTuple = number | readonly number[];
type PaddingMode = 'zeros' | 'reflect' | 'replicate' | 'circular';

export interface ConvOptions {
  stride?: IntOrTuple;
  padding?: IntOrTuple | 'same' | 'valid';
  dilation?: IntOrTuple;
  groups?: number;
  bias?: boolean;
  paddingMode?: PaddingMode;
  dtype?: DType;
}

export interface ConvTransposeOptions extends Omit<ConvOptions, 'padding' | 'paddingMode'> {
  padding?: IntOrTuple;
  outputPadding?: IntOrTuple;
}

function tuple(v: IntOrTuple, n: number, what: string): number[] {
  const out = typeof v === 'number' ? new Array<number>(n).fill(v) : [...v];
  if (out.length !== n || out.some((x) => !Number.isInteger(x)))
    throw new TensorError(`${what} must be an int or a tuple of ${n} ints, got ${JSON.stringify(v)}`);
  return out;
}

/**
 * PyTorch's positional form (stride, padding, dilation, groups, bias, ...), one options
 * object, or positional values followed by an options object; None (null) means the default.
 */
function convOptions<T extends object>(rest: unknown[], positional: (keyof T)[]): T {
  const opts = parseTrailing(rest, positional as string[]);
  for (const k of Object.keys(opts)) if (opts[k] === null) delete opts[k];
  return opts as T;
}

function fmt(v: readonly number[]): string {
  return `(${v.join(', ')}${v.length === 1 ? ',' : ''})`;
}

abstract class ConvNd extends Module {
  weight: Parameter;
  bias: Parameter | null;
  readonly kernelSize: number[];
  readonly stride: number[];
  readonly dilation: number[];
  readonly groups: number;

  constructor(
    readonly inChannels: number, readonly outChannels: number, kernelSize: IntOrTuple, dims: number,
    opts: ConvOptions | ConvTransposeOptions, readonly transposed: boolean,
  ) {
    super();
    this.kernelSize = tuple(kernelSize, dims, 'kernel_size');
    this.stride = tuple(opts.stride ?? 1, dims, 'stride');
    this.dilation = tuple(opts.dilation ?? 1, dims, 'dilation');
    this.groups = opts.groups ?? 1;
    if (!Number.isInteger(this.groups) || this.groups <= 0) throw new TensorError('groups must be a positive integer');
    if (inChannels % this.groups !== 0) throw new TensorError('in_channels must be divisible by groups');
    if (outChannels % this.groups !== 0) throw new TensorError('out_channels must be divisible by groups');
    const dtype = opts.dtype ?? defaultFloat;
    const shape = transposed
      ? [inChannels, outChannels / this.groups, ...this.kernelSize]
      : [outChannels, inChannels / this.groups, ...this.kernelSize];
    this.weight = new Parameter(empty(shape, { dtype }));
    this.bias = opts.bias === false ? null : new Parameter(empty([outChannels], { dtype }));
    this.resetParameters();
  }

  resetParameters(): void {
    init.kaimingUniform_(this.weight, { a: Math.sqrt(5) });
    if (this.bias) {
      const [fanIn] = init.calculateFans(this.weight);
      if (fanIn !== 0) init.uniform_(this.bias, -1 / Math.sqrt(fanIn), 1 / Math.sqrt(fanIn));
    }
  }

  /** PyTorch's extra_repr order: padding, dilation, output_padding, groups, bias. */
  protected reprParts(padding: string, zeroPadding: boolean, outputPadding?: number[]): string[] {
    const parts = [`${this.inChannels}, ${this.outChannels}, kernel_size=${fmt(this.kernelSize)}, stride=${fmt(this.stride)}`];
    if (!zeroPadding) parts.push(`padding=${padding}`);
    if (this.dilation.some((d) => d !== 1)) parts.push(`dilation=${fmt(this.dilation)}`);
    if (outputPadding?.some((p) => p !== 0)) parts.push(`output_padding=${fmt(outputPadding)}`);
    if (this.groups !== 1) parts.push(`groups=${this.groups}`);
    if (!this.bias) parts.push('bias=False');
    return parts;
  }
}

/** Shared by Conv1d and Conv2d: padding (ints, 'same', 'valid') and padding modes. */
abstract class ConvForward extends ConvNd {
  readonly padding: number[] | 'same' | 'valid';
  readonly paddingMode: PaddingMode;

  constructor(inC: number, outC: number, k: IntOrTuple, dims: number, opts: ConvOptions) {
    super(inC, outC, k, dims, opts, false);
    const p = opts.padding ?? 0;
    this.padding = typeof p === 'string' ? p : tuple(p, dims, 'padding');
    this.paddingMode = opts.paddingMode ?? 'zeros';
    if (p === 'same' && this.stride.some((s) => s !== 1))
      throw new TensorError("padding='same' is not supported for strided convolutions");
    if (!['zeros', 'reflect', 'replicate', 'circular'].includes(this.paddingMode))
      throw new TensorError(
        `padding_mode must be one of ['zeros', 'reflect', 'replicate', 'circular'], but got padding_mode='${this.paddingMode}'`,
      );
  }

  protected abstract conv(x: Tensor, padding: number[] | 'same' | 'valid'): Tensor;

  override forward(x: Tensor): Tensor {
    if (this.paddingMode === 'zeros' || typeof this.padding === 'string' && this.padding === 'valid')
      return this.conv(x, this.padding);
    // Non-zero padding modes pad explicitly first (F.pad takes the last dim first), then convolve unpadded.
    const total = this.padding === 'same'
      ? this.kernelSize.map((k, i) => this.dilation[i] * (k - 1))
      : (this.padding as number[]).map((p) => 2 * p);
    const pad: number[] = [];
    for (let i = total.length - 1; i >= 0; i--) pad.push(Math.floor(total[i] / 2), total[i] - Math.floor(total[i] / 2));
    return this.conv(F.pad(x, pad, { mode: this.paddingMode as 'reflect' | 'replicate' | 'circular' }), this.kernelSize.map(() => 0));
  }

  override extraRepr(): string {
    const pad = typeof this.padding === 'string' ? `${this.padding}` : fmt(this.padding);
    const zero = typeof this.padding !== 'string' && this.padding.every((p) => p === 0);
    const parts = this.reprParts(pad, zero);
    if (this.paddingMode !== 'zeros') parts.push(`padding_mode=${this.paddingMode}`);
    return parts.join(', ');
  }
}

const CONV_POSITIONAL: (keyof ConvOptions)[] = ['stride', 'padding', 'dilation', 'groups', 'bias', 'paddingMode'];
type ConvArgs = PositionalThenOptions<[stride: IntOrTuple, padding: ConvOptions['padding'], dilation: IntOrTuple, groups: number, bias: boolean, paddingMode: PaddingMode], ConvOptions>;

/** nn.Conv1d(inChannels, outChannels, kernelSize, { stride, padding, dilation, groups, bias, paddingMode }). */
export class Conv1d extends ConvForward {
  constructor(inChannels: number, outChannels: number, kernelSize: IntOrTuple, ...rest: ConvArgs) {
    super(inChannels, outChannels, kernelSize, 1, convOptions<ConvOptions>(rest, CONV_POSITIONAL));
  }
  protected conv(x: Tensor, padding: number[] | 'same' | 'valid'): Tensor {
    return F.conv1d(x, this.weight, this.bias, { stride: this.stride, padding, dilation: this.dilation, groups: this.groups });
  }
}

/** nn.Conv2d(inChannels, outChannels, kernelSize, { stride, padding, dilation, groups, bias, paddingMode }). */
export class Conv2d extends ConvForward {
  constructor(inChannels: number, outChannels: number, kernelSize: IntOrTuple, ...rest: ConvArgs) {
    super(inChannels, outChannels, kernelSize, 2, convOptions<ConvOptions>(rest, CONV_POSITIONAL));
  }
  protected conv(x: Tensor, padding: number[] | 'same' | 'valid'): Tensor {
    return F.conv2d(x, this.weight, this.bias, { stride: this.stride, padding, dilation: this.dilation, groups: this.groups });
  }
}

/** nn.ConvTranspose2d(inChannels, outChannels, kernelSize, { stride, padding, outputPadding, groups, bias, dilation }). */
export class ConvTranspose2d extends ConvNd {
  readonly padding: number[];
  readonly outputPadding: number[];

  constructor(
    inChannels: number,
    outChannels: number,
    kernelSize: IntOrTuple,
    ...rest: PositionalThenOptions<[stride: IntOrTuple, padding: IntOrTuple, outputPadding: IntOrTuple, groups: number, bias: boolean, dilation: IntOrTuple], ConvTransposeOptions>
  ) {
    const opts = convOptions<ConvTransposeOptions>(rest, ['stride', 'padding', 'outputPadding', 'groups', 'bias', 'dilation']);
    super(inChannels, outChannels, kernelSize, 2, opts, true);
    this.padding = tuple(opts.padding ?? 0, 2, 'padding');
    this.outputPadding = tuple(opts.outputPadding ?? 0, 2, 'output_padding');
  }

  override forward(x: Tensor, outputSize?: readonly number[]): Tensor {
    let outputPadding = this.outputPadding;
    if (outputSize) {
      // PyTorch's _output_padding: the extra rows/cols needed to reach the requested size.
      const spatial = outputSize.slice(-2);
      outputPadding = spatial.map((size, i) => {
        const inSize = x._shape[x.dim() - 2 + i];
        const minSize = (inSize - 1) * this.stride[i] - 2 * this.padding[i] + this.dilation[i] * (this.kernelSize[i] - 1) + 1;
        const extra = size - minSize;
        if (extra < 0 || extra >= Math.max(this.stride[i], this.dilation[i]))
          throw new TensorError(
            `requested an output size of [${spatial.join(', ')}], but valid sizes range from [${minSize}] to [${minSize + this.stride[i] - 1}] (for an input of [${x._shape.slice(-2).join(', ')}])`,
          );
        return extra;
      });
    }
    return F.convTranspose2d(x, this.weight, this.bias, {
      stride: this.stride, padding: this.padding, outputPadding, groups: this.groups, dilation: this.dilation,
    });
  }

  override extraRepr(): string {
    return this.reprParts(fmt(this.padding), this.padding.every((p) => p === 0), this.outputPadding).join(', ');
  }
}
