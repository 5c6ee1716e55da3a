/** Comparing a tensorgrad result with the reference: dtype, shape, values (NaN equal to NaN). */
import * as torch from '../../../lib';
import { Arr, isFloat } from '../reference/ndarray';
import { arrOf } from './pool';

export interface Tolerance {
  /** Per-element scale that the absolute tolerance is relative to (sums, matmul). */
  scale?: number[];
  /** Multiplies the default relative tolerance (float32 libm-style results, softmax). */
  loose?: number;
}

export const RTOL = { float32: 1e-5, float64: 1e-12 } as const;

/** Returns a description of the first difference, or null when they agree. */
export function diff(actual: Arr, expected: Arr, tol: Tolerance = {}): string | null {
  if (actual.dtype !== expected.dtype) return `dtype ${actual.dtype}, expected ${expected.dtype}`;
  if (actual.shape.join() !== expected.shape.join()) return `shape [${actual.shape}], expected [${expected.shape}]`;
  const float = isFloat(expected.dtype);
  const rtol = float ? RTOL[expected.dtype as 'float32' | 'float64'] * (tol.loose ?? 1) : 0;
  for (let i = 0; i < expected.data.length; i++) {
    const a = actual.data[i], b = expected.data[i];
    if (Number.isNaN(b) || Number.isNaN(a)) {
      if (Number.isNaN(a) !== Number.isNaN(b)) return `element ${i}: ${a}, expected ${b}`;
      continue;
    }
    if (!float || !Number.isFinite(b) || !Number.isFinite(a)) {
      if (a !== b) return `element ${i}: ${a}, expected ${b}`;
      continue;
    }
    const atol = rtol * (tol.scale ? tol.scale[i] : 0) + (float ? rtol * 0.1 : 0);
    if (Math.abs(a - b) > atol + rtol * Math.abs(b)) return `element ${i}: ${a}, expected ${b} (|diff| ${Math.abs(a - b)})`;
  }
  return null;
}

export function diffTensor(actual: torch.Tensor, expected: Arr, tol?: Tolerance): string | null {
  if (!(actual instanceof torch.Tensor)) return `not a tensor: ${String(actual)}`;
  return diff(arrOf(actual), expected, tol);
}
