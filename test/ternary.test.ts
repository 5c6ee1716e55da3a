/**
 * lerp, addcmul and addcdiv against PyTorch 1.13 fixtures (broadcasting over three
 * operands, promotion, scalar and tensor weights, value=, transposed and empty operands,
 * in-place variants, messages, grad_fn names), out=, and gradcheck / gradgradcheck.
 */
import * as torch from '../lib';
import { loadFixture } from './helpers/fixtures';
import { FixtureTensor, dtypeNamed, expectMatches, fromFixture } from './helpers/tensors';

type Arg = { tensor: FixtureTensor; t: boolean } | { scalar: number };
type SpecArg = { shape: number[]; dtype: string } | { scalar: number };
interface Fixture {
  values: { op: string; inplace: boolean; args: Arg[]; kwargs: { value?: number }; out: FixtureTensor }[];
  errors: { op: string; inplace: boolean; args: SpecArg[]; kwargs: { value?: number }; error: string }[];
  gradFn: Record<string, string>;
}
const fixture = loadFixture<Fixture>('ternary');

type AnyOp = (...args: unknown[]) => torch.Tensor;
const fnOf = (op: string) => (torch as unknown as Record<string, AnyOp>)[op];

function build(a: Arg): torch.Tensor | number {
  if ('scalar' in a) return a.scalar;
  const t = fromFixture(a.tensor);
  return a.t ? t.transpose(-1, -2) : t;
}

function call(op: string, inplace: boolean, args: (torch.Tensor | number)[], kwargs: { value?: number }): torch.Tensor {
  const extra = Object.keys(kwargs).length ? [kwargs] : [];
  if (!inplace) return fnOf(op)(...args, ...extra);
  const [self, ...rest] = args as [torch.Tensor, ...(torch.Tensor | number)[]];
  const method = (self as unknown as Record<string, AnyOp>)[`${op}_`];
  const result = method.call(self, ...rest, ...extra);
  expect(result).toBe(self);
  return result;
}

const describeArgs = (args: Arg[]) => args.map((a) => ('scalar' in a ? String(a.scalar) : `${a.tensor.dtype}[${a.tensor.shape}]${a.t ? 'T' : ''}`)).join(', ');

describe('values match PyTorch', () => {
  test.each(fixture.values.map((c, i) => [`${i}: ${c.op}${c.inplace ? '_' : ''}(${describeArgs(c.args)}) ${JSON.stringify(c.kwargs)}`, c] as const))('%s', (_, c) => {
    const args = c.args.map(build);
    // In place on a clone: the fixture's first operand stays untouched for the record.
    if (c.inplace) args[0] = (args[0] as torch.Tensor).clone();
    expectMatches(call(c.op, c.inplace, args, c.kwargs), c.out, 2e-6, 1e-6);
  });

  test('methods, out= and 0-d results', () => {
    const a = torch.tensor([1, 2, 3], { dtype: torch.float32 }), b = torch.tensor([4, 6, 9], { dtype: torch.float32 });
    expect(a.lerp(b, 0.5).tolist()).toEqual([2.5, 4, 6]);
    expect(a.addcmul(a, b, { value: 2 }).tolist()).toEqual([9, 26, 57]);
    expect(a.addcdiv(b, b).tolist()).toEqual([2, 3, 4]);
    const out = torch.empty([0]);
    expect(torch.addcmul(a, a, b, { out })).toBe(out);
    expect(out.tolist()).toEqual([5, 14, 30]);
    const outD = torch.empty([3], { dtype: torch.float64 });
    torch.lerp(a, b, torch.tensor([0, 0.5, 1], { dtype: torch.float32 }), { out: outD });
    expect(outD.tolist()).toEqual([1, 4, 9]);
    expect(() => torch.addcdiv(a, a, b, { out: torch.empty([3], { dtype: torch.int64 }) })).toThrow(
      "result type Float can't be cast to the desired output type Long",
    );
  });

  test('lerp at weight 1 gives end exactly (the far-side formula)', () => {
    const a = torch.tensor([1e8, -3.3, 0.1], { dtype: torch.float32 }), b = torch.tensor([0.3, 7.7, 1e-8], { dtype: torch.float32 });
    expect(torch.lerp(a, b, 1).tolist()).toEqual(b.tolist());
    expect(torch.lerp(a, b, 0).tolist()).toEqual(a.tolist());
  });
});

describe('errors match PyTorch', () => {
  test.each(fixture.errors.map((c, i) => [`${i}: ${c.op}${c.inplace ? '_' : ''} ${c.error.slice(0, 50)}`, c] as const))('%s', (_, c) => {
    const args = c.args.map((a) => ('scalar' in a ? a.scalar : torch.ones(a.shape, { dtype: dtypeNamed(a.dtype) })));
    let message = '';
    try {
      call(c.op, c.inplace, args, c.kwargs);
    } catch (e) {
      expect(e).toBeInstanceOf(torch.TensorError);
      message = (e as Error).message;
    }
    expect(message).toBe(c.error);
  });

  test('in place on a leaf that requires grad is refused', () => {
    const x = torch.ones([3], { requiresGrad: true });
    expect(() => x.addcmul_(torch.ones([3]), torch.ones([3]))).toThrow('a leaf Variable that requires grad is being used in an in-place operation.');
  });

  test('a non-tensor input is a TypeError', () => {
    expect(() => torch.lerp('a' as unknown as torch.Tensor, torch.ones([2]), 0.5)).toThrow(TypeError);
  });
});

describe('autograd', () => {
  const f64 = (...shape: number[]) => torch.randn(shape, { dtype: torch.float64, requiresGrad: true });
  const positive = (...shape: number[]) => torch.rand(shape, { dtype: torch.float64 }).add(0.5).requiresGrad_();

  test('grad_fn names are PyTorch\'s', () => {
    const x = torch.ones([3], { requiresGrad: true }), o = torch.ones([3]);
    const names = {
      lerpScalar: torch.lerp(x, o, 0.5), lerpTensor: torch.lerp(x, o, o), addcmul: torch.addcmul(x, x, x),
      addcdiv: torch.addcdiv(x, x, x), lerpInplace: x.clone().lerp_(o, 0.5), addcmulInplace: x.clone().addcmul_(x, x),
    };
    for (const [key, t] of Object.entries(names)) expect([key, t.gradFn?.name()]).toEqual([key, fixture.gradFn[key]]);
    expect(torch.registry.get('lerp')?.backwardName).toBe('LerpBackward0');
    expect(torch.registry.get('addcmul')?.backwardName).toBe('AddcmulBackward0');
    expect(torch.registry.get('addcdiv')?.backwardName).toBe('AddcdivBackward0');
  });

  test('gradcheck with broadcasting', () => {
    const { gradcheck, gradgradcheck } = torch.autograd;
    expect(gradcheck((a, b) => torch.lerp(a, b, 0.3), [f64(2, 3), f64(3)])).toBe(true);
    expect(gradcheck((a, b) => torch.lerp(a, b, 0.8), [f64(2, 3), f64(3)])).toBe(true);
    expect(gradcheck((a, b, w) => torch.lerp(a, b, w), [f64(2, 3), f64(3), f64(2, 1)])).toBe(true);
    expect(gradcheck((a, b, c) => torch.addcmul(a, b, c, { value: 0.7 }), [f64(3), f64(2, 3), f64(2, 1)])).toBe(true);
    expect(gradcheck((a, b, c) => torch.addcdiv(a, b, c, { value: -1.5 }), [f64(3), f64(2, 3), positive(2, 1)])).toBe(true);
    expect(gradgradcheck((a, b, w) => torch.lerp(a, b, w), [f64(2, 2), f64(2), f64(2, 1)])).toBe(true);
    expect(gradgradcheck((a, b, c) => torch.addcmul(a, b, c, { value: 2 }), [f64(3), f64(2, 3), f64(2, 1)])).toBe(true);
    expect(gradgradcheck((a, b, c) => torch.addcdiv(a, b, c), [f64(3), f64(2, 3), positive(2, 1)])).toBe(true);
  });

  test('in-place variants record the op on the graph', () => {
    const { gradcheck } = torch.autograd;
    expect(gradcheck((a, b, c) => a.clone().addcmul_(b, c, { value: 2 }), [f64(2, 3), f64(3), f64(2, 1)])).toBe(true);
    expect(gradcheck((a, b, c) => a.clone().addcdiv_(b, c), [f64(2, 3), f64(3), positive(2, 1)])).toBe(true);
    expect(gradcheck((a, b, w) => a.clone().lerp_(b, w), [f64(2, 3), f64(3), f64(2, 1)])).toBe(true);
  });

  test('only what the derivative reads is saved, as PyTorch', () => {
    const input = torch.ones([3]).mul(torch.ones([3], { requiresGrad: true }));
    const t1 = torch.ones([3]).mul(torch.ones([3], { requiresGrad: true })), t2 = torch.ones([3]);
    const y = torch.addcmul(input, t1, t2);
    input.add_(1); // not saved: backward still works
    y.sum().backward({ retainGraph: true });
    t1.add_(1); // saved: PyTorch's in-place error
    expect(() => y.sum().backward()).toThrow('one of the variables needed for gradient computation has been modified by an inplace operation');
  });

  test('out= with an input that requires grad is refused as PyTorch does', () => {
    expect(() => torch.addcmul(torch.ones([2], { requiresGrad: true }), torch.ones([2]), torch.ones([2]), { out: torch.empty([2]) })).toThrow(
      "addcmul(): functions with out=... arguments don't support automatic differentiation, but one of the arguments requires grad.",
    );
  });
});
