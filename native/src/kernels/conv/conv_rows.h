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
      if (g.channelsLast) {
        std::memcpy(dst + lo * g.c, x + ((n * g.h + ih) * g.w + lo - g.pw) * g.c, size_t((hi - lo) * g.c) * sizeof(T));
      } else {
        transposeBlock(x + (n * g.c * g.h + ih) * g.w + (lo - g.pw), g.h * g.w, dst + lo * g.c, g.c, g.c, hi - lo);
      }
    }
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
      if (g.channelsLast) {
        std::memcpy(row, gy + ((n * g.oh + oh) * g.ow) * g.o, size_t(g.ow * g.o) * sizeof(T));
      } else {
        transposeBlock(gy + (n * g.o * g.oh + oh) * g.ow, g.oh * g.ow, row, g.o, g.o, g.ow);
      }
      std::fill(row + g.ow * g.o, row + l.wpad * g.o, T(0));
    }
  });
}

// The first OW pixels of each output row of l.wpad into y (+ bias), in g's layout.
template <class T>
void unpackOutput(const ConvGeometry& g, const RowsLayout& l, const T* ys, int64_t n0, int64_t images, const T* bias,
                  T* y) {
  parallelFor(images * g.oh, grainFor(g.ow * g.o), [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; r++) {
      const int64_t b = r / g.oh, oh = r % g.oh, n = n0 + b;
      const T* src = ys + r * l.wpad * g.o;
      if (g.channelsLast) {
        T* dst = y + ((n * g.oh + oh) * g.ow) * g.o;
        if (bias == nullptr) {
          std::memcpy(dst, src, size_t(g.ow * g.o) * sizeof(T));
        } else {
          for (int64_t ow = 0; ow < g.ow; ow++)
            for (int64_t o = 0; o < g.o; o++) dst[ow * g.o + o] = src[ow * g.o + o] + bias[o];
        }
      } else {
        T* first = y + (n * g.o * g.oh + oh) * g.ow;
        transposeBlock(src, g.o, first, g.oh * g.ow, g.ow, g.o);
        if (bias != nullptr) {
          for (int64_t o = 0; o < g.o; o++) {
            T* dst = first + o * g.oh * g.ow;
            for (int64_t ow = 0; ow < g.ow; ow++) dst[ow] += bias[o];
          }
        }
      }
    }
  });
}

}  // namespace conv
}  // namespace tg
