// Selection along one dimension: gather / scatter (the strided along-dim walk behind
// gather, scatter, scatter_add, index_select, index_add and take) and sort / topk. The
// native half of lib/ops/select.ts and lib/ops/sort.ts; bindings/select_binding.cc reads
// and bounds-checks the arguments.
#pragma once
#include <cstdint>

#include "core/dtype.h"
#include "core/strided_loop.h"
#include "kernels/index_kernels.h"

namespace tg {

// The one indexed dimension of the gathered-from (or scattered-into) tensor. Its operand
// has stride 0 along that dimension in the loop; the index value picks the position.
struct IndexedDim {
  int64_t size;
  int64_t strideBytes;
  bool wrapNegative;  // take() reads -1 as the last element; gather/scatter refuse it
};

enum class ScatterReduce : int32_t { None, Add, Multiply, Count };

// loop operands [out, src, index(int64)], prepared: out = src[index * dim.strideBytes].
// Bad indices stop the walk and are reported in status (badIndex, dimSize).
void gatherAlong(const StridedLoop& loop, const IndexedDim& dim, DType dtype, IndexStatus& status);
// loop operands [self, src, index(int64)], prepared: self[index * stride] (op)= src,
// serially, so repeated indices land in order as PyTorch's CPU kernel.
void scatterAlong(const StridedLoop& loop, const IndexedDim& dim, DType dtype, ScatterReduce reduce,
                  IndexStatus& status);

// A sort or topk along one dimension: `lines` (prepared, operands [values, indices(int64),
// input]) walks every position of the other dimensions; along the dimension the input has
// inSize elements and the outputs outSize (== inSize for sort, k for topk).
struct SortPlan {
  StridedLoop lines;
  int64_t inSize = 0, outSize = 0;
  int64_t inStride = 0, valuesStride = 0, indicesStride = 0;  // bytes
};

// As PyTorch's CPU sort: NaN is the largest value; std::stable_sort when stable, else
// std::sort over the same (value, index) sequence, so ties land where PyTorch puts them.
bool sortAlong(const SortPlan& plan, DType dtype, bool descending, bool stable);
// As PyTorch's topk_impl_loop: partial_sort when k * 64 <= n, else nth_element (+ sort of
// the first k - 1 when sorted). Returns false if scratch memory could not be had.
bool topkAlong(const SortPlan& plan, DType dtype, bool largest, bool sorted);

}  // namespace tg
