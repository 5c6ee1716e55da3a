/** nn.RNN / LSTM / GRU against PyTorch 1.13: names, repr, outputs, hidden states, gradients. */
import * as torch from '../lib';
import { loadFixture } from './helpers/fixtures';
import { FixtureTensor, expectMatches, fromFixture } from './helpers/tensors';

const { nn } = torch;

interface RnnCase {
  name: string;
  kind: 'RNN' | 'LSTM' | 'GRU';
  kwargs: Record<string, number | boolean | string>;
  repr: string;
  params: Record<string, FixtureTensor>;
  param_names: string[];
  x: FixtureTensor;
  state: FixtureTensor[] | null;
  out: FixtureTensor;
  h: FixtureTensor[];
  grad_x: FixtureTensor;
  grads: Record<string, FixtureTensor>;
}
const fx = loadFixture<{ rnn: RnnCase[] }>('models');

const camel = (o: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(o).map(([k, v]) => [k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()), v]));

function build(c: RnnCase): torch.nn.RNN | torch.nn.LSTM | torch.nn.GRU {
  const { inputSize, hiddenSize, ...opts } = camel(c.kwargs) as { inputSize: number; hiddenSize: number };
  const Cls = { RNN: nn.RNN, LSTM: nn.LSTM, GRU: nn.GRU }[c.kind];
  return new Cls(inputSize, hiddenSize, opts);
}

describe.each(fx.rnn.map((c) => [c.name, c] as const))('%s', (_name, c) => {
  test('parameter names, shapes and repr are PyTorch\'s', () => {
    const m = build(c);
    expect(m.namedParameters().map(([k]) => k)).toEqual(c.param_names);
    for (const [k, p] of m.namedParameters()) expect([...p.shape]).toEqual(c.params[k].shape);
    expect(String(m)).toBe(c.repr);
  });

  test('default init is uniform within ±1/sqrt(hidden)', () => {
    const m = build(c);
    const bound = 1 / Math.sqrt(c.kwargs.hidden_size as number);
    const all = torch.cat(m.parameters().map((p) => p.detach().flatten()));
    expect(all.abs().max().item()).toBeLessThanOrEqual(bound);
    expect(all.abs().max().item()).toBeGreaterThan(bound * 0.8);
    expect(Math.abs(all.mean().item() as number)).toBeLessThan(bound * 0.3);
  });

  test('output, final state and gradients match', () => {
    const m = build(c);
    const sd: Record<string, torch.Tensor> = {};
    for (const [k, v] of Object.entries(c.params)) sd[k] = fromFixture(v);
    m.loadStateDict(sd);
    const x = fromFixture(c.x).requiresGrad_();
    const state = c.state?.map(fromFixture) ?? null;
    let out: torch.Tensor;
    let hs: torch.Tensor[];
    if (c.kind === 'LSTM') {
      const [o, [h, cc]] = (m as torch.nn.LSTM).forward(x, state as [torch.Tensor, torch.Tensor] | null);
      out = o;
      hs = [h, cc];
    } else {
      const [o, h] = (m as torch.nn.GRU).forward(x, state?.[0] ?? null);
      out = o;
      hs = [h];
    }
    expectMatches(out, c.out, 1e-5, 1e-5);
    hs.forEach((h, i) => expectMatches(h, c.h[i], 1e-5, 1e-5));
    hs.reduce((acc, h) => acc.add(h.sum()), out.pow(2).sum()).backward();
    expectMatches(x.grad as torch.Tensor, c.grad_x, 1e-4, 1e-5);
    for (const [k, p] of m.namedParameters()) expectMatches(p.grad as torch.Tensor, c.grads[k], 1e-4, 1e-5);
  });
});

describe('recurrent layers: errors and gradcheck', () => {
  test('PyTorch\'s messages for a wrong input size and hidden shape', () => {
    const lstm = new nn.LSTM(10, 20, 2);
    expect(() => lstm.forward(torch.randn(5, 3, 7))).toThrow('input.size(-1) must be equal to input_size. Expected 10, got 7');
    expect(() => lstm.forward(torch.randn(5, 3, 10), [torch.zeros(1, 3, 20), torch.zeros(2, 3, 20)])).toThrow(
      'Expected hidden[0] size (2, 3, 20), got [1, 3, 20]',
    );
    expect(() => new nn.GRU(10, 20).forward(torch.randn(5, 3, 10), torch.zeros(1, 2, 20))).toThrow(
      'Expected hidden size (1, 3, 20), got [1, 2, 20]',
    );
    expect(() => new nn.RNN(10, 20).forward(torch.randn(5, 10), torch.zeros(1, 3, 20))).toThrow(
      'For unbatched 2-D input, hx should also be 2-D but got 3-D tensor',
    );
    expect(() => lstm.forward(torch.randn(5, 3, 10, 1))).toThrow(torch.TensorError);
  });

  test.each(['RNN', 'LSTM', 'GRU'] as const)('%s passes gradcheck in float64 (input and hidden state)', (kind) => {
    torch.manualSeed(0);
    const Cls = { RNN: nn.RNN, LSTM: nn.LSTM, GRU: nn.GRU }[kind];
    const m = new Cls(3, 2, { numLayers: 2, bidirectional: true, dtype: torch.float64 });
    const x = torch.randn([4, 2, 3], { dtype: torch.float64, requiresGrad: true });
    const h0 = torch.randn([4, 2, 2], { dtype: torch.float64, requiresGrad: true });
    const fn = (xi: torch.Tensor, hi: torch.Tensor): torch.Tensor =>
      kind === 'LSTM' ? (m as torch.nn.LSTM).forward(xi, [hi, hi.mul(0.5)])[0] : (m as torch.nn.GRU).forward(xi, hi)[0];
    expect(torch.autograd.gradcheck(fn, [x, h0])).toBe(true);
  });

  test('dropout between layers acts only in training mode', () => {
    torch.manualSeed(1);
    const m = new nn.GRU(3, 4, { numLayers: 2, dropout: 0.5 });
    const x = torch.randn(5, 2, 3);
    m.eval();
    const a = m.forward(x)[0];
    const b = m.forward(x)[0];
    expect(a.sub(b).abs().max().item()).toBe(0);
    m.train();
    const c = m.forward(x)[0];
    expect(c.sub(a).abs().max().item()).toBeGreaterThan(0);
  });
});

test('positional arguments as PyTorch, optionally followed by an options object', () => {
  const lstm = new nn.LSTM(10, 20, 2, { batchFirst: true });
  expect(lstm.numLayers).toBe(2);
  expect(lstm.batchFirst).toBe(true);
  const [, [h]] = lstm.forward(torch.randn(4, 7, 10));
  expect([...h.shape]).toEqual([2, 4, 20]);
  const rnn = new nn.RNN(10, 20, 2, false);
  expect(rnn.bias).toBe(false);
  expect(rnn.nonlinearity).toBe('tanh');
  expect(new nn.RNN(3, 4, { nonlinearity: 'relu' }).nonlinearity).toBe('relu');
  expect(new nn.GRU(3, 4, 1, true, true).batchFirst).toBe(true);
});
