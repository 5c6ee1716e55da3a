// gather / scatter along one dimension (PyTorch's ScatterGatherKernel.cpp): the loop runs
// over the index tensor's shape; the gathered-from (scattered-into) operand has stride 0
// along the indexed dimension and the index value supplies the offset there.
#include <cstring>
#include <type_traits>

#include "core/thread_pool.h"
#include "kernels/select_kernels.h"

namespace tg {
namespace select_kernels {
#include "kernels/for_each.h"
}  // namespace select_kernels

namespace {

// The byte offset index `raw` selects, or false (and status set) when it is out of range.
// Taken by value so the compiler keeps size and stride in registers across the char*
// stores of the loops below (which may alias anything).
inline bool offsetOf(int64_t raw, int64_t size, int64_t strideBytes, bool wrap, IndexStatus& status, int64_t& offset) {
  int64_t v = raw;
  if (wrap && v < 0) v += size;
  if (static_cast<uint64_t>(v) >= static_cast<uint64_t>(size)) {
    status.fail(raw, size, 0);
    return false;
  }
  offset = v * strideBytes;
  return true;
}

inline int64_t loadIndex(const char* p) {
  int64_t v;
  std::memcpy(&v, p, sizeof(v));
  return v;
}

// Element copies by size (one load and one store each).
template <size_t N>
void gatherRuns(const StridedLoop& loop, const IndexedDim& dim, IndexStatus& status) {
  const int64_t size = dim.size, stride = dim.strideBytes;
  const bool wrap = dim.wrapNegative;
  select_kernels::forEach(loop, [&](char** p, const int64_t* s, int64_t n) {
    char* out = p[0];
    const char* src = p[1];
    const char* idx = p[2];
    const int64_t outStep = s[0], srcStep = s[1], idxStep = s[2];
    int64_t offset;
    if (idxStep == 0) {
      // One index for the whole run (index_select of rows): check it once, copy the run.
      if (!offsetOf(loadIndex(idx), size, stride, wrap, status, offset)) return;
      src += offset;
      if (outStep == int64_t(N) && srcStep == int64_t(N)) {
        std::memmove(out, src, size_t(n) * N);  // the API does not forbid out aliasing src
        return;
      }
      for (int64_t i = 0; i < n; i++) std::memcpy(out + i * outStep, src + i * srcStep, N);
      return;
    }
    if (outStep == int64_t(N) && idxStep == int64_t(sizeof(int64_t)) && srcStep == 0) {
      // gather along the innermost dim: dense out and index, every element from one line.
      for (int64_t i = 0; i < n; i++) {
        if (!offsetOf(loadIndex(idx + i * int64_t(sizeof(int64_t))), size, stride, wrap, status, offset)) return;
        std::memcpy(out + i * int64_t(N), src + offset, N);
      }
      return;
    }
    for (int64_t i = 0; i < n; i++) {
      if (!offsetOf(loadIndex(idx + i * idxStep), size, stride, wrap, status, offset)) return;
      std::memcpy(out + i * outStep, src + i * srcStep + offset, N);
    }
  });
}

// dst (op)= value; the op is a template argument so the inner loops carry no branch on it.
template <class T, ScatterReduce kReduce>
inline void store(char* dst, const char* value) {
  if constexpr (kReduce == ScatterReduce::None) {
    std::memcpy(dst, value, sizeof(T));
  } else {
    T a, b;
    std::memcpy(&a, dst, sizeof(T));
    std::memcpy(&b, value, sizeof(T));
    if constexpr (std::is_same<T, bool>::value) a = kReduce == ScatterReduce::Add ? (a || b) : (a && b);
    else a = kReduce == ScatterReduce::Add ? T(a + b) : T(a * b);
    std::memcpy(dst, &a, sizeof(T));
  }
}

template <class T, ScatterReduce kReduce>
void scatterRuns(const StridedLoop& loop, const IndexedDim& dim, IndexStatus& status) {
  const int64_t size = dim.size, stride = dim.strideBytes;
  const bool wrap = dim.wrapNegative;
  // Serial: repeated indices must combine in order (the result of a plain scatter with
  // repeats is the last write, as PyTorch's CPU kernel), and += must not race.
  const int64_t serial = INT64_MAX;
  select_kernels::forEach(loop, [&](char** p, const int64_t* s, int64_t n) {
    char* self = p[0];
    const char* src = p[1];
    const char* idx = p[2];
    const int64_t selfStep = s[0], srcStep = s[1], idxStep = s[2];
    int64_t offset;
    if (idxStep == 0) {
      // One index for the whole run (index_add of rows).
      if (!offsetOf(loadIndex(idx), size, stride, wrap, status, offset)) return;
      self += offset;
      for (int64_t i = 0; i < n; i++) store<T, kReduce>(self + i * selfStep, src + i * srcStep);
      return;
    }
    for (int64_t i = 0; i < n; i++) {
      if (!offsetOf(loadIndex(idx + i * idxStep), size, stride, wrap, status, offset)) return;
      store<T, kReduce>(self + i * selfStep + offset, src + i * srcStep);
    }
  }, serial);
}

}  // namespace

void gatherAlong(const StridedLoop& loop, const IndexedDim& dim, DType dtype, IndexStatus& status) {
  switch (itemSize(dtype)) {
    case 8: gatherRuns<8>(loop, dim, status); break;
    case 4: gatherRuns<4>(loop, dim, status); break;
    case 2: gatherRuns<2>(loop, dim, status); break;
    default: gatherRuns<1>(loop, dim, status); break;
  }
}

void scatterAlong(const StridedLoop& loop, const IndexedDim& dim, DType dtype, ScatterReduce reduce,
                  IndexStatus& status) {
  switch (reduce) {
    case ScatterReduce::Add: TG_DISPATCH(dtype, T, (scatterRuns<T, ScatterReduce::Add>(loop, dim, status))); break;
    case ScatterReduce::Multiply: TG_DISPATCH(dtype, T, (scatterRuns<T, ScatterReduce::Multiply>(loop, dim, status))); break;
    default: TG_DISPATCH(dtype, T, (scatterRuns<T, ScatterReduce::None>(loop, dim, status))); break;
  }
}

}  // namespace tg
