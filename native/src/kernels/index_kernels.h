// Advanced indexing (t[idx] / t[idx] = v) and nonzero: the native half of lib/indexing.ts.
#pragma once
#include <atomic>
#include <cstdint>

#include "core/dtype.h"
#include "core/strided_loop.h"

namespace tg {

constexpr int kMaxIndexTensors = kMaxOperands - 2;

struct IndexStatus {
  std::atomic<int> failed{0};
  int64_t badIndex = 0;
  int64_t dimSize = 0;
  int indexNumber = 0;
  void fail(int64_t index, int64_t size, int k) {
    if (failed.exchange(1) == 0) {
      badIndex = index;
      dimSize = size;
      indexNumber = k;
    }
  }
};

// loop operands [out, src, idx0..idxK-1]: out = src[offset + sum_k idx_k * strideBytes_k].
void indexGather(StridedLoop& loop, int numIndices, const int64_t* sizes, const int64_t* strideBytes,
                 DType dtype, IndexStatus& status);
// loop operands [dst, values, idx0..]: dst[...] = values (or += with accumulate), serially.
void indexPut(StridedLoop& loop, int numIndices, const int64_t* sizes, const int64_t* strideBytes,
              DType dtype, bool accumulate, IndexStatus& status);
// loop (not prepared, operands [input]) in logical C order.
int64_t countNonzero(const StridedLoop& loop, DType dtype);
// Writes the C-order coordinates of the non-zero elements into out (int64, [count, ndim]).
void nonzeroCoordinates(const StridedLoop& loop, DType dtype, int64_t* out, int64_t capacity);

}  // namespace tg
