/**
 * F.interpolate (API.md §3): 'nearest' for 3-D and 4-D input and 'bilinear' for 4-D, as
 * PyTorch 1.13 (its Python wrapper's argument rules and messages, the C++ output size
 * floor(in * scale) with the scale passed on to the index rule, node names, layout:
 * channels_last in, channels_last out). Both modes are linear in the input, so the
 * derivative is the native backward kernel, whose own derivative is the forward again.
 * A 3-D (N, C, L) input runs the 2-D kernels as an (N, C, 1, L) view.
 */
import { TensorError } from '../errors';
import { Tensor } from '../tensor';
import { needsGrad } from '../autograd/node';
import { defineOp } from './registry';
import { Geometry, PoolOp, geometry, layoutOf, poolBackward, poolForward } from './pool-kernel';
import { doubleBackwardName, parseTrailing, recordLinear } from './pool';
import { scalarTypeNames } from './pointwise';
import { uint8 } from '../dtype';

export interface InterpolateOpts {
  size?: number | readonly number[] | null;
  scaleFactor?: number | readonly number[] | null;
  mode?: string;
  alignCorners?: boolean | null;
  recomputeScaleFactor?: boolean | null;
  antialias?: boolean;
}

type Mode = 'nearest' | 'bilinear';

/** (N, C, L) as (N, C, 1, L), metadata only; 4-D unchanged. */
function lift(t: Tensor): Tensor {
  if (t.dim() === 4) return t;
  const [n, c, l] = t._shape, [sn, sc, sl] = t._strides;
  return t._view([n, c, 1, l], [sn, sc, 0, sl]);
}
/** Back to the caller's rank: (N, C, 1, L) as (N, C, L). */
function lower(t4: Tensor, rank: number): Tensor {
  if (rank === 4) return t4;
  const [n, c, , l] = t4._shape, s = t4._strides;
  return t4._view([n, c, l], [s[0], s[1], s[3]]);
}

function nodeName(mode: Mode, rank: number): string {
  // F.interpolate reaches PyTorch's .vec overloads, whose nodes are named ...Backward1.
  if (mode === 'bilinear') return 'UpsampleBilinear2DBackward1';
  return rank === 3 ? 'UpsampleNearest1DBackward1' : 'UpsampleNearest2DBackward1';
}

/** The forward kernel on `input` (3-D or 4-D) to spatial size (oh, ow), recording its adjoint. */
function upsample(mode: Mode, input: Tensor, oh: number, ow: number, g: Geometry): Tensor {
  const rank = input.dim();
  const [out4] = poolForward(mode === 'nearest' ? PoolOp.nearestForward : PoolOp.bilinearForward, lift(input), oh, ow, g);
  const out = lower(out4, rank);
  if (needsGrad([input])) {
    const inputShape = lift(input)._shape;
    recordLinear(nodeName(mode, rank), input, out, (grad) => upsampleAdjoint(mode, grad, inputShape, rank, g));
  }
  return out;
}

/** The backward kernel: grad (output-sized) spread back onto `inputShape4`. */
function upsampleAdjoint(mode: Mode, grad: Tensor, inputShape4: readonly number[], rank: number, g: Geometry): Tensor {
  const grad4 = lift(grad);
  const op = mode === 'nearest' ? PoolOp.nearestBackward : PoolOp.bilinearBackward;
  // As PyTorch's upsample backward: grad_input takes grad_output's suggested layout.
  const gradInput = lower(poolBackward(op, grad4, null, inputShape4, layoutOf(grad4), g), rank);
  if (needsGrad([grad]))
    recordLinear(doubleBackwardName(nodeName(mode, rank)), grad, gradInput, (gg) => upsample(mode, gg, grad4._shape[2], grad4._shape[3], g));
  return gradInput;
}

function listOf(v: number | readonly number[], dim: number): readonly number[] {
  return typeof v === 'number' ? new Array<number>(dim).fill(v) : v;
}

/**
 * F.interpolate(input, size=None, scale_factor=None, mode='nearest', align_corners=None,
 * recompute_scale_factor=None); positional or options.
 */
export function interpolate(input: Tensor, ...rest: unknown[]): Tensor {
  if (!(input instanceof Tensor)) throw new TypeError(`interpolate(): argument 'input' must be Tensor, not ${typeof input}`);
  const o = parseTrailing(rest, ['size', 'scaleFactor', 'mode', 'alignCorners', 'recomputeScaleFactor', 'antialias']) as InterpolateOpts;
  const mode = o.mode ?? 'nearest';
  const alignCornersGiven = o.alignCorners !== undefined && o.alignCorners !== null;
  if ((mode === 'nearest' || mode === 'area' || mode === 'nearest-exact') && alignCornersGiven)
    throw new TensorError('align_corners option can only be set with the interpolating modes: linear | bilinear | bicubic | trilinear');
  const alignCorners = Boolean(o.alignCorners);
  const dim = input.dim() - 2;
  const spatial = `[${input._shape.slice(2).join(', ')}]`;
  const size = o.size ?? null, scale = o.scaleFactor ?? null;
  let outputSize: readonly number[] | null = null;
  let scales: readonly number[] | null = null;
  if (size !== null && scale !== null) throw new TensorError('only one of size or scale_factor should be defined');
  if (size !== null) {
    if (typeof size !== 'number' && size.length !== dim)
      throw new TensorError(
        `Input and output must have the same number of spatial dimensions, but got input with spatial dimensions of ${spatial} and output size of [${size.join(', ')}]. Please provide input tensor in (N, C, d1, d2, ...,dK) format and output size in (o1, o2, ...,oK) format.`,
      );
    outputSize = listOf(size, dim);
  } else if (scale !== null) {
    if (typeof scale !== 'number' && scale.length !== dim)
      throw new TensorError(
        `Input and scale_factor must have the same number of spatial dimensions, but got input with spatial dimensions of ${spatial} and scale_factor of shape [${scale.join(', ')}]. Please provide input tensor in (N, C, d1, d2, ...,dK) format and scale_factor in (s1, s2, ...,sK) format.`,
      );
    scales = listOf(scale, dim);
  } else throw new TensorError('either size or scale_factor should be defined');
  if (o.recomputeScaleFactor && size !== null) throw new TensorError('recompute_scale_factor is not meaningful with an explicit size.');
  if (o.recomputeScaleFactor && scales) {
    outputSize = scales.map((s, i) => Math.floor(input._shape[i + 2] * s));
    scales = null;
  }
  if (o.antialias && !(mode === 'bilinear' && input.dim() === 4))
    throw new TensorError('Anti-alias option is only supported for bilinear and bicubic modes');
  if (o.antialias) throw new TensorError('interpolate: antialias is not supported by tensorgrad');
  if (input.dim() === 3 && mode === 'bilinear') throw new TensorError('Got 3D input, but bilinear mode needs 4D input');
  if (!((input.dim() === 3 && mode === 'nearest') || (input.dim() === 4 && (mode === 'nearest' || mode === 'bilinear'))))
    throw new TensorError(
      `Input Error: Only 3D, 4D and 5D input Tensors supported (got ${input.dim()}D) for the modes: nearest | linear | bilinear | bicubic | trilinear | area | nearest-exact (got ${mode})`,
    );
  // C++'s compute_output_size: the scale's product truncated.
  const sizes = outputSize ?? (scales as readonly number[]).map((s, i) => Math.trunc(input._shape[i + 2] * s));
  const inSizes = input._shape.slice(2);
  if (inSizes.some((v) => v <= 0) || sizes.some((v) => v <= 0)) {
    const names = dim === 1 ? ['W'] : ['H', 'W'];
    const show = (v: readonly number[]) => `(${v.map((x, i) => `${names[i]}: ${x}`).join(', ')})`;
    throw new TensorError(`Input and output sizes should be greater than 0, but got input ${show(inSizes)}${dim === 1 ? ' and' : ''} output ${show(sizes)}`);
  }
  if (input._shape[1] === 0 || (input.numel() === 0 && input._shape[0] !== 0))
    throw new TensorError(`Non-empty ${input.dim()}D data tensor expected but got a tensor with sizes [${input._shape.join(', ')}]`);
  // As PyTorch, nearest also copies uint8 (exactly, through float64).
  if (input.dtype === uint8 && mode === 'nearest') return interpolate(input.double(), o).to(uint8);
  if (!input.dtype.isFloatingPoint)
    throw new TensorError(`"compute_indices_weights_${mode === 'nearest' ? 'nearest' : 'linear'}" not implemented for '${scalarTypeNames[input.dtype.name]}'`);
  const [scaleH, scaleW] = dim === 1 ? [0, scales ? scales[0] : 0] : scales ? [scales[0], scales[1]] : [0, 0];
  const [oh, ow] = dim === 1 ? [1, sizes[0]] : [sizes[0], sizes[1]];
  return upsample(mode as Mode, input, oh, ow, geometry({ alignCorners, scaleH, scaleW }));
}

defineOp({ name: 'interpolate', kind: 'nn', backwardName: 'UpsampleNearest2DBackward1' });
