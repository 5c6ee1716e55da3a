// Pooling and 2-D interpolation: the description of one call (bindings/pool_binding.cc
// fills it after checking every operand against its buffer) and the per-ISA kernel table
// (kernels/pool_impl.h, compiled once per instruction set like the reductions, so the
// channels_last loops, with channels innermost, vectorise at each ISA's width).
#pragma once
#include <atomic>
#include <cstdint>

#include "core/dtype.h"

namespace tg {

// A 4-D (N, C, H, W) operand: its first element and its strides in elements.
struct Operand4 {
  char* data = nullptr;
  int64_t stride[4] = {0, 0, 0, 0};
};

struct PoolCall {
  int64_t n = 0, c = 0, h = 0, w = 0;  // the input-sized operand
  int64_t oh = 0, ow = 0;              // the output-sized operand
  int64_t kh = 1, kw = 1, sh = 1, sw = 1, ph = 0, pw = 0, dh = 1, dw = 1;
  bool adaptive = false;         // PyTorch's adaptive pools: windows from the two sizes
  bool countIncludePad = true;   // avg pool
  int64_t divisorOverride = 0;   // avg pool; 0 = none
  bool alignCorners = false;     // bilinear
  double scaleH = 0, scaleW = 0; // interpolate's scale_factor; <= 0 = none (use sizes)
  Operand4 big;    // input (forward) or grad_input (backward): n x c x h x w
  Operand4 small;  // output (forward) or grad_output (backward): n x c x oh x ow
  Operand4 index;  // max pool's int64 indices (flat h * w + w per plane), n x c x oh x ow
  // Set by a backward that met an index outside its plane (the element is skipped).
  std::atomic<bool>* badIndex = nullptr;
};

enum class PoolOp : int32_t {
  MaxForward = 0,     // small = max over windows of big, index = argmax
  MaxBackward = 1,    // big = scatter-add of small at index (zeroed first)
  MaxGather = 2,      // small = big at index (max pool's double backward)
  AvgForward = 3,     // small = mean over windows of big
  AvgBackward = 4,    // big = spread of small over windows (zeroed first)
  NearestForward = 5,
  NearestBackward = 6,
  BilinearForward = 7,
  BilinearBackward = 8,
  Count = 9,
};

using PoolKernel = void (*)(const PoolCall&);

struct PoolKernels {
  PoolKernel run[int(PoolOp::Count)][2];  // [op][0 = float32, 1 = float64]
};

const PoolKernels& poolKernels();

}  // namespace tg
