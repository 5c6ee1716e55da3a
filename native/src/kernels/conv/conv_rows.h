// Stride-1 convolutions without a column matrix. The input is copied once, zero-padded and
// as NHWC, into scratch; then for each kernel row i, the patch values (j, c) of output
// pixel (oh, ow) are kw*C consecutive elements starting at padded pixel
// (oh + i*dh, ow), so the padded input *is* a GEMM operand with row stride C:
//   out[(oh, ow')][o] += xpad[(oh + i*dh, ow')][(j, c)] * W_i[(j, c)][o]
// when output pixels are numbered over the padded width (ow' < Wpad; the columns
// ow' >= OW are computed and thrown away: (kw - 1) / OW extra work). kh GEMMs of depth
// kw*C replace im2col's copy of kh*kw times the input. The gradient of the input of a
// stride-1 convolution is the same computation on the output gradient with the weight
// flipped and transposed (convRowsWeightFlipped), padded by d*(k-1) - p.
#pragma once
#include <algorithm>
#include <cstdint>
#include <cstring>

#include "core/thread_pool.h"
#include "kernels/conv/conv.h"
#include "kernels/conv/im2col.h"
#include "kernels/conv/transpose.h"

namespace tg {
namespace conv {

// Below this GEMM depth (kw * C) the kh products are too thin to run at speed, and
// im2col's single deeper product wins (LeNet's first layer: kw * C = 5).
constexpr int64_t kMinRowDepth = 64;
// The direct kernel computes 32 output channels per tile: with fewer than 16 most of its
// lanes idle (LeNet's second layer's input gradient has 6), and im2col's GEMM wins.
constexpr int64_t kMinRowOutputs = 16;

// sh = sw = dw = 1, one group, non-negative padding, a deep enough kernel row and enough
// output channels.
inline bool rowsApplicable(const ConvGeometry& g) {
  return g.sh == 1 && g.sw == 1 && g.dw == 1 && g.groups == 1 && g.ph >= 0 && g.pw >= 0 && !g.direct() &&
         g.kw * g.c >= kMinRowDepth && g.o >= kMinRowOutputs;
}

// The gradient of the input runs as a forward convolution of the output gradient.
inline ConvGeometry gradInputAsForward(const ConvGeometry& g) {
  ConvGeometry t = g;
  t.c = g.o;
  t.h = g.oh;
  t.w = g.ow;
  t.o = g.c;
  t.oh = g.h;
  t.ow = g.w;
  t.ph = (g.kh - 1) * g.dh - g.ph;
  t.pw = (g.kw - 1) * g.dw - g.pw;
  return t;
}

// The weight as (o, kh, kw, c) from its layout in g (NCHW: (o, c, kh, kw)).
template <class T>
void weightAsNhwc(const ConvGeometry& g, const T* w, T* dst) {
  const int64_t taps = g.kh * g.kw;
  for (int64_t o = 0; o < g.o; o++)
    for (int64_t c = 0; c < g.c; c++)
      for (int64_t t = 0; t < taps; t++) dst[(o * taps + t) * g.c + c] = w[(o * g.c + c) * taps + t];
}

// w'[c][i'][j'][o] = w[o][kh-1-i'][kw-1-j'][c], w in g's weight layout.
template <class T>
void weightFlipped(const ConvGeometry& g, const T* w, T* dst) {
  const int64_t taps = g.kh * g.kw;
  for (int64_t o = 0; o < g.o; o++)
    for (int64_t c = 0; c < g.c; c++)
      for (int64_t t = 0; t < taps; t++) {
        const T v = g.channelsLast ? w[(o * taps + t) * g.c + c] : w[(o * g.c + c) * taps + t];
        dst[(c * taps + (taps - 1 - t)) * g.o + o] = v;
      }
}

struct RowsLayout {
  int64_t wpad, hpad;  // padded input extent that the outputs reach
  int64_t padImage;    // elements of one padded image
  int64_t outImage;    // elements of one image's outputs over the padded width
};

inline RowsLayout rowsLayout(const ConvGeometry& g) {
  RowsLayout l;
  l.wpad = g.ow + g.kw - 1;
  l.hpad = g.oh + (g.kh - 1) * g.dh;
  l.padImage = l.hpad * l.wpad * g.c;
  l.outImage = g.oh * l.wpad * g.o;
  return l;
}

// NCHW <-> NHWC copies go through a few channel planes at a time, over all rows of an
// image: row by row they read (or wrote) a short piece of every plane at once, 64-256
// streams, more than the hardware prefetcher follows. A C loop over issue 9's A input
// (32 images of 64 x 56 x 56 into a warm padded buffer): 3.4-3.5 -> 2.4-2.5 ms in blocks of
// 8 planes (16: 3.7); B's (128 x 28 x 28): 1.9 -> 0.7. Writing planes from pixel rows, 16
// planes a block: A 2.8 -> 1.8-1.9 ms, B 0.85 -> 0.41-0.44.
constexpr int64_t kReadPlaneBlock = 8, kWritePlaneBlock = 16;

// body(b, c0, planes) for each image b < images and block of `block` planes from c0, in parallel.
template <class F>
void forEachPlaneBlock(int64_t images, int64_t channels, int64_t block, int64_t elementsPerBlock, F body) {
  const int64_t blocks = (channels + block - 1) / block;
  parallelFor(images * blocks, grainFor(elementsPerBlock), [&](int64_t u0, int64_t u1) {
    for (int64_t u = u0; u < u1; u++) {
      const int64_t c0 = (u % blocks) * block;
      body(u / blocks, c0, std::min(block, channels - c0));
    }
  });
}

// Images [n0, n0 + images) of x, zero-padded, as NHWC over hpad x wpad.
template <class T>
void packPadded(const ConvGeometry& g, const RowsLayout& l, const T* x, int64_t n0, int64_t images, T* xp) {
  int64_t lo, hi;  // padded columns that hold input
  validRange(g.w, l.wpad, 1, g.pw, 0, &lo, &hi);
  parallelFor(images * l.hpad, grainFor(l.wpad * g.c), [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; r++) {
      const int64_t b = r / l.hpad, hp = r % l.hpad, ih = hp - g.ph, n = n0 + b;
      T* dst = xp + r * l.wpad * g.c;
      if (ih < 0 || ih >= g.h || lo == hi) {
        std::fill(dst, dst + l.wpad * g.c, T(0));
        continue;
      }
      std::fill(dst, dst + lo * g.c, T(0));
      std::fill(dst + hi * g.c, dst + l.wpad * g.c, T(0));
      if (g.channelsLast)
        std::memcpy(dst + lo * g.c, x + ((n * g.h + ih) * g.w + lo - g.pw) * g.c, size_t((hi - lo) * g.c) * sizeof(T));
    }
  });
  if (g.channelsLast || lo == hi) return;
  const int64_t rows = std::min(g.h, l.hpad - g.ph);  // input rows inside the padded grid
  forEachPlaneBlock(images, g.c, kReadPlaneBlock, kReadPlaneBlock * g.h * g.w, [&](int64_t b, int64_t c0, int64_t planes) {
    const T* src = x + ((n0 + b) * g.c + c0) * g.h * g.w + (lo - g.pw);
    T* dst = xp + (b * l.hpad + g.ph) * l.wpad * g.c + lo * g.c + c0;
    for (int64_t ih = 0; ih < rows; ih++)
      transposeBlock(src + ih * g.w, g.h * g.w, dst + ih * l.wpad * g.c, g.c, planes, hi - lo);
  });
}

// Images [n0, n0 + images) of the output gradient over hpad x wpad as NHWC, zeros where
// no output is (ow >= OW, oh >= OH), so the padded pixels add nothing to the weight gradient.
template <class T>
void packGradOutput(const ConvGeometry& g, const RowsLayout& l, const T* gy, int64_t n0, int64_t images, T* dst) {
  parallelFor(images * l.hpad, grainFor(l.wpad * g.o), [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; r++) {
      const int64_t b = r / l.hpad, oh = r % l.hpad, n = n0 + b;
      T* row = dst + r * l.wpad * g.o;
      if (oh >= g.oh) {
        std::fill(row, row + l.wpad * g.o, T(0));
        continue;
      }
      if (g.channelsLast) std::memcpy(row, gy + ((n * g.oh + oh) * g.ow) * g.o, size_t(g.ow * g.o) * sizeof(T));
      std::fill(row + g.ow * g.o, row + l.wpad * g.o, T(0));
    }
  });
  if (g.channelsLast) return;
  forEachPlaneBlock(images, g.o, kReadPlaneBlock, kReadPlaneBlock * g.oh * g.ow, [&](int64_t b, int64_t c0, int64_t planes) {
    const T* src = gy + ((n0 + b) * g.o + c0) * g.oh * g.ow;
    T* rows = dst + b * l.hpad * l.wpad * g.o + c0;
    for (int64_t oh = 0; oh < g.oh; oh++)
      transposeBlock(src + oh * g.ow, g.oh * g.ow, rows + oh * l.wpad * g.o, g.o, planes, g.ow);
  });
}

// The first OW pixels of each output row of l.wpad into y (+ bias), in g's layout.
template <class T>
void unpackOutput(const ConvGeometry& g, const RowsLayout& l, const T* ys, int64_t n0, int64_t images, const T* bias,
                  T* y) {
  if (!g.channelsLast) {
    const int64_t outPixels = g.oh * g.ow;
    forEachPlaneBlock(images, g.o, kWritePlaneBlock, kWritePlaneBlock * outPixels, [&](int64_t b, int64_t c0, int64_t planes) {
      const T* src = ys + b * g.oh * l.wpad * g.o + c0;
      T* first = y + ((n0 + b) * g.o + c0) * outPixels;
      for (int64_t oh = 0; oh < g.oh; oh++)
        transposeBlock(src + oh * l.wpad * g.o, g.o, first + oh * g.ow, outPixels, g.ow, planes);
      if (bias == nullptr) return;
      for (int64_t o = 0; o < planes; o++) {
        T* plane = first + o * outPixels;
        const T value = bias[c0 + o];
        for (int64_t p = 0; p < outPixels; p++) plane[p] += value;
      }
    });
    return;
  }
  parallelFor(images * g.oh, grainFor(g.ow * g.o), [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; r++) {
      const int64_t b = r / g.oh, oh = r % g.oh, n = n0 + b;
      const T* src = ys + r * l.wpad * g.o;
      T* dst = y + ((n * g.oh + oh) * g.ow) * g.o;
      if (bias == nullptr) {
        std::memcpy(dst, src, size_t(g.ow * g.o) * sizeof(T));
      } else {
        for (int64_t ow = 0; ow < g.ow; ow++)
          for (int64_t o = 0; o < g.o; o++) dst[ow * g.o + o] = src[ow * g.o + o] + bias[o];
      }
    }
  });
}

}  // namespace conv
}  // namespace tg
