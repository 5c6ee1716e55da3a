/**
 * Printing (API.md §1) against real PyTorch 1.13: every case of
 * test/fixtures/print.json (scripts/fixtures/print.py) rebuilds a tensor and expects
 * PyTorch's str(t) for it, under the print options the case names.
 */
import { inspect } from 'util';
import * as torch from '../lib';
import { Node } from '../lib/autograd/node';
import type { SetPrintOptions } from '../lib/print';
import { loadFixture } from './helpers/fixtures';

type FixtureValue = number | boolean | string;
interface PrintCase {
  name: string;
  dtype: string;
  shape: number[];
  values: FixtureValue[];
  transpose?: boolean;
  requiresGrad?: boolean;
  gradFn?: string;
  options?: SetPrintOptions;
  expected: string;
}

const cases = loadFixture<PrintCase[]>('print');
const byName = (name: string): PrintCase => {
  const found = cases.find((c) => c.name === name);
  if (!found) throw new Error(`no print fixture named ${name}`);
  return found;
};

/** JSON has no NaN or infinities: the fixture writes them as strings. */
function toNumber(v: FixtureValue): number {
  if (v === 'nan') return NaN;
  if (v === 'inf') return Infinity;
  if (v === '-inf') return -Infinity;
  return Number(v);
}

/** The elements as the typed array torch.from maps to the case's dtype (bool is converted after). */
function typedValues(dtype: string, values: FixtureValue[]): ArrayBufferView {
  const numbers = (): number[] => values.map(toNumber);
  switch (dtype) {
    case 'float32': return Float32Array.from(numbers());
    case 'float64': return Float64Array.from(numbers());
    case 'int64': return BigInt64Array.from(values.map((v) => BigInt(v))); // strings keep int64s past 2**53 exact
    case 'int32': return Int32Array.from(numbers());
    case 'int16': return Int16Array.from(numbers());
    case 'int8': return Int8Array.from(numbers());
    case 'uint8':
    case 'bool': return Uint8Array.from(numbers());
    default: throw new Error(`print fixture: unknown dtype ${dtype}`);
  }
}

function build(c: PrintCase): torch.Tensor {
  let t = torch.from(typedValues(c.dtype, c.values), c.shape);
  if (c.dtype === 'bool') t = t.to(torch.bool);
  if (c.transpose) t = t.transpose(0, 1);
  if (c.requiresGrad || c.gradFn) t.requiresGrad_();
  if (c.gradFn) t.gradFn = new Node(c.gradFn, [], null); // printing reads only its name()
  return t;
}

afterEach(() => torch.setPrintoptions({ profile: 'default' }));

describe('printing matches PyTorch 1.13 str(t)', () => {
  test.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const t = build(c);
    if (c.transpose) expect(t.isContiguous()).toBe(false);
    if (c.options) torch.setPrintoptions(c.options);
    expect(String(t)).toBe(c.expected);
  });

  test('t.toString() and util.inspect (console.log) print the same text', () => {
    for (const c of cases.filter((x) => !x.options)) {
      const t = build(c);
      expect(t.toString()).toBe(c.expected);
      expect(inspect(t)).toBe(c.expected);
    }
  });

  test('tensors made by tensorgrad ops print as PyTorch', () => {
    expect(String(torch.tensor([[1, 2], [3, 4]]))).toBe('tensor([[1, 2],\n        [3, 4]])');
    expect(String(torch.arange(24).reshape(2, 3, 4))).toBe(byName('3-D int64').expected);
    expect(String(torch.arange(2000))).toBe(byName('1-D int64 of 2000').expected);
    expect(String(torch.zeros(0, 3))).toBe('tensor([], size=(0, 3))');
    expect(String(torch.tensor(3.5))).toBe('tensor(3.5000)');
    expect(String(torch.tensor([true, false, true]))).toBe('tensor([ True, False,  True])');
    expect(String(torch.zeros(2, { dtype: torch.float64, requiresGrad: true }))).toBe(
      'tensor([0., 0.], dtype=torch.float64, requires_grad=True)',
    );
  });
});

describe('setPrintoptions', () => {
  const x = (): torch.Tensor => torch.tensor([1.12345, 2.5], { dtype: torch.float32 });

  test('changes the output and profile "default" restores it', () => {
    const before = String(x());
    expect(before).toBe('tensor([1.1235, 2.5000])');
    torch.setPrintoptions({ precision: 2 });
    expect(String(x())).toBe('tensor([1.12, 2.50])');
    torch.setPrintoptions({ threshold: 5 });
    expect(String(torch.arange(10))).toBe('tensor([0, 1, 2,  ..., 7, 8, 9])');
    torch.setPrintoptions({ profile: 'default' });
    expect(String(x())).toBe(before);
    expect(String(torch.arange(10))).toBe('tensor([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])');
  });

  test('sciMode: null restores automatic notation, and so does any call without sciMode (as PyTorch)', () => {
    torch.setPrintoptions({ sciMode: true });
    expect(String(x())).toBe('tensor([1.1235e+00, 2.5000e+00])');
    torch.setPrintoptions({ sciMode: null });
    expect(String(x())).toBe('tensor([1.1235, 2.5000])');
    torch.setPrintoptions({ sciMode: true });
    torch.setPrintoptions({ precision: 4 });
    expect(String(x())).toBe('tensor([1.1235, 2.5000])');
  });

  test('profiles set precision, threshold, edgeitems and linewidth; getPrintoptions reads them', () => {
    torch.setPrintoptions({ profile: 'short' });
    expect(torch.getPrintoptions()).toEqual({ precision: 2, threshold: 1000, edgeitems: 2, linewidth: 80, sciMode: null });
    torch.setPrintoptions({ profile: 'full', linewidth: 120 });
    expect(torch.getPrintoptions()).toEqual({ precision: 4, threshold: Infinity, edgeitems: 3, linewidth: 120, sciMode: null });
    torch.setPrintoptions({ profile: 'default' });
    expect(torch.getPrintoptions()).toEqual({ precision: 4, threshold: 1000, edgeitems: 3, linewidth: 80, sciMode: null });
  });

  test('rejects options of the wrong kind', () => {
    expect(() => torch.setPrintoptions({ precision: 'two' as unknown as number })).toThrow(TypeError);
    expect(() => torch.setPrintoptions({ precision: -1 })).toThrow(torch.TensorError);
    expect(torch.getPrintoptions().precision).toBe(4);
  });
});

test('t.shape prints as torch.Size', () => {
  const t = torch.zeros(3, 4);
  expect(String(t.shape)).toBe('torch.Size([3, 4])');
  expect(inspect(t.shape)).toBe('torch.Size([3, 4])');
  expect(String(torch.tensor(1).shape)).toBe('torch.Size([])');
});
