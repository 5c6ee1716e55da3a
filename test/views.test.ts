/** View ops: shapes, strides, offsets and contiguity exactly as PyTorch, and no copies. */
import * as torch from '../lib';
import { loadFixture } from './helpers/fixtures';
import { FixtureTensor, expectMatches } from './helpers/tensors';

interface ViewCase { op: string; args: unknown[]; shape: number[]; stride: number[]; offset: number; contiguous: boolean; values: FixtureTensor }
interface Views {
  cases: (ViewCase | { op: 'view_of_transposed'; ok: number[]; split_ok: number[] })[];
  errors: Record<string, string>;
  contiguity: { name: string; shape: number[]; stride: number[]; contiguous: boolean }[];
}
const views = loadFixture<{ views: Views }>('core').views;
const base = () => torch.arange(24, { dtype: torch.float32 }).reshape(2, 3, 4);

type Method = (...args: unknown[]) => torch.Tensor;
function applyView(t: torch.Tensor, op: string, args: unknown[]): torch.Tensor {
  if (op === 'mT') return t.mT;
  if (op === 't') return t.select(0, 0).t();
  if (op === 'expand' && (args[0] as number[])[2] === -1) return t.narrow(2, 0, 1).expand(args[0] as number[]);
  return ((t as unknown as Record<string, Method>)[op]).apply(t, args);
}

describe('views match PyTorch strides and offsets', () => {
  const cases = views.cases.filter((c): c is ViewCase => 'shape' in c);
  test.each(cases.map((c) => [`${c.op}(${JSON.stringify(c.args)})`, c] as const))('%s', (_, c) => {
    const b = base();
    const v = applyView(b, c.op, c.args);
    expect([...v.shape]).toEqual(c.shape);
    expect(v.stride()).toEqual(c.stride);
    expect(v.storageOffset()).toBe(c.offset);
    expect(v.isContiguous()).toBe(c.contiguous);
    expectMatches(v, c.values);
    expect(v._storage).toBe(b._storage); // a view, not a copy
  });

  test('view of a non-contiguous tensor follows ATen computeStride', () => {
    const c = views.cases.find((x) => x.op === 'view_of_transposed') as { ok: number[]; split_ok: number[] };
    expect(base().transpose(1, 2).reshape(2, 4, 3).stride()).toEqual(c.ok);
    expect(base().permute(1, 2, 0).view(3, 2, 2, 2).stride()).toEqual(c.split_ok);
  });

  test('writing through a view writes the base and bumps the shared version counter', () => {
    const b = base();
    const v = b.transpose(0, 2).select(0, 1);
    const before = b._version;
    v.fill_(-1);
    expect(b._version).toBe(before + 1);
    expect(b.select(2, 1).tolist()).toEqual([[-1, -1, -1], [-1, -1, -1]]);
    expect(b.select(2, 0).tolist()).toEqual([[0, 4, 8], [12, 16, 20]]);
  });

  test('reshape copies only when no view is possible', () => {
    const b = base();
    expect(b.reshape(6, 4)._storage).toBe(b._storage);
    const r = b.transpose(1, 2).reshape(24);
    expect(r._storage).not.toBe(b._storage);
    expect(r.tolist()).toEqual(b.transpose(1, 2).contiguous().view(24).tolist());
  });

  test.each(views.contiguity.map((c) => [c.name, c] as const))('isContiguous: %s', (_, c) => {
    const t = torch.empty(64).asStrided(c.shape, c.stride.map((s) => Math.max(s, 0)), 0);
    expect(t.isContiguous()).toBe(c.contiguous);
  });
});

describe('view errors carry PyTorch messages', () => {
  const e = views.errors;
  const cases: [string, () => unknown][] = [
    ['view_incompatible', () => base().transpose(1, 2).view(24)],
    ['view_bad_size', () => base().view(5, 5)],
    ['view_two_inferred', () => base().view(-1, -1)],
    ['dim_out_of_range', () => base().transpose(0, 3)],
    ['select_out_of_range', () => base().select(0, 5)],
    ['narrow_too_long', () => base().narrow(2, 3, 2)],
    ['expand_mismatch', () => base().expand(2, 3, 5)],
    ['t_3d', () => base().t()],
    ['unfold_too_big', () => base().unfold(2, 5, 1)],
    ['permute_dup', () => base().permute(0, 0, 1)],
    ['flatten_bad', () => base().flatten(2, 1)],
  ];
  test.each(cases)('%s', (name, fn) => {
    expect(fn).toThrow(torch.TensorError);
    expect(fn).toThrow(e[name]);
  });
});
