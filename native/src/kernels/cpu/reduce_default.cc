// Reduction and along-dim kernels built with the default flags of native/sources.json.
#define TG_ISA_NS isa_default
#include "kernels/reduce_impl.h"
