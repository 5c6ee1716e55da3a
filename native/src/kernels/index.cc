#include <cstring>
#include <type_traits>

#include "core/thread_pool.h"
#include "kernels/index_kernels.h"

namespace tg {
namespace index_kernels {
#include "kernels/for_each.h"
}  // namespace index_kernels

namespace {

inline char* gatheredAddress(char* base, char** ptrs, int numIndices, const int64_t* sizes,
                             const int64_t* strideBytes, IndexStatus& status, bool& ok) {
  int64_t offset = 0;
  for (int k = 0; k < numIndices; k++) {
    int64_t v = *reinterpret_cast<const int64_t*>(ptrs[2 + k]);
    if (v < 0) v += sizes[k];
    if (v < 0 || v >= sizes[k]) {
      status.fail(*reinterpret_cast<const int64_t*>(ptrs[2 + k]), sizes[k], k);
      ok = false;
      return base;
    }
    offset += v * strideBytes[k];
  }
  ok = true;
  return base + offset;
}

template <class T>
inline void accumulateInto(char* dst, const char* value) {
  T a, b;
  std::memcpy(&a, dst, sizeof(T));
  std::memcpy(&b, value, sizeof(T));
  if constexpr (std::is_same<T, bool>::value) a = a || b;
  else a = T(a + b);
  std::memcpy(dst, &a, sizeof(T));
}

// Walks loop positions in logical C order (no reordering), calling fn(elementPointer, index).
template <class Fn>
void forEachInOrder(const StridedLoop& loop, Fn fn) {
  int64_t total = loop.numel();
  int64_t index[kMaxDims] = {0};
  for (int64_t i = 0; i < total; i++) {
    char* p = loop.data[0];
    for (int d = 0; d < loop.ndim; d++) p += index[d] * loop.strides[0][d];
    fn(p, index);
    for (int d = loop.ndim - 1; d >= 0; d--) {
      if (++index[d] < loop.shape[d]) break;
      index[d] = 0;
    }
  }
}

}  // namespace

void indexGather(StridedLoop& loop, int numIndices, const int64_t* sizes, const int64_t* strideBytes,
                 DType dtype, IndexStatus& status) {
  const size_t item = itemSize(dtype);
  index_kernels::forEach(loop, [&](char** p, const int64_t* s, int64_t n) {
    char* ptrs[kMaxOperands];
    for (int op = 0; op < loop.nops; op++) ptrs[op] = p[op];
    for (int64_t i = 0; i < n; i++) {
      bool ok;
      char* src = gatheredAddress(ptrs[1], ptrs, numIndices, sizes, strideBytes, status, ok);
      if (!ok) return;
      std::memcpy(ptrs[0], src, item);
      for (int op = 0; op < loop.nops; op++) ptrs[op] += s[op];
    }
  });
}

void indexPut(StridedLoop& loop, int numIndices, const int64_t* sizes, const int64_t* strideBytes, DType dtype,
              bool accumulate, IndexStatus& status) {
  const size_t item = itemSize(dtype);
  // Serial: repeated indices must land in a deterministic order (and accumulate safely).
  const int64_t serial = INT64_MAX;
  index_kernels::forEach(loop, [&](char** p, const int64_t* s, int64_t n) {
    char* ptrs[kMaxOperands];
    for (int op = 0; op < loop.nops; op++) ptrs[op] = p[op];
    for (int64_t i = 0; i < n; i++) {
      bool ok;
      char* dst = gatheredAddress(ptrs[0], ptrs, numIndices, sizes, strideBytes, status, ok);
      if (!ok) return;
      if (accumulate) {
        TG_DISPATCH(dtype, T, accumulateInto<T>(dst, ptrs[1]));
      } else {
        std::memcpy(dst, ptrs[1], item);
      }
      for (int op = 0; op < loop.nops; op++) ptrs[op] += s[op];
    }
  }, serial);
}

template <class T>
static inline bool isNonzero(const char* p) {
  T v;
  std::memcpy(&v, p, sizeof(T));
  return v != T(0);
}

int64_t countNonzero(const StridedLoop& loop, DType dtype) {
  int64_t count = 0;
  TG_DISPATCH(dtype, T, forEachInOrder(loop, [&](char* p, const int64_t*) { count += isNonzero<T>(p); }));
  return count;
}

void nonzeroCoordinates(const StridedLoop& loop, DType dtype, int64_t* out, int64_t capacity) {
  int64_t row = 0;
  TG_DISPATCH(dtype, T, forEachInOrder(loop, [&](char* p, const int64_t* index) {
    if (!isNonzero<T>(p) || row >= capacity) return;
    for (int d = 0; d < loop.ndim; d++) out[row * loop.ndim + d] = index[d];
    row++;
  }));
}

}  // namespace tg
