// Batch norm and layer norm kernels built with the avx2 flags of native/sources.json.
#define TG_ISA_NS isa_avx2
#include "kernels/norm_impl.h"
