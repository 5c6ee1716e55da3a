// Pooling and interpolation kernels built with the avx512 flags of native/sources.json.
#define TG_ISA_NS isa_avx512
// GCC 12 reports its own _mm256_undefined_* placeholders inside the widening intrinsics
// (pool_impl.h's max2x2Rows) as "may be used uninitialized" once inlined, as in the GEMM.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include "kernels/pool_impl.h"
