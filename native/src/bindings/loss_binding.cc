// nllLoss(mode, dtype, n, c, s, ignoreIndex, reduction, target, tOff, weight|null, wOff,
//         in, inOff, total, totalOff, out, outOff)
//   mode 0, forward:  in = log-probabilities (n * c * s), out = loss (n * s for None, else 1),
//                     total written; returns the index of a target out of range, or -1.
//   mode 1, backward: in = upstream gradient (n * s for None, else 1), total read,
//                     out = gradient of the log-probabilities (n * c * s).
// Offsets in elements; every operand is dense. Each one's reach is checked against its
// buffer before the kernel runs (kernels/nll_loss.h).
#include <cmath>
#include <string>

#include "bindings/bindings.h"
#include "bindings/call_args.h"
#include "kernels/nll_loss.h"

namespace tg {
namespace {

constexpr double kMaxCount = 9007199254740992.0;  // 2^53: products below stay exact

int64_t countArg(const Napi::CallbackInfo& info, size_t index, const char* op) {
  const double v = numberArg(info, index, op);
  if (!(v >= 0 && v < kMaxCount) || v != std::floor(v))
    throwTensorError(info.Env(), std::string(op) + ": argument " + std::to_string(index) + " out of range");
  return int64_t(v);
}

// The operand's data once `count` elements of `item` bytes from element `offset` fit.
char* operandArg(const Napi::CallbackInfo& info, size_t index, int64_t count, size_t item, const char* op) {
  const BufferView buffer = bufferArg(info, index, op);
  const int64_t offset = countArg(info, index + 1, op);
  const double end = (double(offset) + double(count)) * double(item);
  if (end > double(buffer.bytes))
    throwTensorError(info.Env(), std::string(op) + ": operand " + std::to_string(index) + " reaches past its storage");
  return buffer.data + offset * int64_t(item);
}

Napi::Value NllLoss(const Napi::CallbackInfo& info) {
  const char* name = "nllLoss";
  const bool backward = intArg(info, 0, name, 0, 1) == 1;
  NllLossCall k;
  k.dtype = DType(intArg(info, 1, name, 0, kNumDTypes - 1));
  if (k.dtype != DType::Float32 && k.dtype != DType::Float64) throwTensorError(info.Env(), "nllLoss: expected a floating dtype");
  k.n = countArg(info, 2, name);
  k.c = countArg(info, 3, name);
  k.s = countArg(info, 4, name);
  const double ignore = numberArg(info, 5, name);
  if (!(std::fabs(ignore) < kMaxCount) || ignore != std::floor(ignore)) throwTensorError(info.Env(), "nllLoss: bad ignore index");
  k.ignoreIndex = int64_t(ignore);
  k.reduction = NllReduction(intArg(info, 6, name, 0, 2));
  const double targets = double(k.n) * double(k.s), elements = targets * double(k.c);
  if (elements >= kMaxCount) throwTensorError(info.Env(), "nllLoss: too many elements");
  const size_t item = itemSize(k.dtype);
  k.target = reinterpret_cast<const int64_t*>(operandArg(info, 7, int64_t(targets), sizeof(int64_t), name));
  k.weight = info[9].IsNull() ? nullptr : operandArg(info, 9, k.c, item, name);
  const int64_t perTarget = k.reduction == NllReduction::None ? int64_t(targets) : 1;
  const char* in = operandArg(info, 11, backward ? perTarget : int64_t(elements), item, name);
  char* total = operandArg(info, 13, 1, item, name);
  char* out = operandArg(info, 15, backward ? int64_t(elements) : perTarget, item, name);
  if (backward) {
    nllLossBackward(k, in, total, out);
    return info.Env().Undefined();
  }
  return Napi::Number::New(info.Env(), double(nllLossForward(k, in, out, total)));
}

}  // namespace

void registerLossBindings(Napi::Env env, Napi::Object exports) {
  exports.Set("nllLoss", Napi::Function::New(env, NllLoss, "nllLoss"));
}

}  // namespace tg
