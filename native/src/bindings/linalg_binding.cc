// matmul(out, a, b, alpha, beta): out = alpha * a @ b + beta * out over a batch.
// Meta layout (lib/ops/linalg.ts writes it):
//   [batch, m, n, k,
//    out: dtype, offset, batchStride, rowStride, colStride,   (batch x m x n)
//    a:   dtype, offset, batchStride, rowStride, colStride,   (batch x m x k)
//    b:   dtype, offset, batchStride, rowStride, colStride]   (batch x k x n)
// in elements; a stride of 0 broadcasts. Each operand's reach is checked against its
// buffer for its own shape, and out must not write one address twice.
#include "bindings/bindings.h"
#include "bindings/call_args.h"
#include "kernels/gemm/gemm.h"

namespace tg {
namespace {

GemmOperand readGemmOperand(MetaReader& meta, StridedLoop& loop, int index, const BufferView& buffer,
                            int64_t rows, int64_t cols, DType* dtype) {
  loop.ndim = 3;
  loop.shape[1] = rows;
  loop.shape[2] = cols;
  *dtype = meta.readOperand(loop, index, buffer);
  const int64_t item = int64_t(itemSize(*dtype));
  return GemmOperand{loop.data[index], loop.strides[index][0] / item, loop.strides[index][1] / item,
                     loop.strides[index][2] / item};
}

Napi::Value Matmul(const Napi::CallbackInfo& info) {
  const char* name = "matmul";
  BufferView out = bufferArg(info, 0, name), a = bufferArg(info, 1, name), b = bufferArg(info, 2, name);
  GemmProblem p;
  p.alpha = numberArg(info, 3, name);
  p.beta = numberArg(info, 4, name);
  MetaReader meta(info, name);
  p.batch = meta.nextInt();
  p.m = meta.nextInt();
  p.n = meta.nextInt();
  p.k = meta.nextInt();
  if (p.batch < 0 || p.m < 0 || p.n < 0 || p.k < 0) throwTensorError(info.Env(), "matmul: negative dimension");
  StridedLoop loop;
  loop.shape[0] = p.batch;
  DType tc, ta, tb;
  p.c = readGemmOperand(meta, loop, 0, out, p.m, p.n, &tc);
  meta.requireDistinctOutput(loop, 0);
  p.a = readGemmOperand(meta, loop, 1, a, p.m, p.k, &ta);
  p.b = readGemmOperand(meta, loop, 2, b, p.k, p.n, &tb);
  if (ta != tc || tb != tc) throwTensorError(info.Env(), "matmul: operands must share one dtype");
  if (tc == DType::Bool) throwTensorError(info.Env(), "matmul: bool is not supported");
  p.dtype = tc;
  gemm(p);
  return info.Env().Undefined();
}

}  // namespace

void registerLinalgBindings(Napi::Env env, Napi::Object exports) {
  exports.Set("matmul", Napi::Function::New(env, Matmul, "matmul"));
}

}  // namespace tg
