// conv2d(mode): the three convolution passes (kernels/conv/conv.h). Meta layout
// (lib/ops/conv-kernel.ts writes it):
//   [mode (0 forward, 1 grad input, 2 grad weight), channelsLast,
//    N, C, H, W, O, kh, kw, OH, OW, sh, sw, ph, pw, dh, dw, groups,
//    out: dtype, offset, 4 strides,   a: dtype, offset, 4 strides,   b: dtype, offset, 4 strides,
//    hasBias, [bias: dtype, offset, stride]]
// with operands   forward: out = y, a = x, b = w (+ bias)
//                 grad input: out = gx, a = gy, b = w
//                 grad weight: out = gw, a = gy, b = x
// where x, gx are (N, C, H, W), y, gy (N, O, OH, OW) and w, gw (O, C/groups, kh, kw), in
// elements. Every tensor must be dense in the stated layout (strides of size-1 dims are
// free, as PyTorch's is_contiguous) and lie inside its buffer; the geometry is bounded so
// that no index arithmetic can overflow.
#include <new>
#include <string>

#include "bindings/bindings.h"
#include "bindings/call_args.h"
#include "kernels/conv/conv.h"

namespace tg {
namespace {

constexpr double kMaxIndex = 9007199254740992.0;     // 2^53: index sums stay far from int64 overflow
constexpr double kMaxColumnRowBytes = 68719476736.0;  // 2^36: one output row of the column matrix

void require(Napi::Env env, bool ok, const std::string& what) {
  if (!ok) throwTensorError(env, "conv2d: " + what);
}

// Reads one 4-D operand, checks it lies in its buffer and is dense in `order` (dims
// innermost first), and returns its data pointer.
char* readDense(MetaReader& meta, int index, const BufferView& buffer, const int64_t (&shape)[4],
                const int (&order)[4], DType* dtype) {
  StridedLoop loop;
  loop.ndim = 4;
  for (int d = 0; d < 4; d++) loop.shape[d] = shape[d];
  *dtype = meta.readOperand(loop, index, buffer);
  const int64_t item = int64_t(itemSize(*dtype));
  int64_t expected = item;
  for (int d : order) {
    require(meta.env(), shape[d] <= 1 || loop.strides[index][d] == expected,
            "operand " + std::to_string(index) + " is not dense in the stated memory format");
    expected *= shape[d];
  }
  return loop.data[index];
}

Napi::Value Conv2d(const Napi::CallbackInfo& info) {
  const char* name = "conv2d";
  Napi::Env env = info.Env();
  BufferView out = bufferArg(info, 0, name), a = bufferArg(info, 1, name), b = bufferArg(info, 2, name);
  const bool hasBiasBuffer = info.Length() > 3 && info[3].IsTypedArray();
  MetaReader meta(info, name);
  const int64_t mode = meta.nextInt();
  require(env, mode >= 0 && mode <= 2, "unknown mode");
  ConvGeometry g;
  g.channelsLast = meta.nextInt() != 0;
  int64_t* fields[] = {&g.n, &g.c, &g.h, &g.w, &g.o, &g.kh, &g.kw, &g.oh, &g.ow,
                       &g.sh, &g.sw, &g.ph, &g.pw, &g.dh, &g.dw, &g.groups};
  for (int64_t* f : fields) {
    *f = meta.nextInt();
    require(env, *f >= 0, "negative size or parameter");
  }
  require(env, g.sh >= 1 && g.sw >= 1 && g.dh >= 1 && g.dw >= 1 && g.groups >= 1 && g.kh >= 1 && g.kw >= 1,
          "stride, dilation, groups and kernel size must be positive");
  require(env, g.c % g.groups == 0 && g.o % g.groups == 0, "channels must divide into groups");
  require(env, double(g.oh) * double(g.sh) <= kMaxIndex && double(g.ow) * double(g.sw) <= kMaxIndex &&
                   double(g.kh) * double(g.dh) <= kMaxIndex && double(g.kw) * double(g.dw) <= kMaxIndex &&
                   double(g.ph) <= kMaxIndex && double(g.pw) <= kMaxIndex,
          "geometry out of range");

  const int64_t cg = g.c / g.groups;
  const int64_t xShape[4] = {g.n, g.c, g.h, g.w}, yShape[4] = {g.n, g.o, g.oh, g.ow}, wShape[4] = {g.o, cg, g.kh, g.kw};
  // Dense orders, innermost dim first: NCHW (3, 2, 1, 0), NHWC (1, 3, 2, 0); the weight
  // is (o, c, kh, kw) for NCHW and (o, kh, kw, c) for NHWC.
  const int nchw[4] = {3, 2, 1, 0}, nhwc[4] = {1, 3, 2, 0};
  const int(&act)[4] = g.channelsLast ? nhwc : nchw;
  const int64_t(&outShape)[4] = mode == 0 ? yShape : mode == 1 ? xShape : wShape;
  const int64_t(&aShape)[4] = mode == 0 ? xShape : yShape;
  const int64_t(&bShape)[4] = mode == 2 ? xShape : wShape;
  DType tOut, tA, tB;
  char* pOut = readDense(meta, 0, out, outShape, act, &tOut);
  const char* pA = readDense(meta, 1, a, aShape, act, &tA);
  const char* pB = readDense(meta, 2, b, bShape, act, &tB);
  require(env, tOut == tA && tOut == tB, "operands must share one dtype");
  require(env, tOut == DType::Float32 || tOut == DType::Float64, "only float32 and float64 are supported");
  require(env, double(g.c) * double(g.kh) * double(g.kw) * double(g.ow) * double(itemSize(tOut)) <= kMaxColumnRowBytes,
          "column matrix too large");

  const char* pBias = nullptr;
  if (meta.nextInt() != 0) {
    require(env, mode == 0 && hasBiasBuffer, "bias is only taken by the forward pass");
    BufferView bias = bufferArg(info, 3, name);
    StridedLoop loop;
    loop.ndim = 1;
    loop.shape[0] = g.o;
    DType tBias = meta.readOperand(loop, 0, bias);
    require(env, tBias == tOut, "bias must have the dtype of the output");
    require(env, g.o <= 1 || loop.strides[0][0] == int64_t(itemSize(tOut)), "bias must be contiguous");
    pBias = loop.data[0];
  }
  try {
    if (mode == 0) convForward(tOut, g, pOut, pA, pB, pBias);
    else if (mode == 1) convGradInput(tOut, g, pOut, pA, pB);
    else convGradWeight(tOut, g, pOut, pA, pB);
  } catch (const std::bad_alloc&) {
    throwTensorError(env, "conv2d: out of memory for the column matrix");
  }
  return env.Undefined();
}

}  // namespace

void registerConvBindings(Napi::Env env, Napi::Object exports) {
  exports.Set("conv2d", Napi::Function::New(env, Conv2d, "conv2d"));
}

}  // namespace tg
