// nll_loss forward and backward over log-probabilities viewed as (n, c, s): n samples, c
// classes, s positions per sample (the product of the dims after the class dim), all
// dense; targets (n, s) int64; an optional dense class weight (c). Ignored targets count
// zero; other targets must lie in [0, c).
#pragma once
#include <cstdint>

#include "core/dtype.h"

namespace tg {

enum class NllReduction : int32_t { None = 0, Mean = 1, Sum = 2 };

struct NllLossCall {
  DType dtype;  // of x, weight, out, total and the gradients: Float32 or Float64
  int64_t n, c, s;
  const int64_t* target;
  const char* weight;  // or null
  int64_t ignoreIndex;
  NllReduction reduction;
};

// Writes the loss (n * s values for None, else one) and the total weight of the counted
// targets (one value). Returns -1, or the index of the first target out of range (nothing
// is read for it; the outputs are then unspecified).
int64_t nllLossForward(const NllLossCall& call, const char* x, char* out, char* total);

// gx (n, c, s) = 0 except, at each counted target, -weight * g (the upstream gradient: one
// value, divided by *total for Mean, or n * s values for None). Targets out of range are
// skipped (the forward refused them).
void nllLossBackward(const NllLossCall& call, const char* g, const char* total, char* gx);

}  // namespace tg
