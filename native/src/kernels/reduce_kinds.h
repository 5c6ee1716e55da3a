// Op codes shared with lib/native.ts (keep the numbers in step), the shape of a reduction
// and of an along-one-dimension op once the binding has read it, and the table of kernels
// each ISA build fills in (kernels/cpu/reduce_<isa>.cc).
#pragma once
#include <cstdint>

#include "core/dtype.h"
#include "core/strided_loop.h"

namespace tg {

enum class ReduceOp : int32_t {
  Sum, Mean, Prod, Amax, Amin, All, Any, CountNonzero, Norm, Var, Std, LogSumExp, Count
};
enum class ArgReduceOp : int32_t { Max, Min, Count };
// The backward ops take a third operand: [out = grad input, in = grad output, other = the
// forward's result].
enum class DimOp : int32_t { Softmax, LogSoftmax, Cumsum, Cumprod, SoftmaxBackward, LogSoftmaxBackward, Count };
inline bool dimOpTakesResult(DimOp op) { return op == DimOp::SoftmaxBackward || op == DimOp::LogSoftmaxBackward; }

// The dtype a kernel writes for `op` over `input`, or -1 when there is no kernel (the
// JavaScript side casts to any other requested dtype, and raises PyTorch's errors).
int32_t reduceOutputType(ReduceOp op, DType input);
int32_t dimOpOutputType(DimOp op, DType input);

// A reduction, split as PyTorch's TensorIterator splits it: the kept dimensions become a
// pointwise loop over output elements (operand 0 is the input, then the outputs); the
// reduced dimensions are walked from each output's input pointer.
struct ReducePlan {
  StridedLoop kept;  // prepared: dimension 0 is the innermost in the input's memory order
  int reducedDims = 0;                // innermost-first by |input stride|, coalesced
  int64_t reducedShape[kMaxDims];
  int64_t reducedStrides[kMaxDims];   // input byte strides
  int64_t reduceSize = 1;             // elements folded into each output (0 for an empty dim)
};

// Builds the plan from a loop whose operands are [outputs..., input] (as JavaScript lists
// them): dims where every output has stride 0 are reduced. Returns false when the outputs
// disagree on which dims are reduced.
bool makeReducePlan(const StridedLoop& loop, int numOutputs, ReducePlan& plan);

// An op along one dimension (softmax, cumsum): `lines` walks every position of the other
// dimensions (operands [out, in], prepared); each line has `size` elements spaced
// outStride / inStride bytes apart.
struct DimPlan {
  StridedLoop lines;
  int64_t size = 0;
  int64_t outStride = 0;
  int64_t inStride = 0;
  int64_t otherStride = 0;  // the third operand's, for the ops that take one
};

// loop operands [out, in] or [out, in, other] (unprepared, JavaScript's order); dim within [0, ndim).
DimPlan makeDimPlan(const StridedLoop& loop, int dim);

struct ReduceKernels {
  // plan operands [in, out]; p: the norm's order, or var/std's correction.
  void (*reduce)(ReduceOp op, DType input, const ReducePlan& plan, double p);
  // plan operands [in, values, indices(int64)], at most one reduced dimension: the first
  // extreme (or the first NaN, as PyTorch) and its index along that dimension.
  void (*argReduce)(ArgReduceOp op, DType input, const ReducePlan& plan);
  void (*dimOp)(DimOp op, DType input, const DimPlan& plan);
};

const ReduceKernels& reduceKernels();  // for the active CPU capability

}  // namespace tg
