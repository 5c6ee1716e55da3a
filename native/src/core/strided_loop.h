// The shape of one pointwise loop: up to kMaxOperands operands (operand 0 is the output)
// with byte strides over a common shape. prepare() orders dimensions innermost-first by
// the output's strides and coalesces dimensions that are contiguous in every operand, so
// that most loops become one long contiguous inner loop (PyTorch's TensorIterator does
// the same). The loop itself runs in kernels/strided_for_each.h, compiled per ISA.
#pragma once
#include <cstdint>

namespace tg {

constexpr int kMaxDims = 64;
constexpr int kMaxOperands = 8;

struct StridedLoop {
  int ndim = 0;  // after prepare(): dimension 0 is the innermost
  int nops = 0;
  int64_t shape[kMaxDims];
  int64_t strides[kMaxOperands][kMaxDims];  // in bytes; 0 = broadcast
  char* data[kMaxOperands];

  int64_t numel() const {
    int64_t n = 1;
    for (int d = 0; d < ndim; d++) n *= shape[d];
    return n;
  }
  // Called once with dimensions outermost-first (as JavaScript lists them).
  void prepare();
};

}  // namespace tg
