import { Tensor } from '../../tensor';
import { Module } from '../module';
import * as F from '../functional';
import { parseTrailing } from '../../ops/pool';
import type { PositionalThenOptions } from './constructor-args';

/**
 * Pooling and upsampling modules: thin wrappers over nn.functional with PyTorch's names,
 * argument order (MaxPool2d puts return_indices before ceil_mode, as PyTorch) and
 * extra_repr. Positional arguments or one options object both work.
 */
type IntPair = number | readonly number[];
type MaxPoolArgs = PositionalThenOptions<
  [stride: IntPair, padding: IntPair, dilation: IntPair, returnIndices: boolean, ceilMode: boolean],
  { stride?: IntPair | null; padding?: IntPair; dilation?: IntPair; returnIndices?: boolean; ceilMode?: boolean }
>;
type AvgPoolArgs = PositionalThenOptions<
  [stride: IntPair, padding: IntPair, ceilMode: boolean, countIncludePad: boolean, divisorOverride: number],
  { stride?: IntPair | null; padding?: IntPair; ceilMode?: boolean; countIncludePad?: boolean; divisorOverride?: number | null }
>;

/** A value as Python's repr shows it in extra_repr: tuples, None, True/False. */
const show = (v: unknown): string =>
  Array.isArray(v) ? `(${v.map(show).join(', ')})` : v === null || v === undefined ? 'None' : typeof v === 'boolean' ? (v ? 'True' : 'False') : String(v);
/** A Python float's repr: 2 -> 2.0, 1.25 -> 1.25. */
const showFloat = (v: number): string => (Number.isInteger(v) ? v.toFixed(1) : String(v));

export class MaxPool2d extends Module {
  readonly kernelSize: IntPair;
  readonly stride: IntPair;
  readonly padding: IntPair;
  readonly dilation: IntPair;
  readonly returnIndices: boolean;
  readonly ceilMode: boolean;
  constructor(kernelSize: IntPair, ...rest: MaxPoolArgs) {
    super();
    const o = parseTrailing(rest, ['stride', 'padding', 'dilation', 'returnIndices', 'ceilMode']);
    this.kernelSize = kernelSize;
    this.stride = (o.stride as IntPair | null | undefined) ?? kernelSize;
    this.padding = (o.padding as IntPair | undefined) ?? 0;
    this.dilation = (o.dilation as IntPair | undefined) ?? 1;
    this.returnIndices = Boolean(o.returnIndices);
    this.ceilMode = Boolean(o.ceilMode);
  }
  override forward(x: Tensor): Tensor | [Tensor, Tensor] {
    return F.maxPool2d(x, { kernelSize: this.kernelSize, stride: this.stride, padding: this.padding, dilation: this.dilation, ceilMode: this.ceilMode, returnIndices: this.returnIndices });
  }
  override extraRepr(): string {
    return `kernel_size=${show(this.kernelSize)}, stride=${show(this.stride)}, padding=${show(this.padding)}, dilation=${show(this.dilation)}, ceil_mode=${show(this.ceilMode)}`;
  }
}

export class AvgPool2d extends Module {
  readonly kernelSize: IntPair;
  readonly stride: IntPair;
  readonly padding: IntPair;
  readonly ceilMode: boolean;
  readonly countIncludePad: boolean;
  readonly divisorOverride: number | null;
  constructor(kernelSize: IntPair, ...rest: AvgPoolArgs) {
    super();
    const o = parseTrailing(rest, ['stride', 'padding', 'ceilMode', 'countIncludePad', 'divisorOverride']);
    this.kernelSize = kernelSize;
    this.stride = (o.stride as IntPair | null | undefined) ?? kernelSize;
    this.padding = (o.padding as IntPair | undefined) ?? 0;
    this.ceilMode = Boolean(o.ceilMode);
    this.countIncludePad = (o.countIncludePad as boolean | undefined) ?? true;
    this.divisorOverride = (o.divisorOverride as number | null | undefined) ?? null;
  }
  override forward(x: Tensor): Tensor {
    return F.avgPool2d(x, { kernelSize: this.kernelSize, stride: this.stride, padding: this.padding, ceilMode: this.ceilMode, countIncludePad: this.countIncludePad, divisorOverride: this.divisorOverride });
  }
  override extraRepr(): string {
    return `kernel_size=${show(this.kernelSize)}, stride=${show(this.stride)}, padding=${show(this.padding)}`;
  }
}

export class AdaptiveAvgPool2d extends Module {
  constructor(readonly outputSize: IntPair | (number | null)[] | null) {
    super();
  }
  override forward(x: Tensor): Tensor {
    return F.adaptiveAvgPool2d(x, this.outputSize);
  }
  override extraRepr(): string {
    return `output_size=${show(this.outputSize)}`;
  }
}

export class AdaptiveMaxPool2d extends Module {
  readonly returnIndices: boolean;
  constructor(readonly outputSize: IntPair | (number | null)[] | null, ...rest: PositionalThenOptions<[returnIndices: boolean], { returnIndices?: boolean }>) {
    super();
    this.returnIndices = parseTrailing(rest, ['returnIndices']).returnIndices === true;
  }
  override forward(x: Tensor): Tensor | [Tensor, Tensor] {
    return F.adaptiveMaxPool2d(x, this.outputSize, this.returnIndices);
  }
  override extraRepr(): string {
    return `output_size=${show(this.outputSize)}`;
  }
}

/** nn.Upsample(size=None, scale_factor=None, mode='nearest', align_corners=None). */
export class Upsample extends Module {
  readonly size: number | readonly number[] | null;
  readonly scaleFactor: number | readonly number[] | null;
  readonly mode: string;
  readonly alignCorners: boolean | null;
  constructor(...args: unknown[]) {
    super();
    const o = parseTrailing(args, ['size', 'scaleFactor', 'mode', 'alignCorners']);
    this.size = (o.size as number | readonly number[] | undefined) ?? null;
    this.scaleFactor = (o.scaleFactor as number | readonly number[] | undefined) ?? null;
    this.mode = (o.mode as string | undefined) ?? 'nearest';
    this.alignCorners = (o.alignCorners as boolean | undefined) ?? null;
  }
  override forward(x: Tensor): Tensor {
    return F.interpolate(x, { size: this.size, scaleFactor: this.scaleFactor, mode: this.mode, alignCorners: this.alignCorners });
  }
  override extraRepr(): string {
    const what = this.scaleFactor !== null ? `scale_factor=${typeof this.scaleFactor === 'number' ? showFloat(this.scaleFactor) : `(${this.scaleFactor.map(showFloat).join(', ')})`}` : `size=${show(this.size)}`;
    return `${what}, mode=${this.mode}`;
  }
}
