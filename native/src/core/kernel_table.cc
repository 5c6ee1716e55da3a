// Picks the kernel tables of the active CPU capability (core/cpu_features.h).
#include "core/cpu_features.h"
#include "kernels/pointwise_kinds.h"

namespace tg {
namespace isa_default { extern const PointwiseKernels kPointwiseKernels; }
namespace isa_avx2 { extern const PointwiseKernels kPointwiseKernels; }
namespace isa_avx512 { extern const PointwiseKernels kPointwiseKernels; }

const PointwiseKernels& pointwiseKernels() {
  switch (activeCapability()) {
    case CpuCapability::Avx512: return isa_avx512::kPointwiseKernels;
    case CpuCapability::Avx2: return isa_avx2::kPointwiseKernels;
    default: return isa_default::kPointwiseKernels;
  }
}

}  // namespace tg
