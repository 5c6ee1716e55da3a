// See conv_taps.h. Per (o, c) pair, one task: 25 zmm accumulators (one per tap), the
// output-gradient vector and one input vector; every input vector is an unaligned load at
// the tap's offset, masked on the last, partial vector of a row.
#include <immintrin.h>

#include <algorithm>
#include <vector>

#include "core/thread_pool.h"
#include "kernels/conv/conv_taps.h"

namespace tg {
namespace isa_avx512 {
namespace {

// Accumulates gw[o][c][i][j] for one channel pair with KH x KW taps known at compile time,
// so the accumulators stay in registers.
template <int KH, int KW>
void pairTaps(const TapGradWeightArgs& a, int64_t o, int64_t c, float* out) {
  __m512 acc[KH * KW];
#pragma GCC unroll 25
  for (int t = 0; t < KH * KW; t++) acc[t] = _mm512_setzero_ps();
  for (int64_t b = 0; b < a.n; b++) {
    const float* g = a.gy + (b * a.o + o) * a.oh * a.ow;
    const float* xc = a.x + (b * a.c + c) * a.h * a.w;
    for (int64_t y = 0; y < a.oh; y++) {
      const float* gr = g + y * a.ow;
      const float* xr = xc + y * a.w;
      for (int64_t x0 = 0; x0 < a.ow; x0 += 16) {
        const int64_t left = a.ow - x0;
        const __mmask16 m = left >= 16 ? __mmask16(0xFFFF) : __mmask16((1u << left) - 1);
        const __m512 gv = _mm512_maskz_loadu_ps(m, gr + x0);
#pragma GCC unroll 5
        for (int i = 0; i < KH; i++) {
          const float* xi = xr + i * a.w + x0;
#pragma GCC unroll 5
          for (int j = 0; j < KW; j++) acc[i * KW + j] = _mm512_fmadd_ps(gv, _mm512_maskz_loadu_ps(m, xi + j), acc[i * KW + j]);
        }
      }
    }
  }
  // Lanes summed through memory: once per tap per pair, and GCC 12's
  // _mm512_reduce_add_ps trips -Wuninitialized inside its own header.
  alignas(64) float lanes[16];
  for (int t = 0; t < KH * KW; t++) {
    _mm512_store_ps(lanes, acc[t]);
    float sum = 0;
    for (int l = 0; l < 16; l++) sum += lanes[l];
    out[t] = sum;
  }
}

using PairFn = void (*)(const TapGradWeightArgs&, int64_t, int64_t, float*);

// The kernels compiled: square kernels up to 5x5 (the common small-kernel sizes).
PairFn pairFor(int64_t kh, int64_t kw) {
  if (kh != kw) return nullptr;
  switch (kh) {
    case 1: return &pairTaps<1, 1>;
    case 2: return &pairTaps<2, 2>;
    case 3: return &pairTaps<3, 3>;
    case 4: return &pairTaps<4, 4>;
    case 5: return &pairTaps<5, 5>;
    default: return nullptr;
  }
}

// One output row (image b, row y) for a block of OC output channels starting at o0, with
// OC known at compile time so the accumulators live in registers. wb: the block's weights
// repacked [(c, i, j)][OC], zero beyond the last channel; only `valid` channels are stored.
template <int OC>
void forwardRow(const TapForwardArgs& a, const float* wb, int64_t b, int64_t y, int64_t o0, int valid) {
  __m512 acc[OC];
  for (int64_t x0 = 0; x0 < a.ow; x0 += 16) {
    const int64_t left = a.ow - x0;
    const __mmask16 m = left >= 16 ? __mmask16(0xFFFF) : __mmask16((1u << left) - 1);
#pragma GCC unroll 16
    for (int k = 0; k < OC; k++) acc[k] = _mm512_set1_ps(a.bias != nullptr && k < valid ? a.bias[o0 + k] : 0.0f);
    const float* wt = wb;
    for (int64_t c = 0; c < a.c; c++) {
      const float* xc = a.x + ((b * a.c + c) * a.h + y) * a.w_ + x0;
      for (int64_t i = 0; i < a.kh; i++)
        for (int64_t j = 0; j < a.kw; j++, wt += OC) {
          const __m512 xv = _mm512_maskz_loadu_ps(m, xc + i * a.w_ + j);
#pragma GCC unroll 16
          for (int k = 0; k < OC; k++) acc[k] = _mm512_fmadd_ps(_mm512_set1_ps(wt[k]), xv, acc[k]);
        }
    }
    float* out = a.y + ((b * a.o + o0) * a.oh + y) * a.ow + x0;
#pragma GCC unroll 16
    for (int k = 0; k < OC; k++)
      if (k < valid) _mm512_mask_storeu_ps(out + k * a.oh * a.ow, m, acc[k]);
  }
}

// gw[o0 .. o0 + 16)[taps] for a channels_last gy, one input channel; `m` masks the block's
// channels past o.
template <int KH, int KW>
void channelsLastTaps(const TapGradWeightArgs& a, int64_t o0, __mmask16 m, float* gwBlock) {
  __m512 acc[KH * KW];
#pragma GCC unroll 25
  for (int t = 0; t < KH * KW; t++) acc[t] = _mm512_setzero_ps();
  for (int64_t b = 0; b < a.n; b++)
    for (int64_t y = 0; y < a.oh; y++) {
      const float* gr = a.gy + (b * a.oh + y) * a.ow * a.o + o0;
      const float* xr = a.x + (b * a.h + y) * a.w;
      for (int64_t x = 0; x < a.ow; x++) {
        const __m512 gv = _mm512_maskz_loadu_ps(m, gr + x * a.o);
#pragma GCC unroll 5
        for (int i = 0; i < KH; i++)
#pragma GCC unroll 5
          for (int j = 0; j < KW; j++)
            acc[i * KW + j] = _mm512_fmadd_ps(_mm512_set1_ps(xr[i * a.w + x + j]), gv, acc[i * KW + j]);
      }
    }
  // gw is (o, taps): lane l of acc[t] is gw[o0 + l][t].
  alignas(64) float lanes[16];
  for (int t = 0; t < KH * KW; t++) {
    _mm512_store_ps(lanes, acc[t]);
    for (int l = 0; l < 16; l++)
      if ((m >> l) & 1) gwBlock[l * KH * KW + t] = lanes[l];
  }
}

using BlockFn = void (*)(const TapGradWeightArgs&, int64_t, __mmask16, float*);

BlockFn channelsLastFor(int64_t kh, int64_t kw) {
  if (kh != kw) return nullptr;
  switch (kh) {
    case 2: return &channelsLastTaps<2, 2>;
    case 3: return &channelsLastTaps<3, 3>;
    case 4: return &channelsLastTaps<4, 4>;
    case 5: return &channelsLastTaps<5, 5>;
    default: return nullptr;
  }
}

}  // namespace

void convTapGradWeightChannelsLastFloat32(const TapGradWeightArgs& a) {
  const BlockFn fn = channelsLastFor(a.kh, a.kw);
  const int64_t blocks = (a.o + 15) / 16, taps = a.kh * a.kw;
  parallelFor(blocks, 1, [&](int64_t b0, int64_t b1) {
    for (int64_t blk = b0; blk < b1; blk++) {
      const int64_t left = a.o - blk * 16;
      const __mmask16 m = left >= 16 ? __mmask16(0xFFFF) : __mmask16((1u << left) - 1);
      fn(a, blk * 16, m, a.gw + blk * 16 * taps);
    }
  });
}

void convTapForwardFloat32(const TapForwardArgs& a) {
  // Blocks of 16 output channels (8 when there are at most 8: LeNet's first layer has 6).
  const int oc = a.o <= 8 ? 8 : 16;
  const int64_t blocks = (a.o + oc - 1) / oc, taps = a.c * a.kh * a.kw;
  std::vector<float> packed(size_t(blocks * taps * oc), 0.0f);
  for (int64_t o = 0; o < a.o; o++)
    for (int64_t t = 0; t < taps; t++) packed[size_t(((o / oc) * taps + t) * oc + o % oc)] = a.w[o * taps + t];
  parallelFor(a.n * a.oh, 4, [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; r++)
      for (int64_t blk = 0; blk < blocks; blk++) {
        const float* wb = packed.data() + blk * taps * oc;
        const int valid = int(std::min<int64_t>(oc, a.o - blk * oc));
        if (oc == 8) forwardRow<8>(a, wb, r / a.oh, r % a.oh, blk * oc, valid);
        else forwardRow<16>(a, wb, r / a.oh, r % a.oh, blk * oc, valid);
      }
  });
}

void convTapGradWeightFloat32(const TapGradWeightArgs& a) {
  const PairFn fn = pairFor(a.kh, a.kw);
  const int64_t taps = a.kh * a.kw;
  // One (o, c) pair per task: ~n * oh * ow * taps multiply-adds each.
  parallelFor(a.o * a.c, 1, [&](int64_t p0, int64_t p1) {
    for (int64_t p = p0; p < p1; p++) fn(a, p / a.c, p % a.c, a.gw + p * taps);
  });
}

bool convTapGradWeightSupports(int64_t kh, int64_t kw) { return pairFor(kh, kw) != nullptr; }

}  // namespace isa_avx512
}  // namespace tg
