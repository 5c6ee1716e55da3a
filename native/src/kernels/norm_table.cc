// Picks the norm kernel table of the active CPU capability (core/cpu_features.h) and
// forwards kernels/norm.h's functions to it.
#include "core/cpu_features.h"
#include "kernels/norm.h"

namespace tg {
namespace isa_default { extern const NormKernels kNormKernels; }
namespace isa_avx2 { extern const NormKernels kNormKernels; }
namespace isa_avx512 { extern const NormKernels kNormKernels; }

namespace {
const NormKernels& normKernels() {
  switch (activeCapability()) {
    case CpuCapability::Avx512: return isa_avx512::kNormKernels;
    case CpuCapability::Avx2: return isa_avx2::kNormKernels;
    default: return isa_default::kNormKernels;
  }
}
template <class T> const NormKernelsOf<T>& kernelsOf();
template <> const NormKernelsOf<float>& kernelsOf<float>() { return normKernels().f32; }
template <> const NormKernelsOf<double>& kernelsOf<double>() { return normKernels().f64; }
}  // namespace

template <class T>
void normStats(const NormShape& s, const T* x, T* mean, T* var) {
  kernelsOf<T>().stats(s, x, mean, var);
}

template <class T>
void normApply(const NormShape& s, const T* x, T* y, const T* mean, const T* invstd, const T* weight, const T* bias,
               AffineAxis axis) {
  kernelsOf<T>().apply(s, x, y, mean, invstd, weight, bias, axis);
}

template <class T>
void batchNormBackward(const NormShape& s, const T* dy, const T* x, const T* mean, const T* invstd, const T* weight,
                       bool training, T* dx, T* dw, T* db) {
  kernelsOf<T>().batchBackward(s, dy, x, mean, invstd, weight, training, dx, dw, db);
}

template <class T>
void layerNormBackward(const NormShape& s, const T* dy, const T* x, const T* mean, const T* invstd, const T* weight,
                       T* dx, T* dw, T* db) {
  kernelsOf<T>().layerBackward(s, dy, x, mean, invstd, weight, dx, dw, db);
}

#define TG_NORM_INSTANTIATE(T)                                                                                     \
  template void normStats<T>(const NormShape&, const T*, T*, T*);                                                  \
  template void normApply<T>(const NormShape&, const T*, T*, const T*, const T*, const T*, const T*, AffineAxis);  \
  template void batchNormBackward<T>(const NormShape&, const T*, const T*, const T*, const T*, const T*, bool, T*, \
                                     T*, T*);                                                                      \
  template void layerNormBackward<T>(const NormShape&, const T*, const T*, const T*, const T*, const T*, T*, T*, T*);
TG_NORM_INSTANTIATE(float)
TG_NORM_INSTANTIATE(double)
#undef TG_NORM_INSTANTIATE

}  // namespace tg
