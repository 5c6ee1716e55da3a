// indexGather / indexPut / nonzero. Meta layout: [ndim, shape..., (size_k, stride_k) for
// each index tensor, operands...]; the gathered dimensions' reach is bounds-checked with
// the source operand, and every index value is checked by the kernel.
#include "bindings/bindings.h"
#include "bindings/call_args.h"
#include "kernels/index_kernels.h"

namespace tg {
namespace {

struct GatheredDims {
  int count = 0;
  int64_t sizes[kMaxIndexTensors];
  int64_t strideBytes[kMaxIndexTensors];
  int64_t low = 0, high = 0;  // byte reach of the gathered dims
};

GatheredDims readGatheredDims(MetaReader& meta, int count, size_t item) {
  GatheredDims g;
  g.count = count;
  for (int k = 0; k < count; k++) {
    int64_t size = meta.nextInt();
    int64_t stride = meta.nextInt();
    if (size <= 0 || std::abs(stride) > (int64_t(1) << 48))
      throwTensorError(meta.env(), std::string(meta.op()) + ": bad indexed dimension");
    g.sizes[k] = size;
    g.strideBytes[k] = stride * int64_t(item);
    int64_t reach = g.strideBytes[k] * (size - 1);
    if (reach < 0) g.low += reach; else g.high += reach;
  }
  return g;
}

[[noreturn]] void raiseIndexError(Napi::Env env, const IndexStatus& status) {
  throwTensorError(env, "index " + std::to_string(status.badIndex) + " is out of bounds for dimension " +
                            std::to_string(status.indexNumber) + " with size " + std::to_string(status.dimSize));
}

// Shared by gather and put: args [target, other, ..., count at countArg, indices after].
template <bool kPut>
Napi::Value RunIndex(const Napi::CallbackInfo& info) {
  const char* name = kPut ? "indexPut" : "indexGather";
  const size_t countArg = kPut ? 3 : 2;
  BufferView target = bufferArg(info, 0, name), other = bufferArg(info, 1, name);
  bool accumulate = kPut && info[2].ToBoolean().Value();
  int count = intArg(info, countArg, name, 1, kMaxIndexTensors);
  int dtypeCode = intArg(info, countArg + 1, name, 0, kNumDTypes - 1);
  MetaReader meta(info, name);
  StridedLoop loop;
  meta.readShape(loop);
  GatheredDims g = readGatheredDims(meta, count, itemSize(DType(dtypeCode)));
  // In a put the target (operand 0) is the gathered one; in a gather the source (operand 1).
  DType t0 = meta.readOperand(loop, 0, target, kPut ? g.low : 0, kPut ? g.high : 0);
  DType t1 = meta.readOperand(loop, 1, other, kPut ? 0 : g.low, kPut ? 0 : g.high);
  if (t0 != DType(dtypeCode) || t1 != t0) throwTensorError(info.Env(), std::string(name) + ": dtype mismatch");
  for (int k = 0; k < count; k++) {
    BufferView idx = bufferArg(info, countArg + 2 + k, name);
    if (meta.readOperand(loop, 2 + k, idx) != DType::Int64)
      throwTensorError(info.Env(), std::string(name) + ": indices must be int64");
  }
  // A gather writes a dense output; a put's loop runs over the index tensors, which may
  // broadcast against each other, so it gets a flat cap instead.
  if (kPut) meta.requireAtMost(loop, int64_t(1) << 34);
  else meta.requireDistinctOutput(loop, 0);
  loop.prepare();
  IndexStatus status;
  if (kPut) indexPut(loop, count, g.sizes, g.strideBytes, t0, accumulate, status);
  else indexGather(loop, count, g.sizes, g.strideBytes, t0, status);
  if (status.failed.load()) raiseIndexError(info.Env(), status);
  return info.Env().Undefined();
}

// nonzero(input) -> count; nonzero(input, out) writes the [count, ndim] int64 coordinates.
Napi::Value Nonzero(const Napi::CallbackInfo& info) {
  const char* name = "nonzero";
  BufferView input = bufferArg(info, 0, name);
  MetaReader meta(info, name);
  StridedLoop loop;
  meta.readShape(loop);
  DType dtype = meta.readOperand(loop, 0, input);
  meta.requireAtMost(loop, int64_t(1) << 34);  // an expanded input is fine, a runaway loop is not
  if (info.Length() < 2) return Napi::Number::New(info.Env(), double(countNonzero(loop, dtype)));
  BufferView out = bufferArg(info, 1, name);
  int64_t ndim = loop.ndim > 0 ? loop.ndim : 1;
  int64_t capacity = int64_t(out.bytes / sizeof(int64_t)) / ndim;
  if (loop.ndim > 0) nonzeroCoordinates(loop, dtype, reinterpret_cast<int64_t*>(out.data), capacity);
  return info.Env().Undefined();
}

}  // namespace

void registerIndexBindings(Napi::Env env, Napi::Object exports) {
  exports.Set("indexGather", Napi::Function::New(env, RunIndex<false>, "indexGather"));
  exports.Set("indexPut", Napi::Function::New(env, RunIndex<true>, "indexPut"));
  exports.Set("nonzero", Napi::Function::New(env, Nonzero, "nonzero"));
}

}  // namespace tg
