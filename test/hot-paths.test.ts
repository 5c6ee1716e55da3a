/**
 * The shortcuts taken for speed give the same answers as the general paths they skip:
 * the dense elementwise fast path (lib/ops/dense-fast-path.ts), small storages carved
 * from shared slabs (lib/storage.ts), and the gradient layout contract that keeps .grad
 * in its leaf's layout (lib/autograd/grad-layout.ts; expected strides printed by PyTorch 1.13).
 */
import * as torch from '../lib';
import { Tensor } from '../lib';

/** A strided copy of t (same values, transposed storage order) that forces the general path. */
function stridedTwin(t: Tensor): Tensor {
  if (t.dim() < 2) return t.unsqueeze(0).expand(2, ...t.shape).select(0, 1);
  return t.transpose(0, 1).contiguous().transpose(0, 1);
}

describe('dense fast path', () => {
  const shapes: number[][] = [[], [1], [7], [3, 5], [2, 1, 4], [0, 3], [33, 17]];
  const binaries: [string, (a: Tensor, b: Tensor | number) => Tensor][] = [
    ['add', (a, b) => a.add(b)], ['sub alpha', (a, b) => torch.sub(a, b, { alpha: 2.5 })], ['mul', (a, b) => a.mul(b)],
    ['div', (a, b) => a.div(b)], ['pow', (a, b) => a.abs().pow(b)], ['maximum', (a, b) => (b instanceof Tensor ? a.maximum(b) : a.clamp(b))],
    ['atan2', (a, b) => (b instanceof Tensor ? a.atan2(b) : a.atan2(torch.fullLike(a, b)))],
  ];
  for (const dtype of [torch.float32, torch.float64])
    for (const shape of shapes)
      test.each(binaries)(`%s on ${dtype.name} [${shape}]`, (_name, op) => {
        torch.manualSeed(shape.length * 7 + shape.reduce((s, d) => s + d, 0));
        const a = torch.randn(shape, { dtype }), b = torch.randn(shape, { dtype });
        for (const other of [b, 0.75]) {
          const fast = op(a, other);
          const general = op(stridedTwin(a), other instanceof Tensor ? stridedTwin(other) : other);
          expect(fast.dtype).toBe(dtype);
          expect(fast.shape).toEqual(a.shape);
          expect(fast.isContiguous()).toBe(true);
          expect(fast.tolist()).toEqual(general.tolist());
        }
      });

  test('offset views and size-1 dims with odd strides read the right elements', () => {
    const base = torch.arange(40, { dtype: torch.float32 });
    const view = base.narrow(0, 7, 12).view(3, 4); // offset 7, row-major
    expect(view.add(1).tolist()).toEqual([[8, 9, 10, 11], [12, 13, 14, 15], [16, 17, 18, 19]]);
    const oddOne = torch.asStrided(base, [1, 5], [99, 1], 3); // size-1 dim with an unusual stride
    expect(oddOne.mul(2).tolist()).toEqual([[6, 8, 10, 12, 14]]);
    expect(view.exp().tolist()).toEqual(stridedTwin(view).exp().tolist());
  });

  test('the general path still decides promotion, broadcasting and errors', () => {
    expect(torch.ones([2], { dtype: torch.float32 }).add(torch.ones([2], { dtype: torch.float64 })).dtype).toBe(torch.float64);
    expect(torch.ones(2, 3).add(torch.ones(3)).shape).toEqual([2, 3]);
    expect(torch.ones([2], { dtype: torch.int32 }).add(1.5).dtype).toBe(torch.float32);
    expect(torch.ones(3).gt(0).dtype).toBe(torch.bool);
    const gone = torch.ones(3);
    gone.dispose();
    expect(() => gone.add(1)).toThrow(torch.TensorError);
  });
});

describe('small storages share slabs', () => {
  test('neighbours stay independent, and disposing one leaves the others intact', () => {
    const ts = Array.from({ length: 50 }, (_, i) => torch.full([3], i));
    ts[10].dispose();
    ts[11].add_(100);
    expect(ts[9].tolist()).toEqual([9, 9, 9]);
    expect(ts[11].tolist()).toEqual([111, 111, 111]);
    expect(ts[12].tolist()).toEqual([12, 12, 12]);
    expect(() => ts[10].tolist()).toThrow(torch.TensorError);
  });

  test('carved storages are 16-byte aligned, whatever their size', () => {
    for (const n of [1, 3, 5, 17, 64]) {
      const a = torch.ones([n], { dtype: torch.float64 });
      const b = torch.ones([1], { dtype: torch.int8 });
      expect(a._storage.bytes.byteOffset % 16).toBe(0);
      expect(b._storage.bytes.byteOffset % 16).toBe(0);
    }
  });
});

describe('gradient layout contract', () => {
  test('a transposed dense leaf gets a transposed gradient: (1, 3)', () => {
    const w = torch.randn(4, 3).t().detach().requiresGrad_();
    w.mul(2).sum().backward();
    expect(w.grad!.stride()).toEqual([1, 3]);
    expect(w.grad!.tolist()).toEqual(torch.full([3, 4], 2).tolist());
  });

  test('a non-dense leaf gets a row-major gradient: (6, 2) -> (3, 1)', () => {
    const w = torch.randn(4, 6).index(':', '::2').detach().requiresGrad_();
    expect(w.stride()).toEqual([6, 2]);
    w.mul(2).sum().backward();
    expect(w.grad!.stride()).toEqual([3, 1]);
  });

  test('a channels_last leaf keeps channels_last: (60, 1, 15, 3)', () => {
    const w = torch.randn(2, 3, 4, 5).to({ memoryFormat: torch.channelsLast }).requiresGrad_();
    w.contiguous().mul(2).sum().backward();
    expect(w.grad!.stride()).toEqual([60, 1, 15, 3]);
  });

  test('Linear and mm weight gradients come out in the weights\' layout', () => {
    const lin = new torch.nn.Linear(5, 3);
    lin.forward(torch.randn(2, 5)).sum().backward();
    expect(lin.weight.grad!.stride()).toEqual([5, 1]);
    const a = torch.randn(3, 4, { requiresGrad: true }), b = torch.randn(5, 4).t().detach().requiresGrad_();
    a.matmul(b).sum().backward();
    expect([a.grad!.stride(), b.grad!.stride()]).toEqual([[4, 1], [1, 4]]);
    const c = torch.randn(4, 3).t().detach().requiresGrad_(), d = torch.randn(4, 5, { requiresGrad: true });
    c.matmul(d).sum().backward();
    expect([c.grad!.stride(), d.grad!.stride()]).toEqual([[1, 3], [5, 1]]);
    // Values: d(sum(c @ d))/dc = ones @ d^T.
    expect(c.grad!.tolist()).toEqual(torch.ones(3, 5).mm(d.detach().t()).tolist());
  });
});

describe('leaves take fresh gradient buffers without a copy, and only those', () => {
  test('a retained non-leaf gradient and the leaf gradient stay separate tensors', () => {
    const x = torch.randn(3, { requiresGrad: true });
    const y = x.mul(2);
    y.retainGrad();
    y.mul(1).sum().backward();
    const retained = y.grad!.tolist();
    x.grad!.add_(100);
    expect(y.grad!.tolist()).toEqual(retained);
    expect(x.grad!.tolist()).toEqual([102, 102, 102]);
  });

  test('gradients passed through (add) or viewed (stack) are copied, not shared between leaves', () => {
    const a = torch.randn(2, { requiresGrad: true }), b = torch.randn(2, { requiresGrad: true });
    a.add(b).mul(3).sum().backward();
    a.grad!.zero_();
    expect(b.grad!.tolist()).toEqual([3, 3]);
    const c = torch.randn(2, { requiresGrad: true }), d = torch.randn(2, { requiresGrad: true });
    torch.stack([c, d]).mul(5).sum().backward();
    c.grad!.fill_(-1);
    expect(d.grad!.tolist()).toEqual([5, 5]);
  });

  test('a leaf used twice sums its gradients; later backwards accumulate into the taken buffer', () => {
    const w = torch.tensor([1.5, -2], { requiresGrad: true });
    const x = torch.tensor([[1, 2], [3, 4]], { dtype: torch.float32 });
    x.matmul(w).sum().backward(); // MvBackward: a fresh buffer x^T @ ones
    expect(w.grad!.tolist()).toEqual([4, 6]);
    w.mul(w).sum().backward(); // 2w, two fresh products summed
    expect(w.grad!.tolist()).toEqual([7, 2]);
  });
});

describe('gradients the engine consumed are released at once, and only those', () => {
  test('gradients handed to the caller (autograd.grad, retainGrad, hooks) stay readable', () => {
    const x = torch.randn(4, 3, { requiresGrad: true });
    const y = x.mul(2);
    const z = y.exp().mul(3).sum();
    const [gy] = torch.autograd.grad(z, [y], null, { retainGraph: true });
    expect(gy!.tolist()).toEqual(y.detach().exp().mul(3).tolist());
    const w = x.mul(3);
    w.retainGrad();
    let hooked: Tensor | null = null;
    const v = w.relu().mul(2);
    v.registerHook((g) => {
      hooked = g;
    });
    v.exp().sum().backward();
    expect(w.grad!.tolist()).toEqual(w.detach().gt(0).mul(v.detach().exp().mul(2)).tolist());
    expect(hooked!.tolist()).toEqual(v.detach().exp().tolist());
  });

  test('a chain of large intermediate gradients gives the right leaf gradient, twice with retainGraph', () => {
    const x = torch.randn(8, 300, { requiresGrad: true });
    const out = x.mul(1.5).relu().mul(0.5).exp().sum();
    out.backward({ retainGraph: true });
    const first = x.grad!.clone();
    const expected = x.detach().mul(1.5).relu().mul(0.5).exp().mul(0.5).mul(x.detach().gt(0)).mul(1.5);
    expect(torch.allclose(first, expected, 1e-6, 1e-6)).toBe(true);
    out.backward();
    expect(torch.allclose(x.grad!, first.mul(2), 1e-6, 1e-6)).toBe(true);
  });
});

describe("relu's fused derivative (threshold_backward)", () => {
  test('PyTorch 1.13 values, NaN output passing the gradient on, and the same under createGraph', () => {
    // torch.tensor([nan, -1, 0, 2]).relu().backward([5, 6, 7, 8]) -> grad [5, 0, 0, 8] in PyTorch 1.13.
    const x = torch.tensor([NaN, -1, 0, 2], { requiresGrad: true });
    const up = torch.tensor([5, 6, 7, 8], { dtype: torch.float32 });
    x.relu().backward(up);
    expect(x.grad!.tolist()).toEqual([5, 0, 0, 8]);
    const gg = up.clone().requiresGrad_();
    const [g] = torch.autograd.grad(x.relu(), [x], [gg], { createGraph: true });
    expect(g!.tolist()).toEqual([5, 0, 0, 8]);
    expect(g!.requiresGrad).toBe(true);
  });

  // Zeros are +0 (PyTorch's threshold_backward writes 0, not grad * 0 = -0 for a negative grad).
  test('large and strided inputs agree with where(x > 0, grad, 0)', () => {
    const x = torch.randn(64, 6, 24, 24, { requiresGrad: true });
    const up = torch.randn(64, 6, 24, 24);
    x.relu().backward(up);
    expect(x.grad!.tolist()).toEqual(torch.where(x.detach().gt(0), up, 0).tolist());
    const t = torch.randn(7, 5).t().detach().requiresGrad_();
    const u = torch.randn(5, 7);
    t.relu().backward(u);
    expect(t.grad!.tolist()).toEqual(torch.where(t.detach().gt(0), u, 0).tolist());
  });
});
