// See conv_direct.h. Tile: 14 output pixels x 32 output channels in 28 zmm accumulators;
// per (i, j, c) step, two weight vectors and 14 broadcasts of input values.
#include <immintrin.h>

#include <algorithm>
#include <array>
#include <utility>

#include "core/thread_pool.h"
#include "kernels/conv/conv_direct.h"

namespace tg {
namespace isa_avx512 {
namespace {

constexpr int kRows = int(kDirectRowTile);

// rows x cols outputs (rows <= 14, cols <= 32) at y (row stride ldy):
//   y[r][0..32) (+)= sum over kernel rows i < kh, p < depth of
//                    a[i * aStepI + r * ars + p * aps] * b[i * bStepI + p * bps + 0..32)
// accumulate: add to what y holds (masked loads) instead of overwriting it; bias (or
// nullptr): bias[0..32) added to every row.
// kArs > 0 fixes ars at compile time: the 14 rows' inputs are then one pointer plus
// constant displacements, where a run-time stride kept 11 row pointers in registers and
// reloaded 3 from the stack every step. kR < 14 computes only the first kR rows (a last
// partial tile costs its own rows' multiply-adds, not 14 rows').
template <int64_t kArs, int kR = kRows>
void tile(const float* a, int64_t ars, int64_t aps, int64_t aStepI, int64_t kh, int64_t depth, const float* b,
          int64_t bps, int64_t bStepI, float* y, int64_t ldy, int rows, int cols, bool accumulate,
          const float* bias = nullptr) {
  const int64_t rowStride = kArs > 0 ? kArs : ars;
  __m512 acc0[kR], acc1[kR];
#pragma GCC unroll 14
  for (int r = 0; r < kR; r++) acc0[r] = acc1[r] = _mm512_setzero_ps();
  for (int64_t i = 0; i < kh; i++) {
    const float* ai = a + i * aStepI;
    const float* bi = b + i * bStepI;
#pragma GCC unroll 2
    for (int64_t p = 0; p < depth; p++) {
      const __m512 b0 = _mm512_loadu_ps(bi), b1 = _mm512_loadu_ps(bi + 16);
      const float* ap = ai + p * aps;
#pragma GCC unroll 14
      for (int r = 0; r < kR; r++) {
        const __m512 av = _mm512_set1_ps(ap[r * rowStride]);
        acc0[r] = _mm512_fmadd_ps(av, b0, acc0[r]);
        acc1[r] = _mm512_fmadd_ps(av, b1, acc1[r]);
      }
      bi += bps;
    }
  }
  const __mmask16 m0 = cols >= 16 ? __mmask16(0xFFFF) : __mmask16((1u << cols) - 1);
  const __mmask16 m1 = cols >= 32 ? __mmask16(0xFFFF) : cols > 16 ? __mmask16((1u << (cols - 16)) - 1) : __mmask16(0);
  if (bias != nullptr) {
    const __m512 bias0 = _mm512_maskz_loadu_ps(m0, bias), bias1 = _mm512_maskz_loadu_ps(m1, bias + 16);
#pragma GCC unroll 14
    for (int r = 0; r < kR; r++) {
      acc0[r] = _mm512_add_ps(acc0[r], bias0);
      acc1[r] = _mm512_add_ps(acc1[r], bias1);
    }
  }
#pragma GCC unroll 14
  for (int r = 0; r < kR; r++) {
    if (r >= rows) break;
    float* yr = y + r * ldy;
    if (accumulate) {
      acc0[r] = _mm512_add_ps(acc0[r], _mm512_maskz_loadu_ps(m0, yr));
      acc1[r] = _mm512_add_ps(acc1[r], _mm512_maskz_loadu_ps(m1, yr + 16));
    }
    _mm512_mask_storeu_ps(yr, m0, acc0[r]);
    _mm512_mask_storeu_ps(yr + 16, m1, acc1[r]);
  }
}

using TileFn = decltype(&tile<1>);

template <size_t... R>
constexpr std::array<TileFn, sizeof...(R)> gradWeightTiles(std::index_sequence<R...>) {
  return {{&tile<1, int(R) + 1>...}};
}

// The weight gradient's tiles by row count (output channels): 64 channels are 4 x 14 + 8,
// 128 are 9 x 14 + 2, and a full-height last tile did 9% more multiply-adds than needed.
constexpr auto kGradWeightTiles = gradWeightTiles(std::make_index_sequence<kRows>());

}  // namespace

void convDirectFloat32(const DirectConvArgs& a) {
  const int64_t tiles = (a.linePixels + kRows - 1) / kRows, blocks = (a.o + 31) / 32;
  const int64_t depth = a.kw * a.c, rowStep = a.dh * a.wpad * a.c;
  const int64_t work = a.images * a.lines * tiles;
  // ~14 * 32 * kh * depth multiply-adds per unit: a few units already fill a thread.
  // The input channel counts of common layers get a tile with the row stride built in.
  auto tileFor = [](int64_t c) {
    switch (c) {
      case 32: return &tile<32>;
      case 64: return &tile<64>;
      case 128: return &tile<128>;
      case 256: return &tile<256>;
      default: return &tile<0>;
    }
  };
  const auto forwardTile = tileFor(a.c);
  parallelFor(work, 8, [&](int64_t u0, int64_t u1) {
    for (int64_t blk = 0; blk < blocks; blk++) {  // one block of weights stays in L2
      const int cols = int(std::min<int64_t>(32, a.o - blk * 32));
      const float* bias = a.bias != nullptr ? a.bias + blk * 32 : nullptr;
      // Unit u is tile t of line l of image b, stepped along without a division per tile
      // (a 1x1 layer's tile is only ~1000 cycles of multiply-adds).
      int64_t t = u0 % tiles, l = (u0 / tiles) % a.lines, b = u0 / tiles / a.lines;
      for (int64_t u = u0; u < u1; u++) {
        const int64_t q0 = t * kRows;
        const int rows = int(std::min<int64_t>(kRows, a.linePixels - q0));
        forwardTile(a.xp + b * a.padImage + l * a.inLineStride + q0 * a.c, a.c, 1, rowStep, a.kh, depth, a.w + blk * 32,
             a.oPad, depth * a.oPad, a.ys + b * a.outImage + l * a.outLineStride + q0 * a.o + blk * 32, a.o, rows,
             cols, false, bias);
        if (++t == tiles) {
          t = 0;
          if (++l == a.lines) {
            l = 0;
            b++;
          }
        }
      }
    }
  });
}

void convDirectGradWeightFloat32(const DirectGradWeightArgs& a) {
  const int64_t width = a.kw * a.c, k = a.kh * width;
  const int64_t oTiles = (a.o + kRows - 1) / kRows, cTiles = (width + 31) / 32;
  // Blocks of ~kDepthBlock pixels, small enough for L2, each used by all of a thread's
  // tiles before the next is read (a whole-depth pass per tile would stream the operands
  // from memory once per tile): whole lines of one image, or pieces of one long line. The
  // tile's kernel-row loop steps over the lines.
  constexpr int64_t kDepthBlock = 512;
  const int64_t piece = std::min(a.linePixels, kDepthBlock);
  const int64_t linesPerBlock = std::max<int64_t>(1, kDepthBlock / std::max<int64_t>(1, a.linePixels));
  parallelFor(a.kh * oTiles * cTiles, 1, [&](int64_t u0, int64_t u1) {
    bool accumulate = a.accumulate;  // the first block overwrites gw unless asked to add
    for (int64_t b = 0; b < a.images; b++)
      for (int64_t l0 = 0; l0 < a.lines; l0 += linesPerBlock)
        for (int64_t p0 = 0; p0 < a.linePixels; p0 += piece) {
          const int64_t lines = std::min(linesPerBlock, a.lines - l0), pixels = std::min(piece, a.linePixels - p0);
          const int64_t q0 = b * a.imagePixels + l0 * a.wpad + p0;
          for (int64_t u = u0; u < u1; u++) {
            const int64_t i = u / (oTiles * cTiles), o0 = (u / cTiles) % oTiles * kRows, j0 = u % cTiles * 32;
            const int rows = int(std::min<int64_t>(kRows, a.o - o0));
            kGradWeightTiles[rows - 1](a.gy + q0 * a.o + o0, 1, a.o, a.wpad * a.o, lines, pixels,
                                       a.xp + (q0 + i * a.dh * a.wpad) * a.c + j0, a.c, a.wpad * a.c, a.gw + o0 * k + i * width + j0,
                                       k, rows, int(std::min<int64_t>(32, width - j0)), accumulate, nullptr);
          }
          accumulate = true;
        }
  });
}

}  // namespace isa_avx512
}  // namespace tg
