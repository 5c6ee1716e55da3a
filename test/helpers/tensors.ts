/** Building tensors from fixtures and comparing results with PyTorch's. */
import * as torch from '../../lib';

export type FixtureValue = number | boolean | 'nan' | 'inf' | '-inf';
export interface FixtureTensor {
  dtype: string;
  shape: number[];
  values: FixtureValue[];
}

export function decodeNumber(v: FixtureValue): number {
  if (v === 'nan') return NaN;
  if (v === 'inf') return Infinity;
  if (v === '-inf') return -Infinity;
  return typeof v === 'boolean' ? (v ? 1 : 0) : v;
}

export function dtypeNamed(name: string): torch.DType {
  const d = (torch as unknown as Record<string, unknown>)[name];
  if (!(d instanceof torch.DType)) throw new Error(`unknown dtype ${name}`);
  return d;
}

export function fromFixture(f: FixtureTensor): torch.Tensor {
  const dtype = dtypeNamed(f.dtype);
  const flat = torch.tensor(f.values.map(decodeNumber), { dtype });
  return flat.reshape(f.shape);
}

/** Flattened values of a tensor as numbers (bool -> 0/1, int64 -> number). */
export function flatValues(t: torch.Tensor): number[] {
  const list = t.reshape(-1).tolist() as (number | boolean)[];
  return list.map((v) => (typeof v === 'boolean' ? (v ? 1 : 0) : v));
}

/** Same dtype, shape and values (NaN equal to NaN; floats within rtol/atol). */
export function expectMatches(actual: torch.Tensor, expected: FixtureTensor, rtol = 1.3e-6, atol = 1e-5): void {
  expect(String(actual.dtype)).toBe(`torch.${expected.dtype}`);
  expect([...actual.shape]).toEqual(expected.shape);
  const got = flatValues(actual);
  const want = expected.values.map(decodeNumber);
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const a = got[i], b = want[i];
    if (Number.isNaN(b)) {
      if (!Number.isNaN(a)) throw new Error(`element ${i}: expected NaN, got ${a}`);
    } else if (Number.isNaN(a)) {
      // (|NaN - b| > tol is false: without this a NaN would pass for any finite value)
      throw new Error(`element ${i}: expected ${b}, got NaN`);
    } else if (!Number.isFinite(b) || !actual.dtype.isFloatingPoint) {
      if (a !== b) throw new Error(`element ${i}: expected ${b}, got ${a}`);
    } else if (Math.abs(a - b) > atol + rtol * Math.abs(b)) {
      throw new Error(`element ${i}: expected ${b}, got ${a} (|diff| ${Math.abs(a - b)})`);
    }
  }
}
