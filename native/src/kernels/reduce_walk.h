// Serial walkers shared by the reduction and along-dim kernels. Included inside a kernel
// file's ISA namespace (no includes of its own), like for_each.h.

// Calls fn(ptrs, strides, n) for every run along dim 0 of the positions [begin, end) of a
// prepared loop, in order.
template <class Fn>
inline void walkRuns(const StridedLoop& loop, int64_t begin, int64_t end, const Fn& fn) {
  const int nops = loop.nops, ndim = loop.ndim;
  int64_t index[kMaxDims];
  char* ptrs[kMaxOperands];
  int64_t innerStrides[kMaxOperands];
  int64_t rest = begin;
  for (int op = 0; op < nops; op++) {
    ptrs[op] = loop.data[op];
    innerStrides[op] = loop.strides[op][0];
  }
  for (int d = 0; d < ndim; d++) {
    index[d] = rest % loop.shape[d];
    rest /= loop.shape[d];
    for (int op = 0; op < nops; op++) ptrs[op] += index[d] * loop.strides[op][d];
  }
  int64_t position = begin;
  while (position < end) {
    int64_t n = loop.shape[0] - index[0];
    if (n > end - position) n = end - position;
    fn(static_cast<char* const*>(ptrs), static_cast<const int64_t*>(innerStrides), n);
    position += n;
    if (position >= end) break;
    index[0] += n;
    for (int op = 0; op < nops; op++) ptrs[op] += n * loop.strides[op][0];
    for (int d = 0; d < ndim - 1 && index[d] == loop.shape[d]; d++) {
      index[d] = 0;
      index[d + 1]++;
      for (int op = 0; op < nops; op++) ptrs[op] += loop.strides[op][d + 1] - loop.shape[d] * loop.strides[op][d];
    }
  }
}

// Calls fn(ptr, strideBytes, n, firstPosition) for every run along the innermost reduced
// dim of the reduced positions [begin, end) read from `base` (one output's input pointer).
// No reduced dims (all of size 1) is one position.
template <class Fn>
inline void walkReduced(const ReducePlan& plan, const char* base, int64_t begin, int64_t end, const Fn& fn) {
  const int ndim = plan.reducedDims;
  // An empty range (a reduced dim of size 0) reads nothing; the index math below would divide by 0.
  if (begin >= end) return;
  if (ndim == 0) {
    fn(base, int64_t(0), int64_t(1), int64_t(0));
    return;
  }
  const int64_t* shape = plan.reducedShape;
  const int64_t* strides = plan.reducedStrides;
  int64_t index[kMaxDims];
  const char* p = base;
  int64_t rest = begin;
  for (int d = 0; d < ndim; d++) {
    index[d] = rest % shape[d];
    rest /= shape[d];
    p += index[d] * strides[d];
  }
  int64_t position = begin;
  while (position < end) {
    int64_t n = shape[0] - index[0];
    if (n > end - position) n = end - position;
    fn(p, strides[0], n, position);
    position += n;
    if (position >= end) break;
    index[0] += n;
    p += n * strides[0];
    for (int d = 0; d < ndim - 1 && index[d] == shape[d]; d++) {
      index[d] = 0;
      index[d + 1]++;
      p += strides[d + 1] - shape[d] * strides[d];
    }
  }
}
