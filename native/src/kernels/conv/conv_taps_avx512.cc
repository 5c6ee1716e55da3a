// See conv_taps.h.
#include <immintrin.h>

#include <algorithm>
#include <vector>

#include "core/thread_pool.h"
#include "kernels/conv/conv_taps.h"

namespace tg {
namespace isa_avx512 {
namespace {

// Weight gradient, NCHW. One call adds, for image b, input channel c and kernel row i,
// the products for OB output channels (o0...) by the KW taps of that row: OB * KW
// accumulators, each output-gradient vector loaded once per row and multiplied by the KW
// shifted input vectors, each input vector shared by the OB channels (loads stay well
// under the multiply-adds). Vectors are 256 bits: 8 divides the usual output widths (8,
// 24), and on Zen 4 a 512-bit multiply-add issues at half the rate, so the wider vector
// only adds masked-off lanes. `sums` holds the OB * KW running vector sums, 8 floats each.
template <int OB, int KW>
void rowTapsBlock(const TapGradWeightArgs& a, int64_t b, int64_t o0, int64_t c, int64_t i, float* sums) {
  __m256 acc[OB * KW];
#pragma GCC unroll 20
  for (int t = 0; t < OB * KW; t++) acc[t] = _mm256_setzero_ps();
  const int64_t plane = a.oh * a.ow;
  const float* g0 = a.gy + (b * a.o + o0) * plane;
  const float* xc = a.x + ((b * a.c + c) * a.h + i) * a.w;
  for (int64_t y = 0; y < a.oh; y++) {
    const float* gr = g0 + y * a.ow;
    const float* xr = xc + y * a.w;
    for (int64_t x0 = 0; x0 < a.ow; x0 += 8) {
      // A partial last vector: lanes past the row read as 0 in both operands (and are not
      // read at all, so nothing past the input's end is touched).
      const int64_t left = a.ow - x0;
      const __mmask8 m = left >= 8 ? __mmask8(0xFF) : __mmask8((1u << left) - 1);
      __m256 gv[OB];
#pragma GCC unroll 4
      for (int k = 0; k < OB; k++) gv[k] = _mm256_maskz_loadu_ps(m, gr + k * plane + x0);
#pragma GCC unroll 5
      for (int j = 0; j < KW; j++) {
        const __m256 xv = _mm256_maskz_loadu_ps(m, xr + x0 + j);
#pragma GCC unroll 4
        for (int k = 0; k < OB; k++) acc[k * KW + j] = _mm256_fmadd_ps(gv[k], xv, acc[k * KW + j]);
      }
    }
  }
#pragma GCC unroll 20
  for (int t = 0; t < OB * KW; t++) _mm256_storeu_ps(sums + 8 * t, _mm256_add_ps(_mm256_loadu_ps(sums + 8 * t), acc[t]));
}

using RowTapsFn = void (*)(const TapGradWeightArgs&, int64_t, int64_t, int64_t, int64_t, float*);

constexpr int kGradBlock = 4;  // output channels per block: 4 x 5 accumulators + 4 + 1 of 32 registers

template <int OB>
RowTapsFn rowTapsFor(int64_t kw) {
  switch (kw) {
    case 1: return &rowTapsBlock<OB, 1>;
    case 2: return &rowTapsBlock<OB, 2>;
    case 3: return &rowTapsBlock<OB, 3>;
    case 4: return &rowTapsBlock<OB, 4>;
    case 5: return &rowTapsBlock<OB, 5>;
    default: return nullptr;
  }
}

RowTapsFn rowTapsFor(int ob, int64_t kw) {
  switch (ob) {
    case 1: return rowTapsFor<1>(kw);
    case 2: return rowTapsFor<2>(kw);
    case 3: return rowTapsFor<3>(kw);
    default: return rowTapsFor<4>(kw);
  }
}

float laneSum(const float* lanes) {
  const __m256 v = _mm256_loadu_ps(lanes);
  const __m128 h = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  const __m128 q = _mm_add_ps(h, _mm_movehl_ps(h, h));
  return _mm_cvtss_f32(_mm_add_ss(q, _mm_movehdup_ps(q)));
}

// R output rows (image b, rows y .. y + R) for a block of OC output channels starting at
// o0, with OC and R known at compile time so the accumulators live in registers. wb: the
// block's weights repacked [(c, i, j)][OC], zero beyond the last channel; only `valid`
// channels are stored. 8 pixels per vector, as the weight gradient above (256-bit
// multiply-adds issue twice as often as 512-bit ones on Zen 4, and 8 divides LeNet's widths
// 24 and 8). Each broadcast weight feeds all R rows: a tap costs OC broadcasts and R loads
// for R * OC multiply-adds. One row of 16 channels (one load, 16 broadcasts, 16
// multiply-adds a tap) left the loop bound by the front end: 3 rows of 8 ran D's forward
// 820-887 -> 670-724 us.
template <int OC, int R>
void tapRows(const TapForwardArgs& a, const float* wb, int64_t b, int64_t y, int64_t o0, int valid) {
  __m256 acc[R][OC];
  // A new output is usually cold (V8 frees the last one only at its next scavenge), and
  // these rows' stores go to OC planes at once, more streams than the hardware prefetcher
  // follows: ask for the next rows' lines now, to arrive while these are computed.
  const float* next = a.y + ((b * a.o + o0) * a.oh + y + R) * a.ow;
  for (int k = 0; k < valid; k++)
    for (int64_t x = 0; x < R * a.ow; x += 16) __builtin_prefetch(next + k * a.oh * a.ow + x, 1, 3);
  for (int64_t x0 = 0; x0 < a.ow; x0 += 8) {
    const int64_t left = a.ow - x0;
    const __mmask8 m = left >= 8 ? __mmask8(0xFF) : __mmask8((1u << left) - 1);
#pragma GCC unroll 16
    for (int k = 0; k < OC; k++) {
      const __m256 init = _mm256_set1_ps(a.bias != nullptr && k < valid ? a.bias[o0 + k] : 0.0f);
#pragma GCC unroll 4
      for (int r = 0; r < R; r++) acc[r][k] = init;
    }
    const float* wt = wb;
    for (int64_t c = 0; c < a.c; c++) {
      const float* xc = a.x + ((b * a.c + c) * a.h + y) * a.w_ + x0;
      for (int64_t i = 0; i < a.kh; i++)
        for (int64_t j = 0; j < a.kw; j++, wt += OC) {
          __m256 xv[R];
#pragma GCC unroll 4
          for (int r = 0; r < R; r++) xv[r] = _mm256_maskz_loadu_ps(m, xc + (i + r) * a.w_ + j);
#pragma GCC unroll 16
          for (int k = 0; k < OC; k++) {
            const __m256 wk = _mm256_set1_ps(wt[k]);
#pragma GCC unroll 4
            for (int r = 0; r < R; r++) acc[r][k] = _mm256_fmadd_ps(wk, xv[r], acc[r][k]);
          }
        }
    }
    float* out = a.y + ((b * a.o + o0) * a.oh + y) * a.ow + x0;
#pragma GCC unroll 16
    for (int k = 0; k < OC; k++)
      if (k < valid) {
#pragma GCC unroll 4
        for (int r = 0; r < R; r++) _mm256_mask_storeu_ps(out + k * a.oh * a.ow + r * a.ow, m, acc[r][k]);
      }
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

// Adds to the row accumulators of C input channels the contributions of kernel taps
// (i, j0) .. (i, j0 + JB - 1) from output row g: per tap and channel, a sum over the
// output channels (JB * C independent multiply-add chains, enough to hide their latency),
// then shifted into place: output column q feeds input column q + j, so lane l of the row
// takes lane l - j.
template <int C, int JB>
inline void gradInputTaps(const TapGradInputArgs& a, const float* wp, const float* g, int64_t i, int64_t j0, __mmask8 outLanes,
                          __m512* row) {
  __m256 t[JB][C];
#pragma GCC unroll 2
  for (int jb = 0; jb < JB; jb++)
#pragma GCC unroll 8
    for (int cc = 0; cc < C; cc++) t[jb][cc] = _mm256_setzero_ps();
  const int64_t plane = a.oh * a.ow, tapStride = a.o * C;
  const float* wt = wp + (i * a.kw + j0) * tapStride;
  for (int64_t o = 0; o < a.o; o++, wt += C) {
    const __m256 gv = _mm256_maskz_loadu_ps(outLanes, g + o * plane);
#pragma GCC unroll 2
    for (int jb = 0; jb < JB; jb++)
#pragma GCC unroll 8
      for (int cc = 0; cc < C; cc++) t[jb][cc] = _mm256_fmadd_ps(_mm256_set1_ps(wt[jb * tapStride + cc]), gv, t[jb][cc]);
  }
  const __m512i lane = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
#pragma GCC unroll 2
  for (int jb = 0; jb < JB; jb++) {
    const int64_t j = j0 + jb;
    const __m512i shift = _mm512_sub_epi32(lane, _mm512_set1_epi32(int32_t(j)));
    const __mmask16 lanes = __mmask16(0xFFu << j);
#pragma GCC unroll 8
    for (int cc = 0; cc < C; cc++)
      row[cc] = _mm512_add_ps(row[cc], _mm512_maskz_permutexvar_ps(lanes, shift, _mm512_castps256_ps512(t[jb][cc])));
  }
}

// Input gradient of image b for C input channels (compile time: one row accumulator
// each). wp: the weights repacked [(i, j)][o][C] so each tap's weights are read in order.
template <int C>
void gradInputImage(const TapGradInputArgs& a, const float* wp, int64_t b) {
  const __mmask8 outLanes = __mmask8((1u << a.ow) - 1);
  const __mmask16 rowLanes = __mmask16((1u << a.w) - 1);
  for (int64_t r = 0; r < a.h; r++) {
    __m512 row[C];
#pragma GCC unroll 8
    for (int cc = 0; cc < C; cc++) row[cc] = _mm512_setzero_ps();
    for (int64_t i = 0; i < a.kh; i++) {
      const int64_t oy = r - i;  // the output row that reaches input row r through kernel row i
      if (oy < 0 || oy >= a.oh) continue;
      const float* g = a.gy + (b * a.o * a.oh + oy) * a.ow;
      int64_t j = 0;
      for (; j + 2 <= a.kw; j += 2) gradInputTaps<C, 2>(a, wp, g, i, j, outLanes, row);
      if (j < a.kw) gradInputTaps<C, 1>(a, wp, g, i, j, outLanes, row);
    }
#pragma GCC unroll 8
    for (int cc = 0; cc < C; cc++) _mm512_mask_storeu_ps(a.gx + ((b * a.c + cc) * a.h + r) * a.w, rowLanes, row[cc]);
  }
}

using GradInputFn = void (*)(const TapGradInputArgs&, const float*, int64_t);

GradInputFn gradInputFor(int64_t c) {
  switch (c) {
    case 1: return &gradInputImage<1>;
    case 2: return &gradInputImage<2>;
    case 3: return &gradInputImage<3>;
    case 4: return &gradInputImage<4>;
    case 5: return &gradInputImage<5>;
    case 6: return &gradInputImage<6>;
    case 7: return &gradInputImage<7>;
    case 8: return &gradInputImage<8>;
    default: return nullptr;
  }
}

}  // namespace

void convTapGradInputFloat32(const TapGradInputArgs& a) {
  const GradInputFn fn = gradInputFor(a.c);
  std::vector<float> packed(size_t(a.kh * a.kw * a.o * a.c));
  for (int64_t o = 0; o < a.o; o++)
    for (int64_t c = 0; c < a.c; c++)
      for (int64_t t = 0; t < a.kh * a.kw; t++) packed[size_t((t * a.o + o) * a.c + c)] = a.weight[(o * a.c + c) * a.kh * a.kw + t];
  parallelFor(a.n, 2, [&](int64_t b0, int64_t b1) {
    for (int64_t b = b0; b < b1; b++) fn(a, packed.data(), b);
  });
}

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
  // Blocks of 8 output channels, three output rows at a time (tapRows).
  constexpr int kOC = 8, kRows = 3;
  const int64_t blocks = (a.o + kOC - 1) / kOC, taps = a.c * a.kh * a.kw, groups = (a.oh + kRows - 1) / kRows;
  std::vector<float> packed(size_t(blocks * taps * kOC), 0.0f);
  for (int64_t o = 0; o < a.o; o++)
    for (int64_t t = 0; t < taps; t++) packed[size_t(((o / kOC) * taps + t) * kOC + o % kOC)] = a.w[o * taps + t];
  parallelFor(a.n * groups, 2, [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; r++)
      for (int64_t blk = 0; blk < blocks; blk++) {
        const float* wb = packed.data() + blk * taps * kOC;
        const int valid = int(std::min<int64_t>(kOC, a.o - blk * kOC));
        const int64_t b = r / groups, y = (r % groups) * kRows, rows = std::min<int64_t>(kRows, a.oh - y);
        if (rows == 3) tapRows<kOC, 3>(a, wb, b, y, blk * kOC, valid);
        else if (rows == 2) tapRows<kOC, 2>(a, wb, b, y, blk * kOC, valid);
        else tapRows<kOC, 1>(a, wb, b, y, blk * kOC, valid);
      }
  });
}

void convTapGradWeightFloat32(const TapGradWeightArgs& a) {
  // Tasks: blocks of kGradBlock output channels times a fixed split of the images in two
  // (so a layer with few output channels still fills both cores), each task summing into
  // its own vectors; the halves are added in a fixed order, whatever the thread count.
  const int64_t blocks = (a.o + kGradBlock - 1) / kGradBlock, halves = a.n >= 2 ? 2 : 1;
  const int64_t perTask = a.c * a.kh * kGradBlock * a.kw * 8, taps = a.kh * a.kw;
  std::vector<float> sums(size_t(blocks * halves * perTask), 0.0f);
  parallelFor(blocks * halves, 1, [&](int64_t t0, int64_t t1) {
    for (int64_t task = t0; task < t1; task++) {
      // Half-major, so that two threads take one half of the images each, every block.
      const int64_t half = task / blocks, blk = task % blocks, o0 = blk * kGradBlock;
      const int ob = int(std::min<int64_t>(kGradBlock, a.o - o0));
      const RowTapsFn fn = rowTapsFor(ob, a.kw);
      float* s = sums.data() + (blk * halves + half) * perTask;
      for (int64_t b = a.n * half / halves; b < a.n * (half + 1) / halves; b++)
        for (int64_t c = 0; c < a.c; c++)
          for (int64_t i = 0; i < a.kh; i++) fn(a, b, o0, c, i, s + (c * a.kh + i) * ob * a.kw * 8);
    }
  });
  // gw[o][c][i][j] from task vectors laid out [(c, i)][k][j] per task.
  for (int64_t o = 0; o < a.o; o++) {
    const int64_t blk = o / kGradBlock, k = o % kGradBlock, ob = std::min<int64_t>(kGradBlock, a.o - blk * kGradBlock);
    for (int64_t c = 0; c < a.c; c++)
      for (int64_t i = 0; i < a.kh; i++)
        for (int64_t j = 0; j < a.kw; j++) {
          float total = 0;
          for (int64_t half = 0; half < halves; half++)
            total += laneSum(&sums[size_t((blk * halves + half) * perTask + ((c * a.kh + i) * ob * a.kw + k * a.kw + j) * 8)]);
          a.gw[(o * a.c + c) * taps + i * a.kw + j] = total;
        }
  }
}

bool convTapGradWeightSupports(int64_t kh, int64_t kw) { return kh >= 1 && kh <= 5 && rowTapsFor(1, kw) != nullptr; }

}  // namespace isa_avx512
}  // namespace tg
