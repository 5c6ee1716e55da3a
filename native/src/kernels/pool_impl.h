// Pooling and 2-D interpolation kernels for one instruction set. Each
// kernels/cpu/pool_<isa>.cc defines TG_ISA_NS and includes this file once under that
// ISA's flags. Two loop orders:
//  - planes (NCHW and any other strides): one (n, c) plane at a time, windows walked
//    along W; parallel over planes;
//  - channels inner (channels_last: both operands have channel stride 1): one spatial
//    position at a time with every channel of it in a contiguous run, so the innermost
//    loop runs over channels and GCC vectorises it at the ISA's width; parallel over
//    output rows (forward) or (image, channel block) pairs (backward).
// Backward kernels scatter into grad_input after zeroing it; a task owns whole planes
// or channel blocks, so no two threads ever add into the same element.
// Window rules, index rules and NaN handling are PyTorch 1.13's (MaxPoolKernel.cpp,
// AvgPoolKernel.cpp, AdaptiveAvgPoolKernel.cpp, UpSample.h / UpSampleKernel.cpp).
#include <algorithm>
#if defined(__AVX512F__)
#include <immintrin.h>
#endif
#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>
#include <vector>

#include "core/thread_pool.h"
#include "kernels/pool_kinds.h"

#ifndef TG_ISA_NS
#error "define TG_ISA_NS before including pool_impl.h"
#endif

namespace tg {
namespace TG_ISA_NS {
namespace {

// Below ~16K element visits a second thread costs more than it saves.
constexpr int64_t kPoolGrainWork = 16384;
// Channels per backward task on channels_last: long enough for full vectors, short
// enough that small batches still split across threads.
constexpr int64_t kChannelBlock = 64;

int64_t grainFor(int64_t workPerTask) { return std::max<int64_t>(1, kPoolGrainWork / std::max<int64_t>(1, workPerTask)); }

// Elements one output position reads (an upper bound for adaptive windows).
int64_t windowArea(const PoolCall& p) {
  if (!p.adaptive) return p.kh * p.kw;
  return ((p.h + p.oh - 1) / std::max<int64_t>(p.oh, 1) + 1) * ((p.w + p.ow - 1) / std::max<int64_t>(p.ow, 1) + 1);
}

template <class T>
inline T* at(const Operand4& o, int64_t n, int64_t c, int64_t h, int64_t w) {
  return reinterpret_cast<T*>(o.data) + n * o.stride[0] + c * o.stride[1] + h * o.stride[2] + w * o.stride[3];
}

bool channelsInner(const PoolCall& p, bool withIndex) {
  return p.c > 1 && p.big.stride[1] == 1 && p.small.stride[1] == 1 && (!withIndex || p.index.stride[1] == 1);
}

// Rows (or columns) [begin, end) stepping by `step` that one output position reads.
struct Span {
  int64_t begin, end, step;
};

// PyTorch's adaptive windows: [floor(i * in / out), ceil((i + 1) * in / out)).
inline Span adaptiveSpan(int64_t i, int64_t in, int64_t out) {
  return Span{(i * in) / out, ((i + 1) * in + out - 1) / out, 1};
}

// Max pool window (cpu_max_pool): starts moved into the input by whole dilation steps.
inline Span maxSpan(int64_t i, int64_t in, int64_t out, int64_t k, int64_t s, int64_t pad, int64_t d, bool adaptive) {
  if (adaptive) return adaptiveSpan(i, in, out);
  int64_t begin = i * s - pad;
  int64_t end = std::min(begin + (k - 1) * d + 1, in);
  while (begin < 0) begin += d;
  return Span{begin, end, d};
}

// Avg pool window and its divisor (cpu_avg_pool): the padded size counts when
// count_include_pad is set; divisor_override replaces both.
struct AvgWindow {
  Span h, w;
  int64_t divisor;
};
inline AvgWindow avgWindow(const PoolCall& p, int64_t y, int64_t x) {
  if (p.adaptive) {
    Span h = adaptiveSpan(y, p.h, p.oh), w = adaptiveSpan(x, p.w, p.ow);
    return AvgWindow{h, w, (h.end - h.begin) * (w.end - w.begin)};
  }
  int64_t h0 = y * p.sh - p.ph, w0 = x * p.sw - p.pw;
  int64_t h1 = std::min(h0 + p.kh, p.h + p.ph), w1 = std::min(w0 + p.kw, p.w + p.pw);
  int64_t padded = (h1 - h0) * (w1 - w0);
  h0 = std::max<int64_t>(h0, 0);
  w0 = std::max<int64_t>(w0, 0);
  h1 = std::min(h1, p.h);
  w1 = std::min(w1, p.w);
  int64_t divisor = p.divisorOverride != 0 ? p.divisorOverride : p.countIncludePad ? padded : (h1 - h0) * (w1 - w0);
  return AvgWindow{Span{h0, h1, 1}, Span{w0, w1, 1}, divisor};
}

// nearest_idx: exact for equal and doubled sizes, else floor(dst * scale) in float.
// The clamp is written so that a NaN or infinite product lands on the last index too.
inline int64_t nearestIndex(int64_t dst, int64_t in, int64_t out, double scale) {
  if (out == in) return dst;
  if (out == 2 * in) return dst >> 1;
  float s = scale > 0 ? float(1.0 / scale) : float(in) / float(out);
  float f = std::floor(float(dst) * s);
  return f < float(in - 1) ? int64_t(f) : in - 1;
}

// Bilinear source taps and weights (compute_source_index_and_lambda), in T's precision.
template <class T>
struct Taps {
  int64_t i0, i1;
  T l0, l1;
};
template <class T>
inline T linearScale(int64_t in, int64_t out, bool alignCorners, double scale) {
  if (alignCorners) return out > 1 ? T(in - 1) / T(out - 1) : T(0);
  return scale > 0 ? T(1.0 / scale) : T(in) / T(out);
}
template <class T>
inline Taps<T> linearTaps(int64_t dst, int64_t in, int64_t out, T ratio, bool alignCorners) {
  if (in == out) return Taps<T>{dst, dst, T(1), T(0)};
  T real = alignCorners ? T(ratio * T(dst)) : T(double(ratio) * (double(dst) + 0.5) - 0.5);
  if (!alignCorners && real < 0) real = 0;
  // Never past the last row, whatever scale the caller passed (NaN included).
  if (!(real <= T(in - 1))) real = T(in - 1);
  int64_t i0 = int64_t(real);
  int64_t i1 = i0 + (i0 < in - 1 ? 1 : 0);
  T l1 = real - T(i0);
  return Taps<T>{i0, i1, T(1) - l1, l1};
}

// Runs body(n, c) over every plane, in parallel above the grain.
template <class F>
void forPlanes(const PoolCall& p, int64_t workPerPlane, const F& body) {
  parallelFor(p.n * p.c, grainFor(workPerPlane), [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; i++) body(i / p.c, i % p.c);
  });
}
// Runs body(n, y) over every output row of every image (channels inner).
template <class F>
void forOutputRows(const PoolCall& p, int64_t workPerRow, const F& body) {
  parallelFor(p.n * p.oh, grainFor(workPerRow), [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; i++) body(i / p.oh, i % p.oh);
  });
}
// Runs body(n, c0, c1) over (image, channel block) pairs (channels inner backward).
template <class F>
void forChannelBlocks(const PoolCall& p, int64_t workPerChannel, const F& body) {
  int64_t blocks = (p.c + kChannelBlock - 1) / kChannelBlock;
  parallelFor(p.n * blocks, grainFor(workPerChannel * kChannelBlock), [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; i++) {
      int64_t c0 = (i % blocks) * kChannelBlock;
      body(i / blocks, c0, std::min(c0 + kChannelBlock, p.c));
    }
  });
}

// Zeroes big[n, c0:c1] (grad_input before a scatter): one contiguous run for a dense
// NCHW plane, one run per position for a channels_last block, else element by element.
template <class T>
void zeroBig(const PoolCall& p, int64_t n, int64_t c0, int64_t c1) {
  const int64_t sC = p.big.stride[1], sH = p.big.stride[2], sW = p.big.stride[3], count = c1 - c0;
  T* base = at<T>(p.big, n, c0, 0, 0);
  if (count == 1 && sW == 1 && sH == p.w) {
    std::fill(base, base + p.h * p.w, T(0));
    return;
  }
  for (int64_t y = 0; y < p.h; y++)
    for (int64_t x = 0; x < p.w; x++) {
      T* row = base + y * sH + x * sW;
      if (sC == 1) std::fill(row, row + count, T(0));
      else
        for (int64_t c = 0; c < count; c++) row[c * sC] = T(0);
    }
}

// ---- max pool --------------------------------------------------------------------------

// Output columns [begin, end) whose whole window lies inside the input row (fixed
// windows): there no tap needs clipping, so a row of outputs is updated one tap at a
// time with a loop over columns that vectorises (a strided load for stride 2).
struct Interior {
  int64_t begin, end;
};
inline Interior interiorColumns(int64_t in, int64_t out, int64_t k, int64_t s, int64_t pad, int64_t d) {
  int64_t begin = std::min((pad + s - 1) / s, out);
  int64_t last = in - 1 - (k - 1) * d + pad;  // the last column may start at last / s
  int64_t end = last < 0 ? 0 : std::min(last / s + 1, out);
  return Interior{begin, std::max(begin, end)};
}

// One max window, as cpu_max_pool: scanned row by row, a NaN is the maximum (the last
// NaN's index wins), ties keep the first index.
template <class T>
inline void maxWindow(const T* in, int64_t sH, int64_t sW, int64_t width, Span hs, Span ws, T* out, int64_t* index) {
  int64_t best = hs.begin * width + ws.begin;
  T bestValue = -std::numeric_limits<T>::infinity();
  for (int64_t ih = hs.begin; ih < hs.end; ih += hs.step)
    for (int64_t iw = ws.begin; iw < ws.end; iw += ws.step) {
      T v = in[ih * sH + iw * sW];
      bool take = v > bestValue || v != v;
      bestValue = take ? v : bestValue;
      best = take ? ih * width + iw : best;
    }
  *out = bestValue;
  *index = best;
}

// Channels per chunk of the channels_last max: values and indices of a chunk stay in L1.
constexpr int64_t kMaxChunk = 256;

// One block of B channels of one channels_last max window (see maxForwardChannelsInner).
template <class T, class I, int64_t B>
inline void maxChannelBlock(const PoolCall& p, int64_t n, int64_t c0, int64_t y, int64_t x, Span hs, Span ws, I first) {
  const int64_t width = p.w;
  T value[B];
  I arg[B];
  for (int64_t c = 0; c < B; c++) {
    value[c] = -std::numeric_limits<T>::infinity();
    arg[c] = first;
  }
  for (int64_t ih = hs.begin; ih < hs.end; ih += hs.step)
    for (int64_t iw = ws.begin; iw < ws.end; iw += ws.step) {
      const T* __restrict in = at<T>(p.big, n, c0, ih, iw);
      const I flat = I(ih * width + iw);
      for (int64_t c = 0; c < B; c++) {
        T v = in[c];
        bool take = v > value[c] || v != v;
        value[c] = take ? v : value[c];
        arg[c] = take ? flat : arg[c];
      }
    }
  T* __restrict out = at<T>(p.small, n, c0, y, x);
  int64_t* __restrict ind = at<int64_t>(p.index, n, c0, y, x);
  for (int64_t c = 0; c < B; c++) {
    out[c] = value[c];
    ind[c] = int64_t(arg[c]);
  }
}

// One block of B channels of one channels_last average window: sums kept in registers.
template <class T, int64_t B>
inline void avgChannelBlock(const PoolCall& p, int64_t n, int64_t c0, const AvgWindow& win, T divisor, T* __restrict out) {
  T sum[B] = {};
  for (int64_t ih = win.h.begin; ih < win.h.end; ih++)
    for (int64_t iw = win.w.begin; iw < win.w.end; iw++) {
      const T* __restrict in = at<T>(p.big, n, c0, ih, iw);
      for (int64_t c = 0; c < B; c++) sum[c] += in[c];
    }
  for (int64_t c = 0; c < B; c++) out[c0 + c] = sum[c] / divisor;
}

template <class T, class I>
void maxForwardChannelsInner(const PoolCall& p, int64_t window) {
  forOutputRows(p, p.ow * window * p.c, [&](int64_t n, int64_t y) {
    // Locals, not captures: a store through an integer pointer could otherwise alias a
    // captured int64 and stop the channel loops from vectorising.
    const int64_t channels = p.c, width = p.w;
    Span hs = maxSpan(y, p.h, p.oh, p.kh, p.sh, p.ph, p.dh, p.adaptive);
    alignas(64) I best[kMaxChunk];
    for (int64_t x = 0; x < p.ow; x++) {
      Span ws = maxSpan(x, p.w, p.ow, p.kw, p.sw, p.pw, p.dw, p.adaptive);
      const I first = I(hs.begin * width + ws.begin);
      // Blocks of a fixed width (64, then 32, then 16 channels): the running maxima and
      // indices stay in registers across the window's taps and reach memory once.
      int64_t c0 = 0;
      for (; c0 + 64 <= channels; c0 += 64) maxChannelBlock<T, I, 64>(p, n, c0, y, x, hs, ws, first);
      for (; c0 + 32 <= channels; c0 += 32) maxChannelBlock<T, I, 32>(p, n, c0, y, x, hs, ws, first);
      for (; c0 + 16 <= channels; c0 += 16) maxChannelBlock<T, I, 16>(p, n, c0, y, x, hs, ws, first);
      for (; c0 < channels; c0 += kMaxChunk) {
        const int64_t count = std::min(kMaxChunk, channels - c0);
        T* __restrict out = at<T>(p.small, n, c0, y, x);
        for (int64_t c = 0; c < count; c++) {
          out[c] = -std::numeric_limits<T>::infinity();
          best[c] = first;
        }
        for (int64_t ih = hs.begin; ih < hs.end; ih += hs.step)
          for (int64_t iw = ws.begin; iw < ws.end; iw += ws.step) {
            const T* __restrict in = at<T>(p.big, n, c0, ih, iw);
            const I flat = I(ih * width + iw);
            for (int64_t c = 0; c < count; c++) {
              T v = in[c];
              bool take = v > out[c] || v != v;
              out[c] = take ? v : out[c];
              best[c] = take ? flat : best[c];
            }
          }
        int64_t* __restrict ind = at<int64_t>(p.index, n, c0, y, x);
        for (int64_t c = 0; c < count; c++) ind[c] = int64_t(best[c]);
      }
    }
  });
}

// The interior columns of one output row (contiguous input row, output and index rows):
// one tap at a time across the row. The stride is a template argument where it is 1 or 2
// (S = 0: any), so the strided loads become vector shuffles instead of element inserts;
// indices are tracked in a buffer as wide as the values, then widened to int64.
template <class T, class I, int S>
void maxRowInterior(const T* in, int64_t sH, int64_t width, Span hs, int64_t kw, int64_t dw, int64_t pw, int64_t sw,
                    Interior cols, T* __restrict out, int64_t* __restrict ind) {
  const int64_t step = S > 0 ? S : sw;
  alignas(64) I best[kMaxChunk];
  for (int64_t xc = cols.begin; xc < cols.end; xc += kMaxChunk) {
    const int64_t len = std::min(kMaxChunk, cols.end - xc);
    T* __restrict o = out + xc;
    const I first = I(hs.begin * width + xc * step - pw);
    for (int64_t i = 0; i < len; i++) {
      o[i] = -std::numeric_limits<T>::infinity();
      best[i] = first + I(i * step);
    }
    for (int64_t ih = hs.begin; ih < hs.end; ih += hs.step)
      for (int64_t kx = 0; kx < kw; kx++) {
        const int64_t shift = xc * step + kx * dw - pw;
        const T* __restrict row = in + ih * sH + shift;
        const I flat = I(ih * width + shift);
        for (int64_t i = 0; i < len; i++) {
          T v = row[i * step];
          bool take = v > o[i] || v != v;
          o[i] = take ? v : o[i];
          best[i] = take ? flat + I(i * step) : best[i];
        }
      }
    for (int64_t i = 0; i < len; i++) ind[xc + i] = int64_t(best[i]);
  }
}

#if defined(__AVX512F__)
// 16 outputs from x on: the two rows' even and odd elements split by permutes, the later
// window elements taking over where greater or NaN, their offsets tracked alongside.
// lo / hi mask the 32 input floats of each row, out the 16 outputs (all set but on a row's
// last, partial step, whose masked-off lanes are neither read nor stored).
inline void max2x2Step(const float* r0, const float* r1, int64_t x, int64_t flat0, const __m512i (&offs)[3], __mmask16 lo,
                       __mmask16 hi, __mmask16 outMask, float* __restrict out, int64_t* __restrict ind) {
  const __m512i even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
  const __m512i odd = _mm512_add_epi32(even, _mm512_set1_epi32(1));
  const __m512 a0 = _mm512_maskz_loadu_ps(lo, r0 + 2 * x), a1 = _mm512_maskz_loadu_ps(hi, r0 + 2 * x + 16);
  const __m512 b0 = _mm512_maskz_loadu_ps(lo, r1 + 2 * x), b1 = _mm512_maskz_loadu_ps(hi, r1 + 2 * x + 16);
  const __m512 later[3] = {_mm512_permutex2var_ps(a0, odd, a1), _mm512_permutex2var_ps(b0, even, b1),
                           _mm512_permutex2var_ps(b0, odd, b1)};
  __m512 best = _mm512_permutex2var_ps(a0, even, a1);
  __m512i off = _mm512_setzero_si512();
  for (int k = 0; k < 3; k++) {
    const __mmask16 take = _mm512_cmp_ps_mask(later[k], best, _CMP_GT_OQ) | _mm512_cmp_ps_mask(later[k], later[k], _CMP_UNORD_Q);
    best = _mm512_mask_mov_ps(best, take, later[k]);
    off = _mm512_mask_mov_epi32(off, take, offs[k]);
  }
  _mm512_mask_storeu_ps(out + x, outMask, best);
  const __m512i flat = _mm512_add_epi32(_mm512_add_epi32(_mm512_set1_epi32(int32_t(flat0 + 2 * x)), even), off);
  _mm512_mask_storeu_epi64(ind + x, __mmask8(outMask), _mm512_cvtepi32_epi64(_mm512_castsi512_si256(flat)));
  _mm512_mask_storeu_epi64(ind + x + 8, __mmask8(outMask >> 8), _mm512_cvtepi32_epi64(_mm512_extracti64x4_epi64(flat, 1)));
}

// 2x2 windows at stride 2 (the common max-pool), float, on the AVX-512 build: 16 outputs
// per step from two input rows - even and odd columns split with one permute each, the
// four window elements compared in the scalar order (a later element wins when greater or
// NaN), int32 indices widened once. The general interior loop above spent most of its time
// on chunk bookkeeping for rows this short (LeNet: 12 outputs).
inline void max2x2Rows(const float* r0, const float* r1, int64_t count, int64_t flat0, int64_t width,
                       float* __restrict out, int64_t* __restrict ind) {
  const __m512i offs[3] = {_mm512_set1_epi32(1), _mm512_set1_epi32(int32_t(width)), _mm512_set1_epi32(int32_t(width + 1))};
  const __mmask16 all = 0xFFFF;
  int64_t x = 0;
  for (; x + 16 <= count; x += 16) max2x2Step(r0, r1, x, flat0, offs, all, all, all, out, ind);
  if (x < count) {
    // The last 1 to 15 outputs (all of a row for LeNet's 12 and 4).
    const int64_t left = count - x;
    const __mmask16 lo = left >= 8 ? all : __mmask16((1u << (2 * left)) - 1);
    const __mmask16 hi = left > 8 ? __mmask16((1u << (2 * left - 16)) - 1) : __mmask16(0);
    max2x2Step(r0, r1, x, flat0, offs, lo, hi, __mmask16((1u << left) - 1), out, ind);
  }
}

// The channels_last backward of a 2x2 stride-2 max pool whose windows tile the input
// exactly: each window's four grad_input positions are written once - the output
// gradient where the saved index points at that position, 0 elsewhere - 8 channels at a
// time, with no zeroing pass and no scattered adds. Returns false when an index points
// outside its own window (only possible for indices not made by the forward); the caller
// then runs the general zero-and-scatter path over everything.
inline bool max2x2BackwardChannelsLast(const PoolCall& p) {
  std::atomic<bool> outside{false};
  forOutputRows(p, 5 * p.ow * p.c, [&](int64_t n, int64_t y) {
    for (int64_t x = 0; x < p.ow; x++) {
      const float* g = at<float>(p.small, n, 0, y, x);
      const int64_t* ind = at<int64_t>(p.index, n, 0, y, x);
      const int64_t corner = 2 * y * p.w + 2 * x;
      const int64_t pos[4] = {corner, corner + 1, corner + p.w, corner + p.w + 1};
      float* gin[4] = {at<float>(p.big, n, 0, 2 * y, 2 * x), at<float>(p.big, n, 0, 2 * y, 2 * x + 1),
                       at<float>(p.big, n, 0, 2 * y + 1, 2 * x), at<float>(p.big, n, 0, 2 * y + 1, 2 * x + 1)};
      for (int64_t c = 0; c < p.c; c += 8) {
        const int64_t left = p.c - c;
        const __mmask8 lanes = left >= 8 ? __mmask8(0xFF) : __mmask8((1u << left) - 1);
        const __m512i iv = _mm512_maskz_loadu_epi64(lanes, ind + c);
        const __m256 gv = _mm256_maskz_loadu_ps(lanes, g + c);
        __mmask8 hit = 0;
        for (int k = 0; k < 4; k++) {
          const __mmask8 here = _mm512_mask_cmpeq_epi64_mask(lanes, iv, _mm512_set1_epi64(pos[k]));
          hit |= here;
          _mm256_mask_storeu_ps(gin[k] + c, lanes, _mm256_maskz_mov_ps(here, gv));
        }
        if (hit != lanes) outside.store(true, std::memory_order_relaxed);
      }
    }
  });
  return !outside.load();
}
#endif

// Average-pool counterpart: interior columns summed a tap at a time across the row (the
// same order of additions as one window at a time), divided by the row's one divisor.
template <class T, int S>
void avgRowInterior(const T* in, int64_t sH, Span hs, int64_t kw, int64_t pw, int64_t sw, Interior cols, T divisor,
                    T* __restrict out) {
  const int64_t step = S > 0 ? S : sw;
  for (int64_t x = cols.begin; x < cols.end; x++) out[x] = T(0);
  if (hs.begin >= hs.end) return;
  for (int64_t ih = hs.begin; ih < hs.end; ih++)
    for (int64_t kx = 0; kx < kw; kx++) {
      const T* __restrict row = in + ih * sH + kx - pw;
      for (int64_t x = cols.begin; x < cols.end; x++) out[x] += row[x * step];
    }
  for (int64_t x = cols.begin; x < cols.end; x++) out[x] /= divisor;
}

// The adjoint of avgRowInterior for strides 1 and 2: every window row of an output row
// receives the same contributions, so they are summed once into a dense buffer (the
// shares spread out to their columns, then shifted once per tap: contiguous vector adds
// instead of a strided read-modify-write per tap), and that buffer is added to each
// window row. Sums group differently from PyTorch's one-output-at-a-time loop (last-bit
// differences, as between PyTorch's own layouts).
constexpr int64_t kMaxSpreadTaps = 256;

template <class T, int S>
void avgRowSpread(T* gin, int64_t sH, Span hs, int64_t kw, int64_t pw, Interior cols, T divisor, const T* __restrict g) {
  alignas(64) T spread[kMaxChunk * S];
  alignas(64) T contrib[kMaxChunk * S + kMaxSpreadTaps];
  for (int64_t xc = cols.begin; xc < cols.end; xc += kMaxChunk) {
    const int64_t len = std::min(kMaxChunk, cols.end - xc);
    // Columns from the first output's first tap to the last output's last tap.
    const int64_t dense = (len - 1) * S + 1, width = dense + kw - 1;
    for (int64_t j = 0; j < dense; j++) spread[j] = j % S == 0 ? g[xc + j / S] / divisor : T(0);
    for (int64_t j = 0; j < width; j++) contrib[j] = T(0);
    for (int64_t kx = 0; kx < kw; kx++) {
      T* __restrict to = contrib + kx;
      for (int64_t j = 0; j < dense; j++) to[j] += spread[j];
    }
    for (int64_t ih = hs.begin; ih < hs.end; ih++) {
      T* __restrict row = gin + ih * sH + xc * S - pw;
      for (int64_t j = 0; j < width; j++) row[j] += contrib[j];
    }
  }
}

template <class T>
void maxForward(const PoolCall& p) {
  const int64_t window = windowArea(p);
#if defined(__AVX512F__)
  // 2x2 windows, stride 2, no padding, every window whole, contiguous rows (LeNet's
  // pools): each output row is one max2x2Rows call, without the general path's per-row
  // window arithmetic, which cost more than the row itself for planes of 24 or 8 columns.
  if (std::is_same<T, float>::value && !channelsInner(p, true) && !p.adaptive && p.kh == 2 && p.kw == 2 && p.sh == 2 &&
      p.sw == 2 && p.ph == 0 && p.pw == 0 && p.dh == 1 && p.dw == 1 && 2 * p.oh <= p.h && 2 * p.ow <= p.w &&
      p.big.stride[3] == 1 && p.small.stride[3] == 1 && p.index.stride[3] == 1 && p.h * p.w < (int64_t(1) << 31)) {
    forPlanes(p, p.oh * p.ow * window, [&](int64_t n, int64_t c) {
      const float* in = reinterpret_cast<const float*>(at<T>(p.big, n, c, 0, 0));
      for (int64_t y = 0; y < p.oh; y++)
        max2x2Rows(in + 2 * y * p.big.stride[2], in + (2 * y + 1) * p.big.stride[2], p.ow, 2 * y * p.w, p.w,
                   reinterpret_cast<float*>(at<T>(p.small, n, c, y, 0)), at<int64_t>(p.index, n, c, y, 0));
    });
    return;
  }
#endif
  if (!channelsInner(p, true)) {
    // Rows of input, output and indices that are contiguous take the vector path inside.
    const bool rows = !p.adaptive && p.big.stride[3] == 1 && p.small.stride[3] == 1 && p.index.stride[3] == 1;
    const Interior inner = rows ? interiorColumns(p.w, p.ow, p.kw, p.sw, p.pw, p.dw) : Interior{0, 0};
    forPlanes(p, p.oh * p.ow * window, [&](int64_t n, int64_t c) {
      const T* in = at<T>(p.big, n, c, 0, 0);
      const int64_t sH = p.big.stride[2], sW = p.big.stride[3], width = p.w, sw = p.sw, pw = p.pw, dw = p.dw, kw = p.kw;
      const int64_t oSW = p.small.stride[3], iSW = p.index.stride[3];
      const bool narrowIndex = std::is_same<T, float>::value && p.h * p.w < (int64_t(1) << 31);
      for (int64_t y = 0; y < p.oh; y++) {
        Span hs = maxSpan(y, p.h, p.oh, p.kh, p.sh, p.ph, p.dh, p.adaptive);
        T* __restrict out = at<T>(p.small, n, c, y, 0);
        int64_t* __restrict ind = at<int64_t>(p.index, n, c, y, 0);
        for (int64_t x = 0; x < p.ow; x++) {
          if (x == inner.begin) x = inner.end;
          if (x >= p.ow) break;
          maxWindow(in, sH, sW, width, hs, maxSpan(x, p.w, p.ow, p.kw, p.sw, p.pw, p.dw, p.adaptive), out + x * oSW, ind + x * iSW);
        }
        if (inner.begin >= inner.end) continue;
#if defined(__AVX512F__)
        if (std::is_same<T, float>::value && narrowIndex && sw == 2 && kw == 2 && dw == 1 && hs.step == 1 &&
            hs.end - hs.begin == 2) {
          const int64_t col0 = inner.begin * 2 - pw;
          const float* first = reinterpret_cast<const float*>(in) + hs.begin * sH + col0;
          max2x2Rows(first, first + sH, inner.end - inner.begin, hs.begin * width + col0, width,
                     reinterpret_cast<float*>(out) + inner.begin, ind + inner.begin);
          continue;
        }
#endif
        if (narrowIndex) {
          if (sw == 1) maxRowInterior<T, int32_t, 1>(in, sH, width, hs, kw, dw, pw, sw, inner, out, ind);
          else if (sw == 2) maxRowInterior<T, int32_t, 2>(in, sH, width, hs, kw, dw, pw, sw, inner, out, ind);
          else maxRowInterior<T, int32_t, 0>(in, sH, width, hs, kw, dw, pw, sw, inner, out, ind);
        } else {
          maxRowInterior<T, int64_t, 0>(in, sH, width, hs, kw, dw, pw, sw, inner, out, ind);
        }
      }
    });
    return;
  }
  // Indices are tracked in a buffer as wide as the values (int32 for float, as PyTorch's
  // channels_last kernel), so values and indices fill vectors of the same lane count;
  // they are widened to int64 once per window. Planes too large for int32 use int64.
  if (std::is_same<T, float>::value && p.h * p.w < (int64_t(1) << 31))
    maxForwardChannelsInner<T, int32_t>(p, window);
  else
    maxForwardChannelsInner<T, int64_t>(p, window);
}

// grad_input[plane][index] += grad_output: one plane (or channel block) per task.
template <class T>
void maxBackward(const PoolCall& p) {
#if defined(__AVX512F__)
  if (std::is_same<T, float>::value && channelsInner(p, true) && !p.adaptive && p.kh == 2 && p.kw == 2 && p.sh == 2 &&
      p.sw == 2 && p.ph == 0 && p.pw == 0 && p.dh == 1 && p.dw == 1 && p.h == 2 * p.oh && p.w == 2 * p.ow &&
      max2x2BackwardChannelsLast(p))
    return;
#endif
  const int64_t planeSize = p.h * p.w;
  // Where the plane's rows follow each other evenly (always, for tensors made here), a
  // flat index h * W + w is one multiply away from its element: no division per element.
  const bool denseSpatial = p.big.stride[2] == p.w * p.big.stride[3];
  const int64_t width = p.w, sH = p.big.stride[2], sW = p.big.stride[3];
  auto offsetOf = [=](int64_t i) { return denseSpatial ? i * sW : (i / width) * sH + (i % width) * sW; };
  if (!channelsInner(p, true)) {
    forPlanes(p, planeSize + p.oh * p.ow, [&](int64_t n, int64_t c) {
      zeroBig<T>(p, n, c, c + 1);
      T* gin = at<T>(p.big, n, c, 0, 0);
      const int64_t gSW = p.small.stride[3], iSW = p.index.stride[3];
      bool bad = false;
      for (int64_t y = 0; y < p.oh; y++) {
        const T* g = at<T>(p.small, n, c, y, 0);
        const int64_t* ind = at<int64_t>(p.index, n, c, y, 0);
        for (int64_t x = 0; x < p.ow; x++) {
          int64_t i = ind[x * iSW];
          if (i < 0 || i >= planeSize) {
            bad = true;
            continue;
          }
          gin[offsetOf(i)] += g[x * gSW];
        }
      }
      if (bad) p.badIndex->store(true);
    });
    return;
  }
  forChannelBlocks(p, planeSize + p.oh * p.ow, [&](int64_t n, int64_t c0, int64_t c1) {
    zeroBig<T>(p, n, c0, c1);
    T* gin = at<T>(p.big, n, c0, 0, 0);
    const int64_t count = c1 - c0;
    bool bad = false;
    for (int64_t y = 0; y < p.oh; y++)
      for (int64_t x = 0; x < p.ow; x++) {
        const T* g = at<T>(p.small, n, c0, y, x);
        const int64_t* ind = at<int64_t>(p.index, n, c0, y, x);
        for (int64_t c = 0; c < count; c++) {
          int64_t i = ind[c];
          if (i < 0 || i >= planeSize) {
            bad = true;
            continue;
          }
          gin[offsetOf(i) + c] += g[c];
        }
      }
    if (bad) p.badIndex->store(true);
  });
}

// small = big at index: the derivative of maxBackward with respect to grad_output.
template <class T>
void maxGather(const PoolCall& p) {
  const int64_t planeSize = p.h * p.w;
  forPlanes(p, p.oh * p.ow, [&](int64_t n, int64_t c) {
    bool bad = false;
    for (int64_t y = 0; y < p.oh; y++)
      for (int64_t x = 0; x < p.ow; x++) {
        int64_t i = *at<int64_t>(p.index, n, c, y, x);
        T v = T(0);
        if (i < 0 || i >= planeSize) bad = true;
        else v = *at<T>(p.big, n, c, i / p.w, i % p.w);
        *at<T>(p.small, n, c, y, x) = v;
      }
    if (bad) p.badIndex->store(true);
  });
}

// ---- average pool (fixed and adaptive windows) -----------------------------------------

template <class T>
void avgForward(const PoolCall& p) {
  const int64_t window = windowArea(p);
  if (!channelsInner(p, false)) {
    // As max pool: interior columns of contiguous rows are summed a tap at a time across
    // the row (the same order of additions as one window at a time).
    const bool rows = !p.adaptive && p.big.stride[3] == 1 && p.small.stride[3] == 1;
    const Interior inner = rows ? interiorColumns(p.w, p.ow, p.kw, p.sw, p.pw, 1) : Interior{0, 0};
    forPlanes(p, p.oh * p.ow * window, [&](int64_t n, int64_t c) {
      const T* in = at<T>(p.big, n, c, 0, 0);
      const int64_t sH = p.big.stride[2], sW = p.big.stride[3], oSW = p.small.stride[3], sw = p.sw, pw = p.pw, kw = p.kw;
      for (int64_t y = 0; y < p.oh; y++) {
        T* __restrict out = at<T>(p.small, n, c, y, 0);
        for (int64_t x = 0; x < p.ow; x++) {
          if (x == inner.begin) x = inner.end;
          if (x >= p.ow) break;
          AvgWindow win = avgWindow(p, y, x);
          T sum = T(0);
          for (int64_t ih = win.h.begin; ih < win.h.end; ih++)
            for (int64_t iw = win.w.begin; iw < win.w.end; iw++) sum += in[ih * sH + iw * sW];
          bool empty = win.h.begin >= win.h.end || win.w.begin >= win.w.end;
          out[x * oSW] = empty ? T(0) : sum / T(win.divisor);
        }
        if (inner.begin >= inner.end) continue;
        // Interior columns share the row's window rows and divisor.
        AvgWindow win = avgWindow(p, y, inner.begin);
        const T divisor = T(win.divisor);
        if (sw == 1) avgRowInterior<T, 1>(in, sH, win.h, kw, pw, sw, inner, divisor, out);
        else if (sw == 2) avgRowInterior<T, 2>(in, sH, win.h, kw, pw, sw, inner, divisor, out);
        else avgRowInterior<T, 0>(in, sH, win.h, kw, pw, sw, inner, divisor, out);
      }
    });
    return;
  }
  forOutputRows(p, p.ow * window * p.c, [&](int64_t n, int64_t y) {
    const int64_t channels = p.c;
    for (int64_t x = 0; x < p.ow; x++) {
      AvgWindow win = avgWindow(p, y, x);
      T* __restrict out = at<T>(p.small, n, 0, y, x);
      bool empty = win.h.begin >= win.h.end || win.w.begin >= win.w.end;
      if (empty) {
        for (int64_t c = 0; c < channels; c++) out[c] = T(0);
        continue;
      }
      const T divisor = T(win.divisor);
      // Blocks of 64, 32, 16 channels: the sums stay in registers across the taps.
      int64_t c0 = 0;
      for (; c0 + 64 <= channels; c0 += 64) avgChannelBlock<T, 64>(p, n, c0, win, divisor, out);
      for (; c0 + 32 <= channels; c0 += 32) avgChannelBlock<T, 32>(p, n, c0, win, divisor, out);
      for (; c0 + 16 <= channels; c0 += 16) avgChannelBlock<T, 16>(p, n, c0, win, divisor, out);
      if (c0 == channels) continue;
      for (int64_t c = c0; c < channels; c++) out[c] = T(0);
      for (int64_t ih = win.h.begin; ih < win.h.end; ih++)
        for (int64_t iw = win.w.begin; iw < win.w.end; iw++) {
          const T* __restrict in = at<T>(p.big, n, 0, ih, iw);
          for (int64_t c = c0; c < channels; c++) out[c] += in[c];
        }
      for (int64_t c = c0; c < channels; c++) out[c] /= divisor;
    }
  });
}

template <class T>
void avgBackward(const PoolCall& p) {
  const int64_t window = windowArea(p);
  const int64_t work = p.h * p.w + p.oh * p.ow * window;
  if (!channelsInner(p, false)) {
    // Interior columns of contiguous rows: each output's share (g / divisor, as PyTorch)
    // is computed once, then added a tap at a time across the row.
    const bool rows = !p.adaptive && p.big.stride[3] == 1 && p.small.stride[3] == 1 && (p.sw == 1 || p.sw == 2) &&
                      p.kw <= kMaxSpreadTaps;
    const Interior inner = rows ? interiorColumns(p.w, p.ow, p.kw, p.sw, p.pw, 1) : Interior{0, 0};
    forPlanes(p, work, [&](int64_t n, int64_t c) {
      zeroBig<T>(p, n, c, c + 1);
      T* gin = at<T>(p.big, n, c, 0, 0);
      const int64_t sH = p.big.stride[2], sW = p.big.stride[3], gSW = p.small.stride[3], pw = p.pw, kw = p.kw;
      for (int64_t y = 0; y < p.oh; y++) {
        const T* g = at<T>(p.small, n, c, y, 0);
        for (int64_t x = 0; x < p.ow; x++) {
          if (x == inner.begin) x = inner.end;
          if (x >= p.ow) break;
          AvgWindow win = avgWindow(p, y, x);
          T share = g[x * gSW] / T(win.divisor);
          for (int64_t ih = win.h.begin; ih < win.h.end; ih++)
            for (int64_t iw = win.w.begin; iw < win.w.end; iw++) gin[ih * sH + iw * sW] += share;
        }
        if (inner.begin >= inner.end) continue;
        AvgWindow win = avgWindow(p, y, inner.begin);
        if (p.sw == 1) avgRowSpread<T, 1>(gin, sH, win.h, kw, pw, inner, T(win.divisor), g);
        else avgRowSpread<T, 2>(gin, sH, win.h, kw, pw, inner, T(win.divisor), g);
      }
    });
    return;
  }
  forChannelBlocks(p, work, [&](int64_t n, int64_t c0, int64_t c1) {
    zeroBig<T>(p, n, c0, c1);
    const int64_t count = c1 - c0;
    alignas(64) T share[kChannelBlock];
    for (int64_t y = 0; y < p.oh; y++)
      for (int64_t x = 0; x < p.ow; x++) {
        AvgWindow win = avgWindow(p, y, x);
        const T divisor = T(win.divisor);
        const T* __restrict g = at<T>(p.small, n, c0, y, x);
        for (int64_t c = 0; c < count; c++) share[c] = g[c] / divisor;
        for (int64_t ih = win.h.begin; ih < win.h.end; ih++)
          for (int64_t iw = win.w.begin; iw < win.w.end; iw++) {
            T* __restrict gin = at<T>(p.big, n, c0, ih, iw);
            for (int64_t c = 0; c < count; c++) gin[c] += share[c];
          }
      }
  });
}

// ---- nearest and bilinear interpolation ------------------------------------------------

// Per-column source offsets (elements, input column stride applied) and weights, made
// once per call by the calling thread and only read by the pool's threads while it waits:
// the index rule runs once per column instead of once per output element.
void* callScratch(size_t bytes) {
  // Grows only: after the first large call no allocation happens here again.
  thread_local std::vector<unsigned char> buffer;
  if (buffer.size() < bytes) buffer.resize(bytes);
  return buffer.data();
}

const int64_t* nearestColumns(const PoolCall& p) {
  int64_t* offsets = static_cast<int64_t*>(callScratch(size_t(p.ow) * sizeof(int64_t)));
  for (int64_t x = 0; x < p.ow; x++) offsets[x] = nearestIndex(x, p.w, p.ow, p.scaleW) * p.big.stride[3];
  return offsets;
}

template <class T>
struct LinearColumns {
  const int64_t *i0, *i1;  // element offsets of the two source columns
  const T *l0, *l1;
};
template <class T>
LinearColumns<T> linearColumns(const PoolCall& p, T ratio) {
  const size_t n = size_t(p.ow);
  unsigned char* base = static_cast<unsigned char*>(callScratch(n * 2 * (sizeof(int64_t) + sizeof(T))));
  int64_t* i0 = reinterpret_cast<int64_t*>(base);
  int64_t* i1 = i0 + n;
  T* l0 = reinterpret_cast<T*>(i1 + n);
  T* l1 = l0 + n;
  for (int64_t x = 0; x < p.ow; x++) {
    Taps<T> t = linearTaps<T>(x, p.w, p.ow, ratio, p.alignCorners);
    i0[x] = t.i0 * p.big.stride[3];
    i1[x] = t.i1 * p.big.stride[3];
    l0[x] = t.l0;
    l1[x] = t.l1;
  }
  return LinearColumns<T>{i0, i1, l0, l1};
}

template <class T>
void nearestForward(const PoolCall& p) {
  if (!channelsInner(p, false)) {
    const int64_t* cols = nearestColumns(p);
    forPlanes(p, p.oh * p.ow, [&](int64_t n, int64_t c) {
      const int64_t oSW = p.small.stride[3], width = p.ow;
      for (int64_t y = 0; y < p.oh; y++) {
        const T* __restrict in = at<T>(p.big, n, c, nearestIndex(y, p.h, p.oh, p.scaleH), 0);
        T* __restrict out = at<T>(p.small, n, c, y, 0);
        for (int64_t x = 0; x < width; x++) out[x * oSW] = in[cols[x]];
      }
    });
    return;
  }
  const int64_t channels = p.c;
  forOutputRows(p, p.ow * channels, [&](int64_t n, int64_t y) {
    const int64_t ih = nearestIndex(y, p.h, p.oh, p.scaleH);
    for (int64_t x = 0; x < p.ow; x++) {
      const T* __restrict in = at<T>(p.big, n, 0, ih, nearestIndex(x, p.w, p.ow, p.scaleW));
      T* __restrict out = at<T>(p.small, n, 0, y, x);
      for (int64_t c = 0; c < channels; c++) out[c] = in[c];
    }
  });
}

template <class T>
void nearestBackward(const PoolCall& p) {
  const int64_t work = p.h * p.w + p.oh * p.ow;
  if (!channelsInner(p, false)) {
    const int64_t* cols = nearestColumns(p);
    forPlanes(p, work, [&](int64_t n, int64_t c) {
      zeroBig<T>(p, n, c, c + 1);
      const int64_t gSW = p.small.stride[3], width = p.ow;
      for (int64_t y = 0; y < p.oh; y++) {
        T* gin = at<T>(p.big, n, c, nearestIndex(y, p.h, p.oh, p.scaleH), 0);
        const T* g = at<T>(p.small, n, c, y, 0);
        for (int64_t x = 0; x < width; x++) gin[cols[x]] += g[x * gSW];
      }
    });
    return;
  }
  forChannelBlocks(p, work, [&](int64_t n, int64_t c0, int64_t c1) {
    zeroBig<T>(p, n, c0, c1);
    for (int64_t y = 0; y < p.oh; y++) {
      const int64_t ih = nearestIndex(y, p.h, p.oh, p.scaleH);
      for (int64_t x = 0; x < p.ow; x++) {
        T* __restrict gin = at<T>(p.big, n, c0, ih, nearestIndex(x, p.w, p.ow, p.scaleW));
        const T* __restrict g = at<T>(p.small, n, c0, y, x);
        for (int64_t c = 0; c < c1 - c0; c++) gin[c] += g[c];
      }
    }
  });
}

template <class T>
void bilinearForward(const PoolCall& p) {
  const T rh = linearScale<T>(p.h, p.oh, p.alignCorners, p.scaleH);
  const T rw = linearScale<T>(p.w, p.ow, p.alignCorners, p.scaleW);
  if (!channelsInner(p, false)) {
    const LinearColumns<T> cols = linearColumns<T>(p, rw);
    forPlanes(p, 4 * p.oh * p.ow, [&](int64_t n, int64_t c) {
      const int64_t sH = p.big.stride[2], oSW = p.small.stride[3], width = p.ow;
      const int64_t *i0 = cols.i0, *i1 = cols.i1;
      const T *l0 = cols.l0, *l1 = cols.l1;
      const T* in = at<T>(p.big, n, c, 0, 0);
      for (int64_t y = 0; y < p.oh; y++) {
        Taps<T> th = linearTaps<T>(y, p.h, p.oh, rh, p.alignCorners);
        const T* __restrict row0 = in + th.i0 * sH;
        const T* __restrict row1 = in + th.i1 * sH;
        T* __restrict out = at<T>(p.small, n, c, y, 0);
        for (int64_t x = 0; x < width; x++)
          out[x * oSW] = th.l0 * (l0[x] * row0[i0[x]] + l1[x] * row0[i1[x]]) + th.l1 * (l0[x] * row1[i0[x]] + l1[x] * row1[i1[x]]);
      }
    });
    return;
  }
  const int64_t channels = p.c;
  forOutputRows(p, 4 * p.ow * channels, [&](int64_t n, int64_t y) {
    Taps<T> th = linearTaps<T>(y, p.h, p.oh, rh, p.alignCorners);
    for (int64_t x = 0; x < p.ow; x++) {
      Taps<T> tw = linearTaps<T>(x, p.w, p.ow, rw, p.alignCorners);
      const T* __restrict a = at<T>(p.big, n, 0, th.i0, tw.i0);
      const T* __restrict b = at<T>(p.big, n, 0, th.i0, tw.i1);
      const T* __restrict d = at<T>(p.big, n, 0, th.i1, tw.i0);
      const T* __restrict e = at<T>(p.big, n, 0, th.i1, tw.i1);
      T* __restrict out = at<T>(p.small, n, 0, y, x);
      for (int64_t c = 0; c < channels; c++)
        out[c] = th.l0 * (tw.l0 * a[c] + tw.l1 * b[c]) + th.l1 * (tw.l0 * d[c] + tw.l1 * e[c]);
    }
  });
}

template <class T>
void bilinearBackward(const PoolCall& p) {
  const T rh = linearScale<T>(p.h, p.oh, p.alignCorners, p.scaleH);
  const T rw = linearScale<T>(p.w, p.ow, p.alignCorners, p.scaleW);
  const int64_t work = p.h * p.w + 4 * p.oh * p.ow;
  if (!channelsInner(p, false)) {
    const LinearColumns<T> cols = linearColumns<T>(p, rw);
    forPlanes(p, work, [&](int64_t n, int64_t c) {
      zeroBig<T>(p, n, c, c + 1);
      const int64_t sH = p.big.stride[2], gSW = p.small.stride[3], width = p.ow;
      const int64_t *i0 = cols.i0, *i1 = cols.i1;
      const T *l0 = cols.l0, *l1 = cols.l1;
      T* gin = at<T>(p.big, n, c, 0, 0);
      for (int64_t y = 0; y < p.oh; y++) {
        Taps<T> th = linearTaps<T>(y, p.h, p.oh, rh, p.alignCorners);
        T* row0 = gin + th.i0 * sH;
        T* row1 = gin + th.i1 * sH;
        const T* g = at<T>(p.small, n, c, y, 0);
        for (int64_t x = 0; x < width; x++) {
          const T gx = g[x * gSW];
          row0[i0[x]] += th.l0 * l0[x] * gx;
          row0[i1[x]] += th.l0 * l1[x] * gx;
          row1[i0[x]] += th.l1 * l0[x] * gx;
          row1[i1[x]] += th.l1 * l1[x] * gx;
        }
      }
    });
    return;
  }
  forChannelBlocks(p, work, [&](int64_t n, int64_t c0, int64_t c1) {
    zeroBig<T>(p, n, c0, c1);
    const int64_t count = c1 - c0;
    for (int64_t y = 0; y < p.oh; y++) {
      Taps<T> th = linearTaps<T>(y, p.h, p.oh, rh, p.alignCorners);
      for (int64_t x = 0; x < p.ow; x++) {
        Taps<T> tw = linearTaps<T>(x, p.w, p.ow, rw, p.alignCorners);
        const T* __restrict g = at<T>(p.small, n, c0, y, x);
        // The four taps may coincide (edges, equal sizes): separate passes keep the sums right.
        const int64_t hs[2] = {th.i0, th.i1}, ws[2] = {tw.i0, tw.i1};
        const T lh[2] = {th.l0, th.l1}, lw[2] = {tw.l0, tw.l1};
        for (int a = 0; a < 2; a++)
          for (int b = 0; b < 2; b++) {
            T* __restrict gin = at<T>(p.big, n, c0, hs[a], ws[b]);
            const T weight = lh[a] * lw[b];
            for (int64_t c = 0; c < count; c++) gin[c] += weight * g[c];
          }
      }
    }
  });
}

}  // namespace

extern const PoolKernels kPoolKernels;
const PoolKernels kPoolKernels = {{
    {maxForward<float>, maxForward<double>},
    {maxBackward<float>, maxBackward<double>},
    {maxGather<float>, maxGather<double>},
    {avgForward<float>, avgForward<double>},
    {avgBackward<float>, avgBackward<double>},
    {nearestForward<float>, nearestForward<double>},
    {nearestBackward<float>, nearestBackward<double>},
    {bilinearForward<float>, bilinearForward<double>},
    {bilinearBackward<float>, bilinearBackward<double>},
}};

}  // namespace TG_ISA_NS
}  // namespace tg
