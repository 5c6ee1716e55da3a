/**
 * Elementwise ops (API.md §3): one table entry per op; every entry runs on the native
 * strided iterator through native.binary / native.unary. Broadcasting, type promotion,
 * out= and in-place variants are handled once here for all of them.
 */
import { parseTrailing } from '../args';
import type { PositionalThenOptions } from '../nn/layers/constructor-args';
import { DType, bool, defaultFloat, int64 } from '../dtype';
import { TensorError } from '../errors';
import { BinaryOp, UnaryOp, native, writeLoop } from '../native';
import { Tensor, Scalar, rawCopy, checkInplace } from '../tensor';
import { needsGrad, record, Node } from '../autograd/node';
import { noGrad, modeState } from '../autograd/grad-mode';
import { profiled } from '../autograd/profiler-state';
import { inplaceWithGrad } from '../autograd/inplace';
import { sumToSize } from '../autograd/grad-utils';
import { broadcastShapes, canCast, resultType, TensorLike } from '../promotion';
import { defineOp } from './registry';
import { denseBinary, denseUnary } from './dense-fast-path';
import { Operand, operandOf, newOutput, checkOut, tensorAsOperand, assertNoInternalOverlap } from './operands';

export const scalarTypeNames: Record<string, string> = {
  float32: 'Float', float64: 'Double', int32: 'Int', int64: 'Long', int16: 'Short', int8: 'Char', uint8: 'Byte', bool: 'Bool',
};

/** How an op's compute and result dtypes follow from the promoted input dtype. */
type DTypeRule = 'promote' | 'float' | 'bool' | 'integral';

export interface OutOpts {
  out?: Tensor;
}

/**
 * Runs `launch` for an op whose result has `shape`/`resultDtype`: into a new tensor, the
 * out= tensor, or the in-place target (through a temporary when the dtype differs).
 */
function runInto(
  op: string, shape: number[], resultDtype: DType, inputs: Operand[], target: Tensor | undefined,
  inplace: boolean, launch: (out: Operand) => void,
): Tensor {
  if (target === undefined) {
    const out = newOutput(shape, resultDtype, inputs);
    launch(tensorAsOperand(out));
    return out;
  }
  if (inplace) {
    const same = target._shape.length === shape.length && target._shape.every((d, i) => d === shape[i]);
    if (!same)
      throw new TensorError(`output with shape [${target._shape.join(', ')}] doesn't match the broadcast shape [${shape.join(', ')}]`);
    assertNoInternalOverlap(target);
  } else checkOut(target, shape, resultDtype, op);
  if (!canCast(resultDtype, target.dtype))
    throw new TensorError(
      `result type ${scalarTypeNames[resultDtype.name]} can't be cast to the desired output type ${scalarTypeNames[target.dtype.name]}`,
    );
  if (target.dtype === resultDtype) {
    launch(tensorAsOperand(target));
  } else {
    const tmp = newOutput(shape, resultDtype, inputs);
    launch(tensorAsOperand(tmp));
    target.copy_(tmp);
  }
  target._storage.version++;
  return target;
}

// ---- binary ---------------------------------------------------------------------------

interface BinarySpec {
  name: string;
  code: number;
  rule: DTypeRule;
  alpha?: boolean;
  backwardName?: string;
  aliases?: string[];
  /** No tensor method / in-place variant (PyTorch has none). */
  functionOnly?: boolean;
  /** Extra argument checks (PyTorch's refusals for bool subtraction and the like). */
  validate?: (a: TensorLike, b: TensorLike, computeDtype: DType) => void;
  /** Compute dtypes PyTorch has no kernel for, and the kernel name its error names. */
  unsupported?: Unsupported;
  /** Derivative (derivatives.yaml): gradients for a and b, written with other ops. */
  grad?: BinaryGrad;
  /** Whether the derivative reads the op's result (saved for backward). */
  savesResult?: boolean;
  /**
   * PyTorch's overload for these arguments where it differs from backwardName: its node
   * name, and which input alone it records when the other is a number (pow(x, 2) is
   * PowBackward0 with one edge, pow(2, x) PowBackward2).
   */
  overload?: (a: TensorLike, b: TensorLike) => { name: string; only?: 'a' | 'b' };
}

/** Overload naming for ops whose Scalar-other form records only the tensor (pow, remainder, fmod). */
function scalarOther(scalarName: string, tensorName: string, scalarSelfName = tensorName) {
  return (a: TensorLike, b: TensorLike): { name: string; only?: 'a' | 'b' } => {
    if (!(b instanceof Tensor)) return { name: scalarName, only: 'a' };
    if (!(a instanceof Tensor)) return { name: scalarSelfName, only: 'b' };
    return { name: tensorName };
  };
}

/** `needs`: which inputs get a gradient (formulas may skip the other side's work). */
type BinaryGrad = (g: Tensor, a: TensorLike, b: TensorLike, result: Tensor, alpha: number, needs: readonly [boolean, boolean]) => [TensorLike | null, TensorLike | null];

interface Unsupported {
  dtypes: 'bool' | 'nonfloat';
  kernel: string;
}

function checkSupported(u: Unsupported | undefined, dtype: DType): void {
  if (!u) return;
  const refused = u.dtypes === 'bool' ? dtype === bool : !dtype.isFloatingPoint;
  if (refused) throw kernelNotImplemented(u.kernel, dtype);
}

function kernelNotImplemented(kernel: string, dtype: DType): TensorError {
  return new TensorError(`"${kernel}" not implemented for '${scalarTypeNames[dtype.name]}'`);
}

function binaryDTypes(spec: BinarySpec, a: TensorLike, b: TensorLike): { compute: DType; result: DType } {
  const promoted = resultType(a, b);
  switch (spec.rule) {
    case 'float': {
      const compute = promoted.isFloatingPoint ? promoted : defaultFloat;
      return { compute, result: compute };
    }
    case 'bool':
      return { compute: promoted, result: bool };
    case 'integral':
      if (promoted.isFloatingPoint) throw kernelNotImplemented(`${spec.name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}_cpu`, promoted);
      return { compute: promoted, result: promoted };
    default:
      return { compute: promoted, result: promoted };
  }
}

export interface AlphaOpts extends OutOpts {
  alpha?: number;
}

function runBinary(
  spec: BinarySpec, a: TensorLike, b: TensorLike, alpha: number, target: Tensor | undefined, inplace: boolean, code = spec.code,
): Tensor {
  if (!(a instanceof Tensor) && !(b instanceof Tensor))
    throw new TypeError(`${spec.name}(): expected at least one tensor argument`);
  if (inplace) checkInplace(a as Tensor);
  if (!spec.grad && spec.rule !== 'bool' && spec.rule !== 'integral' && needsGrad([a, b]))
    throw new TensorError(`the derivative for '${spec.name}' is not implemented.`);
  if (spec.grad && needsGrad([a, b])) {
    if (target !== undefined && !inplace) throw new TensorError(`${spec.name}(): functions with out=... arguments don't support automatic differentiation, but one of the arguments requires grad.`);
    if (inplace) return inplaceWithGrad(a as Tensor, (old) => runBinary(spec, old, b, alpha, undefined, false, code));
    const result = noGrad(() => runBinary(spec, a, b, alpha, undefined, false, code));
    recordBinary(spec, a, b, alpha, result);
    return result;
  }
  if (target === undefined && !inplace && (spec.rule === 'promote' || spec.rule === 'float')) {
    const fast = denseBinary(code, a, b, alpha);
    if (fast !== null) return fast;
  }
  const { compute, result } = binaryDTypes(spec, a, b);
  spec.validate?.(a, b, compute);
  checkSupported(spec.unsupported, compute);
  if (!compute.isFloatingPoint && !Number.isInteger(alpha))
    throw new TensorError('For integral input tensors, argument alpha must not be a floating point number.');
  const shape = broadcastShapes(a instanceof Tensor ? a._shape : [], b instanceof Tensor ? b._shape : []);
  const opA = operandOf(a, compute, shape, spec.name);
  const opB = operandOf(b, compute, shape, spec.name);
  return runInto(spec.name, shape, result, [opA, opB], target, inplace, (out) => {
    writeLoop(shape, [out, opA, opB]);
    native.binary(code, out.bytes, opA.bytes, opB.bytes, alpha);
  });
}

/** Saves what the derivative reads and links result into the graph. */
function recordBinary(spec: BinarySpec, a: TensorLike, b: TensorLike, alpha: number, result: Tensor): void {
  const grad = spec.grad as BinaryGrad;
  const overload = spec.overload?.(a, b);
  const only = overload?.only;
  const inputs = only === 'a' ? [a] : only === 'b' ? [b] : [a, b];
  record(overload?.name ?? spec.backwardName ?? `${spec.name}Backward`, inputs, [result], (node: Node) => {
    const sa = a instanceof Tensor ? node.save(a) : null;
    const sb = b instanceof Tensor ? node.save(b) : null;
    const sr = spec.savesResult ? node.save(result, true) : null;
    const edgeA = only === 'b' ? null : node.edges[0];
    const edgeB = only === 'b' ? node.edges[0] : only === 'a' ? null : node.edges[1];
    const needs = [edgeA !== null, edgeB !== null] as const;
    return ([g]) => {
      const av = sa ? sa.unpack() : a, bv = sb ? sb.unpack() : b;
      const [ga, gb] = grad(g as Tensor, av, bv, sr ? sr.unpack() : result, alpha, needs);
      const grads = [gradFor(ga, a), gradFor(gb, b)];
      return only === 'a' ? [grads[0]] : only === 'b' ? [grads[1]] : grads;
    };
  });
}

/** A gradient shaped and typed like the input it flows to (broadcast dims summed away). */
export function gradFor(g: TensorLike | null, input: TensorLike): Tensor | null {
  if (!(input instanceof Tensor) || !input._requiresGrad || g === null) return null;
  const t = g instanceof Tensor ? g : full(input, g);
  const summed = sumToSize(t, input._shape);
  return summed.dtype === input.dtype ? summed : summed.to(input.dtype);
}

function full(like: Tensor, value: Scalar): Tensor {
  return Tensor.empty(like._shape, like.dtype).fill_(value);
}

/** In-place ops in the graph (through views too): lib/autograd/inplace.ts. */
export { inplaceWithGrad };

function alphaOf(opts: AlphaOpts | number | undefined): number {
  if (opts === undefined) return 1;
  if (typeof opts === 'number') return opts;
  return opts.alpha ?? 1;
}

function defineBinary(spec: BinarySpec) {
  const fn = (a: TensorLike, b: TensorLike, opts?: AlphaOpts | number): Tensor =>
    runBinary(spec, a, b, spec.alpha ? alphaOf(opts) : 1, typeof opts === 'object' ? opts.out : undefined, false);
  const inplace = (self: Tensor, b: TensorLike, opts?: AlphaOpts | number): Tensor =>
    runBinary(spec, self, b, spec.alpha ? alphaOf(opts) : 1, self, true);
  // The profiled entry point: derivatives calling mul/pow show as aten:: ranges.
  return defineOp({
    name: spec.name, kind: 'pointwise', fn, method: spec.functionOnly ? undefined : fn,
    inplace: spec.functionOnly ? undefined : inplace, aliases: spec.aliases, backwardName: spec.backwardName,
  }).fn as typeof fn;
}

function refuseBoolSub(a: TensorLike, b: TensorLike): void {
  const isBool = (v: TensorLike) => (v instanceof Tensor ? v.dtype === bool : typeof v === 'boolean');
  if (isBool(a) && isBool(b))
    throw new TensorError('Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or `logical_xor()` operator instead.');
  if (isBool(a) || isBool(b))
    throw new TensorError('Subtraction, the `-` operator, with a bool tensor is not supported. If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.');
}

function refuseNegativeIntPower(a: TensorLike, b: TensorLike, compute: DType): void {
  if (!compute.isFloatingPoint && typeof b === 'number' && b < 0)
    throw new TensorError('Integers to negative integer powers are not allowed.');
}

export const add = defineBinary({ name: 'add', code: BinaryOp.add, rule: 'promote', alpha: true, backwardName: 'AddBackward0' , grad: (g, _a, _b, _r, alpha, n) => [g, alpha === 1 ? g : n[1] ? mul(g, alpha) : null] });
export const sub = defineBinary({ name: 'sub', code: BinaryOp.sub, rule: 'promote', alpha: true, backwardName: 'SubBackward0', aliases: ['subtract'], validate: refuseBoolSub , grad: (g, _a, _b, _r, alpha, n) => [g, n[1] ? mul(g, -alpha) : null] });
export const mul = defineBinary({ name: 'mul', code: BinaryOp.mul, rule: 'promote', backwardName: 'MulBackward0', aliases: ['multiply'] , grad: (g, a, b, _r, _al, n) => [n[0] ? mul(g, b) : null, n[1] ? mul(g, a) : null] });
export const pow = defineBinary({ name: 'pow', code: BinaryOp.pow, rule: 'promote', backwardName: 'PowBackward0', validate: refuseNegativeIntPower , grad: powGrad, savesResult: true, overload: scalarOther('PowBackward0', 'PowBackward1', 'PowBackward2') });
export const remainder = defineBinary({ name: 'remainder', code: BinaryOp.remainder, rule: 'promote', backwardName: 'RemainderBackward0', unsupported: { dtypes: 'bool', kernel: 'remainder_cpu' }, overload: scalarOther('RemainderBackward0', 'RemainderBackward1'), grad: (g, a, b) => [g, mul(g, neg(toTensor(div(a, b, { roundingMode: 'floor' }))))] });
export const fmod = defineBinary({ name: 'fmod', code: BinaryOp.fmod, rule: 'promote', backwardName: 'FmodBackward0', unsupported: { dtypes: 'bool', kernel: 'fmod_cpu' }, overload: scalarOther('FmodBackward0', 'FmodBackward1'), grad: (g, a, b) => [g, mul(g, neg(toTensor(div(a, b, { roundingMode: 'trunc' }))))] });
export const maximum = defineBinary({ name: 'maximum', code: BinaryOp.maximum, rule: 'promote', backwardName: 'MaximumBackward0' , grad: (g, a, b) => extremumGrad(g, a, b, gt) });
export const minimum = defineBinary({ name: 'minimum', code: BinaryOp.minimum, rule: 'promote', backwardName: 'MinimumBackward0' , grad: (g, a, b) => extremumGrad(g, a, b, lt) });
export const atan2 = defineBinary({ name: 'atan2', code: BinaryOp.atan2, rule: 'float', backwardName: 'Atan2Backward0' , grad: (g, a, b) => { const d = add(mul(a, a), mul(b, b)); return [div(mul(g, b), d), neg(div(mul(g, a), d))]; } });
export const eq = defineBinary({ name: 'eq', code: BinaryOp.eq, rule: 'bool' });
export const ne = defineBinary({ name: 'ne', code: BinaryOp.ne, rule: 'bool', aliases: ['notEqual'] });
export const lt = defineBinary({ name: 'lt', code: BinaryOp.lt, rule: 'bool', aliases: ['less'] });
export const le = defineBinary({ name: 'le', code: BinaryOp.le, rule: 'bool', aliases: ['lessEqual'] });
export const gt = defineBinary({ name: 'gt', code: BinaryOp.gt, rule: 'bool', aliases: ['greater'] });
export const ge = defineBinary({ name: 'ge', code: BinaryOp.ge, rule: 'bool', aliases: ['greaterEqual'] });
export const logicalAnd = defineBinary({ name: 'logicalAnd', code: BinaryOp.logicalAnd, rule: 'bool' });
export const logicalOr = defineBinary({ name: 'logicalOr', code: BinaryOp.logicalOr, rule: 'bool' });
export const logicalXor = defineBinary({ name: 'logicalXor', code: BinaryOp.logicalXor, rule: 'bool' });
export const bitwiseAnd = defineBinary({ name: 'bitwiseAnd', code: BinaryOp.bitwiseAnd, rule: 'integral' });
export const bitwiseOr = defineBinary({ name: 'bitwiseOr', code: BinaryOp.bitwiseOr, rule: 'integral' });
export const bitwiseXor = defineBinary({ name: 'bitwiseXor', code: BinaryOp.bitwiseXor, rule: 'integral' });

// div: true division by default; roundingMode 'trunc' | 'floor' keeps integer dtypes.
export interface DivOpts extends OutOpts {
  roundingMode?: 'trunc' | 'floor' | null;
}
const divSpec: BinarySpec = {
  name: 'div', code: BinaryOp.div, rule: 'float', backwardName: 'DivBackward0',
  grad: (g, a, b, _r, _al, n) => [n[0] ? div(g, b) : null, n[1] ? neg(div(mul(g, a), mul(b, b))) : null],
};
// Rounded division is piecewise constant: zero gradients, as PyTorch's DivBackward2 (div.Tensor_mode,
// which Python calls with a number wrapped as a tensor, so both edges stay).
const divRoundedSpec: BinarySpec = { name: 'div', code: BinaryOp.divTrunc, rule: 'promote', backwardName: 'DivBackward2', grad: (g) => [mul(g, 0), mul(g, 0)] };
const divFloorSpec: BinarySpec = { ...divRoundedSpec, unsupported: { dtypes: 'bool', kernel: 'div_floor_cpu' } };
const divTruncSpec: BinarySpec = { ...divRoundedSpec, unsupported: { dtypes: 'bool', kernel: 'div_trunc_cpu' } };
function divCode(mode: DivOpts['roundingMode']): { spec: BinarySpec; code: number } {
  if (mode === undefined || mode === null) return { spec: divSpec, code: BinaryOp.div };
  if (mode === 'trunc') return { spec: divTruncSpec, code: BinaryOp.divTrunc };
  if (mode === 'floor') return { spec: divFloorSpec, code: BinaryOp.divFloor };
  throw new TensorError(`div expected rounding_mode to be one of None, 'trunc', or 'floor' but found '${String(mode)}'`);
}
export function div(a: TensorLike, b: TensorLike, opts?: DivOpts): Tensor {
  const { spec, code } = divCode(opts?.roundingMode);
  return runBinary(spec, a, b, 1, opts?.out, false, code);
}
defineOp({
  name: 'div', kind: 'pointwise', fn: div, method: div, aliases: ['divide', 'trueDivide'], backwardName: 'DivBackward0',
  inplace: (self: Tensor, b: TensorLike, opts?: DivOpts) => {
    const { spec, code } = divCode(opts?.roundingMode);
    return runBinary(spec, self, b, 1, self, true, code);
  },
});
export function floorDivide(a: TensorLike, b: TensorLike, opts?: OutOpts): Tensor {
  return div(a, b, { roundingMode: 'floor', out: opts?.out });
}
defineOp({
  name: 'floorDivide', kind: 'pointwise', fn: floorDivide, method: floorDivide,
  inplace: (self: Tensor, b: TensorLike) => runBinary(divFloorSpec, self, b, 1, self, true, BinaryOp.divFloor),
});

function toTensor(v: TensorLike): Tensor {
  return v instanceof Tensor ? v : (tensorFromScalar(v) as Tensor);
}
function tensorFromScalar(v: Scalar): Tensor {
  const t = Tensor.empty([], typeof v === 'number' && !Number.isInteger(v) ? defaultFloat : typeof v === 'boolean' ? bool : int64);
  return t.fill_(v);
}

/** pow: d/da = b a^(b-1) (0 where b == 0); d/db = a^b log(a) (0 where a == 0 and b >= 0). */
function powGrad(g: Tensor, a: TensorLike, b: TensorLike, r: Tensor): [TensorLike | null, TensorLike | null] {
  let ga: TensorLike | null = null;
  if (a instanceof Tensor && a._requiresGrad) {
    if (typeof b === 'number') ga = b === 0 ? mul(g, 0) : mul(g, mul(pow(a, b - 1), b));
    else ga = where(eq(toTensor(b), 0), 0, mul(g, mul(pow(a, sub(b, 1)), b)));
  }
  let gb: TensorLike | null = null;
  if (b instanceof Tensor && b._requiresGrad) {
    const logA = a instanceof Tensor ? log(a) : Math.log(a as number);
    const zeroBase = a instanceof Tensor ? logicalAnd(eq(a, 0), ge(b, 0)) : logicalAnd(eq(b, b), a === 0 ? ge(b, 0) : lt(b, -Infinity));
    gb = where(zeroBase, 0, mul(g, mul(r, logA)));
  }
  return [ga, gb];
}

/** maximum/minimum: the gradient goes to the winner; ties split it in half (PyTorch 1.13). */
function extremumGrad(g: Tensor, a: TensorLike, b: TensorLike, wins: (x: TensorLike, y: TensorLike) => Tensor): [Tensor, Tensor] {
  const half = where(eq(toTensor(a), b), div(g, 2), g);
  return [mul(half, logicalOr(wins(a, b), eq(toTensor(a), b))), mul(half, logicalOr(wins(b, a), eq(toTensor(a), b)))];
}

// ---- unary ----------------------------------------------------------------------------

interface UnarySpec {
  name: string;
  code: number;
  rule: DTypeRule;
  backwardName?: string;
  aliases?: string[];
  refuseBool?: string;
  unsupported?: Unsupported;
  /** Result dtype for bool input when PyTorch promotes it (square(bool) is int64). */
  boolResult?: DType;
  /** Derivative: gradient for x, from the output gradient, x, the result and the params. */
  grad?: UnaryGrad;
  savesResult?: boolean;
  /** The derivative reads x (default true). */
  savesInput?: boolean;
  /** A 'bool' op with an in-place form (logical_not_): the result is written back in self's dtype. */
  boolInplace?: boolean;
}

type UnaryGrad = (g: Tensor, x: Tensor, result: Tensor, p: UnaryParams) => TensorLike | null;

export interface UnaryParams extends OutOpts {
  p1?: number;
  p2?: number;
}

function runUnary(spec: UnarySpec, a: Tensor, params: UnaryParams | undefined, inplace: boolean): Tensor {
  if (!(a instanceof Tensor)) throw new TypeError(`${spec.name}(): argument 'input' must be Tensor, not ${typeof a}`);
  if (inplace) checkInplace(a);
  if (!spec.grad && spec.rule !== 'bool' && spec.rule !== 'integral' && needsGrad([a]))
    throw new TensorError(`the derivative for '${spec.name}' is not implemented.`);
  if (spec.grad && needsGrad([a])) {
    if (params?.out) throw new TensorError(`${spec.name}(): functions with out=... arguments don't support automatic differentiation, but one of the arguments requires grad.`);
    if (inplace) return inplaceWithGrad(a, (old) => runUnary(spec, old, params, false));
    const result = noGrad(() => runUnary(spec, a, params, false));
    const grad = spec.grad;
    const p = params ?? {};
    record(spec.backwardName ?? `${spec.name}Backward`, [a], [result], (node) => {
      const sx = spec.savesInput === false ? null : node.save(a);
      const sr = spec.savesResult ? node.save(result, true) : null;
      return ([g]) => [gradFor(grad(g as Tensor, sx ? sx.unpack() : a, sr ? sr.unpack() : result, p), a)];
    });
    return result;
  }
  if (!inplace && params?.out === undefined && (spec.rule === 'promote' || spec.rule === 'float')) {
    const fast = denseUnary(spec.code, a, params?.p1 ?? 0, params?.p2 ?? 0);
    if (fast !== null) return fast;
  }
  if (spec.refuseBool && a.dtype === bool) throw new TensorError(spec.refuseBool);
  let compute = a.dtype;
  if (spec.rule === 'float' && !compute.isFloatingPoint) compute = defaultFloat;
  if (spec.rule === 'integral' && compute.isFloatingPoint) throw kernelNotImplemented(`${spec.name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}_cpu`, compute);
  checkSupported(spec.unsupported, a.dtype);
  if (a.dtype === bool && spec.boolResult) compute = spec.boolResult;
  const result = spec.rule === 'bool' ? bool : compute;
  const shape = [...a._shape];
  const input = operandOf(a, compute, shape, spec.name);
  const target = inplace ? a : params?.out;
  return runInto(spec.name, shape, result, [input], target, inplace, (out) => {
    writeLoop(shape, [out, input]);
    native.unary(spec.code, out.bytes, input.bytes, params?.p1 ?? 0, params?.p2 ?? 0);
  });
}

function defineUnary(spec: UnarySpec) {
  const fn = (a: Tensor, opts?: OutOpts): Tensor => runUnary(spec, a, opts, false);
  return defineOp({
    name: spec.name, kind: 'pointwise', fn, method: fn, aliases: spec.aliases, backwardName: spec.backwardName,
    inplace: spec.rule !== 'bool' ? (self: Tensor) => runUnary(spec, self, undefined, true) : spec.boolInplace ? (self: Tensor) => boolInplace(spec, self) : undefined,
  }).fn as typeof fn;
}

/**
 * logical_not_: the bool result is cast into self. Not differentiable, so (as PyTorch) no
 * node is recorded and a leaf that requires grad is not refused.
 */
function boolInplace(spec: UnarySpec, self: Tensor): Tensor {
  if (!(self instanceof Tensor)) throw new TypeError(`${spec.name}_(): argument 'input' must be Tensor, not ${typeof self}`);
  noGrad(() => rawCopy(self, runUnary(spec, self, undefined, false)));
  return self;
}

export const neg = defineUnary({
  name: 'neg', code: UnaryOp.neg, rule: 'promote', backwardName: 'NegBackward0', aliases: ['negative'], grad: (g) => neg(g), savesInput: false,
  refuseBool: 'Negation, the `-` operator, on a bool tensor is not supported. If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.',
});
export const abs = defineUnary({ name: 'abs', code: UnaryOp.abs, rule: 'promote', backwardName: 'AbsBackward0', aliases: ['absolute'], refuseBool: '"abs_cpu" not implemented for \'Bool\'' , grad: (g, x) => mul(g, sign(x)) });
export const sign = defineUnary({ name: 'sign', code: UnaryOp.sign, rule: 'promote', backwardName: 'SignBackward0' , grad: (g) => mul(g, 0), savesInput: false });
export const sqrt = defineUnary({ name: 'sqrt', code: UnaryOp.sqrt, rule: 'float', backwardName: 'SqrtBackward0' , grad: (g, _x, r) => div(g, mul(r, 2)), savesResult: true, savesInput: false });
export const rsqrt = defineUnary({ name: 'rsqrt', code: UnaryOp.rsqrt, rule: 'float', backwardName: 'RsqrtBackward0' , grad: (g, _x, r) => mul(mul(g, pow(r, 3)), -0.5), savesResult: true, savesInput: false });
export const exp = defineUnary({ name: 'exp', code: UnaryOp.exp, rule: 'float', backwardName: 'ExpBackward0' , grad: (g, _x, r) => mul(g, r), savesResult: true, savesInput: false });
export const expm1 = defineUnary({ name: 'expm1', code: UnaryOp.expm1, rule: 'float', backwardName: 'Expm1Backward0' , grad: (g, _x, r) => mul(g, add(r, 1)), savesResult: true, savesInput: false });
export const log = defineUnary({ name: 'log', code: UnaryOp.log, rule: 'float', backwardName: 'LogBackward0' , grad: (g, x) => div(g, x) });
export const log1p = defineUnary({ name: 'log1p', code: UnaryOp.log1p, rule: 'float', backwardName: 'Log1pBackward0' , grad: (g, x) => div(g, add(x, 1)) });
export const log2 = defineUnary({ name: 'log2', code: UnaryOp.log2, rule: 'float', backwardName: 'Log2Backward0' , grad: (g, x) => div(g, mul(x, Math.LN2)) });
export const sin = defineUnary({ name: 'sin', code: UnaryOp.sin, rule: 'float', backwardName: 'SinBackward0' , grad: (g, x) => mul(g, cos(x)) });
export const cos = defineUnary({ name: 'cos', code: UnaryOp.cos, rule: 'float', backwardName: 'CosBackward0' , grad: (g, x) => neg(mul(g, sin(x))) });
export const tan = defineUnary({ name: 'tan', code: UnaryOp.tan, rule: 'float', backwardName: 'TanBackward0' , grad: (g, _x, r) => mul(g, add(mul(r, r), 1)), savesResult: true, savesInput: false });
export const tanh = defineUnary({ name: 'tanh', code: UnaryOp.tanh, rule: 'float', backwardName: 'TanhBackward0' , grad: (g, _x, r) => mul(g, sub(1, mul(r, r))), savesResult: true, savesInput: false });
export const sigmoid = defineUnary({ name: 'sigmoid', code: UnaryOp.sigmoid, rule: 'float', backwardName: 'SigmoidBackward0' , grad: (g, _x, r) => mul(g, mul(r, sub(1, r))), savesResult: true, savesInput: false });
export const relu = defineUnary({ name: 'relu', code: UnaryOp.relu, rule: 'promote', backwardName: 'ReluBackward0', refuseBool: 'Boolean inputs not supported for relu' , grad: (g, _x, r) => reluGrad(g, r), savesResult: true, savesInput: false });

/**
 * relu's derivative, g where the result is above 0: one native pass (PyTorch's
 * threshold_backward) in a plain backward; composed of mul and gt when the backward is
 * itself recorded (createGraph), so that it has a derivative in turn.
 */
const thresholdBackwardSpec: BinarySpec = { name: 'threshold_backward', code: BinaryOp.thresholdBackward, rule: 'promote' };
function reluGrad(g: Tensor, result: Tensor): Tensor {
  if (modeState.gradEnabled) return where(le(result, 0), 0, g);
  return profiled('aten::threshold_backward', [g, result], () => runBinary(thresholdBackwardSpec, g, result, 1, undefined, false));
}
export const floor = defineUnary({ name: 'floor', code: UnaryOp.floor, rule: 'promote', backwardName: 'FloorBackward0', unsupported: { dtypes: 'bool', kernel: 'floor_vml_cpu' } , grad: (g) => mul(g, 0), savesInput: false });
export const ceil = defineUnary({ name: 'ceil', code: UnaryOp.ceil, rule: 'promote', backwardName: 'CeilBackward0', unsupported: { dtypes: 'bool', kernel: 'ceil_vml_cpu' } , grad: (g) => mul(g, 0), savesInput: false });
export const trunc = defineUnary({ name: 'trunc', code: UnaryOp.trunc, rule: 'promote', backwardName: 'TruncBackward0', aliases: ['fix'], unsupported: { dtypes: 'bool', kernel: 'trunc_vml_cpu' } , grad: (g) => mul(g, 0), savesInput: false });
export const reciprocal = defineUnary({ name: 'reciprocal', code: UnaryOp.reciprocal, rule: 'float', backwardName: 'ReciprocalBackward0' , grad: (g, _x, r) => neg(mul(g, mul(r, r))), savesResult: true, savesInput: false });
export const square = defineUnary({ name: 'square', code: UnaryOp.square, rule: 'promote', backwardName: 'PowBackward0', boolResult: int64 , grad: (g, x) => mul(mul(g, x), 2) });
export const logicalNot = defineUnary({ name: 'logicalNot', code: UnaryOp.logicalNot, rule: 'bool', boolInplace: true });
export const bitwiseNot = defineUnary({ name: 'bitwiseNot', code: UnaryOp.bitwiseNot, rule: 'integral' });
export const isnan = defineUnary({ name: 'isnan', code: UnaryOp.isnan, rule: 'bool' });
export const isinf = defineUnary({ name: 'isinf', code: UnaryOp.isinf, rule: 'bool' });
export const isfinite = defineUnary({ name: 'isfinite', code: UnaryOp.isfinite, rule: 'bool' });
export const silu = defineUnary({ name: 'silu', code: UnaryOp.silu, rule: 'float', backwardName: 'SiluBackward0', unsupported: { dtypes: 'nonfloat', kernel: 'silu_cpu' } , grad: (g, x) => { const s = sigmoid(x); return mul(g, mul(s, add(mul(x, sub(1, s)), 1))); } });

const roundSpec: UnarySpec = { name: 'round', code: UnaryOp.round, rule: 'promote', backwardName: 'RoundBackward0', unsupported: { dtypes: 'bool', kernel: 'round_vml_cpu' }, grad: (g) => mul(g, 0), savesInput: false };
/** round(x) rounds half to even; round(x, { decimals }) scales by 10^decimals first, as PyTorch. */
export function round(a: Tensor, opts?: OutOpts & { decimals?: number }): Tensor {
  const decimals = opts?.decimals ?? 0;
  if (decimals === 0) return runUnary(roundSpec, a, opts, false);
  const scale = 10 ** decimals;
  return div(runUnary(roundSpec, mul(a, scale), undefined, false), scale, { out: opts?.out });
}
defineOp({ name: 'round', kind: 'pointwise', fn: round, method: round, inplace: (self: Tensor) => runUnary(roundSpec, self, undefined, true), backwardName: 'RoundBackward0' });

// d/dx x*Phi(x) = Phi(x) + x*phi(x). Phi is read back from the result as gelu(x)/x (1/2 at
// x = 0), so the derivative is built from differentiable ops and gradgradcheck holds too.
const geluGrad: UnaryGrad = (g, x, y) => {
  const cdf = where(eq(x, 0), 0.5, div(y, x));
  const pdf = mul(exp(mul(square(x), -0.5)), 1 / Math.sqrt(2 * Math.PI));
  return mul(g, add(cdf, mul(x, pdf)));
};
const geluSpec: UnarySpec = {
  name: 'gelu', code: UnaryOp.gelu, rule: 'float', backwardName: 'GeluBackward0', unsupported: { dtypes: 'nonfloat', kernel: 'GeluKernelImpl' },
  grad: geluGrad, savesResult: true,
};
export function gelu(a: Tensor, opts?: { approximate?: 'none' | 'tanh' }): Tensor {
  if ((opts?.approximate ?? 'none') === 'none') return runUnary(geluSpec, a, undefined, false);
  checkSupported(geluSpec.unsupported, a.dtype);
  if (opts?.approximate !== 'tanh') throw new TensorError(`approximate argument must be either none or tanh.`);
  // 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
  const inner = mul(add(a, mul(pow(a, 3), 0.044715)), Math.sqrt(2 / Math.PI));
  return mul(mul(a, 0.5), add(tanh(inner), 1));
}
defineOp({ name: 'gelu', kind: 'pointwise', fn: gelu, method: gelu, backwardName: 'GeluBackward0' });

const softplusSpec: UnarySpec = {
  name: 'softplus', code: UnaryOp.softplus, rule: 'float', backwardName: 'SoftplusBackward0',
  // Linear above the threshold, sigmoid(beta x) below, as PyTorch's softplus_backward.
  grad: (g, x, _r, p) => { const bx = mul(x, p.p1 ?? 1); return where(gt(bx, p.p2 ?? 20), g, mul(g, sigmoid(bx))); },
};
export function softplus(a: Tensor, ...rest: PositionalThenOptions<[beta: number, threshold: number], { beta?: number; threshold?: number }>): Tensor {
  const o = parseTrailing(rest, ['beta', 'threshold']) as { beta?: number; threshold?: number };
  return runUnary(softplusSpec, a, { p1: o.beta ?? 1, p2: o.threshold ?? 20 }, false);
}
defineOp({ name: 'softplus', kind: 'pointwise', fn: softplus, backwardName: 'SoftplusBackward0' });

const leakyReluSpec: UnarySpec = {
  name: 'leakyRelu', code: UnaryOp.leakyRelu, rule: 'promote', backwardName: 'LeakyReluBackward0',
  grad: (g, x, _r, p) => where(gt(x, 0), g, mul(g, p.p1 ?? 0.01)),
};
export function leakyRelu(a: Tensor, ...rest: PositionalThenOptions<[negativeSlope: number], { negativeSlope?: number }>): Tensor {
  const o = parseTrailing(rest, ['negativeSlope']) as { negativeSlope?: number };
  return runUnary(leakyReluSpec, a, { p1: o.negativeSlope ?? 0.01 }, false);
}
defineOp({ name: 'leakyRelu', kind: 'pointwise', fn: leakyRelu });

/** The values an integer dtype holds, as doubles the kernels convert exactly. */
export function integerRange(dtype: DType): [number, number] {
  switch (dtype.name) {
    case 'bool': return [0, 1];
    case 'uint8': return [0, 255];
    case 'int8': return [-128, 127];
    case 'int16': return [-32768, 32767];
    case 'int32': return [-2147483648, 2147483647];
    default: return [-9223372036854775808, 9223372036854774784]; // largest doubles inside int64
  }
}

// clamp(min?, max?) — either bound may be null; tensor bounds go through maximum/minimum.
const clampSpec: UnarySpec = {
  name: 'clamp', code: UnaryOp.clamp, rule: 'promote', backwardName: 'ClampBackward1',
  // The gradient passes where min <= x <= max, bounds included (PyTorch's clamp_backward).
  grad: (g, x, _r, p) => {
    let inside: Tensor | null = null;
    if (p.p1 !== undefined && !Number.isNaN(p.p1)) inside = ge(x, p.p1);
    if (p.p2 !== undefined && !Number.isNaN(p.p2)) inside = inside ? logicalAnd(inside, le(x, p.p2)) : le(x, p.p2);
    return inside ? mul(g, inside) : g;
  },
};
export interface ClampOpts extends OutOpts {
  min?: number | Tensor | null;
  max?: number | Tensor | null;
}
function clampImpl(a: Tensor, min: number | Tensor | null | undefined, max: number | Tensor | null | undefined, target: Tensor | undefined, inplace: boolean): Tensor {
  if ((min === null || min === undefined) && (max === null || max === undefined))
    throw new TensorError("torch.clamp: At least one of 'min' or 'max' must not be None");
  if (min instanceof Tensor || max instanceof Tensor) return clampTensorBounds(a, min ?? null, max ?? null, target, inplace);
  const lo = min ?? NaN, hi = max ?? NaN;
  const dtype = resultType(a, ...(min !== null && min !== undefined ? [min] : []), ...(max !== null && max !== undefined ? [max] : []));
  if (inplace && !canCast(dtype, a.dtype))
    throw new TensorError(`result type ${scalarTypeNames[dtype.name]} can't be cast to the desired output type ${scalarTypeNames[a.dtype.name]}`);
  const input = dtype === a.dtype ? a : a.to(dtype);
  if (!dtype.isFloatingPoint) {
    // Integer clamp: a missing or out-of-range bound becomes the dtype's extreme, so the
    // kernel's exact integer comparison never sees a value the dtype cannot hold.
    const [typeMin, typeMax] = integerRange(dtype);
    const fit = (v: number, dflt: number) => (Number.isNaN(v) ? dflt : Math.min(Math.max(v, typeMin), typeMax));
    return runUnary(clampSpec, inplace ? a : input, { p1: fit(lo, typeMin), p2: fit(hi, typeMax), out: target }, inplace);
  }
  return runUnary(clampSpec, inplace ? a : input, { p1: lo, p2: hi, out: target }, inplace);
}
type Bound = number | Tensor | null;

/**
 * clamp with tensor bounds (PyTorch's clamp.Tensor): maximum then minimum, so max wins
 * where min > max. In the graph it is one ClampBackward0 node over (self, min, max).
 */
function clampTensorBounds(a: Tensor, min: Bound, max: Bound, target: Tensor | undefined, inplace: boolean): Tensor {
  if (needsGrad([a, min, max])) {
    if (target !== undefined && !inplace) throw new TensorError("clamp(): functions with out=... arguments don't support automatic differentiation, but one of the arguments requires grad.");
    if (inplace) {
      checkInplace(a);
      return inplaceWithGrad(a, (old) => clampTensorBounds(old, min, max, undefined, false));
    }
    const result = noGrad(() => clampTensorBounds(a, min, max, undefined, false));
    record('ClampBackward0', [a, min, max], [result], (node) => {
      const sx = node.save(a);
      const smin = min instanceof Tensor ? node.save(min) : null, smax = max instanceof Tensor ? node.save(max) : null;
      return ([g]) => {
        if (!g) return [null, null, null];
        const x = sx.unpack(), lo = smin ? smin.unpack() : min, hi = smax ? smax.unpack() : max;
        return clampBoundsGrad(g as Tensor, x, lo, hi).map((gi, i) => gradFor(gi, [a, min, max][i] as TensorLike));
      };
    });
    return result;
  }
  if (inplace) checkInplace(a);
  let r: Tensor = a;
  if (min !== null) r = maximum(r, min);
  if (max !== null) r = minimum(r, max);
  return inplace ? a.copy_(r) : target ? target.copy_(r) : r;
}

/** PyTorch 1.13's clamp_backward_min_max: where min > max, the result (and gradient) is max's. */
function clampBoundsGrad(g: Tensor, x: Tensor, min: Bound, max: Bound): [Tensor, Tensor | null, Tensor | null] {
  if (min !== null && max !== null) {
    return [
      where(logicalAnd(ge(x, min), le(x, max)), g, 0),
      where(logicalAnd(lt(x, min), lt(min, max)), g, 0),
      where(logicalOr(gt(x, max), lt(max, min)), g, 0),
    ];
  }
  if (min !== null) return [where(ge(x, min), g, 0), where(lt(x, min), g, 0), null];
  return [where(le(x, max as TensorLike), g, 0), null, where(gt(x, max as TensorLike), g, 0)];
}

export function clamp(a: Tensor, min?: number | Tensor | null | ClampOpts, max?: number | Tensor | null, opts?: OutOpts): Tensor {
  if (min !== null && typeof min === 'object' && !(min instanceof Tensor)) return clampImpl(a, min.min, min.max, min.out, false);
  return clampImpl(a, min as number | Tensor | null | undefined, max, opts?.out, false);
}
defineOp({
  name: 'clamp', kind: 'pointwise', fn: clamp, method: clamp, aliases: ['clip'], backwardName: 'ClampBackward1',
  inplace: (self: Tensor, min?: number | Tensor | null | ClampOpts, max?: number | Tensor | null) => {
    if (min !== null && typeof min === 'object' && !(min instanceof Tensor)) return clampImpl(self, min.min, min.max, undefined, true);
    return clampImpl(self, min as number | Tensor | null | undefined, max, undefined, true);
  },
});

/** torch.where(cond, a, b) with broadcasting and promotion; where(cond) is nonzero(asTuple). */
export function where(cond: Tensor, a: TensorLike, b: TensorLike): Tensor {
  if (!(cond instanceof Tensor)) throw new TypeError(`where(): argument 'condition' must be Tensor, not ${cond === null ? 'null' : typeof cond}`);
  if (cond.dtype !== bool) throw new TensorError(`where expected condition to be a boolean tensor, but got a tensor with dtype ${scalarTypeNames[cond.dtype.name]}`);
  const dtype = resultType(a, b);
  const shape = [cond._shape, a instanceof Tensor ? a._shape : [], b instanceof Tensor ? b._shape : []].reduce<number[]>((s, t) => broadcastShapes(s, t), []);
  const opC = operandOf(cond, bool, shape, 'where');
  const opA = operandOf(a, dtype, shape, 'where');
  const opB = operandOf(b, dtype, shape, 'where');
  const result = runInto('where', shape, dtype, [opA, opB, opC], undefined, false, (out) => {
    writeLoop(shape, [out, opC, opA, opB]);
    native.where(out.bytes, opC.bytes, opA.bytes, opB.bytes);
  });
  if (needsGrad([a, b])) {
    record('WhereBackward0', [cond, a, b], [result], (node) => {
      const sc = node.save(cond);
      return ([g]) => {
        const c = sc.unpack();
        return [null, gradFor(where(c, g as Tensor, 0), a), gradFor(where(c, 0, g as Tensor), b)];
      };
    });
  }
  return result;
}
defineOp({ name: 'where', kind: 'pointwise', fn: where, method: (self: Tensor, cond: Tensor, other: TensorLike) => where(cond, self, other), backwardName: 'WhereBackward0' });

export type { Scalar };
