/**
 * Whole-tensor comparisons (torch.isclose / allclose / equal) composed from the native
 * elementwise and reduction kernels; not differentiable, as in PyTorch.
 */
import { TensorError } from '../errors';
import { Tensor } from '../tensor';
import { scalarTypeNames } from './pointwise';
import { defineOp } from './registry';
import { parseTrailing } from '../args';
import type { PositionalThenOptions } from '../nn/layers/constructor-args';

export interface CloseOptions {
  rtol?: number;
  atol?: number;
  equalNan?: boolean;
}

/** Positional (rtol, atol, equalNan) as PyTorch's, or one options object (or both). */
export type CloseArgs = PositionalThenOptions<[rtol: number, atol: number, equalNan: boolean], CloseOptions>;

function isclose(a: Tensor, b: Tensor, ...rest: CloseArgs): Tensor {
  const { rtol = 1e-5, atol = 1e-8, equalNan = false } = parseTrailing(rest, ['rtol', 'atol', 'equalNan']) as CloseOptions;
  if (a.dtype !== b.dtype) throw new TensorError(`${scalarTypeNames[a.dtype.name]} did not match ${scalarTypeNames[b.dtype.name]}`);
  if (rtol < 0) throw new TensorError(`rtol must be greater than or equal to zero, but got ${rtol}`);
  if (atol < 0) throw new TensorError(`atol must be greater than or equal to zero, but got ${atol}`);
  // Exact equality covers infinities and integers; the tolerance test applies to finite values only.
  let close = a.eq(b);
  if (equalNan && a.dtype.isFloatingPoint) close = close.logicalOr(a.isnan().logicalAnd(b.isnan()));
  if (!a.dtype.isFloatingPoint && rtol === 0 && atol === 0) return close;
  const diff = a.dtype.isFloatingPoint ? a.sub(b).abs() : a.double().sub(b.double()).abs();
  const bound = (a.dtype.isFloatingPoint ? b.abs() : b.double().abs()).mul(rtol).add(atol);
  return close.logicalOr(diff.le(bound).logicalAnd(diff.isfinite()));
}

function allclose(a: Tensor, b: Tensor, ...rest: CloseArgs): boolean {
  return isclose(a, b, ...rest).all().item() as boolean;
}

/** torch.equal: same shape and every element equal (NaN never equals NaN). */
function equal(a: Tensor, b: Tensor): boolean {
  if (a.dim() !== b.dim() || a._shape.some((d, i) => d !== b._shape[i])) return false;
  return a.eq(b).all().item() as boolean;
}

defineOp({ name: 'isclose', kind: 'comparison', fn: isclose, method: true });
defineOp({ name: 'allclose', kind: 'comparison', fn: allclose, method: true });
defineOp({ name: 'equal', kind: 'comparison', fn: equal, method: true });

export { isclose, allclose, equal };
