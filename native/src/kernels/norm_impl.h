// Batch norm / layer norm kernels (see norm.h). Two traversal orders cover every layout:
// "planes" when a channel's elements lie close together (NCHW, layer norm rows): one
// thread owns whole channels; "rows" when the channels are the innermost axis
// (channels_last, (N, C) input): threads take blocks of positions, each reading a
// contiguous row of channels, and per-block partial sums are combined in block order so
// results do not depend on the thread count. Each kernels/cpu/norm_<isa>.cc includes
// this file once under that ISA's flags (TG_ISA_NS), so the loops vectorise at its width.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <type_traits>

#include "core/allocator.h"
#include "core/thread_pool.h"
#include "kernels/norm.h"

#ifndef TG_ISA_NS
#error "define TG_ISA_NS before including norm_impl.h"
#endif

// Lanes below is 64 bytes wide; GCC notes that passing one by value has another ABI
// without AVX-512. Every function here is internal to its ISA's object, so no ABI is shared.
#pragma GCC diagnostic ignored "-Wpsabi"

namespace tg {
namespace TG_ISA_NS {
namespace {

// Work below this many elements per piece stays on one thread (a wake costs ~14 us).
constexpr int64_t kGrainElements = 32768;
// Fixed block count for the row-order sums: deterministic, and enough for any pool here.
constexpr int64_t kMaxBlocks = 64;

// Temporaries from the caching allocator (warm pages, no malloc per call), zeroed.
template <class U = double>
class Scratch {
 public:
  explicit Scratch(size_t count) {
    const size_t bytes = count * sizeof(U);
    data_ = static_cast<U*>(CachingAllocator::instance().allocate(bytes == 0 ? 1 : bytes, &block_));
    std::fill(data_, data_ + count, U(0));
  }
  ~Scratch() { CachingAllocator::instance().release(data_, block_); }
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;
  U* data() { return data_; }
  U& operator[](size_t i) { return data_[i]; }

 private:
  U* data_;
  size_t block_ = 0;
};

int64_t absolute(int64_t v) { return v < 0 ? -v : v; }

// Channels innermost: walk positions, reading each position's channels as one row.
bool rowOrder(const NormShape& s) {
  if (s.channels <= 1) return false;
  int64_t positionStride = s.inner > 1 ? s.innerStride : s.outerStride;
  if (s.inner > 1 && s.outer > 1 && s.outerStride != s.inner * s.innerStride) return false;
  return absolute(s.channelStride) < absolute(positionStride);
}

int64_t grainFor(int64_t elementsPerItem) { return std::max<int64_t>(1, kGrainElements / std::max<int64_t>(1, elementsPerItem)); }

// Eight doubles (a GCC vector extension, which each ISA build lowers to its registers):
// the lanes of the plane-order sums.
typedef double Lanes __attribute__((vector_size(64)));

// Readers of one summand at a fixed offset: ScalarAt gives one element as a double,
// LanesAt the eight consecutive elements from there as Lanes, ElemAt one element as T
// (kNarrow: the summands are computed in T, for short runs folded into doubles).
template <class T>
struct ScalarAt {
  static constexpr bool kNarrow = false;
  int64_t off;
  double operator()(const T* p) const { return double(p[off]); }
};
template <class T>
struct ElemAt {
  static constexpr bool kNarrow = true;
  int64_t off;
  T operator()(const T* p) const { return p[off]; }
};
template <class T>
struct LanesAt {
  static constexpr bool kNarrow = false;
  int64_t off;
  Lanes operator()(const T* p) const {
    if constexpr (std::is_same<T, float>::value) {
      typedef float Floats __attribute__((vector_size(32)));
      Floats v;
      std::memcpy(&v, p + off, sizeof v);
      return __builtin_convertvector(v, Lanes);
    } else {
      Lanes v;
      std::memcpy(&v, p + off, sizeof v);
      return v;
    }
  }
};

// The sum of the eight lanes, pairwise.
inline double laneTotal(const Lanes& l) { return ((l[0] + l[1]) + (l[2] + l[3])) + ((l[4] + l[5]) + (l[6] + l[7])); }

// out[c * K + k] = sum over channel c's elements of what f adds. f(c, at, acc, ks) is
// generic: it reads its summands through at(pointer) (a double, or Lanes of eight
// consecutive elements) and adds its K quantities into acc[0], acc[ks], ...,
// acc[(K - 1) * ks]. Plane order sums a channel's unit-stride runs eight lanes at a time
// (one chain of dependent adds would run at the adder's latency); row order adds each
// position's row of channels into per-channel sums, which vectorises across channels.
template <int K, class T, class F>
void sumPerChannel(const NormShape& s, const F& f, double* out) {
  const int64_t C = s.channels, perChannel = s.outer * s.inner;
  if (!rowOrder(s)) {
    parallelFor(C, grainFor(perChannel), [&](int64_t begin, int64_t end) {
      for (int64_t c = begin; c < end; c++) {
        Lanes acc[K] = {};
        double rest[K] = {};
        const int64_t step = s.innerStride;
        for (int64_t a = 0; a < s.outer; a++) {
          const int64_t base = a * s.outerStride + c * s.channelStride;
          int64_t b = 0;
          if (step == 1)
            for (; b + 8 <= s.inner; b += 8) f(c, LanesAt<T>{base + b}, acc, 1);
          for (; b < s.inner; b++) f(c, ScalarAt<T>{base + b * step}, rest, 1);
        }
        for (int k = 0; k < K; k++) out[c * K + k] = laneTotal(acc[k]) + rest[k];
      }
    });
    return;
  }
  // Positions (a, b) are one run of stride innerStride (rowOrder checked it when both > 1).
  // Each block's partial sums are planar: quantity k of channel c at [k * C + c].
  const int64_t positions = perChannel;
  const int64_t positionStride = s.inner > 1 ? s.innerStride : s.outerStride;
  const int64_t blocks = std::min(positions, kMaxBlocks);
  const int64_t perBlock = (positions + blocks - 1) / blocks;
  // Summands in T into `runs` (as wide as the vectors go, no conversions), folded into
  // the block's double sums every kRowRun positions, so no T sum runs longer than that.
  // Consecutive positions add into kRuns different copies: one copy would chain every
  // position's adds through a store and a load of the same sums.
  constexpr int64_t kRowRun = 64, kRuns = 4;  // kRuns: a power of 2
  const int64_t cs = s.channelStride, width = C * K;
  Scratch<> partial{size_t(blocks * width)};
  parallelFor(blocks, grainFor(perBlock * C), [&](int64_t first, int64_t last) {
    Scratch<T> runs{size_t(kRuns * width)};  // zeroed
    for (int64_t blk = first; blk < last; blk++) {
      double* acc = partial.data() + blk * width;
      const int64_t begin = blk * perBlock, end = std::min(positions, (blk + 1) * perBlock);
      for (int64_t p0 = begin; p0 < end; p0 += kRowRun) {
        const int64_t p1 = std::min(end, p0 + kRowRun);
        for (int64_t p = p0; p < p1; p++) {
          const int64_t base = p * positionStride;
          T* run = runs.data() + ((p - p0) & (kRuns - 1)) * width;
          if (cs == 1)
            for (int64_t c = 0; c < C; c++) f(c, ElemAt<T>{base + c}, run + c, C);
          else
            for (int64_t c = 0; c < C; c++) f(c, ElemAt<T>{base + c * cs}, run + c, C);
        }
        for (int64_t r = 0; r < kRuns; r++)
          for (int64_t i = 0; i < width; i++) acc[i] += double(runs[size_t(r * width + i)]);
        std::fill(runs.data(), runs.data() + kRuns * width, T(0));
      }
    }
  });
  for (int64_t c = 0; c < C; c++)
    for (int k = 0; k < K; k++) {
      double total = 0;
      for (int64_t blk = 0; blk < blocks; blk++) total += partial[size_t(blk * width + k * C + c)];
      out[c * K + k] = total;
    }
}

// Calls g(c, b, base, count, step) over runs that cover every element once. In plane
// order a run is channel c's inner elements (b = 0 at its start); in row order it is the
// channels of one position (c = -1, b = that position's inner index). Runs with step 1
// are the common case and the loops below vectorise them.
template <class G>
void forEachRun(const NormShape& s, const G& g) {
  const int64_t C = s.channels;
  if (!rowOrder(s)) {
    parallelFor(s.outer * C, grainFor(s.inner), [&](int64_t begin, int64_t end) {
      for (int64_t ac = begin; ac < end; ac++) {
        const int64_t a = ac / C, c = ac % C;
        g(c, int64_t(0), a * s.outerStride + c * s.channelStride, s.inner, s.innerStride);
      }
    });
    return;
  }
  const int64_t positionStride = s.inner > 1 ? s.innerStride : s.outerStride;
  parallelFor(s.outer * s.inner, grainFor(C), [&](int64_t begin, int64_t end) {
    // b follows p % inner without a division per (short) run.
    for (int64_t p = begin, b = begin % s.inner; p < end; p++) {
      g(int64_t(-1), b, p * positionStride, C, s.channelStride);
      if (++b == s.inner) b = 0;
    }
  });
}

// y[i] = x[i] * scale + shift over a run, scale/shift fixed (per-channel run) or per
// element of the run (row run, indexed by channel).
template <class T>
void scaleShiftRun(const T* x, T* y, int64_t count, int64_t step, const T* scale, const T* shift, int64_t c) {
  if (c >= 0) {
    const T a = scale[c], b = shift[c];
    if (step == 1)
      for (int64_t i = 0; i < count; i++) y[i] = x[i] * a + b;
    else
      for (int64_t i = 0; i < count; i++) y[i * step] = x[i * step] * a + b;
  } else if (step == 1) {
    for (int64_t i = 0; i < count; i++) y[i] = x[i] * scale[i] + shift[i];
  } else {
    for (int64_t i = 0; i < count; i++) y[i * step] = x[i * step] * scale[i] + shift[i];
  }
}


template <class T>
void normStats(const NormShape& s, const T* x, T* mean, T* var) {
  const int64_t C = s.channels, count = s.outer * s.inner;
  if (C == 0) return;
  Scratch<> sums{size_t(C)}, means{size_t(C)};
  sumPerChannel<1, T>(s, [x](int64_t, auto at, auto* acc, int64_t) { acc[0] += at(x); }, sums.data());
  for (int64_t c = 0; c < C; c++) means[size_t(c)] = count > 0 ? sums[size_t(c)] / double(count) : 0.0;
  const double* m = means.data();
  Scratch<T> narrowMeans{size_t(C)};
  for (int64_t c = 0; c < C; c++) narrowMeans[size_t(c)] = T(m[c]);
  const T* mt = narrowMeans.data();
  sumPerChannel<1, T>(
      s,
      [x, m, mt](int64_t c, auto at, auto* acc, int64_t) {
        if constexpr (decltype(at)::kNarrow) {
          const T d = at(x) - mt[c];
          acc[0] += d * d;
        } else {
          const auto d = at(x) - m[c];
          acc[0] += d * d;
        }
      },
      sums.data());
  for (int64_t c = 0; c < C; c++) {
    // An empty channel gives NaN statistics, as PyTorch's mean of nothing.
    mean[c] = count > 0 ? T(m[c]) : T(NAN);
    var[c] = count > 0 ? T(sums[size_t(c)] / double(count)) : T(NAN);
  }
}

template <class T>
void normApply(const NormShape& s, const T* x, T* y, const T* mean, const T* invstd, const T* weight, const T* bias,
               AffineAxis axis) {
  const int64_t C = s.channels;
  if (axis == AffineAxis::Channel || (weight == nullptr && bias == nullptr)) {
    // y = x * scale[c] + shift[c], as PyTorch's batch_norm_cpu_transform_input.
    Scratch<T> scale{size_t(C)}, shift{size_t(C)};
    for (int64_t c = 0; c < C; c++) {
      const double w = weight ? double(weight[c]) : 1.0, b = bias ? double(bias[c]) : 0.0;
      scale[size_t(c)] = T(double(invstd[c]) * w);
      shift[size_t(c)] = T(b - double(mean[c]) * double(invstd[c]) * w);
    }
    const T* sc = scale.data();
    const T* sh = shift.data();
    forEachRun(s, [&](int64_t c, int64_t, int64_t base, int64_t count, int64_t step) {
      scaleShiftRun(x + base, y + base, count, step, sc, sh, c);
    });
    return;
  }
  // Layer norm: weight and bias follow the inner index; absent ones read as 1 and 0.
  Scratch<T> ones{size_t(s.inner)}, zeros{size_t(s.inner)};
  if (!weight) std::fill(ones.data(), ones.data() + s.inner, T(1));
  const T* w = weight ? weight : ones.data();
  const T* bb = bias ? bias : zeros.data();
  forEachRun(s, [&](int64_t c, int64_t b, int64_t base, int64_t count, int64_t step) {
    const T* xr = x + base;
    T* yr = y + base;
    if (c >= 0) {
      const T m = mean[c], is = invstd[c];
      if (step == 1)
        for (int64_t i = 0; i < count; i++) yr[i] = (xr[i] - m) * is * w[i] + bb[i];
      else
        for (int64_t i = 0; i < count; i++) yr[i * step] = (xr[i * step] - m) * is * w[i] + bb[i];
    } else {
      for (int64_t i = 0; i < count; i++) yr[i * step] = (xr[i * step] - mean[i]) * invstd[i] * w[b] + bb[b];
    }
  });
}

template <class T>
void batchNormBackward(const NormShape& s, const T* dy, const T* x, const T* mean, const T* invstd, const T* weight,
                       bool training, T* dx, T* dw, T* db) {
  const int64_t C = s.channels, count = s.outer * s.inner;
  if (C == 0) return;
  // Per channel: sum of dy and of dy * (x - mean).
  Scratch<> sums{size_t(C * 2)};
  sumPerChannel<2, T>(
      s,
      [=](int64_t c, auto at, auto* acc, int64_t ks) {
        const auto g = at(dy);
        acc[0] += g;
        if constexpr (decltype(at)::kNarrow) acc[ks] += g * (at(x) - mean[c]);
        else acc[ks] += g * (at(x) - double(mean[c]));
      },
      sums.data());
  for (int64_t c = 0; c < C; c++) {
    if (dw) dw[c] = T(sums[size_t(2 * c + 1)] * double(invstd[c]));
    if (db) db[c] = T(sums[size_t(2 * c)]);
  }
  if (!dx) return;
  // dx = w * invstd * (dy - mean(dy) - (x - mean) * invstd^2 * mean(dy * (x - mean)))
  // in training; w * invstd * dy with fixed (running) statistics. Per channel:
  // dx = k * dy + kx * (x - mean) + k0 (x stays centred: no cancellation for large means).
  Scratch<T> k{size_t(C)}, kx{size_t(C)}, k0{size_t(C)};
  for (int64_t c = 0; c < C; c++) {
    const double is = double(invstd[c]), w = weight ? double(weight[c]) : 1.0, n = double(count);
    const double meanDy = training && count > 0 ? sums[size_t(2 * c)] / n : 0.0;
    const double proj = training && count > 0 ? sums[size_t(2 * c + 1)] / n * is * is : 0.0;
    k[size_t(c)] = T(w * is);
    kx[size_t(c)] = T(-w * is * proj);
    k0[size_t(c)] = T(-w * is * meanDy);
  }
  const T* kp = k.data();
  const T* kxp = kx.data();
  const T* k0p = k0.data();
  forEachRun(s, [&](int64_t c, int64_t, int64_t base, int64_t n, int64_t step) {
    const T* g = dy + base;
    const T* xr = x + base;
    T* out = dx + base;
    if (c >= 0) {
      const T a = kp[c], ax = kxp[c], a0 = k0p[c], m = mean[c];
      if (step == 1)
        for (int64_t i = 0; i < n; i++) out[i] = a * g[i] + ax * (xr[i] - m) + a0;
      else
        for (int64_t i = 0; i < n; i++) out[i * step] = a * g[i * step] + ax * (xr[i * step] - m) + a0;
    } else if (step == 1) {
      for (int64_t i = 0; i < n; i++) out[i] = kp[i] * g[i] + kxp[i] * (xr[i] - mean[i]) + k0p[i];
    } else {
      for (int64_t i = 0; i < n; i++) out[i * step] = kp[i] * g[i * step] + kxp[i] * (xr[i * step] - mean[i]) + k0p[i];
    }
  });
}


// One layer-norm row segment of `count` elements `step` apart (Step > 0: that step known
// at compile time, so unit-stride rows vectorise; Step == 0: the runtime `step`).
template <int64_t Step, class T>
struct RowView {
  const T* g;
  const T* x;
  int64_t step;
  int64_t at(int64_t i) const { return i * (Step > 0 ? Step : step); }
};

// Adds sum of dy * w and of dy * w * (x - m) over the segment: eight lanes at a time on
// unit-stride rows (see sumPerChannel), one element at a time otherwise.
template <int64_t Step, class T>
void rowSums(const RowView<Step, T>& r, const T* w, int64_t count, double m, double* sumG, double* sumGX) {
  Lanes g8 = {}, gx8 = {};
  int64_t b = 0;
  if constexpr (Step == 1)
    for (; b + 8 <= count; b += 8) {
      const LanesAt<T> at{b};
      const Lanes gw = at(r.g) * at(w);
      g8 += gw;
      gx8 += gw * (at(r.x) - m);
    }
  double g = 0, gx = 0;
  for (; b < count; b++) {
    const double gw = double(r.g[r.at(b)]) * double(w[b]);
    g += gw;
    gx += gw * (double(r.x[r.at(b)]) - m);
  }
  *sumG += laneTotal(g8) + g;
  *sumGX += laneTotal(gx8) + gx;
}

// dx = is * (dy * w - meanG - (x - m) * is * meanGX) over the segment.
template <int64_t Step, class T>
void rowGradInput(const RowView<Step, T>& r, const T* w, T* out, int64_t count, double m, double is, double meanG,
                  double meanGX) {
  // In T, as PyTorch's kernel: float rows vectorise twice as wide as double ones.
  const T kg = T(is), k0 = T(is * meanG), kx = T(is * is * meanGX), mt = T(m);
  for (int64_t b = 0; b < count; b++) out[r.at(b)] = kg * r.g[r.at(b)] * w[b] - k0 - (r.x[r.at(b)] - mt) * kx;
}

// acc[b] += dy * (x - m) * is (weight's gradient), acc[count + b] += dy (bias'), in T
// (float rows vectorise twice as wide, without conversions): the caller folds acc into
// double sums every kAffineRun rows, so no float sum runs over more than that.
template <int64_t Step, class T>
void rowAffineGrads(const RowView<Step, T>& r, T* acc, int64_t count, double m, double is) {
  const T mt = T(m), ist = T(is);
  for (int64_t b = 0; b < count; b++) {
    const T g = r.g[r.at(b)];
    acc[b] += g * (r.x[r.at(b)] - mt) * ist;
    acc[count + b] += g;
  }
}

constexpr int64_t kAffineRun = 64;

// Elements a float lane sums before its total joins the row's double sums.
constexpr int64_t kFloatSumRun = 256;

// A float row of unit stride, when both dx and the affine gradients are wanted: one pass
// over dy and x does what rowSums and rowAffineGrads do in two, with sixteen float lanes
// instead of eight double ones (the double lanes' conversions made rowSums half of the
// backward). Lanes are folded into the double sums every kFloatSumRun elements, so the
// rounding error does not grow with the row; PyTorch's kernel sums the whole row in float.
inline void rowSumsAndAffineGrads(const float* g, const float* x, const float* w, float* acc, int64_t count,
                                  double m, double is, double* sumG, double* sumGX) {
  typedef float Floats16 __attribute__((vector_size(64)));
  auto load = [](const float* p) {
    Floats16 v;
    std::memcpy(&v, p, sizeof v);
    return v;
  };
  auto total = [](const Floats16& v) {
    double t = 0;
    for (int k = 0; k < 16; k++) t += double(v[k]);
    return t;
  };
  const float mt = float(m), ist = float(is);
  double sg = 0, sgx = 0;
  int64_t b = 0;
  while (b + 16 <= count) {
    const int64_t stop = std::min(count, b + kFloatSumRun);
    Floats16 g16 = {}, gx16 = {};
    for (; b + 16 <= stop; b += 16) {
      const Floats16 gv = load(g + b), xm = load(x + b) - mt, gw = gv * load(w + b);
      g16 += gw;
      gx16 += gw * xm;
      const Floats16 dw = load(acc + b) + gv * xm * ist, db = load(acc + count + b) + gv;
      std::memcpy(acc + b, &dw, sizeof dw);
      std::memcpy(acc + count + b, &db, sizeof db);
    }
    sg += total(g16);
    sgx += total(gx16);
  }
  for (; b < count; b++) {
    const double gw = double(g[b]) * double(w[b]);
    sg += gw;
    sgx += gw * (double(x[b]) - m);
    acc[b] += g[b] * (x[b] - mt) * ist;
    acc[count + b] += g[b];
  }
  *sumG += sg;
  *sumGX += sgx;
}

template <class T>
void layerNormBackward(const NormShape& s, const T* dy, const T* x, const T* mean, const T* invstd, const T* weight,
                       T* dx, T* dw, T* db) {
  const int64_t rows = s.channels, n = s.outer * s.inner, inner = s.inner;
  Scratch<T> ones{size_t(inner)};
  if (!weight) std::fill(ones.data(), ones.data() + inner, T(1));
  const T* w = weight ? weight : ones.data();
  const bool unit = s.innerStride == 1;
  auto segment = [&](int64_t a, int64_t c) { return a * s.outerStride + c * s.channelStride; };
  if (rows == 0 || n == 0) {
    for (int64_t b = 0; b < inner; b++) {
      if (dw) dw[b] = T(0);
      if (db) db[b] = T(0);
    }
    return;
  }
  // Blocks of rows: each computes its rows' dx and, in the same pass over dy and x, its
  // partial dw[b] = sum of dy * xhat and db[b] = sum of dy; partials are combined in
  // block order (deterministic whatever the thread count).
  const bool affine = dw || db;
  const bool fused = dx && affine && unit && std::is_same<T, float>::value;  // rowSumsAndAffineGrads
  const int64_t blocks = std::min(rows, kMaxBlocks);
  const int64_t perBlock = (rows + blocks - 1) / blocks;
  Scratch<> partial{affine ? size_t(blocks * inner * 2) : 0};
  parallelFor(blocks, grainFor(perBlock * n), [&](int64_t first, int64_t last) {
    Scratch<T> run{affine ? size_t(inner * 2) : 0};  // zeroed
    for (int64_t blk = first; blk < last; blk++) {
      double* acc = partial.data() + blk * inner * 2;
      const int64_t begin = blk * perBlock, end = std::min(rows, (blk + 1) * perBlock);
      for (int64_t c = begin; c < end; c++) {
        const double m = double(mean[c]), is = double(invstd[c]);
        if (dx) {
          double sumG = 0, sumGX = 0;
          for (int64_t a = 0; a < s.outer; a++) {
            const int64_t base = segment(a, c);
            if constexpr (std::is_same<T, float>::value) {
              if (fused) {
                rowSumsAndAffineGrads(dy + base, x + base, w, run.data(), inner, m, is, &sumG, &sumGX);
                continue;
              }
            }
            if (unit) rowSums(RowView<1, T>{dy + base, x + base, 1}, w, inner, m, &sumG, &sumGX);
            else rowSums(RowView<0, T>{dy + base, x + base, s.innerStride}, w, inner, m, &sumG, &sumGX);
          }
          const double meanG = sumG / double(n), meanGX = sumGX * is / double(n);
          for (int64_t a = 0; a < s.outer; a++) {
            const int64_t base = segment(a, c);
            if (unit) rowGradInput(RowView<1, T>{dy + base, x + base, 1}, w, dx + base, inner, m, is, meanG, meanGX);
            else rowGradInput(RowView<0, T>{dy + base, x + base, s.innerStride}, w, dx + base, inner, m, is, meanG, meanGX);
          }
        }
        if (affine) {
          for (int64_t a = 0; a < s.outer && !fused; a++) {
            const int64_t base = segment(a, c);
            if (unit) rowAffineGrads(RowView<1, T>{dy + base, x + base, 1}, run.data(), inner, m, is);
            else rowAffineGrads(RowView<0, T>{dy + base, x + base, s.innerStride}, run.data(), inner, m, is);
          }
          if ((c - begin + 1) % kAffineRun == 0 || c + 1 == end) {
            for (int64_t b = 0; b < inner * 2; b++) acc[b] += double(run[size_t(b)]);
            std::fill(run.data(), run.data() + inner * 2, T(0));
          }
        }
      }
    }
  });
  if (!affine) return;
  for (int64_t b = 0; b < inner; b++) {
    double sw = 0, sb = 0;
    for (int64_t blk = 0; blk < blocks; blk++) {
      sw += partial[size_t(blk * inner * 2 + b)];
      sb += partial[size_t(blk * inner * 2 + inner + b)];
    }
    if (dw) dw[b] = T(sw);
    if (db) db[b] = T(sb);
  }
}

}  // namespace

extern const NormKernels kNormKernels;
const NormKernels kNormKernels = {
    {normStats<float>, normApply<float>, batchNormBackward<float>, layerNormBackward<float>},
    {normStats<double>, normApply<double>, batchNormBackward<double>, layerNormBackward<double>},
};

}  // namespace TG_ISA_NS
}  // namespace tg
