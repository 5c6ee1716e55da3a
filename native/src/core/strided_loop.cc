#include "core/strided_loop.h"

namespace tg {
namespace {
int64_t absolute(int64_t v) { return v < 0 ? -v : v; }
}  // namespace

void StridedLoop::prepare() {
  // Reverse to innermost-first and drop size-1 dimensions (they never move a pointer).
  int64_t shapeIn[kMaxDims];
  int64_t stridesIn[kMaxOperands][kMaxDims];
  int n = 0;
  for (int d = ndim - 1; d >= 0; d--) {
    if (shape[d] == 1) continue;
    shapeIn[n] = shape[d];
    for (int op = 0; op < nops; op++) stridesIn[op][n] = strides[op][d];
    n++;
  }
  // Insertion sort so that dimension 0 has the smallest stride: decided by the first
  // operand (output first) whose strides differ and are both non-zero.
  int perm[kMaxDims];
  for (int i = 0; i < n; i++) perm[i] = i;
  auto outerFirst = [&](int a, int b) {  // true if dim a should sit outside dim b
    for (int op = 0; op < nops; op++) {
      int64_t sa = absolute(stridesIn[op][a]), sb = absolute(stridesIn[op][b]);
      if (sa == 0 || sb == 0 || sa == sb) continue;
      return sa > sb;
    }
    return false;
  };
  for (int i = 1; i < n; i++)
    for (int j = i; j > 0 && outerFirst(perm[j - 1], perm[j]); j--) {
      int t = perm[j];
      perm[j] = perm[j - 1];
      perm[j - 1] = t;
    }
  // Coalesce neighbours that form one contiguous run in every operand.
  ndim = 0;
  for (int i = 0; i < n; i++) {
    int src = perm[i];
    if (ndim > 0) {
      bool mergeable = true;
      for (int op = 0; op < nops && mergeable; op++)
        mergeable = stridesIn[op][src] == strides[op][ndim - 1] * shape[ndim - 1];
      if (mergeable) {
        shape[ndim - 1] *= shapeIn[src];
        continue;
      }
    }
    shape[ndim] = shapeIn[src];
    for (int op = 0; op < nops; op++) strides[op][ndim] = stridesIn[op][src];
    ndim++;
  }
  if (ndim == 0) {  // a single element
    ndim = 1;
    shape[0] = 1;
    for (int op = 0; op < nops; op++) strides[op][0] = 0;
  }
}

}  // namespace tg
