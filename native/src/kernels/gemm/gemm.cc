// Dtype and CPU-capability dispatch for gemm(); integer dtypes run a plain loop here
// (PyTorch supports them for correctness, not speed).
#include "kernels/gemm/gemm.h"

#include "core/cpu_features.h"
#include "core/thread_pool.h"

namespace tg {
namespace {

// Integer products wrap as PyTorch's do: unsigned 64-bit arithmetic is exact modulo
// 2^64, so truncating to T gives T's wrapped result without signed-overflow UB.
template <class T>
void gemmInteger(const GemmProblem& p) {
  const uint64_t alpha = uint64_t(int64_t(p.alpha)), beta = uint64_t(int64_t(p.beta));
  parallelFor(p.batch * p.m, 64, [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; r++) {
      const int64_t bi = r / p.m, i = r % p.m;
      const T* a = reinterpret_cast<const T*>(p.a.data) + bi * p.a.batchStride + i * p.a.rowStride;
      const T* b = reinterpret_cast<const T*>(p.b.data) + bi * p.b.batchStride;
      T* c = reinterpret_cast<T*>(p.c.data) + bi * p.c.batchStride + i * p.c.rowStride;
      for (int64_t j = 0; j < p.n; j++) {
        uint64_t sum = 0;
        for (int64_t q = 0; q < p.k; q++)
          sum += uint64_t(int64_t(a[q * p.a.colStride])) * uint64_t(int64_t(b[q * p.b.rowStride + j * p.b.colStride]));
        T& out = c[j * p.c.colStride];
        const uint64_t old = beta == 0 ? 0 : beta * uint64_t(int64_t(out));
        out = T(alpha * sum + old);
      }
    }
  });
}

}  // namespace

void gemm(const GemmProblem& p) {
  if (p.batch == 0 || p.m == 0 || p.n == 0) return;
  const CpuCapability cap = activeCapability();
  switch (p.dtype) {
    case DType::Float32:
      return cap == CpuCapability::Avx512 ? isa_avx512::gemmFloat32(p)
             : cap == CpuCapability::Avx2 ? isa_avx2::gemmFloat32(p)
                                          : isa_default::gemmFloat32(p);
    case DType::Float64:
      return cap == CpuCapability::Avx512 ? isa_avx512::gemmFloat64(p)
             : cap == CpuCapability::Avx2 ? isa_avx2::gemmFloat64(p)
                                          : isa_default::gemmFloat64(p);
    case DType::Int64: return gemmInteger<int64_t>(p);
    case DType::Int32: return gemmInteger<int32_t>(p);
    case DType::Int16: return gemmInteger<int16_t>(p);
    case DType::Int8: return gemmInteger<int8_t>(p);
    case DType::UInt8: return gemmInteger<uint8_t>(p);
    case DType::Bool: return;  // refused by the binding
  }
}

}  // namespace tg
