// The three convolution passes as GEMMs over column tiles (kernels/conv/im2col.h).
// For one group g (weight rows [g*og, (g+1)*og), input channels [g*cg, (g+1)*cg)):
//   NCHW  forward      y[n][o][p]  = W[o][k] col[n][k][p]       (batched over the tile's images)
//         grad input   col[n][k][p] = W^T[k][o] gy[n][o][p]     then col2im
//         grad weight  gW[o][k]   += gy[n][o][p] col^T[p][k]    (one product per image)
//   NHWC  forward      y[np][o]    = col[np][k] W^T[k][o]       (images and pixels are one dim)
//         grad input   col[np][k]  = gy[np][o] W[o][k]          then col2im
//         grad weight  gW[o][k]   += gy^T[o][np] col[np][k]     (one product per tile)
// A direct (1x1, stride 1, no padding) convolution uses the input itself as col.
// Which path runs:
//   1x1 stride 1 unpadded          plain GEMMs on the tensors (no copy); the forward of a
//                                   channels_last float32 layer on AVX-512 runs the
//                                   direct kernel below instead
//   stride 1, one group, kw*C >= 64 kernel-row paths on a padded NHWC copy (conv_rows.h):
//                                   the direct AVX-512 kernel for float32 (conv_direct.h),
//                                   kh GEMMs otherwise; grad input as a flipped forward
//   otherwise                      im2col tiles + GEMM (+ col2im); weight gradients of one
//                                   group in float32 on AVX-512 by the direct kernel's
//                                   outer-product accumulation
#include "kernels/conv/conv.h"

#include <algorithm>
#include <new>

#include "core/allocator.h"
#include "core/cpu_features.h"
#include "core/thread_pool.h"
#include "kernels/conv/conv_direct.h"
#include "kernels/conv/conv_taps.h"
#include "kernels/conv/conv_rows.h"
#include "kernels/conv/im2col.h"
#include "kernels/gemm/gemm.h"

namespace tg {
namespace {

using conv::ConvTile;

// Column scratch per tile: large enough that the GEMM runs at full speed, small enough
// to stay in the last-level cache between im2col and the GEMM's packing.
constexpr int64_t kColumnBudgetBytes = int64_t(512) << 10;

struct TilePlan {
  int64_t images, rows;
};

TilePlan planTiles(const ConvGeometry& g, int64_t item) {
  if (g.direct()) return {std::max<int64_t>(g.n, 1), g.oh};
  const int64_t rowBytes = g.c * g.kh * g.kw * g.ow * item;
  const int64_t imageBytes = rowBytes * g.oh;
  if (imageBytes == 0) return {std::max<int64_t>(g.n, 1), std::max<int64_t>(g.oh, 1)};
  if (imageBytes <= kColumnBudgetBytes)
    return {std::min(std::max<int64_t>(kColumnBudgetBytes / imageBytes, 1), g.n), g.oh};
  const int64_t pieces = conv::ceilDiv(imageBytes, kColumnBudgetBytes);
  return {1, std::max<int64_t>(conv::ceilDiv(g.oh, pieces), 1)};
}

// Calls fn(tile) for every tile of the plan, images outermost.
template <class F>
void forEachTile(const ConvGeometry& g, const TilePlan& plan, const F& fn) {
  for (int64_t n0 = 0; n0 < g.n; n0 += plan.images)
    for (int64_t r0 = 0; r0 < g.oh; r0 += plan.rows)
      fn(ConvTile{n0, std::min(plan.images, g.n - n0), r0, std::min(plan.rows, g.oh - r0)});
}

// Scratch from the caching allocator, so a training loop reuses warm pages.
class Scratch {
 public:
  explicit Scratch(size_t bytes) {
    if (bytes == 0) return;
    block_ = CachingAllocator::instance().allocate(bytes, &blockBytes_);
    if (block_ == nullptr) throw std::bad_alloc();
  }
  ~Scratch() {
    if (block_ != nullptr) CachingAllocator::instance().release(block_, blockBytes_);
  }
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;
  template <class T>
  T* as() const {
    return static_cast<T*>(block_);
  }

 private:
  void* block_ = nullptr;
  size_t blockBytes_ = 0;
};

template <class T>
GemmOperand operand(const T* data, int64_t batchStride, int64_t rowStride, int64_t colStride) {
  return GemmOperand{reinterpret_cast<char*>(const_cast<T*>(data)), batchStride, rowStride, colStride};
}

// The direct AVX-512 kernels (conv_direct.h) take float32 on the AVX-512 capability.
template <class T>
bool directKernelRuns() {
  return sizeof(T) == 4 && activeCapability() == CpuCapability::Avx512;
}

template <class T>
void product(int64_t batch, int64_t m, int64_t n, int64_t k, double beta, GemmOperand c, GemmOperand a, GemmOperand b) {
  GemmProblem p;
  p.dtype = sizeof(T) == 4 ? DType::Float32 : DType::Float64;
  p.batch = batch;
  p.m = m;
  p.n = n;
  p.k = k;
  p.alpha = 1;
  p.beta = beta;
  p.c = c;
  p.a = a;
  p.b = b;
  gemm(p);
}

template <class T>
void im2col(const ConvGeometry& g, const ConvTile& t, const T* x, T* col) {
  if (g.channelsLast) conv::im2colNhwc<T>(g, t, x, col);
  else conv::im2colNchw<T>(g, t, x, col);
}

template <class T>
void fillParallel(T* data, int64_t count, T value) {
  parallelFor(count, int64_t(1) << 16, [&](int64_t b, int64_t e) { std::fill(data + b, data + e, value); });
}

// Writes each output channel's bias into the tile's outputs; the GEMM then adds onto it.
template <class T>
void fillBias(const ConvGeometry& g, const ConvTile& t, T* y, const T* bias) {
  const int64_t outPixels = g.oh * g.ow, pixels = t.rows * g.ow;
  if (!g.channelsLast) {
    parallelFor(t.images * g.o, conv::grainFor(pixels), [&](int64_t u0, int64_t u1) {
      for (int64_t u = u0; u < u1; u++) {
        T* dst = y + ((t.image0 + u / g.o) * g.o + u % g.o) * outPixels + t.row0 * g.ow;
        std::fill(dst, dst + pixels, bias[u % g.o]);
      }
    });
    return;
  }
  T* first = y + (t.image0 * outPixels + t.row0 * g.ow) * g.o;  // images and pixels are one dim
  parallelFor(t.images * pixels, conv::grainFor(g.o), [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; r++) std::copy(bias, bias + g.o, first + r * g.o);
  });
}

// The direct kernel computes tiles of kDirectRowTile output pixels. Over the padded grid
// (one line of oh * wpad pixels per image) it also computes the kw - 1 dropped columns of
// every row; by output row it computes none, but pads each row to whole tiles. Rows win
// when they waste less (issue 9's A and B: rows of 56 and 28, 4 and 2 whole tiles, against
// 3.6% and 7% dropped columns).
inline bool directByRow(const ConvGeometry& g, const conv::RowsLayout& l) {
  const int64_t byRow = g.oh * ((g.ow + kDirectRowTile - 1) / kDirectRowTile) * kDirectRowTile;
  const int64_t padded = (g.oh * l.wpad + kDirectRowTile - 1) / kDirectRowTile * kDirectRowTile;
  return byRow <= padded;
}

// A stride-1 convolution on its padded input (kernels/conv/conv_rows.h); w is (o, kh, kw, c).
template <class T>
void forwardRows(const ConvGeometry& g, T* y, const T* x, const T* wNhwc, const T* bias) {
  const conv::RowsLayout l = conv::rowsLayout(g);
  const bool directKernel = directKernelRuns<T>();
  const bool byRow = directKernel && directByRow(g, l);
  // By output row, a channels_last output is stored straight into y, bias included: no
  // scratch outputs and no unpacking pass.
  const bool straight = byRow && g.channelsLast;
  conv::RowsLayout outLayout = l;  // how the scratch outputs are laid out, for unpackOutput
  if (byRow) {
    outLayout.wpad = g.ow;
    outLayout.outImage = straight ? 0 : g.oh * g.ow * g.o;
  }
  const int64_t perImage = (l.padImage + outLayout.outImage) * int64_t(sizeof(T));
  int64_t images = std::min(std::max<int64_t>(kColumnBudgetBytes / perImage, 1), g.n);
  const int threads = getNumThreads();
  if (threads > 1 && images > threads) images -= images % threads;  // whole images per thread
  // The last rows read kw - 1 pixels past an image (the direct kernel's last tile of 14
  // rows, 13 more).
  const int64_t slack = ((directKernel ? kDirectRowTile : 1) + g.kw) * g.c;
  Scratch scratch(size_t(images * (l.padImage + outLayout.outImage) + slack) * sizeof(T));
  T* xp = scratch.as<T>();
  T* ys = xp + images * l.padImage + slack;
  std::fill(xp + images * l.padImage, ys, T(0));
  const int64_t k = g.kh * g.kw * g.c;
  // The direct kernel's weight: [(i, j, c)][o], o padded with zeros to whole 32-wide blocks.
  const int64_t oPad = (g.o + 31) / 32 * 32;
  Scratch packed(directKernel ? size_t(k * oPad) * sizeof(T) : 0);
  if (directKernel) {
    T* wp = packed.as<T>();
    for (int64_t kk = 0; kk < k; kk++) {
      for (int64_t o = 0; o < g.o; o++) wp[kk * oPad + o] = wNhwc[o * k + kk];
      std::fill(wp + kk * oPad + g.o, wp + (kk + 1) * oPad, T(0));
    }
  }
  for (int64_t n0 = 0; n0 < g.n; n0 += images) {
    const int64_t nb = std::min(images, g.n - n0);
    conv::packPadded(g, l, x, n0, nb, xp);
    if (directKernel) {
      DirectConvArgs a{reinterpret_cast<const float*>(xp), nb, l.padImage, g.c, l.wpad, g.dh, g.kh, g.kw,
                       packed.as<float>(), g.o, oPad};  // the output's fields below, by mode
      if (byRow) {
        a.ys = reinterpret_cast<float*>(straight ? y + n0 * g.oh * g.ow * g.o : ys);
        a.outImage = g.oh * g.ow * g.o;
        a.lines = g.oh;
        a.linePixels = g.ow;
        a.inLineStride = l.wpad * g.c;
        a.outLineStride = g.ow * g.o;
        a.bias = straight ? reinterpret_cast<const float*>(bias) : nullptr;
      } else {
        a.ys = reinterpret_cast<float*>(ys);
        a.outImage = l.outImage;
        a.lines = 1;
        a.linePixels = g.oh * l.wpad;
      }
      isa_avx512::convDirectFloat32(a);
    } else {
      for (int64_t i = 0; i < g.kh; i++)
        product<T>(nb, g.oh * l.wpad, g.o, g.kw * g.c, i == 0 ? 0 : 1, operand(ys, l.outImage, g.o, 1),
                   operand(xp + i * g.dh * l.wpad * g.c, l.padImage, g.c, 1), operand(wNhwc + i * g.kw * g.c, 0, 1, k));
    }
    if (!straight) conv::unpackOutput(g, outLayout, ys, n0, nb, bias, y);
  }
}

// The register-tap kernels (conv_taps.h: forward and weight gradient) for float32 NCHW
// layers with few input channels (up to 8), kernels up to 5x5, stride 1 and no padding or
// dilation, where the column-matrix GEMM is thin (a few output channels by 25 taps) and
// im2col writes 25 floats per input float.
bool tapsApplicable(const ConvGeometry& g, size_t item) {
  return item == 4 && activeCapability() == CpuCapability::Avx512 && !g.channelsLast && g.groups == 1 && g.c <= 8 &&
         g.sh == 1 && g.sw == 1 && g.ph == 0 && g.pw == 0 && g.dh == 1 && g.dw == 1 && g.ow >= 8 &&
         isa_avx512::convTapGradWeightSupports(g.kh, g.kw) && g.kh > 1;
}

// The channels_last weight gradient with one input channel (issue 9's shape D in
// channels_last): the same layers, with the output gradient's channels contiguous.
bool channelsLastTapsApplicable(const ConvGeometry& g, size_t item) {
  ConvGeometry asNchw = g;
  asNchw.channelsLast = false;
  return g.channelsLast && g.c == 1 && tapsApplicable(asNchw, item);
}

// A channels_last 1x1 forward in float32 on AVX-512 runs the direct kernel too (its input
// copied into tiles as is): the GEMM would transpose the input into panels and fill the
// output with the bias first (C: 6.4% and 2.6% of its forward). NCHW measured no faster.
template <class T>
bool oneByOneRunsDirect(const ConvGeometry& g) {
  return g.direct() && g.channelsLast && directKernelRuns<T>() && g.groups == 1 && g.c >= conv::kMinRowDepth &&
         g.o >= conv::kMinRowOutputs;
}

template <class T>
void forward(const ConvGeometry& g, T* y, const T* x, const T* w, const T* bias) {
  // Up to 8 input channels (LeNet's second layer: 6), where rows of taps in registers
  // still beat im2col's 150-deep column matrix.
  if (tapsApplicable(g, sizeof(T)) && g.n > 0 && g.oh > 0 && g.o > 0) {
    return isa_avx512::convTapForwardFloat32(TapForwardArgs{reinterpret_cast<const float*>(x), reinterpret_cast<const float*>(w),
                                                            reinterpret_cast<const float*>(bias), reinterpret_cast<float*>(y),
                                                            g.n, g.c, g.h, g.w, g.o, g.oh, g.ow, g.kh, g.kw});
  }
  if ((conv::rowsApplicable(g) || oneByOneRunsDirect<T>(g)) && g.n > 0 && g.oh > 0 && g.ow > 0 && g.o > 0) {
    Scratch repacked(g.channelsLast ? 0 : size_t(g.o * g.patch()) * sizeof(T));
    if (!g.channelsLast) conv::weightAsNhwc(g, w, repacked.as<T>());
    return forwardRows(g, y, x, g.channelsLast ? w : repacked.as<T>(), bias);
  }
  const int64_t og = g.outGroup(), cg = g.inGroup(), k = g.patch(), kTotal = g.c * g.kh * g.kw;
  const int64_t inPixels = g.h * g.w, outPixels = g.oh * g.ow;
  const double beta = bias != nullptr ? 1 : 0;
  const TilePlan plan = planTiles(g, sizeof(T));
  const bool direct = g.direct();
  Scratch scratch(direct ? 0 : size_t(plan.images * plan.rows * g.ow * kTotal) * sizeof(T));
  T* col = scratch.as<T>();
  forEachTile(g, plan, [&](const ConvTile& t) {
    const int64_t pixels = t.rows * g.ow;
    if (!direct) im2col(g, t, x, col);
    if (bias != nullptr) fillBias(g, t, y, bias);
    for (int64_t grp = 0; grp < g.groups; grp++) {
      if (!g.channelsLast) {
        const GemmOperand columns = direct ? operand(x + (t.image0 * g.c + grp * cg) * inPixels, g.c * inPixels, inPixels, 1)
                                           : operand(col + grp * k * pixels, kTotal * pixels, pixels, 1);
        product<T>(t.images, og, pixels, k, beta,
                   operand(y + (t.image0 * g.o + grp * og) * outPixels + t.row0 * g.ow, g.o * outPixels, outPixels, 1),
                   operand(w + grp * og * k, 0, k, 1), columns);
      } else {
        const GemmOperand columns = direct ? operand(x + t.image0 * inPixels * g.c + grp * cg, 0, g.c, 1)
                                           : operand(col + grp * k, 0, kTotal, 1);
        product<T>(1, t.images * pixels, og, k, beta,
                   operand(y + (t.image0 * outPixels + t.row0 * g.ow) * g.o + grp * og, 0, g.o, 1), columns,
                   operand(w + grp * og * k, 0, 1, k));
      }
    }
  });
}

template <class T>
void gradInput(const ConvGeometry& g, T* gx, const T* gy, const T* w) {
  if (tapsApplicable(g, sizeof(T)) && g.c <= kMaxTapGradInputChannels && g.ow <= 8 && g.w <= 16 && g.n > 0 && g.o > 0) {
    return isa_avx512::convTapGradInputFloat32(TapGradInputArgs{reinterpret_cast<const float*>(w), reinterpret_cast<const float*>(gy),
                                                                reinterpret_cast<float*>(gx), g.n, g.c, g.h, g.w, g.o, g.oh,
                                                                g.ow, g.kh, g.kw});
  }
  const int64_t og = g.outGroup(), cg = g.inGroup(), k = g.patch(), kTotal = g.c * g.kh * g.kw;
  const int64_t inPixels = g.h * g.w, outPixels = g.oh * g.ow;
  const bool direct = g.direct();
  const ConvGeometry asForward = conv::gradInputAsForward(g);
  if (conv::rowsApplicable(g) && conv::rowsApplicable(asForward) && g.n > 0 && g.h > 0 && g.w > 0) {
    Scratch flipped(size_t(g.o * g.patch()) * sizeof(T));
    conv::weightFlipped(g, w, flipped.as<T>());
    return forwardRows(asForward, gx, gy, flipped.as<T>(), static_cast<const T*>(nullptr));
  }
  if (!direct || g.o == 0) fillParallel(gx, g.n * g.c * inPixels, T(0));
  if (g.oh == 0 || g.ow == 0 || g.o == 0) return;
  if (direct) {
    for (int64_t grp = 0; grp < g.groups; grp++) {
      if (!g.channelsLast)
        product<T>(g.n, cg, inPixels, og, 0, operand(gx + grp * cg * inPixels, g.c * inPixels, inPixels, 1),
                   operand(w + grp * og * cg, 0, 1, cg), operand(gy + grp * og * inPixels, g.o * inPixels, inPixels, 1));
      else
        product<T>(1, g.n * inPixels, cg, og, 0, operand(gx + grp * cg, 0, g.c, 1), operand(gy + grp * og, 0, g.o, 1),
                   operand(w + grp * og * cg, 0, cg, 1));
    }
    return;
  }
  const TilePlan plan = planTiles(g, sizeof(T));
  Scratch scratch(size_t(plan.images * plan.rows * g.ow * kTotal) * sizeof(T));
  T* col = scratch.as<T>();
  forEachTile(g, plan, [&](const ConvTile& t) {
    const int64_t pixels = t.rows * g.ow;
    for (int64_t grp = 0; grp < g.groups; grp++) {
      const int64_t first = t.image0 * g.o * outPixels;  // gy offset of the tile's first image
      if (!g.channelsLast)
        product<T>(t.images, k, pixels, og, 0, operand(col + grp * k * pixels, kTotal * pixels, pixels, 1),
                   operand(w + grp * og * k, 0, 1, k),
                   operand(gy + first + grp * og * outPixels + t.row0 * g.ow, g.o * outPixels, outPixels, 1));
      else
        product<T>(1, t.images * pixels, k, og, 0, operand(col + grp * k, 0, kTotal, 1),
                   operand(gy + first + t.row0 * g.ow * g.o + grp * og, 0, g.o, 1), operand(w + grp * og * k, 0, k, 1));
    }
    (g.channelsLast ? conv::col2imNhwc<T> : conv::col2imNchw<T>)(g, t, col, gx);
  });
}

// The weight gradient of a stride-1 convolution from the padded input, as (o, kh, kw, c):
//   gW_i[o][(j, c)] = sum_q gy'[q][o] xpad[q + i*dh*wpad][(j, c)]
// with gy' the output gradient over the padded grid (zeros where no output is), so the
// images of a tile are one long GEMM depth.
template <class T>
void gradWeightRows(const ConvGeometry& g, T* gwNhwc, const T* gy, const T* x) {
  const conv::RowsLayout l = conv::rowsLayout(g);
  const int64_t gyImage = l.hpad * l.wpad * g.o;
  const int64_t perImage = (l.padImage + gyImage) * int64_t(sizeof(T));
  const int64_t images = std::min(std::max<int64_t>(kColumnBudgetBytes / perImage, 1), g.n);
  const bool directKernel = directKernelRuns<T>();
  // Reads past the end: kw - 1 pixels of xp (the direct kernel: 32 more elements), and
  // 13 elements of the gradient (the direct kernel's last row tile).
  const int64_t slack = (g.kw + (directKernel ? 1 : 0)) * g.c + 32, gySlack = directKernel ? kDirectRowTile : 0;
  Scratch scratch(size_t(images * (l.padImage + gyImage) + slack + gySlack) * sizeof(T));
  T* xp = scratch.as<T>();
  T* gyp = xp + images * l.padImage + slack;
  std::fill(xp + images * l.padImage, gyp, T(0));
  std::fill(gyp + images * gyImage, gyp + images * gyImage + gySlack, T(0));
  const int64_t k = g.kh * g.kw * g.c;
  for (int64_t n0 = 0; n0 < g.n; n0 += images) {
    const int64_t nb = std::min(images, g.n - n0);
    conv::packPadded(g, l, x, n0, nb, xp);
    conv::packGradOutput(g, l, gy, n0, nb, gyp);
    const int64_t depth = (nb - 1) * l.hpad * l.wpad + g.oh * l.wpad;
    if (directKernel) {
      isa_avx512::convDirectGradWeightFloat32(DirectGradWeightArgs{
          reinterpret_cast<const float*>(xp), g.c, l.wpad, g.dh, g.kh, g.kw, reinterpret_cast<const float*>(gyp), g.o,
          nb, l.hpad * l.wpad, g.oh, g.ow, reinterpret_cast<float*>(gwNhwc), n0 > 0});
      continue;
    }
    for (int64_t i = 0; i < g.kh; i++)
      product<T>(1, g.o, g.kw * g.c, depth, n0 == 0 ? 0 : 1, operand(gwNhwc + i * g.kw * g.c, 0, k, 1),
                 operand(gyp, 0, 1, g.o), operand(xp + i * g.dh * l.wpad * g.c, 0, g.c, 1));
  }
}

// NCHW through im2col: the tile's images side by side along the GEMM depth, in col
// (col[k][(image, pixel)]) and in a copy of the output gradient (gyT[o][(image, pixel)]),
// so each tile is one deep product instead of one thin product per image.
template <class T>
void gradWeightNchw(const ConvGeometry& g, const TilePlan& plan, T* gw, const T* gy, const T* x, T* col) {
  const int64_t og = g.outGroup(), k = g.patch(), outPixels = g.oh * g.ow;
  Scratch gyScratch(size_t(plan.images * plan.rows * g.ow * g.o) * sizeof(T));
  T* gyT = gyScratch.as<T>();
  bool first = true;
  forEachTile(g, plan, [&](const ConvTile& t) {
    const int64_t pixels = t.rows * g.ow, depth = t.images * pixels;
    conv::im2colNchw<T>(g, t, x, col, true);
    parallelFor(g.o * t.images, conv::grainFor(pixels), [&](int64_t u0, int64_t u1) {
      for (int64_t u = u0; u < u1; u++) {
        const int64_t o = u / t.images, b = u % t.images;
        const T* src = gy + ((t.image0 + b) * g.o + o) * outPixels + t.row0 * g.ow;
        std::copy(src, src + pixels, gyT + u * pixels);
      }
    });
    for (int64_t grp = 0; grp < g.groups; grp++)
      product<T>(1, og, k, depth, first ? 0 : 1, operand(gw + grp * og * k, 0, k, 1),
                 operand(gyT + grp * og * depth, 0, depth, 1), operand(col + grp * k * depth, 0, 1, depth));
    first = false;
  });
}

// Through im2col, for one group in float32 on AVX-512: the direct kernel's outer-product
// accumulation gw[o][k] (+)= sum_q gyRows[q][o] colRows[q][k] over the tile's pixels, with
// no packing (the GEMM packs both thin operands once per 384-deep block: LeNet's first
// layer, 32 x 25 x 36864, ran at a fifth of the speed). NCHW tiles are transposed first.
template <class T>
void gradWeightOuter(const ConvGeometry& g, const TilePlan& plan, T* gw, const T* gy, const T* x) {
  const int64_t k = g.patch(), outPixels = g.oh * g.ow, rowsMax = plan.images * plan.rows * g.ow;
  Scratch colScratch(size_t(rowsMax * k + 32) * sizeof(T)), gyScratch(size_t(rowsMax * g.o + kDirectRowTile) * sizeof(T));
  Scratch nchwScratch(g.channelsLast ? 0 : size_t(rowsMax * k) * sizeof(T));
  T* colRows = colScratch.as<T>();
  T* gyRows = gyScratch.as<T>();
  std::fill(colRows + rowsMax * k, colRows + rowsMax * k + 32, T(0));  // the kernel's read slack
  std::fill(gyRows + rowsMax * g.o, gyRows + rowsMax * g.o + kDirectRowTile, T(0));
  bool first = true;
  forEachTile(g, plan, [&](const ConvTile& t) {
    const int64_t pixels = t.rows * g.ow, depth = t.images * pixels;
    if (g.channelsLast) {
      conv::im2colNhwc<T>(g, t, x, colRows);
      const T* src = gy + (t.image0 * outPixels + t.row0 * g.ow) * g.o;
      parallelFor(depth, conv::grainFor(g.o), [&](int64_t q0, int64_t q1) {
        std::copy(src + q0 * g.o, src + q1 * g.o, gyRows + q0 * g.o);
      });
    } else {
      T* cols = nchwScratch.as<T>();
      // One input channel: NCHW and NHWC are the same bytes, and the rows come straight out.
      ConvGeometry asNhwc = g;
      asNhwc.channelsLast = true;
      if (g.c == 1) conv::im2colNhwc<T>(asNhwc, t, x, colRows);
      else conv::im2colNchw<T>(g, t, x, cols);
      parallelFor(t.images, 1, [&](int64_t b0, int64_t b1) {
        for (int64_t b = b0; b < b1; b++) {
          if (g.c != 1) conv::transposeBlock(cols + b * k * pixels, pixels, colRows + b * pixels * k, k, k, pixels);
          conv::transposeBlock(gy + (t.image0 + b) * g.o * outPixels + t.row0 * g.ow, outPixels, gyRows + b * pixels * g.o,
                               g.o, g.o, pixels);
        }
      });
    }
    isa_avx512::convDirectGradWeightFloat32(DirectGradWeightArgs{reinterpret_cast<const float*>(colRows), k, 0, 0, 1, 1,
                                                                 reinterpret_cast<const float*>(gyRows), g.o, 1, 0, 1, depth,
                                                                 reinterpret_cast<float*>(gw), !first});
    first = false;
  });
}

template <class T>
void gradWeight(const ConvGeometry& g, T* gw, const T* gy, const T* x) {
  const int64_t og = g.outGroup(), cg = g.inGroup(), k = g.patch(), kTotal = g.c * g.kh * g.kw;
  const int64_t inPixels = g.h * g.w, outPixels = g.oh * g.ow;
  if (g.n == 0 || outPixels == 0 || g.o == 0) return fillParallel(gw, g.o * k, T(0));
  if (conv::rowsApplicable(g)) {
    if (g.channelsLast) return gradWeightRows(g, gw, gy, x);
    Scratch nhwc(size_t(g.o * k) * sizeof(T));
    T* t = nhwc.as<T>();
    gradWeightRows(g, t, gy, x);
    const int64_t taps = g.kh * g.kw;
    for (int64_t o = 0; o < g.o; o++)
      for (int64_t c = 0; c < g.c; c++)
        for (int64_t tap = 0; tap < taps; tap++) gw[(o * g.c + c) * taps + tap] = t[(o * taps + tap) * g.c + c];
    return;
  }
  const bool direct = g.direct();
  if (channelsLastTapsApplicable(g, sizeof(T))) {
    return isa_avx512::convTapGradWeightChannelsLastFloat32(TapGradWeightArgs{
        reinterpret_cast<const float*>(x), reinterpret_cast<const float*>(gy), reinterpret_cast<float*>(gw), g.n, g.c, g.h,
        g.w, g.o, g.oh, g.ow, g.kh, g.kw});
  }
  if (tapsApplicable(g, sizeof(T))) {
    return isa_avx512::convTapGradWeightFloat32(TapGradWeightArgs{reinterpret_cast<const float*>(x),
                                                                  reinterpret_cast<const float*>(gy),
                                                                  reinterpret_cast<float*>(gw), g.n, g.c, g.h, g.w,
                                                                  g.o, g.oh, g.ow, g.kh, g.kw});
  }
  const TilePlan plan = planTiles(g, sizeof(T));
  if (!direct && g.groups == 1 && directKernelRuns<T>())
    return gradWeightOuter(g, plan, gw, gy, x);
  Scratch scratch(direct ? 0 : size_t(plan.images * plan.rows * g.ow * kTotal) * sizeof(T));
  T* col = scratch.as<T>();
  if (!direct && !g.channelsLast) return gradWeightNchw(g, plan, gw, gy, x, col);
  bool first = true;  // the first product writes gW, the others add to it
  forEachTile(g, plan, [&](const ConvTile& t) {
    const int64_t pixels = t.rows * g.ow;
    if (!direct) im2col(g, t, x, col);
    for (int64_t grp = 0; grp < g.groups; grp++) {
      const GemmOperand target = operand(gw + grp * og * k, 0, k, 1);
      if (!g.channelsLast) {
        for (int64_t b = 0; b < t.images; b++) {
          const int64_t n = t.image0 + b;
          const GemmOperand columnsT = direct ? operand(x + (n * g.c + grp * cg) * inPixels, 0, 1, inPixels)
                                              : operand(col + (b * kTotal + grp * k) * pixels, 0, 1, pixels);
          product<T>(1, og, k, pixels, first && b == 0 ? 0 : 1, target,
                     operand(gy + (n * g.o + grp * og) * outPixels + t.row0 * g.ow, 0, outPixels, 1), columnsT);
        }
      } else {
        const GemmOperand columns = direct ? operand(x + t.image0 * inPixels * g.c + grp * cg, 0, g.c, 1)
                                           : operand(col + grp * k, 0, kTotal, 1);
        product<T>(1, og, k, t.images * pixels, first ? 0 : 1, target,
                   operand(gy + (t.image0 * outPixels + t.row0 * g.ow) * g.o + grp * og, 0, 1, g.o), columns);
      }
    }
    first = false;
  });
}

}  // namespace

void convForward(DType dtype, const ConvGeometry& g, char* out, const char* input, const char* weight,
                 const char* bias) {
  if (dtype == DType::Float32)
    forward(g, reinterpret_cast<float*>(out), reinterpret_cast<const float*>(input),
            reinterpret_cast<const float*>(weight), reinterpret_cast<const float*>(bias));
  else
    forward(g, reinterpret_cast<double*>(out), reinterpret_cast<const double*>(input),
            reinterpret_cast<const double*>(weight), reinterpret_cast<const double*>(bias));
}

void convGradInput(DType dtype, const ConvGeometry& g, char* gradInput, const char* gradOutput, const char* weight) {
  if (dtype == DType::Float32)
    tg::gradInput(g, reinterpret_cast<float*>(gradInput), reinterpret_cast<const float*>(gradOutput),
                  reinterpret_cast<const float*>(weight));
  else
    tg::gradInput(g, reinterpret_cast<double*>(gradInput), reinterpret_cast<const double*>(gradOutput),
                  reinterpret_cast<const double*>(weight));
}

void convGradWeight(DType dtype, const ConvGeometry& g, char* gradWeight, const char* gradOutput, const char* input) {
  if (dtype == DType::Float32)
    tg::gradWeight(g, reinterpret_cast<float*>(gradWeight), reinterpret_cast<const float*>(gradOutput),
                   reinterpret_cast<const float*>(input));
  else
    tg::gradWeight(g, reinterpret_cast<double*>(gradWeight), reinterpret_cast<const double*>(gradOutput),
                   reinterpret_cast<const double*>(input));
}

}  // namespace tg
