// Picks the kernel tables of the active CPU capability (core/cpu_features.h).
#include "core/cpu_features.h"
#include "kernels/pointwise_kinds.h"
#include "kernels/reduce_kinds.h"

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

namespace isa_default { extern const ReduceKernels kReduceKernels; }
namespace isa_avx2 { extern const ReduceKernels kReduceKernels; }
namespace isa_avx512 { extern const ReduceKernels kReduceKernels; }

const ReduceKernels& reduceKernels() {
  switch (activeCapability()) {
    case CpuCapability::Avx512: return isa_avx512::kReduceKernels;
    case CpuCapability::Avx2: return isa_avx2::kReduceKernels;
    default: return isa_default::kReduceKernels;
  }
}

}  // namespace tg
