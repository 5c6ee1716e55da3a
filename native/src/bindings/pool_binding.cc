// pool2d(op, big, small, index?): pooling and 2-D interpolation, forward and backward.
// Meta layout (lib/ops/pool-kernel.ts writes it):
//   [n, c, h, w, oh, ow, kh, kw, sh, sw, ph, pw, dh, dw, adaptive,
//    countIncludePad, divisorOverride, alignCorners, scaleH, scaleW,
//    big:   dtype, offset, 4 strides   (n x c x h x w: input or grad_input)
//    small: dtype, offset, 4 strides   (n x c x oh x ow: output or grad_output)
//    index: dtype, offset, 4 strides]  (n x c x oh x ow, int64; max pool ops only)
// in elements. Every operand is checked against its buffer for its own shape, the
// written one must not write an address twice, and the window parameters are bounded so
// that no window arithmetic can overflow; the kernels then only read inside the input's
// rows and columns by construction, and re-check every saved index before using it.
#include <atomic>

#include "bindings/bindings.h"
#include "bindings/call_args.h"
#include "kernels/pool_kinds.h"

namespace tg {
namespace {

constexpr int64_t kMaxGeometry = int64_t(1) << 31;
constexpr int64_t kMaxPoolElements = int64_t(1) << 40;

bool writesBig(PoolOp op) {
  return op == PoolOp::MaxBackward || op == PoolOp::AvgBackward || op == PoolOp::NearestBackward ||
         op == PoolOp::BilinearBackward;
}
bool usesIndex(PoolOp op) { return op == PoolOp::MaxForward || op == PoolOp::MaxBackward || op == PoolOp::MaxGather; }

int64_t geometryArg(MetaReader& meta, int64_t lo) {
  int64_t v = meta.nextInt();
  if (v < lo || v >= kMaxGeometry)
    throwTensorError(meta.env(), std::string(meta.op()) + ": pooling parameter " + std::to_string(v) + " out of range");
  return v;
}

Operand4 readOperand4(MetaReader& meta, StridedLoop& loop, int index, const BufferView& buffer, int64_t n, int64_t c,
                      int64_t h, int64_t w, DType* dtype) {
  loop.ndim = 4;
  loop.shape[0] = n;
  loop.shape[1] = c;
  loop.shape[2] = h;
  loop.shape[3] = w;
  *dtype = meta.readOperand(loop, index, buffer);
  const int64_t item = int64_t(itemSize(*dtype));
  Operand4 o;
  o.data = loop.data[index];
  for (int d = 0; d < 4; d++) o.stride[d] = loop.strides[index][d] / item;
  return o;
}

Napi::Value Pool2d(const Napi::CallbackInfo& info) {
  const char* name = "pool2d";
  PoolOp op = PoolOp(intArg(info, 0, name, 0, int(PoolOp::Count) - 1));
  BufferView big = bufferArg(info, 1, name), small = bufferArg(info, 2, name);
  BufferView index = usesIndex(op) ? bufferArg(info, 3, name) : BufferView{nullptr, 0};
  MetaReader meta(info, name);
  PoolCall p;
  p.n = geometryArg(meta, 0);
  p.c = geometryArg(meta, 0);
  p.h = geometryArg(meta, 0);
  p.w = geometryArg(meta, 0);
  p.oh = geometryArg(meta, 0);
  p.ow = geometryArg(meta, 0);
  p.kh = geometryArg(meta, 1);
  p.kw = geometryArg(meta, 1);
  p.sh = geometryArg(meta, 1);
  p.sw = geometryArg(meta, 1);
  p.ph = geometryArg(meta, 0);
  p.pw = geometryArg(meta, 0);
  p.dh = geometryArg(meta, 1);
  p.dw = geometryArg(meta, 1);
  p.adaptive = meta.nextInt() != 0;
  p.countIncludePad = meta.nextInt() != 0;
  p.divisorOverride = meta.nextInt();
  p.alignCorners = meta.nextInt() != 0;
  p.scaleH = meta.next();
  p.scaleW = meta.next();
  if (p.divisorOverride < 0 || p.divisorOverride >= kMaxGeometry)
    throwTensorError(info.Env(), "pool2d: divisor_override out of range");
  // Interpolation and adaptive windows read at least one input row and column per output.
  if ((p.oh > 0 && p.h == 0) || (p.ow > 0 && p.w == 0))
    throwTensorError(info.Env(), "pool2d: empty input for a non-empty output");

  StridedLoop loop;
  DType bigType, smallType, indexType = DType::Int64;
  p.big = readOperand4(meta, loop, 0, big, p.n, p.c, p.h, p.w, &bigType);
  if (writesBig(op)) meta.requireDistinctOutput(loop, 0);
  p.small = readOperand4(meta, loop, 1, small, p.n, p.c, p.oh, p.ow, &smallType);
  meta.requireAtMost(loop, kMaxPoolElements);
  if (!writesBig(op)) meta.requireDistinctOutput(loop, 1);
  if (usesIndex(op)) {
    p.index = readOperand4(meta, loop, 2, index, p.n, p.c, p.oh, p.ow, &indexType);
    if (op == PoolOp::MaxForward) meta.requireDistinctOutput(loop, 2);
  }
  if (bigType != smallType) throwTensorError(info.Env(), "pool2d: operands must share one dtype");
  if (!isFloating(bigType)) throwTensorError(info.Env(), "pool2d: float32 or float64 only");
  if (indexType != DType::Int64) throwTensorError(info.Env(), "pool2d: indices must be int64");

  std::atomic<bool> badIndex{false};
  p.badIndex = &badIndex;
  if (p.n * p.c == 0) return info.Env().Undefined();
  poolKernels().run[int(op)][bigType == DType::Float64 ? 1 : 0](p);
  if (badIndex.load())
    throwTensorError(info.Env(), "pool2d: an index is outside its input plane (indices from another input?)");
  return info.Env().Undefined();
}

}  // namespace

void registerPoolBindings(Napi::Env env, Napi::Object exports) {
  exports.Set("pool2d", Napi::Function::New(env, Pool2d, "pool2d"));
}

}  // namespace tg
