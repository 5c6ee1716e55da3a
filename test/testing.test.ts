/** tensorgrad/testing: assertClose as torch.testing.assert_close, and the jest matchers. */
import * as torch from '../lib';
import { assertClose } from '../lib/testing';
import '../lib/testing/jest';

describe('assertClose', () => {
  test('passes within the per-dtype default tolerances and reports like PyTorch', () => {
    assertClose(torch.tensor([1, 2, 3], { dtype: torch.float32 }), torch.tensor([1, 2 + 1e-6, 3], { dtype: torch.float32 }));
    // PyTorch 1.13's text for assert_close([1,2,3], [1,2.5,3]):
    expect(() => assertClose(torch.tensor([1, 2, 3], { dtype: torch.float32 }), torch.tensor([1, 2.5, 3])))
      .toThrow('Tensor-likes are not close!\n\nMismatched elements: 1 / 3 (33.3%)\nGreatest absolute difference: 0.5 at index (1,) (up to 1e-05 allowed)\nGreatest relative difference: 0.2 at index (1,) (up to 1.3e-06 allowed)');
    expect(() => assertClose(torch.tensor(1.5), torch.tensor(2.5)))
      .toThrow('Scalars are not close!\n\nAbsolute difference: 1.0 (up to 1e-05 allowed)\nRelative difference: 0.4 (up to 1.3e-06 allowed)');
  });
  test('checks shape and dtype, NaN only with equalNan, integers exactly', () => {
    expect(() => assertClose(torch.zeros(2), torch.zeros(3))).toThrow("The values for attribute 'shape' do not match");
    expect(() => assertClose(torch.zeros(2), torch.zeros([2], { dtype: torch.float64 }))).toThrow("The values for attribute 'dtype' do not match");
    expect(() => assertClose(torch.tensor([NaN]), torch.tensor([NaN]))).toThrow(torch.TensorError);
    assertClose(torch.tensor([NaN]), torch.tensor([NaN]), { equalNan: true });
    expect(() => assertClose(torch.tensor([1]), torch.tensor([2]))).toThrow('Mismatched elements: 1 / 1');
    assertClose(torch.tensor([1.0, 2.0], { dtype: torch.float32 }), torch.tensor([1.1, 2.0]), { rtol: 0, atol: 0.2 });
  });
});

describe('jest matchers', () => {
  test('toBeCloseToTensor and toPassGradcheck', () => {
    expect(torch.ones(2).mul(3)).toBeCloseToTensor(torch.full([2], 3, { dtype: torch.float32 }));
    expect(torch.ones(2)).not.toBeCloseToTensor(torch.zeros(2));
    const x = torch.rand([3], { dtype: torch.float64, requiresGrad: true });
    expect((t: torch.Tensor) => t.mul(t).sin()).toPassGradcheck([x]);
  });
});
