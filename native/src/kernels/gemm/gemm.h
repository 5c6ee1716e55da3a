// C = alpha * A @ B + beta * C over a batch of matrices with arbitrary element strides,
// for every dtype but bool. Float types run on the packed, cache-blocked kernels of the
// active CPU capability (kernels/gemm/gemm_<isa>.cc); integer types on a plain loop.
// Callers (bindings/linalg_binding.cc) have already checked every access stays inside
// its buffer: the kernels read exactly the elements (b, i, k) of A, (b, k, j) of B and
// write (b, i, j) of C for indices inside [batch, m, n, k].
#pragma once
#include <cstdint>

#include "core/dtype.h"

namespace tg {

struct GemmOperand {
  char* data;           // element (0, 0) of batch 0
  int64_t batchStride;  // in elements; 0 broadcasts one matrix over the batch
  int64_t rowStride;
  int64_t colStride;
};

struct GemmProblem {
  DType dtype;
  int64_t batch, m, n, k;
  double alpha, beta;  // beta == 0: C is written without being read (NaN in C is ignored)
  GemmOperand c, a, b;  // C: m x n, A: m x k, B: k x n
};

void gemm(const GemmProblem& p);

// The float entry points each ISA file provides (kernels/gemm/gemm_driver.h).
#define TG_DECLARE_GEMM_ISA(ns)             \
  namespace ns {                            \
  void gemmFloat32(const GemmProblem& p);  \
  void gemmFloat64(const GemmProblem& p);  \
  }
TG_DECLARE_GEMM_ISA(isa_default)
TG_DECLARE_GEMM_ISA(isa_avx2)
TG_DECLARE_GEMM_ISA(isa_avx512)
#undef TG_DECLARE_GEMM_ISA

}  // namespace tg
