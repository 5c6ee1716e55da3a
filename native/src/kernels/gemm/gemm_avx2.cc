// GEMM for AVX2/FMA (built with the avx2 flags of native/sources.json). A 6 x 16 float
// (6 x 8 double) register tile: 12 ymm accumulators, two B vectors and one broadcast
// fill 15 of the 16 ymm registers. Packing uses the portable loops.
#include <immintrin.h>

#include <cstdint>
#include <cstring>

#define TG_ISA_NS isa_avx2

namespace tg {
namespace TG_ISA_NS {
namespace {

template <class T>
struct Vec;
template <>
struct Vec<float> {
  using Scalar = float;
  using V = __m256;
  static constexpr int kLanes = 8;
  static V zero() { return _mm256_setzero_ps(); }
  static V set1(float x) { return _mm256_set1_ps(x); }
  static V load(const float* p) { return _mm256_loadu_ps(p); }
  static void store(float* p, V v) { _mm256_storeu_ps(p, v); }
  static V fmadd(V a, V b, V c) { return _mm256_fmadd_ps(a, b, c); }
  static V mul(V a, V b) { return _mm256_mul_ps(a, b); }
};
template <>
struct Vec<double> {
  using Scalar = double;
  using V = __m256d;
  static constexpr int kLanes = 4;
  static V zero() { return _mm256_setzero_pd(); }
  static V set1(double x) { return _mm256_set1_pd(x); }
  static V load(const double* p) { return _mm256_loadu_pd(p); }
  static void store(double* p, V v) { _mm256_storeu_pd(p, v); }
  static V fmadd(V a, V b, V c) { return _mm256_fmadd_pd(a, b, c); }
  static V mul(V a, V b) { return _mm256_mul_pd(a, b); }
};

#include "kernels/gemm/gemm_micro_simd.h"
#include "kernels/gemm/gemm_pack.h"

template <class T>
struct Micro : SimdTile<Vec<T>, 6> {
  static constexpr int kMR = 6, kNR = 2 * Vec<T>::kLanes;
  // A kc x NR panel of B (64 * kc bytes) stays in L1; MC x KC of A in L2.
  static constexpr int64_t kKC = 256, kMC = 6 * 48 * 4 / int64_t(sizeof(T)), kNC = 4096;
  // Below 64^3 multiply-adds, packing costs more than it saves (gemm_driver.h).
  static constexpr int64_t kSmallWork = int64_t(64) * 64 * 64;

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
