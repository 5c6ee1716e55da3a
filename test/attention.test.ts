/** nn.MultiheadAttention against PyTorch 1.13: names, init, outputs, weights, masks, gradients. */
import * as torch from '../lib';
import { loadFixture } from './helpers/fixtures';
import { FixtureTensor, expectMatches, fromFixture } from './helpers/tensors';

const { nn } = torch;

interface MhaCase {
  name: string;
  ctor: Record<string, number | boolean>;
  repr: string;
  self: boolean;
  call: Record<string, FixtureTensor | boolean>;
  params: Record<string, FixtureTensor>;
  param_names: string[];
  q: FixtureTensor; k: FixtureTensor | null; v: FixtureTensor | null;
  out: FixtureTensor; weights: FixtureTensor;
  grad_q: FixtureTensor;
  grads: Record<string, FixtureTensor>;
}
const fx = loadFixture<{ mha: MhaCase[] }>('models');

function build(c: MhaCase): torch.nn.MultiheadAttention {
  const { embed_dim, num_heads, batch_first, ...rest } = c.ctor as Record<string, number | boolean>;
  return new nn.MultiheadAttention(embed_dim as number, num_heads as number, { ...rest, batchFirst: batch_first as boolean | undefined });
}

describe.each(fx.mha.map((c) => [c.name, c] as const))('MultiheadAttention %s', (_n, c) => {
  test('parameter names, shapes and repr', () => {
    const m = build(c);
    expect(m.namedParameters().map(([k]) => k)).toEqual(c.param_names);
    for (const [k, p] of m.namedParameters()) expect([...p.shape]).toEqual(c.params[k].shape);
    expect(String(m)).toBe(c.repr);
    if (m.in_proj_bias) expect(m.in_proj_bias.abs().sum().item()).toBe(0);
  });

  test('outputs, attention weights and gradients match', () => {
    const m = build(c);
    const sd: Record<string, torch.Tensor> = {};
    for (const [k, v] of Object.entries(c.params)) sd[k] = fromFixture(v);
    m.loadStateDict(sd);
    const q = fromFixture(c.q).requiresGrad_();
    const k = c.self ? q : fromFixture(c.k as FixtureTensor);
    const v = c.self ? q : fromFixture(c.v as FixtureTensor);
    const opts: torch.nn.AttentionCallOptions = {};
    if (c.call.attn_mask) opts.attnMask = fromFixture(c.call.attn_mask as FixtureTensor);
    if (c.call.key_padding_mask) opts.keyPaddingMask = fromFixture(c.call.key_padding_mask as FixtureTensor);
    if (c.call.average_attn_weights !== undefined) opts.averageAttnWeights = c.call.average_attn_weights as boolean;
    const [out, w] = m.forward(q, k, v, opts);
    expectMatches(out, c.out, 1e-5, 1e-5);
    expectMatches(w as torch.Tensor, c.weights, 1e-5, 1e-6);
    out.pow(2).sum().add((w as torch.Tensor).sum()).backward();
    expectMatches(q.grad as torch.Tensor, c.grad_q, 1e-4, 1e-5);
    for (const [name, p] of m.namedParameters()) expectMatches(p.grad as torch.Tensor, c.grads[name], 1e-4, 1e-5);
  });
});

describe('MultiheadAttention behaviour', () => {
  test('needWeights false returns null weights and the same output', () => {
    torch.manualSeed(0);
    const m = new nn.MultiheadAttention(8, 2);
    const x = torch.randn(3, 2, 8);
    const [a] = m.forward(x, x, x);
    const [b, w] = m.forward(x, x, x, { needWeights: false });
    expect(w).toBeNull();
    expect(a.sub(b).abs().max().item()).toBe(0);
  });

  test('isCausal masks future positions', () => {
    torch.manualSeed(0);
    const m = new nn.MultiheadAttention(4, 1);
    const x = torch.randn(4, 1, 4);
    const [, w] = m.forward(x, x, x, { isCausal: true });
    const weights = (w as torch.Tensor).squeeze(0);
    expect(weights.triu(1).abs().sum().item()).toBe(0);
    expect(weights.sum(-1).sub(1).abs().max().item()).toBeLessThan(1e-6);
  });

  test('errors in PyTorch\'s words', () => {
    expect(() => new nn.MultiheadAttention(10, 3)).toThrow('embed_dim must be divisible by num_heads');
    const m = new nn.MultiheadAttention(8, 2);
    expect(() => m.forward(torch.randn(3, 2, 6), torch.randn(3, 2, 6), torch.randn(3, 2, 6))).toThrow(
      'was expecting embedding dimension of 8, but got 6',
    );
    const x = torch.randn(3, 2, 8);
    expect(() => m.forward(x, x, x, { attnMask: torch.zeros(2, 3) })).toThrow('The shape of the 2D attn_mask is [2, 3], but should be (3, 3).');
  });

  test('gradcheck in float64', () => {
    torch.manualSeed(0);
    const m = new nn.MultiheadAttention(4, 2, { dtype: torch.float64 });
    const q = torch.randn([3, 2, 4], { dtype: torch.float64, requiresGrad: true });
    const kv = torch.randn([5, 2, 4], { dtype: torch.float64, requiresGrad: true });
    expect(torch.autograd.gradcheck((a: torch.Tensor, b: torch.Tensor) => m.forward(a, b, b)[0], [q, kv])).toBe(true);
  });
});

interface EncoderCase {
  name: string;
  kwargs: Record<string, number | boolean | string>;
  num_layers: number | null;
  repr: string;
  params: Record<string, FixtureTensor>;
  param_names: string[];
  x: FixtureTensor;
  call: Record<string, FixtureTensor>;
  out: FixtureTensor;
  grad_x: FixtureTensor;
  grads: Record<string, FixtureTensor>;
}
const encoders = loadFixture<{ encoder: EncoderCase[] }>('models').encoder;

describe.each(encoders.map((c) => [c.name, c] as const))('Transformer encoder %s', (_n, c) => {
  function build(): torch.nn.Module {
    const { d_model, nhead, dim_feedforward, dropout, activation, norm_first, batch_first } = c.kwargs;
    const layer = new nn.TransformerEncoderLayer(d_model as number, nhead as number, {
      dimFeedforward: dim_feedforward as number, dropout: dropout as number, activation: activation as 'gelu' | undefined,
      normFirst: norm_first as boolean | undefined, batchFirst: batch_first as boolean | undefined,
    });
    return c.num_layers === null ? layer : new nn.TransformerEncoder(layer, c.num_layers);
  }

  test('names, shapes and repr', () => {
    const m = build();
    expect(m.namedParameters().map(([k]) => k)).toEqual(c.param_names);
    for (const [k, p] of m.namedParameters()) expect([...p.shape]).toEqual(c.params[k].shape);
    expect(String(m)).toBe(c.repr);
  });

  test('output and gradients match', () => {
    const m = build();
    const sd: Record<string, torch.Tensor> = {};
    for (const [k, v] of Object.entries(c.params)) sd[k] = fromFixture(v);
    m.loadStateDict(sd);
    const x = fromFixture(c.x).requiresGrad_();
    const mask = c.call.mask ? fromFixture(c.call.mask) : null;
    const kpm = c.call.src_key_padding_mask ? fromFixture(c.call.src_key_padding_mask) : null;
    const out = m.forward(x, mask, kpm) as torch.Tensor;
    expectMatches(out, c.out, 1e-4, 1e-5);
    out.pow(2).sum().backward();
    expectMatches(x.grad as torch.Tensor, c.grad_x, 1e-3, 1e-4);
    for (const [k, p] of m.namedParameters()) expectMatches(p.grad as torch.Tensor, c.grads[k], 1e-3, 1e-4);
  });
});

test('TransformerEncoder layers are independent deep copies', () => {
  const layer = new nn.TransformerEncoderLayer(4, 2, { dimFeedforward: 8 });
  const enc = new nn.TransformerEncoder(layer, 2);
  const [a, b] = [...enc.layers] as torch.nn.TransformerEncoderLayer[];
  expect(torch.equal(a.linear1.weight, b.linear1.weight)).toBe(true);
  expect(a.linear1.weight).not.toBe(b.linear1.weight);
  expect(enc.parameters().length).toBe(2 * layer.parameters().length);
});
