// Pointwise kernels built with the avx512 flags of native/sources.json, vectorised 256 bits
// wide: these loops stream memory, and on this machine's AVX-512 (Zen 4, which splits a
// 512-bit operation in two) 512-bit loads and stores stream DRAM ~20% slower than 256-bit
// ones (add of 4M floats: 1.19 against 0.96 ms in a C loop), while exp's polynomial gains
// nothing from the wider registers. AVX-512 still brings masked tails and its conversions.
#define TG_ISA_NS isa_avx512
#pragma GCC target("prefer-vector-width=256")
#include "kernels/pointwise_impl.h"
