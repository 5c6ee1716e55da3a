// reduce / argReduce / dimOp: unwrap, check, plan, run. A reduction's outputs have stride
// 0 over the reduced dims, so they cannot pass requireDistinctOutput over the whole loop:
// they are checked over the kept dims only, and the loop's length gets a flat cap (an
// expanded input is legitimate, a runaway loop is not).
#include "bindings/bindings.h"
#include "bindings/call_args.h"
#include "kernels/reduce_kinds.h"

namespace tg {
namespace {

constexpr int64_t kMaxReduceElements = int64_t(1) << 36;

void requireType(Napi::Env env, const char* op, bool ok, const char* what) {
  if (!ok) throwTensorError(env, std::string(op) + ": " + what);
}

// Reads the loop (outputs first, then the input), plans it, checks the outputs.
ReducePlan readReduction(MetaReader& meta, const BufferView* outputs, int numOutputs, const BufferView& input,
                         DType* types) {
  StridedLoop loop;
  meta.readShape(loop);
  for (int k = 0; k < numOutputs; k++) types[k] = meta.readOperand(loop, k, outputs[k]);
  types[numOutputs] = meta.readOperand(loop, numOutputs, input);
  meta.requireAtMost(loop, kMaxReduceElements);
  ReducePlan plan;
  if (!makeReducePlan(loop, numOutputs, plan))
    throwTensorError(meta.env(), std::string(meta.op()) + ": outputs disagree on the reduced dimensions");
  for (int k = 0; k < numOutputs; k++) meta.requireDistinctOutput(plan.kept, k + 1);
  return plan;
}

// reduce(op, out, input, p): p is the norm's order or var/std's correction.
Napi::Value Reduce(const Napi::CallbackInfo& info) {
  const char* name = "reduce";
  ReduceOp op = ReduceOp(intArg(info, 0, name, 0, int(ReduceOp::Count) - 1));
  BufferView out = bufferArg(info, 1, name), input = bufferArg(info, 2, name);
  double p = numberArg(info, 3, name);
  MetaReader meta(info, name);
  DType types[2];
  ReducePlan plan = readReduction(meta, &out, 1, input, types);
  requireType(info.Env(), name, int32_t(types[0]) == reduceOutputType(op, types[1]), "wrong output dtype");
  reduceKernels().reduce(op, types[1], plan, p);
  return info.Env().Undefined();
}

// argReduce(op, values, indices, input): one reduced dimension at most.
Napi::Value ArgReduce(const Napi::CallbackInfo& info) {
  const char* name = "argReduce";
  ArgReduceOp op = ArgReduceOp(intArg(info, 0, name, 0, int(ArgReduceOp::Count) - 1));
  BufferView outputs[2] = {bufferArg(info, 1, name), bufferArg(info, 2, name)};
  BufferView input = bufferArg(info, 3, name);
  MetaReader meta(info, name);
  DType types[3];
  ReducePlan plan = readReduction(meta, outputs, 2, input, types);
  requireType(info.Env(), name, types[0] == types[2], "values must have the input's dtype");
  requireType(info.Env(), name, types[1] == DType::Int64, "indices must be int64");
  requireType(info.Env(), name, plan.reducedDims <= 1, "reduces one dimension only");
  requireType(info.Env(), name, plan.reduceSize > 0, "cannot reduce an empty dimension");
  reduceKernels().argReduce(op, types[2], plan);
  return info.Env().Undefined();
}

// dimOp(op, out, input, dim, result?): softmax, logSoftmax, cumsum, cumprod along `dim`;
// their backward ops take the gradient as input and the forward's result as `result`.
Napi::Value DimOpBinding(const Napi::CallbackInfo& info) {
  const char* name = "dimOp";
  DimOp op = DimOp(intArg(info, 0, name, 0, int(DimOp::Count) - 1));
  BufferView out = bufferArg(info, 1, name), input = bufferArg(info, 2, name);
  const bool takesResult = dimOpTakesResult(op);
  BufferView result = takesResult ? bufferArg(info, 4, name) : BufferView{nullptr, 0};
  MetaReader meta(info, name);
  StridedLoop loop;
  int ndim = meta.readShape(loop);
  int dim = intArg(info, 3, name, 0, ndim > 0 ? ndim - 1 : 0);
  requireType(info.Env(), name, ndim > 0, "needs at least one dimension");
  DType outType = meta.readOperand(loop, 0, out);
  DType inType = meta.readOperand(loop, 1, input);
  requireType(info.Env(), name, int32_t(outType) == dimOpOutputType(op, inType), "wrong output dtype");
  if (takesResult) requireType(info.Env(), name, meta.readOperand(loop, 2, result) == inType, "result must have the gradient's dtype");
  meta.requireDistinctOutput(loop, 0);
  reduceKernels().dimOp(op, inType, makeDimPlan(loop, dim));
  return info.Env().Undefined();
}

}  // namespace

void registerReduceBindings(Napi::Env env, Napi::Object exports) {
  exports.Set("reduce", Napi::Function::New(env, Reduce, "reduce"));
  exports.Set("argReduce", Napi::Function::New(env, ArgReduce, "argReduce"));
  exports.Set("dimOp", Napi::Function::New(env, DimOpBinding, "dimOp"));
}

}  // namespace tg
