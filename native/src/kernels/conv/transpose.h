// dst[j * dstStride + i] = src[i * srcStride + j] for i < rows, j < cols: the NCHW <-> NHWC
// copies around the kernel-row paths. Element-wise scattered stores cost ~7 cycles an
// element here; 4x4 register transposes (SSE, in every x86-64) bring it under one.
#pragma once
#include <cstdint>
#if defined(__SSE2__)
#include <xmmintrin.h>
#endif

namespace tg {
namespace conv {

template <class T>
inline void transposeScalar(const T* src, int64_t srcStride, T* dst, int64_t dstStride, int64_t i0, int64_t i1,
                            int64_t j0, int64_t j1) {
  for (int64_t j = j0; j < j1; j++)
    for (int64_t i = i0; i < i1; i++) dst[j * dstStride + i] = src[i * srcStride + j];
}

template <class T>
inline void transposeBlock(const T* src, int64_t srcStride, T* dst, int64_t dstStride, int64_t rows, int64_t cols) {
  // Blocks of 8 x 8 keep both sides' lines in L1.
  for (int64_t i0 = 0; i0 < rows; i0 += 8)
    for (int64_t j0 = 0; j0 < cols; j0 += 8)
      transposeScalar(src, srcStride, dst, dstStride, i0, i0 + 8 < rows ? i0 + 8 : rows, j0, j0 + 8 < cols ? j0 + 8 : cols);
}

#if defined(__SSE2__)
template <>
inline void transposeBlock<float>(const float* src, int64_t srcStride, float* dst, int64_t dstStride, int64_t rows,
                                  int64_t cols) {
  const int64_t rows4 = rows / 4 * 4, cols4 = cols / 4 * 4;
  for (int64_t i = 0; i < rows4; i += 4) {
    const float* s = src + i * srcStride;
    for (int64_t j = 0; j < cols4; j += 4) {
      __m128 r0 = _mm_loadu_ps(s + j), r1 = _mm_loadu_ps(s + srcStride + j);
      __m128 r2 = _mm_loadu_ps(s + 2 * srcStride + j), r3 = _mm_loadu_ps(s + 3 * srcStride + j);
      _MM_TRANSPOSE4_PS(r0, r1, r2, r3);
      float* d = dst + j * dstStride + i;
      _mm_storeu_ps(d, r0);
      _mm_storeu_ps(d + dstStride, r1);
      _mm_storeu_ps(d + 2 * dstStride, r2);
      _mm_storeu_ps(d + 3 * dstStride, r3);
    }
  }
  transposeScalar(src, srcStride, dst, dstStride, 0, rows4, cols4, cols);
  transposeScalar(src, srcStride, dst, dstStride, rows4, rows, 0, cols);
}
#endif

}  // namespace conv
}  // namespace tg
