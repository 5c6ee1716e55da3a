/**
 * t.index(...) / t.indexPut_(...) against real PyTorch 1.13 (test/fixtures/indexing.json,
 * from scripts/fixtures/indexing.py): values, shapes, dtypes, view strides and offsets,
 * the layout of advanced results, errors; then views writing through and copies not.
 */
import * as torch from '../lib';
import type { IndexArg } from '../lib/indexing';
import { loadFixture } from './helpers/fixtures';

type Encoded = number | string | boolean | null | { tensor: unknown; dtype: string } | { list: unknown[] };
interface Base { data: (number | boolean)[]; shape: number[]; dtype: string; permute: number[] | null }
interface GetCase { name: string; base: string; index: Encoded[]; values: unknown; shape: number[]; dtype: string; view: boolean; stride: number[]; offset: number }
interface GetError { name: string; base: string; index: Encoded[]; message: string }
interface PutCase { name: string; base: string; index: Encoded[]; value: Encoded; accumulate: boolean; result: unknown; versionDelta: number }
interface PutError { name: string; base: string; index: Encoded[]; value: Encoded; message: string }
interface NonzeroCase { name: string; input: unknown; dtype: string; permute: number[] | null; values: unknown; shape: number[]; stride: number[]; tuple: unknown[]; argwhere: unknown }
interface Fixture { bases: Record<string, Base>; get: GetCase[]; getErrors: GetError[]; put: PutCase[]; putErrors: PutError[]; nonzero: NonzeroCase[] }

const fx = loadFixture<Fixture>('indexing');

function build(name: string): torch.Tensor {
  const spec = fx.bases[name];
  const t = torch.tensor(spec.data, { dtype: spec.dtype }).reshape(spec.shape);
  return spec.permute ? t.permute(spec.permute) : t;
}

function decode(item: Encoded): IndexArg {
  if (item !== null && typeof item === 'object') {
    if ('list' in item) return item.list as IndexArg;
    return torch.tensor(item.tensor as number[], { dtype: item.dtype });
  }
  return item;
}

const decodeAll = (index: Encoded[]): IndexArg[] => index.map(decode);
const label = (c: { name: string; index: Encoded[] }): string => `${c.name}: [${JSON.stringify(c.index)}]`;

describe('t.index matches PyTorch', () => {
  test.each(fx.get.map((c) => [label(c), c] as const))('%s', (_, c) => {
    const base = build(c.base);
    const r = base.index(...decodeAll(c.index));
    expect(r.tolist()).toEqual(c.values);
    expect([...r.shape]).toEqual(c.shape);
    expect(String(r.dtype)).toBe(c.dtype);
    // Advanced results are laid out as TensorIterator lays them out; views keep PyTorch's geometry.
    expect(r.stride()).toEqual(c.stride);
    expect(r.storageOffset()).toBe(c.offset);
    if (c.view) {
      expect(r._storage === base._storage).toBe(true);
      expect(r._base === (base._base ?? base)).toBe(true);
    } else {
      expect(r._storage === base._storage).toBe(false);
      expect(r._base).toBeNull();
    }
  });

  test.each(fx.getErrors.map((c) => [label(c), c] as const))('error %s', (_, c) => {
    const base = build(c.base);
    const run = (): torch.Tensor => base.index(...decodeAll(c.index));
    expect(run).toThrow(c.message);
    expect(run).toThrow(torch.TensorError);
  });
});

describe('t.indexPut_ matches PyTorch', () => {
  test.each(fx.put.map((c) => [label(c), c] as const))('%s', (_, c) => {
    const base = build(c.base);
    const version = base._version;
    const ret = base.indexPut_(decodeAll(c.index), decode(c.value) as torch.Tensor | number | boolean, c.accumulate);
    expect(ret === base).toBe(true);
    expect(base.tolist()).toEqual(c.result);
    expect(base._version - version).toBe(c.versionDelta);
  });

  test.each(fx.putErrors.map((c) => [label(c), c] as const))('error %s', (_, c) => {
    const base = build(c.base);
    const run = (): torch.Tensor => base.indexPut_(decodeAll(c.index), decode(c.value) as torch.Tensor | number);
    expect(run).toThrow(c.message);
    expect(run).toThrow(torch.TensorError);
  });
});

describe('nonzero / argwhere match PyTorch', () => {
  test.each(fx.nonzero.map((c) => [c.name, c] as const))('%s', (_, c) => {
    const data = torch.tensor(c.input as number[], { dtype: c.dtype });
    const t = c.permute ? data.permute(c.permute) : data;
    const r = torch.nonzero(t);
    expect(r.tolist()).toEqual(c.values);
    expect([...r.shape]).toEqual(c.shape);
    expect(r.stride()).toEqual(c.stride);
    expect(String(r.dtype)).toBe('torch.int64');
    expect(t.nonzero({ asTuple: true }).map((p) => p.tolist())).toEqual(c.tuple);
    expect(torch.argwhere(t).tolist()).toEqual(c.argwhere);
    expect(t.argwhere().tolist()).toEqual(c.argwhere);
  });
});

describe('views and copies', () => {
  const grid = (): torch.Tensor => torch.arange(12).reshape(3, 4);

  test('writing through a basic-index view changes the base', () => {
    const a = grid();
    const row = a.index(1, '1:3');
    row.fill_(-1);
    expect(a.tolist()).toEqual([[0, 1, 2, 3], [4, -1, -1, 7], [8, 9, 10, 11]]);
    const col = a.index('...', null, -1);
    col.copy_(torch.tensor([[100], [200], [300]]).reshape(3, 1));
    expect(a.index(':', 3).tolist()).toEqual([100, 200, 300]);
    expect(row._version).toBe(a._version);
  });

  test('a view of a view writes the root, and its _base is the root', () => {
    const a = grid();
    const v = a.index('::2').index(':', 1);
    expect(v._base === (a._base ?? a)).toBe(true); // (toBe would print the tensors on failure)
    v.fill_(0);
    expect(a.tolist()).toEqual([[0, 0, 2, 3], [4, 5, 6, 7], [8, 0, 10, 11]]);
  });

  test('advanced indexing returns a copy', () => {
    const a = grid();
    for (const r of [a.index([0, 2]), a.index(torch.tensor([true, false, true])), a.index(true), a.index(':', [1])]) {
      const before = a.tolist();
      r.fill_(99);
      expect(a.tolist()).toEqual(before);
    }
  });

  test('indexPut_ through a view writes the base and bumps the shared version once', () => {
    const a = grid();
    const v = a.index(1);
    const version = a._version;
    v.indexPut_([[0, 3]], 50);
    expect(a.index(1).tolist()).toEqual([50, 5, 6, 50]);
    expect(a._version).toBe(version + 1);
  });

  test('indexPut (out of place) leaves the tensor as it was', () => {
    const a = grid();
    const b = a.indexPut([[0]], 7);
    expect(b.index(0).tolist()).toEqual([7, 7, 7, 7]);
    expect(a.index(0).tolist()).toEqual([0, 1, 2, 3]);
  });
});

describe('indexing rules beyond the fixture', () => {
  const a = (): torch.Tensor => torch.arange(60).reshape(3, 4, 5);

  test('at most one ellipsis', () => {
    expect(() => a().index('...', 0, '...')).toThrow("an index can only have a single ellipsis ('...')");
    expect(() => a().index('...', 0, '...')).toThrow(torch.TensorError);
  });

  test('slice strings accept spaces and signs, reject other text', () => {
    expect(a().index(' 1 : -1 ').shape).toEqual(a().index('1:-1').shape);
    expect(a().index('+1:').shape[0]).toBe(2);
    expect(() => a().index('1:2:3:4')).toThrow(torch.TensorError);
    expect(() => a().index('x')).toThrow('valid indices (got str)');
  });

  test('a value tensor of the same storage is refused, as index_put_ does', () => {
    const m = torch.arange(12, { dtype: 'float32' }).reshape(3, 4);
    expect(() => m.indexPut_([[0, 2]], m.index(1))).toThrow(
      'unsupported operation: some elements of the input tensor and the written-to tensor refer to a single memory location.',
    );
    // ...but a lone mask with a one-element value is masked_fill_, which reads the value first.
    m.indexPut_([m.gt(9)], m.index(0, 0));
    expect(m.index(2).tolist()).toEqual([8, 9, 0, 0]);
  });

  test('a strided value on the same storage is read before it is overwritten', () => {
    const m = torch.arange(12, { dtype: 'float32' }).reshape(3, 4);
    m.indexPut_([':', [0, 1]], m.index(':', '2:'));
    expect(m.tolist()).toEqual([[2, 3, 2, 3], [6, 7, 6, 7], [10, 11, 10, 11]]);
  });

  test('accumulate over basic indices adds into the view', () => {
    const m = torch.zeros(2, 3);
    m.indexPut_([0], torch.tensor([1, 2, 3]), true);
    m.indexPut_([0], 1, true);
    expect(m.tolist()).toEqual([[2, 3, 4], [0, 0, 0]]);
  });

  test('more index tensors than the kernels take is a clear error', () => {
    const t = torch.arange(128).reshape(2, 2, 2, 2, 2, 2, 2);
    expect(() => t.index(t.gt(5))).toThrow('indexing with more than 6 index tensors (a mask counts one per dim) is not supported, got 7');
    expect(t.index(0, t.index(0).gt(5)).shape).toEqual([58]);
  });

  test('indices from a strided tensor and a strided mask', () => {
    const t = a();
    const idx = torch.tensor([[0, 9], [2, 9]]).index(':', 0); // [0, 2], stride 2
    expect(t.index(idx).tolist()).toEqual(t.index([0, 2]).tolist());
    const mask = torch.tensor([[true, false], [false, false], [true, true]]).index(':', 0); // stride 2
    expect(t.index(mask).tolist()).toEqual(t.index([0, 2]).tolist());
  });
});
