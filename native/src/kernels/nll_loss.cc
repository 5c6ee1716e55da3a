// See nll_loss.h. One pass over the targets: each reads or writes one element of its
// sample's class column, so there is nothing to vectorise; the sums run in double.
#include "kernels/nll_loss.h"

#include <cstring>

namespace tg {
namespace {

template <class T>
T weightOf(const NllLossCall& k, int64_t cls) {
  return k.weight == nullptr ? T(1) : reinterpret_cast<const T*>(k.weight)[cls];
}

template <class T>
int64_t forward(const NllLossCall& k, const T* x, T* out, T* total) {
  double lossSum = 0, weightSum = 0;
  for (int64_t i = 0; i < k.n; i++)
    for (int64_t j = 0; j < k.s; j++) {
      const int64_t p = i * k.s + j, t = k.target[p];
      T loss = T(0);
      if (t != k.ignoreIndex) {
        if (t < 0 || t >= k.c) return p;
        const T w = weightOf<T>(k, t);
        loss = -w * x[(i * k.c + t) * k.s + j];
        weightSum += double(w);
      }
      if (k.reduction == NllReduction::None) out[p] = loss;
      else lossSum += double(loss);
    }
  total[0] = T(weightSum);
  // Mean divides by the summed weights (0 / 0 = NaN when every target is ignored, as PyTorch).
  if (k.reduction == NllReduction::Sum) out[0] = T(lossSum);
  if (k.reduction == NllReduction::Mean) out[0] = T(lossSum) / T(weightSum);
  return -1;
}

template <class T>
void backward(const NllLossCall& k, const T* g, const T* total, T* gx) {
  std::memset(static_cast<void*>(gx), 0, size_t(k.n * k.c * k.s) * sizeof(T));
  const T scale = k.reduction == NllReduction::Mean ? g[0] / total[0] : g[0];
  for (int64_t i = 0; i < k.n; i++)
    for (int64_t j = 0; j < k.s; j++) {
      const int64_t p = i * k.s + j, t = k.target[p];
      if (t == k.ignoreIndex || t < 0 || t >= k.c) continue;
      gx[(i * k.c + t) * k.s + j] = -weightOf<T>(k, t) * (k.reduction == NllReduction::None ? g[p] : scale);
    }
}

}  // namespace

int64_t nllLossForward(const NllLossCall& k, const char* x, char* out, char* total) {
  if (k.dtype == DType::Float64)
    return forward<double>(k, reinterpret_cast<const double*>(x), reinterpret_cast<double*>(out), reinterpret_cast<double*>(total));
  return forward<float>(k, reinterpret_cast<const float*>(x), reinterpret_cast<float*>(out), reinterpret_cast<float*>(total));
}

void nllLossBackward(const NllLossCall& k, const char* g, const char* total, char* gx) {
  if (k.dtype == DType::Float64)
    return backward<double>(k, reinterpret_cast<const double*>(g), reinterpret_cast<const double*>(total), reinterpret_cast<double*>(gx));
  backward<float>(k, reinterpret_cast<const float*>(g), reinterpret_cast<const float*>(total), reinterpret_cast<float*>(gx));
}

}  // namespace tg
