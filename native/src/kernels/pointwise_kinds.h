// Op codes shared with lib/native.ts (keep the numbers in step) and the table of
// pointwise kernels that each ISA build fills in.
#pragma once
#include <atomic>

#include "core/dtype.h"
#include "core/strided_loop.h"

namespace tg {

enum class BinaryOp : int32_t {
  Add, Sub, Mul, Div, DivTrunc, DivFloor, Remainder, Fmod, Pow, Maximum, Minimum,
  Eq, Ne, Lt, Le, Gt, Ge, LogicalAnd, LogicalOr, LogicalXor, BitwiseAnd, BitwiseOr, BitwiseXor,
  Atan2,
  // grad where the forward output (or input) is above 0, else 0: relu's derivative in one
  // pass (PyTorch's threshold_backward with threshold 0; a NaN output passes grad on).
  ThresholdBackward, Count
};

enum class UnaryOp : int32_t {
  Neg, Abs, Sign, Sqrt, Rsqrt, Exp, Expm1, Log, Log1p, Log2, Sin, Cos, Tan, Tanh, Sigmoid,
  Relu, Floor, Ceil, Round, Trunc, Reciprocal, Square, LogicalNot, BitwiseNot, IsNan, IsInf,
  IsFinite, Gelu, Silu, Softplus, Clamp, LeakyRelu, Count
};

inline bool binaryReturnsBool(BinaryOp op) { return op >= BinaryOp::Eq && op <= BinaryOp::LogicalXor; }
inline bool unaryReturnsBool(UnaryOp op) {
  return op == UnaryOp::LogicalNot || op == UnaryOp::IsNan || op == UnaryOp::IsInf || op == UnaryOp::IsFinite;
}

// Set by a kernel that meets a value it cannot compute (integer division by zero...).
enum class KernelError : int { None = 0, IntegerDivisionByZero, UnsupportedDType };
struct KernelStatus {
  std::atomic<int> error{0};
  void fail(KernelError e) { error.store(int(e), std::memory_order_relaxed); }
};

struct PointwiseKernels {
  // loop operands: [out, a, b]; a and b have `dtype`, out has it too or bool.
  void (*binary)(BinaryOp op, DType dtype, StridedLoop& loop, double alpha, KernelStatus& status);
  // loop operands: [out, a]; p1/p2: clamp bounds, softplus beta/threshold, leaky slope.
  void (*unary)(UnaryOp op, DType dtype, StridedLoop& loop, double p1, double p2, KernelStatus& status);
  // loop operands: [out, src], casting src's dtype to out's.
  void (*copy)(DType outType, DType srcType, StridedLoop& loop);
  // loop operands: [out, cond(bool), a, b]: out = cond ? a : b.
  void (*where)(DType dtype, StridedLoop& loop);
  // loop operands: [out].
  void (*fill)(DType dtype, StridedLoop& loop, double value);
};

const PointwiseKernels& pointwiseKernels();  // for the active CPU capability

}  // namespace tg
