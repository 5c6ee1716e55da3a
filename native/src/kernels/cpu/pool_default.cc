// Pooling and interpolation kernels built with the default flags of native/sources.json.
#define TG_ISA_NS isa_default
#include "kernels/pool_impl.h"
