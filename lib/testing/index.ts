/**
 * require('tensorgrad/testing'): assertClose with torch.testing.assert_close's rules
 * (per-dtype default tolerances, shape/dtype checks, NaN handling) and its report.
 */
import { TensorError } from '../errors';
import { Tensor } from '../tensor';
import { float64, DType } from '../dtype';
import { tensor as makeTensor } from '../creation';
import { pyFloat } from '../python-repr';

export interface CloseOptions {
  rtol?: number;
  atol?: number;
  equalNan?: boolean;
  checkDtype?: boolean;
}

/** assert_close's defaults: float32 1.3e-6 / 1e-5, float64 1e-7 / 1e-7, exact for the rest. */
function defaultTolerances(dtype: DType): [number, number] {
  if (dtype.name === 'float32') return [1.3e-6, 1e-5];
  if (dtype.name === 'float64') return [1e-7, 1e-7];
  return [0, 0];
}

function asTensor(v: Tensor | number | boolean | number[]): Tensor {
  return v instanceof Tensor ? v : makeTensor(v as number[]);
}

function indexOf(flat: number, shape: readonly number[]): string {
  const idx: number[] = [];
  for (let d = shape.length - 1; d >= 0; d--) {
    idx.unshift(flat % shape[d]);
    flat = Math.floor(flat / shape[d]);
  }
  return `(${idx.join(', ')}${idx.length === 1 ? ',' : ''})`;
}

/** Throws a TensorError describing the mismatch, as PyTorch's assert_close; returns otherwise. */
export function assertClose(actualIn: Tensor | number | boolean | number[], expectedIn: Tensor | number | boolean | number[], opts: CloseOptions = {}): void {
  const actual = asTensor(actualIn), expected = asTensor(expectedIn);
  if (actual._shape.length !== expected._shape.length || actual._shape.some((d, i) => d !== expected._shape[i]))
    throw new TensorError(`The values for attribute 'shape' do not match: torch.Size([${actual._shape.join(', ')}]) != torch.Size([${expected._shape.join(', ')}]).`);
  if ((opts.checkDtype ?? true) && actual.dtype !== expected.dtype)
    throw new TensorError(`The values for attribute 'dtype' do not match: ${actual.dtype} != ${expected.dtype}.`);
  if ((opts.rtol === undefined) !== (opts.atol === undefined))
    throw new TensorError(`Both 'rtol' and 'atol' must be either specified or omitted, but got no ${opts.rtol === undefined ? 'rtol' : 'atol'}.`);
  const [dr, da] = defaultTolerances(actual.dtype.isFloatingPoint || expected.dtype.isFloatingPoint ? (actual.dtype === float64 || expected.dtype === float64 ? float64 : actual.dtype.isFloatingPoint ? actual.dtype : expected.dtype) : actual.dtype);
  const rtol = opts.rtol ?? dr, atol = opts.atol ?? da;
  const a = (actual.reshape(-1).to(float64).tolist() as number[]);
  const b = (expected.reshape(-1).to(float64).tolist() as number[]);
  let mismatched = 0, maxAbs = 0, maxAbsAt = 0, maxRel = 0, maxRelAt = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i], y = b[i];
    if (Number.isNaN(x) || Number.isNaN(y)) {
      if (!(opts.equalNan && Number.isNaN(x) && Number.isNaN(y))) mismatched++;
      continue;
    }
    if (x === y) continue;
    const abs = Math.abs(x - y), rel = abs / Math.abs(y);
    if (!(abs <= atol + rtol * Math.abs(y))) mismatched++;
    if (abs > maxAbs) { maxAbs = abs; maxAbsAt = i; }
    if (rel > maxRel) { maxRel = rel; maxRelAt = i; }
  }
  if (mismatched === 0) return;
  const total = a.length;
  const py = pyFloat;
  const lines = total === 1 && actual.dim() === 0
    ? ['Scalars are not close!', '', `Absolute difference: ${py(maxAbs)} (up to ${py(atol)} allowed)`, `Relative difference: ${py(maxRel)} (up to ${py(rtol)} allowed)`]
    : [
        'Tensor-likes are not close!', '',
        `Mismatched elements: ${mismatched} / ${total} (${((100 * mismatched) / total).toFixed(1)}%)`,
        `Greatest absolute difference: ${py(maxAbs)} at index ${indexOf(maxAbsAt, actual._shape)} (up to ${py(atol)} allowed)`,
        `Greatest relative difference: ${py(maxRel)} at index ${indexOf(maxRelAt, actual._shape)} (up to ${py(rtol)} allowed)`,
      ];
  throw new TensorError(lines.join('\n'));
}
