// Small float32 NCHW convolutions on AVX-512 without a column matrix (few input channels,
// kernels of at most 5x5, stride 1, no padding or dilation: LeNet's layers, issue 9's
// shape D). The weight gradient holds, for a block of 4 output channels and one kernel
// row, the 4 x kw tap sums in registers while the output gradient's rows stream past:
// each output-gradient vector meets kw shifted input vectors, each input vector serves the
// 4 channels. im2col for such a layer writes 25 floats per pixel to feed a GEMM of 6 to 32
// rows, which ran at a fraction of the multiply-add rate.
#pragma once
#include <cstdint>

namespace tg {

struct TapGradWeightArgs {
  const float* x;   // input, dense NCHW (n, c, h, w)
  const float* gy;  // output gradient, dense NCHW (n, o, oh, ow)
  float* gw;        // weight gradient, dense (o, c, kh, kw), overwritten
  int64_t n, c, h, w, o, oh, ow, kh, kw;
};

// The forward of the same layers: out = bias + conv(x, w), dense NCHW, out overwritten.
// Output rows are computed 16 pixels at a time for a block of output channels held in
// registers; each input vector is loaded once per tap and multiplied by every channel's
// weight (no column matrix, no bias pass over the output first).
struct TapForwardArgs {
  const float* x;     // (n, c, h, w)
  const float* w;     // (o, c, kh, kw)
  const float* bias;  // (o) or null
  float* y;           // (n, o, oh, ow)
  int64_t n, c, h, w_, o, oh, ow, kh, kw;
};

// The input gradient of such a layer when its output rows fit one 8-float vector and its
// input rows one 16-float vector (LeNet's second layer: 8 and 12): for each input row, the
// kh x kw taps' contributions sum over the output channels in registers (one vector per
// input channel), shift into place across the row, and the row is stored once, instead of
// a column matrix of c * kh * kw rows written by a GEMM and scattered back by col2im.
struct TapGradInputArgs {
  const float* weight;  // dense (o, c, kh, kw)
  const float* gy;      // output gradient, dense NCHW (n, o, oh, ow)
  float* gx;            // input gradient, dense NCHW (n, c, h, w), overwritten
  int64_t n, c, h, w, o, oh, ow, kh, kw;
};

// Input channels that one input row's accumulators may span.
constexpr int64_t kMaxTapGradInputChannels = 8;

namespace isa_avx512 {
void convTapGradInputFloat32(const TapGradInputArgs& a);
// Kernels of 1 to 5 rows by 1 to 5 columns (convTapGradWeightSupports says which).
void convTapGradWeightFloat32(const TapGradWeightArgs& a);
bool convTapGradWeightSupports(int64_t kh, int64_t kw);
void convTapForwardFloat32(const TapForwardArgs& a);
// The weight gradient for a channels_last layer with one input channel (its input is the
// same bytes as NCHW; gy is (n, oh, ow, o)): vectors of 16 output channels, the kh x kw taps
// accumulated in registers, each input value broadcast once per tap.
void convTapGradWeightChannelsLastFloat32(const TapGradWeightArgs& a);
}

}  // namespace tg
