// Batch norm and layer norm kernels built with the default flags of native/sources.json.
#define TG_ISA_NS isa_default
#include "kernels/norm_impl.h"
