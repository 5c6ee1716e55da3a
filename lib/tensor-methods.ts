/**
 * The typed surface of the methods the op registry installs on Tensor.prototype (the
 * implementations live with each op in lib/ops/).
 */
import type { Tensor, Scalar } from './tensor';
import type { TensorLike } from './promotion';
import type { AlphaOpts, DivOpts, ClampOpts } from './ops/pointwise';
import type { PositionalThenOptions } from './nn/layers/constructor-args';

type Out = { out?: Tensor };
type Binary = (other: TensorLike, opts?: Out) => Tensor;
type BinaryInplace = (other: TensorLike) => Tensor;
type Unary = (opts?: Out) => Tensor;
type UnaryInplace = () => Tensor;
type Dims = (number | readonly number[])[];

declare module './tensor' {
  interface Tensor {
    // whole-tensor comparisons (lib/ops/compare.ts)
    isclose(other: Tensor, ...args: import('./ops/compare').CloseArgs): Tensor;
    allclose(other: Tensor, ...args: import('./ops/compare').CloseArgs): boolean;
    equal(other: Tensor): boolean;
    // pointwise (lib/ops/pointwise.ts)
    add(other: TensorLike, opts?: AlphaOpts | number): Tensor;
    add_(other: TensorLike, opts?: AlphaOpts | number): Tensor;
    sub(other: TensorLike, opts?: AlphaOpts | number): Tensor;
    sub_(other: TensorLike, opts?: AlphaOpts | number): Tensor;
    subtract(other: TensorLike, opts?: AlphaOpts | number): Tensor;
    mul: Binary; mul_: BinaryInplace; multiply: Binary;
    div(other: TensorLike, opts?: DivOpts): Tensor;
    div_(other: TensorLike, opts?: DivOpts): Tensor;
    divide(other: TensorLike, opts?: DivOpts): Tensor;
    trueDivide: Binary; floorDivide: Binary; floorDivide_: BinaryInplace;
    pow: Binary; pow_: BinaryInplace; remainder: Binary; remainder_: BinaryInplace; fmod: Binary; fmod_: BinaryInplace;
    maximum: Binary; minimum: Binary; atan2: Binary; atan2_: BinaryInplace;
    eq: Binary; ne: Binary; lt: Binary; le: Binary; gt: Binary; ge: Binary;
    eq_: BinaryInplace; ne_: BinaryInplace; lt_: BinaryInplace; le_: BinaryInplace; gt_: BinaryInplace; ge_: BinaryInplace;
    notEqual: Binary; less: Binary; lessEqual: Binary; greater: Binary; greaterEqual: Binary;
    logicalAnd: Binary; logicalOr: Binary; logicalXor: Binary;
    logicalAnd_: BinaryInplace; logicalOr_: BinaryInplace; logicalXor_: BinaryInplace;
    bitwiseAnd: Binary; bitwiseOr: Binary; bitwiseXor: Binary;
    bitwiseAnd_: BinaryInplace; bitwiseOr_: BinaryInplace; bitwiseXor_: BinaryInplace;
    neg: Unary; neg_: UnaryInplace; negative: Unary; abs: Unary; abs_: UnaryInplace; absolute: Unary;
    sign: Unary; sign_: UnaryInplace; sqrt: Unary; sqrt_: UnaryInplace; rsqrt: Unary; rsqrt_: UnaryInplace;
    exp: Unary; exp_: UnaryInplace; expm1: Unary; expm1_: UnaryInplace; log: Unary; log_: UnaryInplace;
    log1p: Unary; log1p_: UnaryInplace; log2: Unary; log2_: UnaryInplace; sin: Unary; sin_: UnaryInplace;
    cos: Unary; cos_: UnaryInplace; tan: Unary; tan_: UnaryInplace; tanh: Unary; tanh_: UnaryInplace;
    sigmoid: Unary; sigmoid_: UnaryInplace; relu: Unary; relu_: UnaryInplace; floor: Unary; floor_: UnaryInplace;
    ceil: Unary; ceil_: UnaryInplace; trunc: Unary; trunc_: UnaryInplace; fix: Unary;
    round(opts?: Out & { decimals?: number }): Tensor; round_: UnaryInplace;
    reciprocal: Unary; reciprocal_: UnaryInplace; square: Unary; square_: UnaryInplace;
    logicalNot: Unary; logicalNot_: UnaryInplace; bitwiseNot: Unary; bitwiseNot_: UnaryInplace; isnan: Unary; isinf: Unary; isfinite: Unary;
    silu: Unary; silu_: UnaryInplace; gelu(opts?: { approximate?: 'none' | 'tanh' }): Tensor;
    clamp(min?: number | Tensor | null | ClampOpts, max?: number | Tensor | null): Tensor;
    clamp_(min?: number | Tensor | null | ClampOpts, max?: number | Tensor | null): Tensor;
    clip(min?: number | Tensor | null | ClampOpts, max?: number | Tensor | null): Tensor;
    clip_(min?: number | Tensor | null | ClampOpts, max?: number | Tensor | null): Tensor;
    where(condition: Tensor, other: TensorLike): Tensor;
    // views (lib/ops/shape.ts)
    view(...shape: Dims): Tensor;
    viewAs(other: Tensor): Tensor;
    reshape(...shape: Dims): Tensor;
    reshapeAs(other: Tensor): Tensor;
    flatten(...args: PositionalThenOptions<[startDim: number, endDim: number], import('./ops/shape').FlattenOptions>): Tensor;
    unflatten(dim: number, sizes: readonly number[]): Tensor;
    squeeze(dim?: number | readonly number[]): Tensor;
    squeeze_(dim?: number | readonly number[]): Tensor;
    unsqueeze(dim: number): Tensor;
    unsqueeze_(dim: number): Tensor;
    transpose(dim0: number, dim1: number): Tensor;
    transpose_(dim0: number, dim1: number): Tensor;
    swapaxes_(dim0: number, dim1: number): Tensor;
    swapdims_(dim0: number, dim1: number): Tensor;
    swapaxes(dim0: number, dim1: number): Tensor;
    swapdims(dim0: number, dim1: number): Tensor;
    t(): Tensor;
    t_(): Tensor;
    readonly T: Tensor;
    readonly mT: Tensor;
    permute(...dims: Dims): Tensor;
    movedim(source: number | readonly number[], destination: number | readonly number[]): Tensor;
    moveaxis(source: number | readonly number[], destination: number | readonly number[]): Tensor;
    expand(...sizes: Dims): Tensor;
    expandAs(other: Tensor): Tensor;
    narrow(dim: number, start: number, length: number): Tensor;
    select(dim: number, index: number): Tensor;
    unfold(dimension: number, size: number, step: number): Tensor;
    diagonal(...args: PositionalThenOptions<[offset: number, dim1: number, dim2: number], import('./ops/shape').DiagonalOptions>): Tensor;
    asStrided(size: readonly number[], stride: readonly number[], storageOffset?: number): Tensor;
    asStrided_(size: readonly number[], stride: readonly number[], storageOffset?: number): Tensor;
  }
}

export type { Scalar };
