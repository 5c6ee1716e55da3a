// binary / unary / copy / where / fill: unwrap, check, build the loop, run the kernel.
#include "bindings/bindings.h"
#include "bindings/call_args.h"
#include "kernels/pointwise_kinds.h"

namespace tg {
namespace {

void requireDType(Napi::Env env, const char* op, bool ok, const char* what) {
  if (!ok) throwTensorError(env, std::string(op) + ": " + what);
}

void raiseKernelError(Napi::Env env, const char* op, const KernelStatus& status) {
  switch (KernelError(status.error.load())) {
    case KernelError::None: return;
    case KernelError::IntegerDivisionByZero: throwTensorError(env, "ZeroDivisionError");
    default: throwTensorError(env, std::string(op) + ": unsupported dtype");
  }
}

Napi::Value Binary(const Napi::CallbackInfo& info) {
  const char* name = "binary";
  BinaryOp op = BinaryOp(intArg(info, 0, name, 0, int(BinaryOp::Count) - 1));
  BufferView out = bufferArg(info, 1, name), a = bufferArg(info, 2, name), b = bufferArg(info, 3, name);
  double alpha = numberArg(info, 4, name);
  MetaReader meta(info, name);
  StridedLoop loop;
  meta.readShape(loop);
  DType outType = meta.readOperand(loop, 0, out);
  DType aType = meta.readOperand(loop, 1, a);
  DType bType = meta.readOperand(loop, 2, b);
  requireDType(info.Env(), name, aType == bType, "operands must share a dtype");
  requireDType(info.Env(), name, outType == (binaryReturnsBool(op) ? DType::Bool : aType), "wrong output dtype");
  meta.requireDistinctOutput(loop, 0);
  loop.prepare();
  KernelStatus status;
  pointwiseKernels().binary(op, aType, loop, alpha, status);
  raiseKernelError(info.Env(), name, status);
  return info.Env().Undefined();
}

Napi::Value Unary(const Napi::CallbackInfo& info) {
  const char* name = "unary";
  UnaryOp op = UnaryOp(intArg(info, 0, name, 0, int(UnaryOp::Count) - 1));
  BufferView out = bufferArg(info, 1, name), a = bufferArg(info, 2, name);
  double p1 = numberArg(info, 3, name), p2 = numberArg(info, 4, name);
  MetaReader meta(info, name);
  StridedLoop loop;
  meta.readShape(loop);
  DType outType = meta.readOperand(loop, 0, out);
  DType aType = meta.readOperand(loop, 1, a);
  requireDType(info.Env(), name, outType == (unaryReturnsBool(op) ? DType::Bool : aType), "wrong output dtype");
  meta.requireDistinctOutput(loop, 0);
  loop.prepare();
  KernelStatus status;
  pointwiseKernels().unary(op, aType, loop, p1, p2, status);
  raiseKernelError(info.Env(), name, status);
  return info.Env().Undefined();
}

Napi::Value Copy(const Napi::CallbackInfo& info) {
  const char* name = "copy";
  BufferView out = bufferArg(info, 0, name), src = bufferArg(info, 1, name);
  MetaReader meta(info, name);
  StridedLoop loop;
  meta.readShape(loop);
  DType outType = meta.readOperand(loop, 0, out);
  DType srcType = meta.readOperand(loop, 1, src);
  meta.requireDistinctOutput(loop, 0);
  loop.prepare();
  pointwiseKernels().copy(outType, srcType, loop);
  return info.Env().Undefined();
}

Napi::Value Where(const Napi::CallbackInfo& info) {
  const char* name = "where";
  BufferView out = bufferArg(info, 0, name), cond = bufferArg(info, 1, name);
  BufferView a = bufferArg(info, 2, name), b = bufferArg(info, 3, name);
  MetaReader meta(info, name);
  StridedLoop loop;
  meta.readShape(loop);
  DType outType = meta.readOperand(loop, 0, out);
  DType condType = meta.readOperand(loop, 1, cond);
  DType aType = meta.readOperand(loop, 2, a);
  DType bType = meta.readOperand(loop, 3, b);
  requireDType(info.Env(), name, condType == DType::Bool, "condition must be bool");
  requireDType(info.Env(), name, aType == outType && bType == outType, "operands must share a dtype");
  meta.requireDistinctOutput(loop, 0);
  loop.prepare();
  pointwiseKernels().where(outType, loop);
  return info.Env().Undefined();
}

Napi::Value Fill(const Napi::CallbackInfo& info) {
  const char* name = "fill";
  BufferView out = bufferArg(info, 0, name);
  double value = numberArg(info, 1, name);
  MetaReader meta(info, name);
  StridedLoop loop;
  meta.readShape(loop);
  DType outType = meta.readOperand(loop, 0, out);
  meta.requireDistinctOutput(loop, 0);
  loop.prepare();
  pointwiseKernels().fill(outType, loop, value);
  return info.Env().Undefined();
}

}  // namespace

void registerPointwiseBindings(Napi::Env env, Napi::Object exports) {
  exports.Set("binary", Napi::Function::New(env, Binary, "binary"));
  exports.Set("unary", Napi::Function::New(env, Unary, "unary"));
  exports.Set("copy", Napi::Function::New(env, Copy, "copy"));
  exports.Set("where", Napi::Function::New(env, Where, "where"));
  exports.Set("fill", Napi::Function::New(env, Fill, "fill"));
}

}  // namespace tg
