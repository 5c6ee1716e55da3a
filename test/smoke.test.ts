import * as torch from '../lib';

describe('package smoke', () => {
  test('torch.tensor of integers is int64 and does arithmetic', () => {
    const a = torch.tensor([[1, 2], [3, 4]]);
    expect(String(a.dtype)).toBe('torch.int64');
    expect(a.add(a).tolist()).toEqual([[2, 4], [6, 8]]);
  });
});
