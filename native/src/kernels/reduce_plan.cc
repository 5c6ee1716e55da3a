// Turning a reduction's loop into a ReducePlan (and an along-dim op's into a DimPlan),
// and the dtype rules the kernels implement. Shared by every ISA build.
#include <cstdlib>

#include "kernels/reduce_kinds.h"

namespace tg {

int32_t reduceOutputType(ReduceOp op, DType input) {
  const bool floating = isFloating(input);
  switch (op) {
    case ReduceOp::Sum:
    case ReduceOp::Prod:  // as PyTorch: integral and bool sums and products are int64
      return int32_t(floating ? input : DType::Int64);
    case ReduceOp::Amax:
    case ReduceOp::Amin: return int32_t(input);
    case ReduceOp::All:
    case ReduceOp::Any: return int32_t(DType::Bool);
    case ReduceOp::CountNonzero: return int32_t(DType::Int64);
    case ReduceOp::Mean:
    case ReduceOp::Norm:
    case ReduceOp::Var:
    case ReduceOp::Std:
    case ReduceOp::LogSumExp: return floating ? int32_t(input) : -1;
    default: return -1;
  }
}

int32_t dimOpOutputType(DimOp op, DType input) {
  const bool floating = isFloating(input);
  switch (op) {
    case DimOp::Softmax:
    case DimOp::LogSoftmax:
    case DimOp::SoftmaxBackward:
    case DimOp::LogSoftmaxBackward: return floating ? int32_t(input) : -1;
    case DimOp::Cumsum:
    case DimOp::Cumprod: return int32_t(floating ? input : DType::Int64);
    default: return -1;
  }
}

bool makeReducePlan(const StridedLoop& loop, int numOutputs, ReducePlan& plan) {
  const int input = numOutputs;  // operand index of the input in `loop`
  StridedLoop& kept = plan.kept;
  kept.ndim = 0;
  kept.nops = numOutputs + 1;
  kept.data[0] = loop.data[input];
  for (int k = 0; k < numOutputs; k++) kept.data[k + 1] = loop.data[k];
  int reduced = 0;
  int64_t shape[kMaxDims], strides[kMaxDims];
  plan.reduceSize = 1;
  for (int d = 0; d < loop.ndim; d++) {
    if (loop.shape[d] == 1) continue;  // moves no pointer, reduced or not
    int zeroOutputs = 0;
    for (int k = 0; k < numOutputs; k++) zeroOutputs += loop.strides[k][d] == 0;
    if (zeroOutputs != 0 && zeroOutputs != numOutputs) return false;
    if (zeroOutputs == numOutputs) {
      shape[reduced] = loop.shape[d];
      strides[reduced] = loop.strides[input][d];
      plan.reduceSize *= loop.shape[d];
      reduced++;
    } else {
      kept.shape[kept.ndim] = loop.shape[d];
      kept.strides[0][kept.ndim] = loop.strides[input][d];
      for (int k = 0; k < numOutputs; k++) kept.strides[k + 1][kept.ndim] = loop.strides[k][d];
      kept.ndim++;
    }
  }
  // The input leads prepare()'s ordering, so the kept dim that is innermost in the input's
  // memory comes first: a reduction reads far more than it writes.
  kept.prepare();
  // Reduced dims: innermost-first by |stride| (insertion sort, stable), then coalesced.
  int order[kMaxDims];
  for (int i = 0; i < reduced; i++) order[i] = i;
  for (int i = 1; i < reduced; i++)
    for (int j = i; j > 0 && std::llabs(strides[order[j - 1]]) > std::llabs(strides[order[j]]); j--) {
      int t = order[j];
      order[j] = order[j - 1];
      order[j - 1] = t;
    }
  plan.reducedDims = 0;
  for (int i = 0; i < reduced; i++) {
    const int d = order[i];
    const int last = plan.reducedDims - 1;
    if (last >= 0 && strides[d] == plan.reducedStrides[last] * plan.reducedShape[last]) {
      plan.reducedShape[last] *= shape[d];
      continue;
    }
    plan.reducedShape[plan.reducedDims] = shape[d];
    plan.reducedStrides[plan.reducedDims] = strides[d];
    plan.reducedDims++;
  }
  return true;
}

DimPlan makeDimPlan(const StridedLoop& loop, int dim) {
  DimPlan plan;
  plan.size = loop.shape[dim];
  plan.outStride = loop.strides[0][dim];
  plan.inStride = loop.strides[1][dim];
  if (loop.nops > 2) plan.otherStride = loop.strides[2][dim];
  StridedLoop& lines = plan.lines;
  lines.nops = loop.nops;
  for (int op = 0; op < loop.nops; op++) lines.data[op] = loop.data[op];
  lines.ndim = 0;
  for (int d = 0; d < loop.ndim; d++) {
    if (d == dim) continue;
    lines.shape[lines.ndim] = loop.shape[d];
    for (int op = 0; op < loop.nops; op++) lines.strides[op][lines.ndim] = loop.strides[op][d];
    lines.ndim++;
  }
  lines.prepare();
  return plan;
}

}  // namespace tg
