/**
 * Three-operand elementwise ops (API.md §3): lerp, addcmul, addcdiv, as torch.fn, method
 * and in place, with broadcasting over all three operands. The values come from the
 * native-backed pointwise ops (in PyTorch's order of evaluation, so float results round
 * as its kernels do); each op is one autograd node with PyTorch's name and derivative
 * (derivatives.yaml), written with other ops so higher-order gradients work.
 */
import { DType, bool } from '../dtype';
import { TensorError } from '../errors';
import { Tensor, checkInplace } from '../tensor';
import { needsGrad, record } from '../autograd/node';
import { noGrad } from '../autograd/grad-mode';
import { broadcastShapesOf, canCast, resultType, TensorLike } from '../promotion';
import { defineOp } from './registry';
import { checkOut } from './operands';
import { abs, add, div, gradFor, inplaceWithGrad, lt, mul, neg, scalarTypeNames, sub, where } from './pointwise';

export interface OutOpts {
  out?: Tensor;
}
export interface ValueOpts extends OutOpts {
  value?: number;
}

const shapeOf = (v: TensorLike): readonly number[] => (v instanceof Tensor ? v._shape : []);
const asDtype = (v: TensorLike, dtype: DType): TensorLike => (v instanceof Tensor && v.dtype !== dtype ? v.to(dtype) : v);
const sameShape = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((d, i) => d === b[i]);

function requireTensor(v: unknown, op: string, arg: string): asserts v is Tensor {
  if (!(v instanceof Tensor)) throw new TypeError(`${op}(): argument '${arg}' must be Tensor, not ${typeof v}`);
}

/** An in-place result must keep self's shape (PyTorch's message names the broadcast shape). */
function checkInplaceShape(self: Tensor, shape: readonly number[]): void {
  if (!sameShape(self._shape, shape))
    throw new TensorError(`output with shape [${self._shape.join(', ')}] doesn't match the broadcast shape [${shape.join(', ')}]`);
}

/**
 * The shared frame of the three ops: out= and in-place checks, then `compute` (values,
 * no graph) and, when an input requires grad, one node whose derivative is `grads`.
 */
function runTernary(
  op: string, backwardName: string, inputs: TensorLike[], saves: boolean[], self: Tensor | null, target: Tensor | undefined,
  compute: (xs: TensorLike[]) => Tensor, grads: (g: Tensor, xs: TensorLike[]) => (TensorLike | null)[],
): Tensor {
  if (self !== null) checkInplace(self);
  // Broadcast in argument order first, so a mismatch is reported as PyTorch's iterator does.
  const shape = broadcastShapesOf(...inputs.map(shapeOf));
  if (self !== null) checkInplaceShape(self, shape);
  if (needsGrad(inputs)) {
    if (target !== undefined && self === null)
      throw new TensorError(`${op}(): functions with out=... arguments don't support automatic differentiation, but one of the arguments requires grad.`);
    if (self !== null) return inplaceWithGrad(self, (old) => runTernary(op, backwardName, [old, ...inputs.slice(1)], saves, null, undefined, compute, grads));
    const result = noGrad(() => compute(inputs));
    // Only what the derivative reads is saved (and version-checked), as PyTorch's node.
    record(backwardName, inputs, [result], (node) => {
      const saved = inputs.map((v, i) => (saves[i] && v instanceof Tensor ? node.save(v) : null));
      return ([g]) => {
        if (!g) return inputs.map(() => null);
        const xs = inputs.map((v, i) => saved[i]?.unpack() ?? v);
        return grads(g, xs).map((gi, i) => gradFor(gi, inputs[i]));
      };
    });
    return result;
  }
  const result = noGrad(() => compute(inputs));
  if (target === undefined) return result;
  if (self === null) checkOut(target, result._shape, result.dtype, op);
  if (!canCast(result.dtype, target.dtype))
    throw new TensorError(
      `result type ${scalarTypeNames[result.dtype.name]} can't be cast to the desired output type ${scalarTypeNames[target.dtype.name]}`,
    );
  noGrad(() => target.copy_(result));
  return target;
}

// ---- lerp ----------------------------------------------------------------------------

/** lerp's dtype rules: no promotion, end and a tensor weight must have self's dtype, floats only. */
function checkLerp(self: Tensor, end: TensorLike, weight: TensorLike): void {
  if (end instanceof Tensor && end.dtype !== self.dtype)
    throw new TensorError(`expected dtype ${lerpDtypeName(self.dtype)} for \`end\` but got dtype ${lerpDtypeName(end.dtype)}`);
  if (weight instanceof Tensor && weight.dtype !== self.dtype)
    throw new TensorError(`expected dtype ${lerpDtypeName(self.dtype)} for \`weight\` but got dtype ${lerpDtypeName(weight.dtype)}`);
  if (!self.dtype.isFloatingPoint)
    throw new TensorError(`"lerp_kernel_${weight instanceof Tensor ? 'tensor' : 'scalar'}" not implemented for '${scalarTypeNames[self.dtype.name]}'`);
}

/** The dtype names of PyTorch's lerp checks (c10's toString: float, double, long...). */
function lerpDtypeName(d: DType): string {
  const names: Record<string, string> = {
    float32: 'float', float64: 'double', int64: 'long int', int32: 'int', int16: 'short int', int8: 'signed char', uint8: 'unsigned char', bool: 'bool',
  };
  return names[d.name] ?? d.name;
}

/**
 * As PyTorch's lerp kernel: self + w (end - self) for |w| < 0.5, else
 * end - (end - self)(1 - w), which is exact at w = 1.
 */
function lerpValues(self: Tensor, end: TensorLike, weight: TensorLike): Tensor {
  const diff = sub(end, self);
  if (typeof weight === 'number') {
    return Math.abs(weight) < 0.5 ? add(self, mul(diff, weight)) : sub(end, mul(diff, 1 - weight));
  }
  const w = weight as Tensor;
  return where(lt(abs(w), 0.5), add(self, mul(w, diff)), sub(end, mul(diff, sub(1, w))));
}

function lerpImpl(self: Tensor, end: TensorLike, weight: TensorLike, target: Tensor | undefined, inplace: boolean): Tensor {
  requireTensor(self, 'lerp', 'input');
  if (typeof weight !== 'number' && !(weight instanceof Tensor))
    throw new TypeError(`lerp(): argument 'weight' must be Tensor or Number, not ${typeof weight}`);
  checkLerp(self, end, weight);
  if (typeof weight === 'number') {
    return runTernary('lerp', 'LerpBackward0', [self, end], [false, false], inplace ? self : null, target,
      ([s, e]) => lerpValues(s as Tensor, e, weight),
      (g) => [mul(g, 1 - weight), mul(g, weight)]);
  }
  return runTernary('lerp', 'LerpBackward1', [self, end, weight], [true, true, true], inplace ? self : null, target,
    ([s, e, w]) => lerpValues(s as Tensor, e, w),
    (g, [s, e, w]) => [mul(g, sub(1, w)), mul(g, w), mul(g, sub(e, s))]);
}

/** torch.lerp(input, end, weight): input + weight * (end - input); weight a number or tensor. */
export function lerp(input: Tensor, end: TensorLike, weight: TensorLike, opts?: OutOpts): Tensor {
  return lerpImpl(input, end, weight, opts?.out, false);
}

// ---- addcmul / addcdiv ---------------------------------------------------------------

function valueOf(opts: ValueOpts | number | undefined): number {
  if (typeof opts === 'number') return opts;
  return opts?.value ?? 1;
}

/** The common dtype of the three operands; the value is cast to it (truncated for integers). */
function promoted(input: TensorLike, t1: TensorLike, t2: TensorLike, value: number): { dtype: DType; value: number } {
  const dtype = resultType(input, t1, t2);
  return { dtype, value: dtype.isFloatingPoint ? value : Math.trunc(value) };
}

function addcmulImpl(input: Tensor, t1: TensorLike, t2: TensorLike, opts: ValueOpts | number | undefined, inplace: boolean): Tensor {
  requireTensor(input, 'addcmul', 'input');
  const { dtype, value } = promoted(input, t1, t2, valueOf(opts));
  if (dtype === bool) throw new TensorError(`"addcmul_cpu_out" not implemented for 'Bool'`);
  const target = inplace ? input : typeof opts === 'object' ? opts.out : undefined;
  return runTernary('addcmul', 'AddcmulBackward0', [input, t1, t2], [false, true, true], inplace ? input : null, target,
    // (value * t1) * t2 + input, PyTorch's order.
    ([x, a, b]) => {
      const scaled = value === 1 ? asDtype(a, dtype) : mul(asDtype(a, dtype), value);
      const product = mul(scaled, asDtype(b, dtype));
      return add(asDtype(x, dtype), product);
    },
    (g, [, a, b]) => [g, mul(g, mul(b, value)), mul(g, mul(a, value))]);
}

const ADDCDIV_INTEGER =
  'Integer division with addcdiv is no longer supported, and in a future  release addcdiv will perform a true division of tensor1 and tensor2. The historic addcdiv behavior can be implemented as (input + value * torch.trunc(tensor1 / tensor2)).to(input.dtype) for integer inputs and as (input + value * tensor1 / tensor2) for float inputs. The future addcdiv behavior is just the latter implementation: (input + value * tensor1 / tensor2), for all dtypes.';

function isIntegral(v: TensorLike): boolean {
  if (v instanceof Tensor) return !v.dtype.isFloatingPoint;
  return typeof v !== 'number' || Number.isInteger(v);
}

function addcdivImpl(input: Tensor, t1: TensorLike, t2: TensorLike, opts: ValueOpts | number | undefined, inplace: boolean): Tensor {
  requireTensor(input, 'addcdiv', 'input');
  // As PyTorch: integer (and bool) tensor1 and tensor2 are refused whatever input is.
  if (isIntegral(t1) && isIntegral(t2)) throw new TensorError(ADDCDIV_INTEGER);
  const { dtype, value } = promoted(input, t1, t2, valueOf(opts));
  const target = inplace ? input : typeof opts === 'object' ? opts.out : undefined;
  return runTernary('addcdiv', 'AddcdivBackward0', [input, t1, t2], [false, true, true], inplace ? input : null, target,
    // (value * t1) / t2 + input, PyTorch's order.
    ([x, a, b]) => {
      const scaled = value === 1 ? asDtype(a, dtype) : mul(asDtype(a, dtype), value);
      return add(asDtype(x, dtype), div(scaled, asDtype(b, dtype)));
    },
    (g, [, a, b]) => [g, div(mul(g, value), b), neg(div(mul(mul(g, value), a), mul(b, b)))]);
}

/** torch.addcmul(input, tensor1, tensor2, { value }): input + value * tensor1 * tensor2. */
export function addcmul(input: Tensor, tensor1: TensorLike, tensor2: TensorLike, opts?: ValueOpts | number): Tensor {
  return addcmulImpl(input, tensor1, tensor2, opts, false);
}

/** torch.addcdiv(input, tensor1, tensor2, { value }): input + value * tensor1 / tensor2. */
export function addcdiv(input: Tensor, tensor1: TensorLike, tensor2: TensorLike, opts?: ValueOpts | number): Tensor {
  return addcdivImpl(input, tensor1, tensor2, opts, false);
}

defineOp({
  name: 'lerp', kind: 'pointwise', fn: lerp, method: lerp, backwardName: 'LerpBackward0',
  inplace: (self: Tensor, end: TensorLike, weight: TensorLike) => lerpImpl(self, end, weight, self, true),
});
defineOp({
  name: 'addcmul', kind: 'pointwise', fn: addcmul, method: addcmul, backwardName: 'AddcmulBackward0',
  inplace: (self: Tensor, t1: TensorLike, t2: TensorLike, opts?: ValueOpts | number) => addcmulImpl(self, t1, t2, opts, true),
});
defineOp({
  name: 'addcdiv', kind: 'pointwise', fn: addcdiv, method: addcdiv, backwardName: 'AddcdivBackward0',
  inplace: (self: Tensor, t1: TensorLike, t2: TensorLike, opts?: ValueOpts | number) => addcdivImpl(self, t1, t2, opts, true),
});

declare module '../tensor' {
  interface Tensor {
    lerp(end: TensorLike, weight: TensorLike, opts?: OutOpts): Tensor;
    lerp_(end: TensorLike, weight: TensorLike): Tensor;
    addcmul(tensor1: TensorLike, tensor2: TensorLike, opts?: ValueOpts | number): Tensor;
    addcmul_(tensor1: TensorLike, tensor2: TensorLike, opts?: ValueOpts | number): Tensor;
    addcdiv(tensor1: TensorLike, tensor2: TensorLike, opts?: ValueOpts | number): Tensor;
    addcdiv_(tensor1: TensorLike, tensor2: TensorLike, opts?: ValueOpts | number): Tensor;
  }
}

