/** Joining and splitting, with the course's examples, against PyTorch 1.13. */
import * as torch from '../lib';
import { loadFixture } from './helpers/fixtures';
import { FixtureTensor, expectMatches } from './helpers/tensors';

const fx = loadFixture<Record<string, unknown>>('join');
const T = (k: string) => fx[k] as FixtureTensor;
const a = () => torch.tensor([[1, 2], [3, 4]]);
const b = () => torch.tensor([[5, 6], [7, 8]]);
const x = () => torch.arange(24, { dtype: torch.float32 }).reshape(2, 3, 4);

describe('joining', () => {
  test('the course examples: vstack, hstack, concatenate, unsqueeze', () => {
    expectMatches(torch.vstack([a(), b()]), T('vstack'));
    expectMatches(torch.hstack([a(), b()]), T('hstack'));
    expectMatches(torch.concatenate([a(), b()]), T('concatenate'));
    expectMatches(a().unsqueeze(1), T('unsqueeze'));
  });
  test('cat along dims, with promotion and legacy empty inputs; stack and dstack', () => {
    expectMatches(torch.cat([a(), b()], 1), T('cat_dim1'));
    expectMatches(torch.cat([x(), x()], -1), T('cat_neg'));
    expectMatches(torch.cat([torch.ones(2), torch.ones([2], { dtype: torch.int64 })]), T('cat_promote'));
    expectMatches(torch.cat([torch.ones(0), torch.ones(2, 3)]), T('cat_legacy_empty'));
    expectMatches(torch.stack([a(), b()]), T('stack'));
    expectMatches(torch.stack([a(), b()], 2), T('stack_dim2'));
    expectMatches(torch.dstack([a(), b()]), T('dstack'));
  });
  test('errors carry PyTorch messages', () => {
    const e = fx.errors as Record<string, string>;
    expect(() => torch.cat([torch.ones(2, 3), torch.ones(2, 4)])).toThrow(e.cat_mismatch);
    expect(() => torch.cat([])).toThrow(e.cat_empty);
    expect(() => torch.stack([torch.ones(2, 3), torch.ones(2, 4)])).toThrow(e.stack_mismatch);
    expect(() => torch.arange(10).split([3, 4])).toThrow(e.split_sizes);
  });
  test('gradients flow through cat to each input', () => {
    const p = torch.tensor([1, 2], { dtype: torch.float32, requiresGrad: true });
    const q = torch.tensor([[3, 4, 5]], { dtype: torch.float32, requiresGrad: true });
    torch.cat([p.mul(2), q.reshape(3)]).mul(torch.arange(5, { dtype: torch.float32 })).sum().backward();
    const g = fx.grads as Record<string, FixtureTensor>;
    expectMatches(p.grad as torch.Tensor, g.p);
    expectMatches(q.grad as torch.Tensor, g.q);
  });
});

describe('splitting (views)', () => {
  test('chunk of arange(11|12|13) by 6 gives PyTorch\'s sizes', () => {
    const chunks = fx.chunks as Record<string, number[][]>;
    for (const n of [11, 12, 13]) expect(torch.arange(n).chunk(6).map((t) => [...t.shape])).toEqual(chunks[String(n)]);
  });
  test('split(2, 1) and split(10) of a (100,3,64,64) batch', () => {
    const batch = torch.zeros(100, 3, 64, 64);
    expect(batch.split(2, 1).map((t) => [...t.shape])).toEqual(fx.split_2_1);
    expect(batch.split(10).map((t) => [...t.shape])).toEqual(fx.split_10);
    expect(batch.split(10)[3]._storage).toBe(batch._storage);
  });
  test('split sizes, tensorSplit, unbind', () => {
    (fx.split_sizes as FixtureTensor[]).forEach((f, i) => expectMatches(torch.arange(10).split([3, 7])[i], f));
    (fx.tensor_split_n as FixtureTensor[]).forEach((f, i) => expectMatches(torch.tensorSplit(torch.arange(7), 3)[i], f));
    (fx.tensor_split_idx as FixtureTensor[]).forEach((f, i) => expectMatches(torch.tensorSplit(torch.arange(7), [1, 5])[i], f));
    (fx.unbind as FixtureTensor[]).forEach((f, i) => expectMatches(x().unbind(1)[i], f));
  });
});
