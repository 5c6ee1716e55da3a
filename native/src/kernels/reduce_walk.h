// The walker over reduced positions shared by the reduction kernels (the walk over a
// loop's runs is walkRuns in for_each.h). Included inside a kernel file's ISA namespace
// (no includes of its own), after for_each.h.

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
