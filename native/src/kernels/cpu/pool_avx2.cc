// Pooling and interpolation kernels built with the avx2 flags of native/sources.json.
#define TG_ISA_NS isa_avx2
#include "kernels/pool_impl.h"
