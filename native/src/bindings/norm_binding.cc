// Batch norm / layer norm bindings (kernels/norm.h). Meta layout (lib/ops/norm.ts writes it):
//   [outer, channels, inner,
//    full-size operands, input first:  dtype, offset, outerStride, channelStride, innerStride
//    vectors (mean, invstd, weight...): dtype, offset, stride]                (in elements)
// Every full-size operand must have the input's strides (the caller lays them out alike),
// outputs must not overlap themselves, vectors are dense, and all share the input's
// floating dtype. Optional operands are passed as null and have no meta entry.
#include <string>

#include "bindings/bindings.h"
#include "bindings/call_args.h"
#include "kernels/norm.h"

namespace tg {
namespace {

bool present(const Napi::CallbackInfo& info, size_t index) {
  return info.Length() > index && !info[index].IsNull() && !info[index].IsUndefined();
}

class NormCall {
 public:
  NormCall(const Napi::CallbackInfo& info, const char* op, const BufferView& input) : meta_(info, op), op_(op) {
    loop_.ndim = 3;
    for (int d = 0; d < 3; d++) {
      loop_.shape[d] = meta_.nextInt();
      if (loop_.shape[d] < 0) fail("negative dimension");
    }
    shape_.outer = loop_.shape[0];
    shape_.channels = loop_.shape[1];
    shape_.inner = loop_.shape[2];
    dtype_ = meta_.readOperand(loop_, 0, input);
    if (!isFloating(dtype_)) fail("expected a float32 or float64 input");
    const int64_t item = int64_t(itemSize(dtype_));
    shape_.outerStride = loop_.strides[0][0] / item;
    shape_.channelStride = loop_.strides[0][1] / item;
    shape_.innerStride = loop_.strides[0][2] / item;
    data_[0] = loop_.data[0];
  }

  // A full-size operand with the input's layout; an output must not write an address twice.
  char* full(const BufferView& buffer, bool isOutput) {
    const int index = loop_.nops;
    if (index >= kMaxOperands) fail("too many operands");
    DType dt = meta_.readOperand(loop_, index, buffer);
    if (dt != dtype_) fail("operands must share the input's dtype");
    for (int d = 0; d < 3; d++)
      if (loop_.strides[index][d] != loop_.strides[0][d]) fail("operands must share the input's strides");
    if (isOutput) meta_.requireDistinctOutput(loop_, index);
    return loop_.data[index];
  }

  // A dense vector of `length` elements.
  char* vector(const BufferView& buffer, int64_t length) {
    StridedLoop vec;
    vec.ndim = 1;
    vec.shape[0] = length;
    DType dt = meta_.readOperand(vec, 0, buffer);
    if (dt != dtype_) fail("operands must share the input's dtype");
    if (length > 1 && vec.strides[0][0] != int64_t(itemSize(dtype_))) fail("vectors must be dense");
    return vec.data[0];
  }

  const NormShape& shape() const { return shape_; }
  DType dtype() const { return dtype_; }
  char* input() const { return data_[0]; }
  [[noreturn]] void fail(const std::string& what) const { throwTensorError(meta_.env(), std::string(op_) + ": " + what); }

 private:
  MetaReader meta_;
  const char* op_;
  StridedLoop loop_;
  NormShape shape_{};
  DType dtype_ = DType::Float32;
  char* data_[1] = {nullptr};
};

template <class T>
T* as(char* p) {
  return reinterpret_cast<T*>(p);
}

// normStats(mean, var, input)
Napi::Value NormStats(const Napi::CallbackInfo& info) {
  const char* name = "normStats";
  BufferView mean = bufferArg(info, 0, name), var = bufferArg(info, 1, name), input = bufferArg(info, 2, name);
  NormCall call(info, name, input);
  const int64_t C = call.shape().channels;
  char* m = call.vector(mean, C);
  char* v = call.vector(var, C);
  if (call.dtype() == DType::Float32)
    normStats<float>(call.shape(), as<float>(call.input()), as<float>(m), as<float>(v));
  else
    normStats<double>(call.shape(), as<double>(call.input()), as<double>(m), as<double>(v));
  return info.Env().Undefined();
}

// normApply(out, input, mean, invstd, weight | null, bias | null, axis): axis 1 = weight
// per channel (batch norm), 2 = per inner element (layer norm).
Napi::Value NormApply(const Napi::CallbackInfo& info) {
  const char* name = "normApply";
  BufferView out = bufferArg(info, 0, name), input = bufferArg(info, 1, name);
  BufferView mean = bufferArg(info, 2, name), invstd = bufferArg(info, 3, name);
  const bool hasWeight = present(info, 4), hasBias = present(info, 5);
  AffineAxis axis = AffineAxis(intArg(info, 6, name, 1, 2));
  NormCall call(info, name, input);
  char* y = call.full(out, true);
  const NormShape& s = call.shape();
  char* m = call.vector(mean, s.channels);
  char* is = call.vector(invstd, s.channels);
  const int64_t affineLength = axis == AffineAxis::Channel ? s.channels : s.inner;
  char* w = hasWeight ? call.vector(bufferArg(info, 4, name), affineLength) : nullptr;
  char* b = hasBias ? call.vector(bufferArg(info, 5, name), affineLength) : nullptr;
  if (call.dtype() == DType::Float32)
    normApply<float>(s, as<float>(call.input()), as<float>(y), as<float>(m), as<float>(is), as<float>(w), as<float>(b), axis);
  else
    normApply<double>(s, as<double>(call.input()), as<double>(y), as<double>(m), as<double>(is), as<double>(w),
                      as<double>(b), axis);
  return info.Env().Undefined();
}

template <class T, bool IsBatchNorm>
void runBackward(const NormShape& s, char* dy, char* x, char* m, char* is, char* w, bool training, char* dx, char* dw,
                 char* db) {
  if (IsBatchNorm)
    batchNormBackward<T>(s, as<T>(dy), as<T>(x), as<T>(m), as<T>(is), as<T>(w), training, as<T>(dx), as<T>(dw),
                         as<T>(db));
  else
    layerNormBackward<T>(s, as<T>(dy), as<T>(x), as<T>(m), as<T>(is), as<T>(w), as<T>(dx), as<T>(dw), as<T>(db));
}

// batchNormBackward(gradInput?, gradWeight?, gradBias?, gradOut, input, mean, invstd, weight?, training)
// layerNormBackward(gradInput?, gradWeight?, gradBias?, gradOut, input, mean, invstd, weight?)
template <bool IsBatchNorm>
Napi::Value NormBackward(const Napi::CallbackInfo& info) {
  const char* name = IsBatchNorm ? "batchNormBackward" : "layerNormBackward";
  const bool wantInput = present(info, 0), wantWeight = present(info, 1), wantBias = present(info, 2);
  BufferView gradOut = bufferArg(info, 3, name), input = bufferArg(info, 4, name);
  BufferView mean = bufferArg(info, 5, name), invstd = bufferArg(info, 6, name);
  const bool hasWeight = present(info, 7);
  bool training = false;
  if (IsBatchNorm) {
    if (info.Length() <= 8 || !info[8].IsBoolean()) throwTensorError(info.Env(), std::string(name) + ": argument 8 must be a boolean");
    training = info[8].As<Napi::Boolean>().Value();
  }
  NormCall call(info, name, input);
  char* dy = call.full(gradOut, false);
  char* dx = wantInput ? call.full(bufferArg(info, 0, name), true) : nullptr;
  const NormShape& s = call.shape();
  char* m = call.vector(mean, s.channels);
  char* is = call.vector(invstd, s.channels);
  const int64_t affineLength = IsBatchNorm ? s.channels : s.inner;
  char* w = hasWeight ? call.vector(bufferArg(info, 7, name), affineLength) : nullptr;
  char* dw = wantWeight ? call.vector(bufferArg(info, 1, name), affineLength) : nullptr;
  char* db = wantBias ? call.vector(bufferArg(info, 2, name), affineLength) : nullptr;
  if (call.dtype() == DType::Float32)
    runBackward<float, IsBatchNorm>(s, dy, call.input(), m, is, w, training, dx, dw, db);
  else
    runBackward<double, IsBatchNorm>(s, dy, call.input(), m, is, w, training, dx, dw, db);
  return info.Env().Undefined();
}

}  // namespace

void registerNormBindings(Napi::Env env, Napi::Object exports) {
  exports.Set("normStats", Napi::Function::New(env, NormStats, "normStats"));
  exports.Set("normApply", Napi::Function::New(env, NormApply, "normApply"));
  exports.Set("batchNormBackward", Napi::Function::New(env, NormBackward<true>, "batchNormBackward"));
  exports.Set("layerNormBackward", Napi::Function::New(env, NormBackward<false>, "layerNormBackward"));
}

}  // namespace tg
