// 2-D convolution on the GEMM: forward, gradient of the input and gradient of the weight,
// float32 and float64, for dense NCHW or dense NHWC (channels_last) tensors. The binding
// (bindings/conv_binding.cc) has checked every tensor is dense in the stated layout and
// lies inside its buffer; the kernels only read inputs at positions the geometry
// allows (padding is never read, it is zeros) and write only the output tensor.
#pragma once
#include <cstdint>

#include "core/dtype.h"

namespace tg {

struct ConvGeometry {
  int64_t n, c, h, w;   // input (or gradient of the input)
  int64_t o, kh, kw;    // weight: o x (c / groups) x kh x kw
  int64_t oh, ow;       // output (or gradient of the output)
  int64_t sh, sw;       // stride
  int64_t ph, pw;       // zero padding before the first row / column
  int64_t dh, dw;       // dilation
  int64_t groups;
  // Layout of input and output: NCHW, or NHWC (channels_last). The weight is dense
  // (o, c/groups, kh, kw) for NCHW and dense (o, kh, kw, c/groups) for NHWC, so that one
  // group's weight is always a plain o/groups x (c/groups * kh * kw) matrix.
  bool channelsLast;

  int64_t inGroup() const { return c / groups; }
  int64_t outGroup() const { return o / groups; }
  int64_t patch() const { return inGroup() * kh * kw; }  // K of one group's GEMM
  // A 1x1 convolution with stride 1 and no padding is a plain product: the input itself
  // is the column matrix, and nothing is copied.
  bool direct() const { return kh == 1 && kw == 1 && sh == 1 && sw == 1 && ph == 0 && pw == 0 && oh == h && ow == w; }
};

// out = conv(input, weight) (+ bias, one value per output channel, when bias != null).
void convForward(DType dtype, const ConvGeometry& g, char* out, const char* input, const char* weight,
                 const char* bias);
// gradInput = the input-gradient of conv for gradOutput (PyTorch's conv_transpose2d).
void convGradInput(DType dtype, const ConvGeometry& g, char* gradInput, const char* gradOutput, const char* weight);
// gradWeight = the weight-gradient of conv, summed over the batch.
void convGradWeight(DType dtype, const ConvGeometry& g, char* gradWeight, const char* gradOutput, const char* input);

}  // namespace tg
