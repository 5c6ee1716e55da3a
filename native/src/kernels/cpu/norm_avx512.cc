// Batch norm and layer norm kernels built with the avx512 flags of native/sources.json.
#define TG_ISA_NS isa_avx512
#include "kernels/norm_impl.h"
