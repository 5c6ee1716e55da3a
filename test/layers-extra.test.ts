/** Bilinear, isclose/allclose/equal and module deep copies, against PyTorch 1.13's values and messages. */
import * as torch from '../lib';
import { cloneModule } from '../lib/nn/clone';

const { nn } = torch;
const F = torch.nn.functional;

describe('nn.Bilinear / F.bilinear', () => {
  test('value equals the explicit sum x1_i A_oij x2_j + b_o', () => {
    torch.manualSeed(0);
    const m = new nn.Bilinear(3, 4, 2, { dtype: torch.float64 });
    const x1 = torch.randn([5, 3], { dtype: torch.float64 });
    const x2 = torch.randn([5, 4], { dtype: torch.float64 });
    const y = m.forward(x1, x2);
    expect([...y.shape]).toEqual([5, 2]);
    const w = m.weight.tolist() as number[][][], b = (m.bias as torch.Tensor).tolist() as number[];
    const a = x1.tolist() as number[][], c = x2.tolist() as number[][];
    const got = y.tolist() as number[][];
    for (let n = 0; n < 5; n++)
      for (let o = 0; o < 2; o++) {
        let s = b[o];
        for (let i = 0; i < 3; i++) for (let j = 0; j < 4; j++) s += a[n][i] * w[o][i][j] * c[n][j];
        expect(got[n][o]).toBeCloseTo(s, 12);
      }
    expect(String(m)).toBe('Bilinear(in1_features=3, in2_features=4, out_features=2, bias=True)');
    expect(m.weight.abs().max().item()).toBeLessThanOrEqual(1 / Math.sqrt(3));
  });

  test('leading dims broadcast as PyTorch and gradcheck passes', () => {
    const w = torch.randn([2, 3, 4], { dtype: torch.float64, requiresGrad: true });
    const b = torch.randn([2], { dtype: torch.float64, requiresGrad: true });
    const x1 = torch.randn([2, 2, 3], { dtype: torch.float64, requiresGrad: true });
    const x2 = torch.randn([2, 2, 4], { dtype: torch.float64, requiresGrad: true });
    expect([...F.bilinear(x1, x2, w, b).shape]).toEqual([2, 2, 2]);
    expect(torch.autograd.gradcheck((p: torch.Tensor, q: torch.Tensor, r: torch.Tensor, s: torch.Tensor) => F.bilinear(p, q, r, s), [x1, x2, w, b])).toBe(true);
  });

  test('errors in PyTorch\'s words', () => {
    expect(() => F.bilinear(torch.randn(3, 4), torch.randn(2, 5), torch.randn(6, 4, 5))).toThrow(
      'bilinear(): input batch dimensions do not match at dim 0: got 3 and 2',
    );
    expect(() => F.bilinear(torch.randn(3, 4), torch.randn(3, 5), torch.randn(6, 3, 5))).toThrow(
      'bilinear(): input1 size does not match weight size: got 4 but expected 3',
    );
  });
});

describe('isclose / allclose / equal', () => {
  test('values as PyTorch', () => {
    expect(torch.isclose(torch.tensor([1, 2]), torch.tensor([1, 3])).tolist()).toEqual([true, false]);
    expect(torch.allclose(torch.tensor([1, Infinity]), torch.tensor([1, Infinity]))).toBe(true);
    expect(torch.tensor([1, 1.00001]).isclose(torch.tensor([1, 1], { dtype: torch.float32 }), { rtol: 0, atol: 1e-6 }).tolist()).toEqual([true, false]);
    const nan = torch.tensor([NaN, 1]);
    expect(torch.isclose(nan, nan).tolist()).toEqual([false, true]);
    expect(torch.isclose(nan, nan, { equalNan: true }).tolist()).toEqual([true, true]);
    expect(torch.equal(torch.ones(2), torch.ones(3))).toBe(false);
    expect(torch.equal(torch.ones(2), torch.ones(2))).toBe(true);
    expect(torch.ones(2).equal(torch.tensor([NaN, 1]))).toBe(false);
  });
  test('errors as PyTorch', () => {
    expect(() => torch.isclose(torch.ones(2), torch.ones([2], { dtype: torch.float64 }))).toThrow('Float did not match Double');
    expect(() => torch.isclose(torch.ones(2), torch.ones(2), { rtol: -1 })).toThrow('rtol must be greater than or equal to zero, but got -1');
    expect(() => torch.allclose(torch.ones(2), torch.ones(3))).toThrow(
      'The size of tensor a (2) must match the size of tensor b (3) at non-singleton dimension 0',
    );
  });
});

describe('module deep copy (TransformerEncoder clones)', () => {
  test('copies have equal values in their own memory and the same structure', () => {
    const seq = new nn.Sequential(new nn.Linear(3, 4), new nn.ReLU(), new nn.Linear(4, 2));
    const copy = cloneModule(seq);
    expect(copy).toBeInstanceOf(nn.Sequential);
    expect(copy.namedParameters().map(([k]) => k)).toEqual(seq.namedParameters().map(([k]) => k));
    for (const [[, a], [, b]] of copy.namedParameters().map((e, i) => [e, seq.namedParameters()[i]])) {
      expect(torch.equal(a, b)).toBe(true);
      expect(a).not.toBe(b);
      expect(a.requiresGrad).toBe(true);
      expect(a.isLeaf).toBe(true);
    }
    noGradFill(copy.parameters()[0]);
    expect(seq.parameters()[0].abs().sum().item()).toBeGreaterThan(0);
    expect(String(copy)).toBe(String(seq));
  });
});

function noGradFill(t: torch.Tensor): void {
  torch.noGrad(() => t.zero_());
}

describe('gelu derivative', () => {
  test('matches PyTorch 1.13 values and passes gradcheck / gradgradcheck', () => {
    const x = torch.tensor([-3, -1, -0.5, 0, 0.5, 1, 3], { dtype: torch.float64, requiresGrad: true });
    F.gelu(x).sum().backward();
    // torch.autograd.grad(F.gelu(x).sum(), x) in PyTorch 1.13
    const want = [-0.01194564720418392, -0.08331547058768635, 0.13250487534383712, 0.5, 0.8674951246561629, 1.0833154705876864, 1.011945647204184];
    ((x.grad as torch.Tensor).tolist() as number[]).forEach((v, i) => expect(v as number).toBeCloseTo(want[i], 12));
    expect(x.grad!.dtype).toBe(torch.float64);
    const y = torch.tensor([-1.3, -0.2, 0.4, 2.1], { dtype: torch.float64, requiresGrad: true });
    expect(torch.autograd.gradcheck((t: torch.Tensor) => F.gelu(t), [y])).toBe(true);
    expect(torch.autograd.gradgradcheck((t: torch.Tensor) => F.gelu(t), [y])).toBe(true);
  });
});
