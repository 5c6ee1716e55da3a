// GEMM for the default build (x86-64 baseline, SSE2): the portable micro-kernel, 4 x 8
// float / 4 x 4 double tiles, and the portable packing loops.
#include <cstdint>
#include <cstring>

#define TG_ISA_NS isa_default

namespace tg {
namespace TG_ISA_NS {
namespace {

#include "kernels/gemm/gemm_micro_portable.h"
#include "kernels/gemm/gemm_pack.h"

template <class T>
struct Micro : PortableTile<T, 3, 32 / int(sizeof(T))> {
  static constexpr int kMR = 3, kNR = 32 / int(sizeof(T));
  static constexpr int64_t kKC = 256, kMC = 3 * 40, kNC = 4096;
  // Always packed: without a broadcast load, reading A through runtime strides is
  // several times slower than the packed layout here.
  static constexpr int64_t kSmallWork = 0;

  static void packA(T* dst, const T* src, int64_t rs, int64_t cs, int64_t mc, int64_t kc) {
    packAPortable<T, kMR>(dst, src, rs, cs, mc, kc);
  }
  static void packB(T* dst, const T* src, int64_t rs, int64_t cs, int64_t kc, int64_t nc) {
    packBPortable<T, kNR>(dst, src, rs, cs, kc, nc);
  }
};

}  // namespace
}  // namespace TG_ISA_NS
}  // namespace tg

#include "kernels/gemm/gemm_driver.h"
