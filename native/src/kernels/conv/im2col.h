// Column matrices for the convolution GEMMs, one tile (a few images, or a band of output
// rows of one image) at a time, so the scratch stays cache-sized while the GEMM stays big.
//   NCHW: col[image][k = (c, i, j)][pixel]    (pixels of the tile along a row)
//   NHWC: col[image, pixel][k = (g, i, j, c)] (each (i, j) is a run of input channels,
//         copied whole: a channels_last pixel is contiguous)
// im2col gathers input into col (zeros where the kernel hangs over the padding); col2im
// adds col back into a gradient of the input. Both split their work over the thread pool
// so that no two threads write the same element.
#pragma once
#include <algorithm>
#include <cstdint>
#include <cstring>

#include "core/thread_pool.h"
#include "kernels/conv/conv.h"

namespace tg {
namespace conv {

// Images [image0, image0 + images) and output rows [row0, row0 + rows) of each.
struct ConvTile {
  int64_t image0, images, row0, rows;
};

inline int64_t floorDiv(int64_t a, int64_t b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }
inline int64_t ceilDiv(int64_t a, int64_t b) { return -floorDiv(-a, b); }

// Output positions [lo, hi) of `outSize` whose input position pos * stride - pad + offset
// lies inside [0, size): the part of a kernel row that does not hang over the padding.
inline void validRange(int64_t size, int64_t outSize, int64_t stride, int64_t pad, int64_t offset, int64_t* lo,
                       int64_t* hi) {
  *lo = std::min(std::max(ceilDiv(pad - offset, stride), int64_t(0)), outSize);
  *hi = std::min(std::max(ceilDiv(size + pad - offset, stride), *lo), outSize);
}

// Work units of at least this many elements go to one thread.
constexpr int64_t kGrainElements = 1 << 14;

inline int64_t grainFor(int64_t elementsPerUnit) {
  return std::max<int64_t>(1, kGrainElements / std::max<int64_t>(1, elementsPerUnit));
}

// One row of the NCHW column matrix: tap (i, j) of one input plane over the tile's output
// rows, zero where the tap hangs over the padding. Rows are short in small convolutions
// (LeNet's: 8 pixels), so copies and fills are inline loops - a memcpy/memset call per
// row, and the divisions of the general valid-range formula, were most of LeNet's
// im2col - and the attribute stops GCC from turning the loops back into those calls.
template <class T>
__attribute__((optimize("no-tree-loop-distribute-patterns"))) void im2colRow(const ConvGeometry& g, const ConvTile& t,
                                                                          const T* __restrict src, T* __restrict dst,
                                                                          int64_t i, int64_t j) {
  const int64_t ow = g.ow, w = g.w, h = g.h, sw = g.sw, off = j * g.dw - g.pw;
  int64_t lo, hi;
  if (sw == 1) {
    lo = std::min(std::max(-off, int64_t(0)), ow);
    hi = std::min(std::max(w - off, lo), ow);
  } else {
    validRange(w, ow, sw, g.pw, j * g.dw, &lo, &hi);
  }
  const bool big = (hi - lo) * int64_t(sizeof(T)) >= 256;
  for (int64_t orow = 0; orow < t.rows; orow++, dst += ow) {
    const int64_t ih = (t.row0 + orow) * g.sh - g.ph + i * g.dh;
    if (ih < 0 || ih >= h || lo == hi) {
      for (int64_t oc = 0; oc < ow; oc++) dst[oc] = T(0);
      continue;
    }
    const T* s = src + ih * w + off;  // input column of output column 0 (before stride)
    for (int64_t oc = 0; oc < lo; oc++) dst[oc] = T(0);
    if (sw == 1) {
      if (big) std::memcpy(dst + lo, s + lo, size_t(hi - lo) * sizeof(T));
      else
        for (int64_t oc = lo; oc < hi; oc++) dst[oc] = s[oc];
    } else {
      for (int64_t oc = lo; oc < hi; oc++) dst[oc] = s[oc * sw];
    }
    for (int64_t oc = hi; oc < ow; oc++) dst[oc] = T(0);
  }
}

// imagesInner: col[k][image][pixel] instead, so that the images of the tile lie side by
// side along a row of k (one GEMM depth for the weight gradient).
template <class T>
void im2colNchw(const ConvGeometry& g, const ConvTile& t, const T* x, T* col, bool imagesInner = false) {
  const int64_t taps = g.kh * g.kw, kTotal = g.c * taps, pixels = t.rows * g.ow, plane = g.h * g.w;
  parallelFor(t.images * kTotal, grainFor(pixels), [&](int64_t r0, int64_t r1) {
    // (image, channel, i, j) of row r0, then stepped along without a division per row.
    int64_t b = r0 / kTotal, kk = r0 % kTotal;
    int64_t c = kk / taps, i = (kk / g.kw) % g.kh, j = kk % g.kw;
    for (int64_t r = r0; r < r1; r++) {
      const T* src = x + ((t.image0 + b) * g.c + c) * plane;
      im2colRow(g, t, src, col + (imagesInner ? kk * t.images + b : r) * pixels, i, j);
      if (++kk == kTotal) kk = 0;
      if (++j < g.kw) continue;
      j = 0;
      if (++i < g.kh) continue;
      i = 0;
      if (++c < g.c) continue;
      c = 0;
      b++;
    }
  });
}

// One thread per (image, channel) plane of the gradient: planes never overlap.
template <class T>
void col2imNchw(const ConvGeometry& g, const ConvTile& t, const T* col, T* gx) {
  const int64_t taps = g.kh * g.kw, kTotal = g.c * taps, pixels = t.rows * g.ow, plane = g.h * g.w;
  parallelFor(t.images * g.c, grainFor(taps * pixels), [&](int64_t p0, int64_t p1) {
    for (int64_t p = p0; p < p1; p++) {
      const int64_t b = p / g.c, c = p % g.c;
      T* __restrict dst = gx + ((t.image0 + b) * g.c + c) * plane;
      for (int64_t i = 0; i < g.kh; i++) {
        for (int64_t j = 0; j < g.kw; j++) {
          const T* __restrict src = col + (b * kTotal + c * taps + i * g.kw + j) * pixels;
          int64_t lo, hi;
          validRange(g.w, g.ow, g.sw, g.pw, j * g.dw, &lo, &hi);
          if (lo == hi) continue;
          for (int64_t orow = 0; orow < t.rows; orow++) {
            const int64_t ih = (t.row0 + orow) * g.sh - g.ph + i * g.dh;
            if (ih < 0 || ih >= g.h) continue;
            const int64_t base = ih * g.w + j * g.dw - g.pw;
            const T* s = src + orow * g.ow;
            if (g.sw == 1) {
              T* d = dst + base;
              for (int64_t oc = lo; oc < hi; oc++) d[oc] += s[oc];
            } else {
              for (int64_t oc = lo; oc < hi; oc++) dst[base + oc * g.sw] += s[oc];
            }
          }
        }
      }
    }
  });
}

// One row of the NHWC column matrix: the patch of output pixel (ih0, iw0) of one image,
// (i, j, c) or per group (g, i, j, c). Runs are short (LeNet's first layer: 5 floats per
// kernel row), so they are copied by inline loops, kept loops by the attribute as in
// im2colRow (a copy call per run cost more than the copy).
template <class T>
__attribute__((optimize("no-tree-loop-distribute-patterns"))) void im2colPixel(const ConvGeometry& g,
                                                                            const T* __restrict img,
                                                                            T* __restrict dst, int64_t ih0,
                                                                            int64_t iw0) {
  const int64_t c = g.c, kw = g.kw, w = g.w;
  if (g.groups == 1) {
    for (int64_t i = 0; i < g.kh; i++) {
      const int64_t ih = ih0 + i * g.dh;
      T* d = dst + i * kw * c;
      if (ih < 0 || ih >= g.h) {
        for (int64_t q = 0; q < kw * c; q++) d[q] = T(0);
        continue;
      }
      if (g.dw == 1 && iw0 >= 0 && iw0 + kw <= w) {
        // The kernel row lies inside the image: kw pixels, contiguous in NHWC.
        const T* s = img + (ih * w + iw0) * c;
        const int64_t n = kw * c;
        if (n * int64_t(sizeof(T)) >= 256) std::memcpy(d, s, size_t(n) * sizeof(T));
        else
          for (int64_t q = 0; q < n; q++) d[q] = s[q];
        continue;
      }
      for (int64_t j = 0; j < kw; j++, d += c) {
        const int64_t iw = iw0 + j * g.dw;
        if (iw < 0 || iw >= w) {
          for (int64_t q = 0; q < c; q++) d[q] = T(0);
        } else {
          const T* s = img + (ih * w + iw) * c;
          for (int64_t q = 0; q < c; q++) d[q] = s[q];
        }
      }
    }
    return;
  }
  const int64_t cg = g.inGroup(), kGroup = g.patch();
  for (int64_t grp = 0; grp < g.groups; grp++) {
    for (int64_t i = 0; i < g.kh; i++) {
      const int64_t ih = ih0 + i * g.dh;
      for (int64_t j = 0; j < kw; j++) {
        const int64_t iw = iw0 + j * g.dw;
        T* d = dst + grp * kGroup + (i * kw + j) * cg;
        if (ih < 0 || ih >= g.h || iw < 0 || iw >= w) {
          for (int64_t q = 0; q < cg; q++) d[q] = T(0);
        } else {
          const T* s = img + (ih * w + iw) * c + grp * cg;
          for (int64_t q = 0; q < cg; q++) d[q] = s[q];
        }
      }
    }
  }
}

template <class T>
void im2colNhwc(const ConvGeometry& g, const ConvTile& t, const T* x, T* col) {
  const int64_t kTotal = g.c * g.kh * g.kw, pixels = t.rows * g.ow, image = g.h * g.w * g.c;
  parallelFor(t.images * pixels, grainFor(kTotal), [&](int64_t r0, int64_t r1) {
    // (image, output row, output column) of r0, then stepped along without divisions.
    int64_t b = r0 / pixels, p = r0 % pixels;
    int64_t oy = p / g.ow, ox = p % g.ow;
    for (int64_t r = r0; r < r1; r++) {
      im2colPixel(g, x + (t.image0 + b) * image, col + r * kTotal, (t.row0 + oy) * g.sh - g.ph, ox * g.sw - g.pw);
      if (++ox < g.ow) continue;
      ox = 0;
      if (++oy < t.rows) continue;
      oy = 0;
      b++;
    }
  });
}

// One thread per (image, block of channels): blocks never overlap, and every pixel's
// contributions to a block come from the same thread.
template <class T>
void col2imNhwc(const ConvGeometry& g, const ConvTile& t, const T* col, T* gx) {
  const int64_t cg = g.inGroup(), kGroup = g.patch(), kTotal = g.c * g.kh * g.kw;
  const int64_t pixels = t.rows * g.ow, image = g.h * g.w * g.c;
  constexpr int64_t kBlock = 16;
  const int64_t blocks = (g.c + kBlock - 1) / kBlock;
  parallelFor(t.images * blocks, grainFor(pixels * g.kh * g.kw * kBlock), [&](int64_t u0, int64_t u1) {
    for (int64_t u = u0; u < u1; u++) {
      const int64_t b = u / blocks, c0 = (u % blocks) * kBlock, c1 = std::min(c0 + kBlock, g.c);
      T* img = gx + (t.image0 + b) * image;
      for (int64_t p = 0; p < pixels; p++) {
        const int64_t ih0 = (t.row0 + p / g.ow) * g.sh - g.ph, iw0 = (p % g.ow) * g.sw - g.pw;
        const T* row = col + (b * pixels + p) * kTotal;
        for (int64_t i = 0; i < g.kh; i++) {
          const int64_t ih = ih0 + i * g.dh;
          if (ih < 0 || ih >= g.h) continue;
          for (int64_t j = 0; j < g.kw; j++) {
            const int64_t iw = iw0 + j * g.dw;
            if (iw < 0 || iw >= g.w) continue;
            T* __restrict d = img + (ih * g.w + iw) * g.c;
            for (int64_t grp = c0 / cg; grp * cg < c1; grp++) {
              const int64_t s = std::max(c0, grp * cg), e = std::min(c1, (grp + 1) * cg);
              const T* __restrict src = row + grp * kGroup + (i * g.kw + j) * cg - grp * cg;
              for (int64_t q = s; q < e; q++) d[q] += src[q];
            }
          }
        }
      }
    }
  });
}

}  // namespace conv
}  // namespace tg
