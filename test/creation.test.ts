/** Creation functions and the generator, against PyTorch 1.13 values. */
import * as torch from '../lib';
import { loadFixture } from './helpers/fixtures';
import { FixtureTensor, expectMatches } from './helpers/tensors';

interface Creation {
  [k: string]: unknown;
  arange: { args: number[]; out: FixtureTensor }[];
  linspace: { args: number[]; out: FixtureTensor }[];
  eye: FixtureTensor[];
  full: FixtureTensor[];
  tensor: { data: unknown; out: FixtureTensor }[];
  ragged_error: string;
  zeros_like: { stride: number[] };
}
const c = loadFixture<{ creation: Creation }>('core').creation;
const f = (k: string) => c[k] as FixtureTensor;

describe('manualSeed reproduces PyTorch random numbers', () => {
  test('rand, randn (both kernels), randint, randperm after manualSeed(0)', () => {
    torch.manualSeed(0);
    expectMatches(torch.rand(2, 3), f('rand'), 0, 0);
    expectMatches(torch.rand(5, { dtype: torch.float64 }), f('rand_double'), 0, 0);
    expectMatches(torch.randn(5), f('randn_small'), 1e-6, 1e-7);
    expectMatches(torch.randn(37), f('randn_large'), 1e-5, 1e-6);
    expectMatches(torch.randn(20, { dtype: torch.float64 }), f('randn_double'), 1e-12, 1e-12);
    expectMatches(torch.randint(3, 10, [2, 5]), f('randint'));
    expectMatches(torch.randint(7, [6]), f('randint_high'));
    expectMatches(torch.randperm(10), f('randperm'));
    torch.manualSeed(42);
    expectMatches(torch.rand(4), f('seed42_rand'), 0, 0);
  });

  test('the same seed gives the same numbers', () => {
    torch.manualSeed(7);
    const a = torch.randn(100).tolist();
    torch.manualSeed(7);
    expect(torch.randn(100).tolist()).toEqual(a);
  });
});

describe('factories', () => {
  test.each(c.arange.map((x) => [JSON.stringify(x.args), x] as const))('arange%s', (_, x) => {
    expectMatches(torch.arange(...x.args), x.out, 0, 0);
  });
  test.each(c.linspace.map((x) => [JSON.stringify(x.args), x] as const))('linspace%s', (_, x) => {
    const [s, e, n] = x.args;
    expectMatches(torch.linspace(s, e, n), x.out, 0, 0);
  });
  test('eye and full infer PyTorch dtypes', () => {
    expectMatches(torch.eye(3), c.eye[0]);
    expectMatches(torch.eye(2, 4), c.eye[1]);
    expectMatches(torch.full([2, 2], 7), c.full[0]);
    expectMatches(torch.full([2], 1.5), c.full[1]);
    expectMatches(torch.full([1], true), c.full[2]);
  });
  test.each(c.tensor.map((x) => [JSON.stringify(x.data), x] as const))('tensor(%s)', (_, x) => {
    expectMatches(torch.tensor(x.data as number[]), x.out);
  });
  test('ragged data is refused with PyTorch message', () => {
    expect(() => torch.tensor([[1, 2], [3]])).toThrow(c.ragged_error);
  });
  test('zerosLike preserves a permuted layout', () => {
    expect(torch.zerosLike(torch.empty(2, 3, 4).permute(2, 0, 1)).stride()).toEqual(c.zeros_like.stride);
  });
  test('shapes as varargs, arrays or a Size; options object last', () => {
    expect([...torch.zeros(2, 3).shape]).toEqual([2, 3]);
    expect([...torch.ones([4]).shape]).toEqual([4]);
    const s = torch.rand(2, 5).shape;
    expect([...torch.empty(s, { dtype: torch.float64 }).shape]).toEqual([2, 5]);
    expect(torch.zeros(2, { dtype: torch.int32 }).dtype).toBe(torch.int32);
    expect(torch.ones(2, 2, { requiresGrad: true }).requiresGrad).toBe(true);
  });
  test('typed arrays keep their dtype; bigint is int64', () => {
    expect(torch.tensor(new Float64Array([1, 2])).dtype).toBe(torch.float64);
    expect(torch.tensor(new Int32Array([1, 2])).dtype).toBe(torch.int32);
    expect(torch.tensor([[new Uint8Array([1, 2])]]).dtype).toBe(torch.uint8);
    expect(torch.tensor([1n, 2n]).dtype).toBe(torch.int64);
  });
  test('cuda device gives a clear error', () => {
    expect(() => torch.zeros(2, { device: 'cuda' })).toThrow(/CUDA/);
    expect(() => torch.ones(2).cuda()).toThrow(torch.TensorError);
    expect(torch.cuda.isAvailable()).toBe(false);
    expect(String(torch.ones(1).device)).toBe('cpu');
  });
});

describe('conversions', () => {
  test('to(dtype) casts as PyTorch (truncation, bool)', () => {
    const t = torch.tensor([-1.7, 0, 2.9]);
    expect(t.long().tolist()).toEqual([-1, 0, 2]);
    expect(t.bool().tolist()).toEqual([true, false, true]);
    expect(t.to(torch.uint8).tolist()).toEqual([255, 0, 2]);
    expect(t.to(torch.float64).dtype).toBe(torch.float64);
    expect(t.to('float64').dtype).toBe(torch.float64);
    expect(t.float()).toBe(t); // same dtype: no copy, as PyTorch
  });
  test('item and tolist', () => {
    expect(torch.tensor(3.5).item()).toBe(3.5);
    expect(torch.tensor(true).item()).toBe(true);
    expect(torch.tensor([[1, 2]]).tolist()).toEqual([[1, 2]]);
    expect(torch.tensor(5).tolist()).toBe(5);
  });
  test('Size prints as torch.Size and is frozen', () => {
    const s = torch.zeros(3, 4).shape;
    expect(String(s)).toBe('torch.Size([3, 4])');
    expect(Object.isFrozen(s)).toBe(true);
    expect(torch.zeros(3, 4).size(-1)).toBe(4);
    expect(String(torch.float32)).toBe('torch.float32');
  });
});
