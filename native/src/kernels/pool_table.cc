// Picks the pooling kernel table of the active CPU capability (core/cpu_features.h).
#include "core/cpu_features.h"
#include "kernels/pool_kinds.h"

namespace tg {
namespace isa_default { extern const PoolKernels kPoolKernels; }
namespace isa_avx2 { extern const PoolKernels kPoolKernels; }
namespace isa_avx512 { extern const PoolKernels kPoolKernels; }

const PoolKernels& poolKernels() {
  switch (activeCapability()) {
    case CpuCapability::Avx512: return isa_avx512::kPoolKernels;
    case CpuCapability::Avx2: return isa_avx2::kPoolKernels;
    default: return isa_default::kPoolKernels;
  }
}

}  // namespace tg
