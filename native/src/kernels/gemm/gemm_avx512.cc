// GEMM for AVX-512 (built with the avx512 flags of native/sources.json). A 14 x 32 float
// (14 x 16 double) register tile: 28 zmm accumulators, two B vectors and one broadcast
// of A, so both FMA pipes always have independent work (4-cycle latency x 2 pipes needs
// at least 8 chains). Packing transposes through registers, so a row-major A (or a
// transposed B, as linear's weight.T) costs about as little to pack as a straight copy.
#include <immintrin.h>

#include <cstdint>
#include <cstring>

#define TG_ISA_NS isa_avx512

// GCC 12 reports its own _mm512_undefined_* placeholders inside unpack/shuffle
// intrinsics as "may be used uninitialized" once inlined into the transposes.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

namespace tg {
namespace TG_ISA_NS {
namespace {

// ---- register transposes ------------------------------------------------------------

// r[i] = row i of a 16 x 16 block -> r[j] = column j.
inline void transpose16(__m512* r) {
  __m512 t[16];
  for (int i = 0; i < 16; i += 2) {
    t[i] = _mm512_unpacklo_ps(r[i], r[i + 1]);
    t[i + 1] = _mm512_unpackhi_ps(r[i], r[i + 1]);
  }
  for (int i = 0; i < 16; i += 4) {
    r[i] = _mm512_shuffle_ps(t[i], t[i + 2], _MM_SHUFFLE(1, 0, 1, 0));
    r[i + 1] = _mm512_shuffle_ps(t[i], t[i + 2], _MM_SHUFFLE(3, 2, 3, 2));
    r[i + 2] = _mm512_shuffle_ps(t[i + 1], t[i + 3], _MM_SHUFFLE(1, 0, 1, 0));
    r[i + 3] = _mm512_shuffle_ps(t[i + 1], t[i + 3], _MM_SHUFFLE(3, 2, 3, 2));
  }
  for (int h = 0; h < 16; h += 8)
    for (int i = 0; i < 4; i++) {
      t[h + i] = _mm512_shuffle_f32x4(r[h + i], r[h + i + 4], 0x88);
      t[h + i + 4] = _mm512_shuffle_f32x4(r[h + i], r[h + i + 4], 0xdd);
    }
  for (int i = 0; i < 8; i++) {
    r[i] = _mm512_shuffle_f32x4(t[i], t[i + 8], 0x88);
    r[i + 8] = _mm512_shuffle_f32x4(t[i], t[i + 8], 0xdd);
  }
}

// r[i] = row i of an 8 x 8 block -> r[j] = column j.
inline void transpose8(__m512d* r) {
  __m512d t[8], u[8];
  for (int i = 0; i < 8; i += 2) {
    t[i] = _mm512_unpacklo_pd(r[i], r[i + 1]);
    t[i + 1] = _mm512_unpackhi_pd(r[i], r[i + 1]);
  }
  for (int h = 0; h < 8; h += 4) {
    u[h] = _mm512_shuffle_f64x2(t[h], t[h + 2], 0x88);
    u[h + 1] = _mm512_shuffle_f64x2(t[h + 1], t[h + 3], 0x88);
    u[h + 2] = _mm512_shuffle_f64x2(t[h], t[h + 2], 0xdd);
    u[h + 3] = _mm512_shuffle_f64x2(t[h + 1], t[h + 3], 0xdd);
  }
  for (int i = 0; i < 4; i++) {
    r[i] = _mm512_shuffle_f64x2(u[i], u[i + 4], 0x88);
    r[i + 4] = _mm512_shuffle_f64x2(u[i], u[i + 4], 0xdd);
  }
}

// Masks of the first n lanes (n <= 0: none).
inline __mmask16 mask16(int64_t n) { return n >= 16 ? __mmask16(0xffff) : n <= 0 ? __mmask16(0) : __mmask16((1u << n) - 1); }
inline __mmask8 mask8(int64_t n) { return n >= 8 ? __mmask8(0xff) : n <= 0 ? __mmask8(0) : __mmask8((1u << n) - 1); }

// Vector traits so the micro-kernel and packing are written once for both types.
template <class T>
struct Vec;
template <>
struct Vec<float> {
  using Scalar = float;
  using V = __m512;
  using Mask = __mmask16;
  static constexpr int kLanes = 16;
  static V zero() { return _mm512_setzero_ps(); }
  static V set1(float x) { return _mm512_set1_ps(x); }
  static V load(const float* p) { return _mm512_loadu_ps(p); }
  static V loadMasked(Mask m, const float* p) { return _mm512_maskz_loadu_ps(m, p); }
  static void store(float* p, V v) { _mm512_storeu_ps(p, v); }
  static void storeMasked(float* p, Mask m, V v) { _mm512_mask_storeu_ps(p, m, v); }
  static V fmadd(V a, V b, V c) { return _mm512_fmadd_ps(a, b, c); }
  static V mul(V a, V b) { return _mm512_mul_ps(a, b); }
  static Mask mask(int64_t n) { return mask16(n); }
  static void transpose(V* r) { transpose16(r); }
};
template <>
struct Vec<double> {
  using Scalar = double;
  using V = __m512d;
  using Mask = __mmask8;
  static constexpr int kLanes = 8;
  static V zero() { return _mm512_setzero_pd(); }
  static V set1(double x) { return _mm512_set1_pd(x); }
  static V load(const double* p) { return _mm512_loadu_pd(p); }
  static V loadMasked(Mask m, const double* p) { return _mm512_maskz_loadu_pd(m, p); }
  static void store(double* p, V v) { _mm512_storeu_pd(p, v); }
  static void storeMasked(double* p, Mask m, V v) { _mm512_mask_storeu_pd(p, m, v); }
  static V fmadd(V a, V b, V c) { return _mm512_fmadd_pd(a, b, c); }
  static V mul(V a, V b) { return _mm512_mul_pd(a, b); }
  static Mask mask(int64_t n) { return mask8(n); }
  static void transpose(V* r) { transpose8(r); }
};

// ---- micro-kernel and packing --------------------------------------------------------

#include "kernels/gemm/gemm_micro_simd.h"
#include "kernels/gemm/gemm_pack.h"

template <class T>
struct Micro : SimdTile<Vec<T>, 14> {
  using W = Vec<T>;
  using V = typename W::V;
  static constexpr int kL = W::kLanes, kMR = 14, kNR = 2 * kL;
  // KC = 384: the B micro-panel (48 KiB) lives in L1/L2 (at 128 bytes per 28 FMAs the
  // L2 feeds it easily), and C is read and written once per 384 k instead of per 256
  // (measured: 256 -> 384 gains 2-3% at N = 1024-2048). MC x KC of A (~420 KiB) in L2.
  static constexpr int64_t kKC = 384, kMC = 14 * 20 * 4 / int64_t(sizeof(T)), kNC = 4096;
  // Below 64^3 multiply-adds, packing costs more than it saves (gemm_driver.h).
  static constexpr int64_t kSmallWork = int64_t(64) * 64 * 64;

  // ---- packing (layouts as gemm_pack.h) ----

  static void packA(T* dst, const T* src, int64_t rs, int64_t cs, int64_t mc, int64_t kc) {
    if (cs != 1 && rs != 1) return packAPortable<T, kMR>(dst, src, rs, cs, mc, kc);
    for (int64_t i0 = 0; i0 < mc; i0 += kMR, dst += kMR * kc) {
      const int64_t rows = mc - i0 < kMR ? mc - i0 : kMR;
      const T* panel = src + i0 * rs;
      if (rs == 1) {
        // Columns of the panel are contiguous: one masked copy per k.
        const auto m0 = W::mask(rows), m1 = W::mask(rows - kL);
        for (int64_t p = 0; p < kc; p++) {
          W::storeMasked(dst + p * kMR, m0, W::loadMasked(m0, panel + p * cs));
          if (rows > kL) W::storeMasked(dst + p * kMR + kL, m1, W::loadMasked(m1, panel + p * cs + kL));
        }
      } else {
        // Rows are contiguous along k: transpose kL x kL blocks through registers.
        for (int64_t g = 0; g < rows; g += kL) {
          const int64_t groupRows = rows - g < kL ? rows - g : kL;
          const auto storeMask = W::mask(groupRows);
          for (int64_t p0 = 0; p0 < kc; p0 += kL) {
            const int64_t depth = kc - p0 < kL ? kc - p0 : kL;
            const auto loadMask = W::mask(depth);
            V r[kL];
            for (int i = 0; i < kL; i++)
              r[i] = i < groupRows ? W::loadMasked(loadMask, panel + (g + i) * rs + p0) : W::zero();
            W::transpose(r);
            for (int q = 0; q < depth; q++) W::storeMasked(dst + (p0 + q) * kMR + g, storeMask, r[q]);
          }
        }
      }
    }
  }

  static void packB(T* dst, const T* src, int64_t rs, int64_t cs, int64_t kc, int64_t nc) {
    if (cs != 1 && rs != 1) return packBPortable<T, kNR>(dst, src, rs, cs, kc, nc);
    for (int64_t j0 = 0; j0 < nc; j0 += kNR, dst += kNR * kc) {
      const int64_t cols = nc - j0 < kNR ? nc - j0 : kNR;
      const T* panel = src + j0 * cs;
      if (cs == 1) {
        // Rows of the panel are contiguous: a (zero-filled) masked copy per k.
        const auto m0 = W::mask(cols), m1 = W::mask(cols - kL);
        for (int64_t p = 0; p < kc; p++) {
          W::store(dst + p * kNR, W::loadMasked(m0, panel + p * rs));
          W::store(dst + p * kNR + kL, cols > kL ? W::loadMasked(m1, panel + p * rs + kL) : W::zero());
        }
      } else {
        // Columns are contiguous along k (B is a transposed view): transpose blocks.
        for (int h = 0; h < kNR; h += kL) {
          const int64_t groupCols = cols - h < kL ? (cols - h > 0 ? cols - h : 0) : kL;
          for (int64_t p0 = 0; p0 < kc; p0 += kL) {
            const int64_t depth = kc - p0 < kL ? kc - p0 : kL;
            const auto loadMask = W::mask(depth);
            V r[kL];
            for (int j = 0; j < kL; j++)
              r[j] = j < groupCols ? W::loadMasked(loadMask, panel + (h + j) * cs + p0) : W::zero();
            if (groupCols > 0) W::transpose(r);
            for (int q = 0; q < depth; q++) W::store(dst + (p0 + q) * kNR + h, r[q]);
          }
        }
      }
    }
  }
};

}  // namespace
}  // namespace TG_ISA_NS
}  // namespace tg

#include "kernels/gemm/gemm_driver.h"
