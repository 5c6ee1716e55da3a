// A direct stride-1 convolution kernel for float32 on AVX-512 (conv_direct_avx512.cc,
// compiled with that ISA's flags). It computes what conv_rows.h's kh GEMMs compute, but
// reads the padded input in place (no packing of a 3248 x 192 operand to be used for only
// two 32-wide column panels, which cost the GEMM path ~25%) and accumulates all kh kernel
// rows in registers before one store.
#pragma once
#include <cstdint>

namespace tg {

struct DirectConvArgs {
  const float* xp;     // padded NHWC input, images of padImage elements (conv_rows.h)
  int64_t images, padImage, c, wpad, dh, kh, kw;
  const float* w;      // packed weight [(i, j, c)][oPad], zeros beyond o
  int64_t o, oPad;
  // Output pixels come in `lines` per image of `linePixels` each; pixel p of line l reads
  // the padded input from element l * inLineStride + p * c of its image and is stored at
  // ys[image * outImage + l * outLineStride + p * o + 0..o). Either one line per image of
  // oh * wpad pixels over the padded width (columns ow' >= OW computed and dropped by the
  // caller), or one line per output row of OW pixels (inLineStride wpad * c), which
  // computes no dropped column and can store straight into a channels_last output.
  float* ys = nullptr;
  int64_t outImage = 0, lines = 0, linePixels = 0, inLineStride = 0, outLineStride = 0;
  const float* bias = nullptr;  // added as the outputs are stored, or nullptr
};

// Rows of 14 output pixels are read up to 13 pixels plus a kernel row past the last one:
// the caller leaves this much readable slack after the padded input.
constexpr int64_t kDirectRowTile = 14;

// The weight gradient of the same convolution: gw[o][(i, j, c)] (+)= sum over pixels q of
// gy[q][o] * xp[q + i*dh*wpad][(j, c)], gy over the padded grid. The q summed are `images`
// blocks of `lines` lines of `linePixels` each: line l of image b starts at pixel
// b * imagePixels + l * wpad. Over the padded grid that is every output pixel and none of
// the padded columns and rows, whose zeros in gy (B: 900 grid pixels an image for 784
// outputs) cost multiply-adds all the same; one line of all pixels sums a flat depth.
// gy is read up to 13 elements past its end, xp up to 32 elements past a (j, c) run.
struct DirectGradWeightArgs {
  const float* xp;
  int64_t c, wpad, dh, kh, kw;
  const float* gy;
  int64_t o;
  int64_t images, imagePixels, lines, linePixels;
  float* gw;  // (o, kh, kw, c)
  bool accumulate;
};

namespace isa_avx512 {
void convDirectFloat32(const DirectConvArgs& a);
void convDirectGradWeightFloat32(const DirectGradWeightArgs& a);
}

}  // namespace tg
