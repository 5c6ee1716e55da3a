// gatherAlong / scatterAlong / sortAlong / topk: unwrap, check, run.
//
// gatherAlong(out, src, index, dtype, mode, dim) and scatterAlong(target, src, index, dtype, reduce, mode, dim):
//   meta [ndim, shape..., dimSize, dimStride, operands (out|target, src, index)...]
// in elements. The gathered-from (gather) or written (scatter) operand has stride 0 along
// the indexed dim; its reach over [0, dimSize) at dimStride is checked with it. `mode` picks
// PyTorch's message for a bad index (and whether negatives wrap, as take's do); `dim` is the
// dimension that message names.
//
// sortAlong(values, indices, input, dtype, descending, stable) and topk(values, indices,
// input, dtype, largest, sorted):
//   meta [ndim, lineShape..., inSize, outSize, inStride, valuesStride, indicesStride,
//         operands (values, indices, input) over lineShape...]
// where lineShape is the shape without the sorted dim.
#include <cstdlib>

#include "bindings/bindings.h"
#include "bindings/call_args.h"
#include "kernels/select_kernels.h"

namespace tg {
namespace {

enum class IndexMessage : int32_t { Dim, Self, Take, Count };

constexpr int64_t kMaxLoopElements = int64_t(1) << 36;

void require(Napi::Env env, const char* op, bool ok, const char* what) {
  if (!ok) throwTensorError(env, std::string(op) + ": " + what);
}

// Checked stride within +-2^48 elements, as bytes of `item`.
int64_t strideBytes(MetaReader& meta, int64_t stride, size_t item) {
  if (std::llabs(stride) > (int64_t(1) << 48)) throwTensorError(meta.env(), std::string(meta.op()) + ": stride out of range");
  return stride * int64_t(item);
}

// The byte range [low, high] an operand reaches along a dim of `size` at `stride` bytes.
void reachOf(int64_t size, int64_t stride, int64_t& low, int64_t& high) {
  int64_t reach = size > 0 ? stride * (size - 1) : 0;
  low = reach < 0 ? reach : 0;
  high = reach > 0 ? reach : 0;
}

[[noreturn]] void raiseBadIndex(Napi::Env env, IndexMessage message, const IndexStatus& status, int dim) {
  const std::string index = std::to_string(status.badIndex), size = std::to_string(status.dimSize);
  switch (message) {
    case IndexMessage::Self: throwTensorError(env, "index out of range in self");
    case IndexMessage::Take:
      throwTensorError(env, "out of range: tried to access index " + index + " on a tensor of " + size + " elements.");
    default:
      throwTensorError(env, "index " + index + " is out of bounds for dimension " + std::to_string(dim) + " with size " + size);
  }
}

// gatherAlong(out, src, index, dtype, mode, dim) / scatterAlong(target, src, index, dtype, reduce, mode, dim).
template <bool kScatter>
Napi::Value RunAlong(const Napi::CallbackInfo& info) {
  const char* name = kScatter ? "scatterAlong" : "gatherAlong";
  BufferView target = bufferArg(info, 0, name), src = bufferArg(info, 1, name), index = bufferArg(info, 2, name);
  DType dtype = DType(intArg(info, 3, name, 0, kNumDTypes - 1));
  const size_t next = kScatter ? 5 : 4;
  ScatterReduce reduce = kScatter ? ScatterReduce(intArg(info, 4, name, 0, int(ScatterReduce::Count) - 1)) : ScatterReduce::None;
  IndexMessage message = IndexMessage(intArg(info, next, name, 0, int(IndexMessage::Count) - 1));
  int messageDim = intArg(info, next + 1, name, 0, kMaxDims);
  MetaReader meta(info, name);
  StridedLoop loop;
  meta.readShape(loop);
  int64_t dimSize = meta.nextInt();
  require(info.Env(), name, dimSize >= 0, "bad indexed dimension");
  IndexedDim dim{dimSize, strideBytes(meta, meta.nextInt(), itemSize(dtype)), message == IndexMessage::Take};
  int64_t low, high;
  reachOf(dim.size, dim.strideBytes, low, high);
  // gather: the source (operand 1) is the indexed one; scatter: the target (operand 0).
  DType t0 = meta.readOperand(loop, 0, target, kScatter ? low : 0, kScatter ? high : 0);
  DType t1 = meta.readOperand(loop, 1, src, kScatter ? 0 : low, kScatter ? 0 : high);
  require(info.Env(), name, t0 == dtype && t1 == dtype, "dtype mismatch");
  require(info.Env(), name, meta.readOperand(loop, 2, index) == DType::Int64, "index must be int64");
  // A scatter's target has stride 0 along the indexed dim: it gets a flat cap instead.
  if (kScatter) meta.requireAtMost(loop, kMaxLoopElements);
  else meta.requireDistinctOutput(loop, 0);
  loop.prepare();
  IndexStatus status;
  if (kScatter) scatterAlong(loop, dim, dtype, reduce, status);
  else gatherAlong(loop, dim, dtype, status);
  if (status.failed.load()) raiseBadIndex(info.Env(), message, status, messageDim);
  return info.Env().Undefined();
}

// sortAlong(values, indices, input, dtype, descending, stable) / topk(values, indices, input, dtype, largest, sorted).
template <bool kTopk>
Napi::Value RunSort(const Napi::CallbackInfo& info) {
  const char* name = kTopk ? "topk" : "sortAlong";
  const BufferView buffers[3] = {bufferArg(info, 0, name), bufferArg(info, 1, name), bufferArg(info, 2, name)};
  DType dtype = DType(intArg(info, 3, name, 0, kNumDTypes - 1));
  bool flag0 = info.Length() > 4 && info[4].ToBoolean().Value();
  bool flag1 = info.Length() > 5 && info[5].ToBoolean().Value();
  MetaReader meta(info, name);
  SortPlan plan;
  StridedLoop& lines = plan.lines;
  meta.readShape(lines);
  plan.inSize = meta.nextInt();
  plan.outSize = meta.nextInt();
  require(info.Env(), name, plan.inSize >= 0 && plan.outSize >= 0 && plan.outSize <= plan.inSize, "bad sizes");
  require(info.Env(), name, kTopk || plan.outSize == plan.inSize, "values and input sizes differ");
  const DType types[3] = {dtype, DType::Int64, dtype};
  const int64_t sizes[3] = {plan.outSize, plan.outSize, plan.inSize};
  int64_t strides[3];
  for (int k = 0; k < 3; k++) strides[k] = strideBytes(meta, meta.nextInt(), itemSize(types[k]));
  // Each operand's reach along the sorted dim widens its checked range.
  for (int k = 0; k < 3; k++) {
    int64_t low, high;
    reachOf(sizes[k], strides[k], low, high);
    require(info.Env(), name, meta.readOperand(lines, k, buffers[k], low, high) == types[k], "dtype mismatch");
  }
  plan.valuesStride = strides[0];
  plan.indicesStride = strides[1];
  plan.inStride = strides[2];
  if (plan.outSize > 0) {
    meta.requireDistinctOutput(lines, 0);
    meta.requireDistinctOutput(lines, 1);
  }
  meta.requireAtMost(lines, kMaxLoopElements);
  lines.prepare();
  bool ok = kTopk ? topkAlong(plan, dtype, flag0, flag1) : sortAlong(plan, dtype, flag0, flag1);
  if (!ok) throwTensorError(info.Env(), std::string(name) + ": out of memory");
  return info.Env().Undefined();
}

}  // namespace

void registerSelectBindings(Napi::Env env, Napi::Object exports) {
  exports.Set("gatherAlong", Napi::Function::New(env, RunAlong<false>, "gatherAlong"));
  exports.Set("scatterAlong", Napi::Function::New(env, RunAlong<true>, "scatterAlong"));
  exports.Set("sortAlong", Napi::Function::New(env, RunSort<false>, "sortAlong"));
  exports.Set("topk", Napi::Function::New(env, RunSort<true>, "topk"));
}

}  // namespace tg
