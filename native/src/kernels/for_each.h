// The strided loop driver. Included inside a kernel file's own namespace (no includes of
// its own) so that each instruction-set build compiles its own copy.

// Below ~32K elements a second thread costs more than it saves.
constexpr int64_t kPointwiseGrain = 32768;

// Calls fn(ptrs, innerStrides, n) for every run along dim 0 of the positions
// [begin, end) of a prepared loop, in order (serially).
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
    fn(ptrs, static_cast<const int64_t*>(innerStrides), n);
    position += n;
    if (position >= end) break;
    // Advance the multi-index by n along dim 0, carrying into outer dims.
    index[0] += n;
    for (int op = 0; op < nops; op++) ptrs[op] += n * loop.strides[op][0];
    for (int d = 0; d < ndim - 1 && index[d] == loop.shape[d]; d++) {
      index[d] = 0;
      index[d + 1]++;
      for (int op = 0; op < nops; op++) ptrs[op] += loop.strides[op][d + 1] - loop.shape[d] * loop.strides[op][d];
    }
  }
}

// Runs inner(ptrs, innerStrides, n) over every contiguous-in-dim-0 run of `loop`, split
// across the pool by element ranges.
template <class Inner>
void forEach(const StridedLoop& loop, const Inner& inner, int64_t grain = kPointwiseGrain) {
  parallelFor(loop.numel(), grain, [&](int64_t begin, int64_t end) { walkRuns(loop, begin, end, inner); });
}
