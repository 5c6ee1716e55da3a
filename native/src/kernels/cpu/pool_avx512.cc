// Pooling and interpolation kernels built with the avx512 flags of native/sources.json.
#define TG_ISA_NS isa_avx512
#include "kernels/pool_impl.h"
