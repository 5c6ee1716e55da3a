// The reductions, each a small struct that the engine in reduce_impl.h drives:
//   Acc identity()                         the empty reduction
//   row(acc, p, strideBytes, n, position)  folds n elements of one output's input
//   columns(accs, p, rowStride, rows, n, position)
//                                          folds `rows` contiguous input rows into n outputs
//   merge(acc, later)                      joins two partial results (later positions last)
//   store(outs, acc)                       writes the result to the output pointers
// `position` is the first element's index along the reduced positions (arg reductions
// report it). Included inside an ISA namespace after reduce_lanes.h and fast_exp.h.

// Float sums go through float lanes for kSumBlock elements, then into a double: each lane
// adds at most 16 values in float, so a 16M-element sum keeps float accuracy (PyTorch
// gets the same from its cascade sum), and the vector loop stays at full float width.
constexpr int64_t kSumBlock = 1024;
// Blocks for the two-pass chunk statistics (var, logsumexp, arg-extremes); in L1.
constexpr int64_t kChunk = 1024;

template <class T>
constexpr bool kFloating = std::is_floating_point<T>::value;

template <class T>
inline T loadAt(const char* p) {
  T v;
  std::memcpy(&v, p, sizeof(T));
  return v;
}
template <class T>
inline void storeAt(char* p, T v) {
  std::memcpy(p, &v, sizeof(T));
}

template <class T>
inline const T* rowAt(const char* p, int64_t rowStride, int64_t k) {
  return reinterpret_cast<const T*>(p + k * rowStride);
}

template <class T>
constexpr T lowestOf() {
  if constexpr (std::numeric_limits<T>::has_infinity) return -std::numeric_limits<T>::infinity();
  else return std::numeric_limits<T>::lowest();
}
template <class T>
constexpr T highestOf() {
  if constexpr (std::numeric_limits<T>::has_infinity) return std::numeric_limits<T>::infinity();
  else return std::numeric_limits<T>::max();
}

// ---- sums of a transformed element: sum, mean, norm 0/1/2, count_nonzero, all, any ---
enum class SumLoad { Value, Abs, Square, Nonzero, Zero };
enum class SumFinish { Value, Mean, Sqrt, IsZero, IsNonzero };

// Integers sum in uint64 (wrapping as PyTorch's int64 does, without signed overflow).
template <class T>
using SumAcc = std::conditional_t<kFloating<T>, double, uint64_t>;
template <class T>
using SumLane = std::conditional_t<kFloating<T>, T, uint64_t>;

template <class T, SumLoad kLoad>
inline SumLane<T> sumLoad(T v) {
  using L = SumLane<T>;
  if constexpr (kLoad == SumLoad::Value) return L(v);
  else if constexpr (kLoad == SumLoad::Abs) return std::fabs(v);
  else if constexpr (kLoad == SumLoad::Square) return v * v;
  else if constexpr (kLoad == SumLoad::Nonzero) return L(v != T(0));
  else return L(v == T(0));
}

template <class T, SumLoad kLoad, class Out, SumFinish kFinish>
struct SumReducer {
  using In = T;
  using Acc = SumAcc<T>;
  static constexpr bool kColumns = true;
  int64_t count;  // elements per output, for the mean

  Acc identity() const { return Acc(0); }
  void row(Acc& acc, const char* p, int64_t stride, int64_t n, int64_t) const {
    if (stride == int64_t(sizeof(T))) {
      const T* x = reinterpret_cast<const T*>(p);
      auto load = [](T v) { return sumLoad<T, kLoad>(v); };
      for (int64_t i = 0; i < n; i += kSumBlock)
        acc += Acc(laneFold(x + i, std::min(kSumBlock, n - i), SumLane<T>(0), load, Plus()));
    } else {
      for (int64_t i = 0; i < n; i++) acc += Acc(sumLoad<T, kLoad>(loadAt<T>(p + i * stride)));
    }
  }
  // Four rows per pass: a quarter of the accumulator traffic and four input streams in
  // flight (a float sum of four adds no error to speak of before the widening).
  void columns(Acc* acc, const char* p, int64_t rowStride, int64_t rows, int64_t n, int64_t) const {
    int64_t k = 0;
    for (; k + 4 <= rows; k += 4) {
      const T* x0 = rowAt<T>(p, rowStride, k);
      const T* x1 = rowAt<T>(p, rowStride, k + 1);
      const T* x2 = rowAt<T>(p, rowStride, k + 2);
      const T* x3 = rowAt<T>(p, rowStride, k + 3);
      for (int64_t j = 0; j < n; j++)
        acc[j] += Acc((sumLoad<T, kLoad>(x0[j]) + sumLoad<T, kLoad>(x1[j])) + (sumLoad<T, kLoad>(x2[j]) + sumLoad<T, kLoad>(x3[j])));
    }
    for (; k < rows; k++) {
      const T* x = rowAt<T>(p, rowStride, k);
      for (int64_t j = 0; j < n; j++) acc[j] += Acc(sumLoad<T, kLoad>(x[j]));
    }
  }
  // Short contiguous runs, many per output (see reduceShortRuns): each output keeps one
  // register of float lanes that its runs add into, folded into the double every
  // kSumBlock elements as row() folds a long run. Folding all lanes after every run, as
  // row() would, costs as much as a run of 196 floats itself.
  using L = SumLane<T>;
  static constexpr int kRunVector = kVectorOf<L>;
  using RunVector [[gnu::vector_size(64)]] = L;
  struct Lanes {
    RunVector v;
  };
  static void clear(Lanes& lanes) { lanes.v = RunVector{}; }
  // a += the next kRunVector elements (an out-parameter: a 64-byte vector returned by
  // value changes the ABI under the narrower ISAs, which GCC warns about).
  static void addVector(RunVector& a, const T* x) {
    RunVector v;
    if constexpr (std::is_same<T, L>::value && (kLoad == SumLoad::Value || kLoad == SumLoad::Square)) {
      std::memcpy(&v, x, sizeof v);
      if constexpr (kLoad == SumLoad::Square) v *= v;
    } else {
      for (int j = 0; j < kRunVector; j++) v[j] = sumLoad<T, kLoad>(x[j]);
    }
    a += v;
  }
  static void addRun(Lanes& lanes, const char* p, int64_t n) {
    const T* x = reinterpret_cast<const T*>(p);
    constexpr int64_t kV = kRunVector;
    // Four independent chains (the adds' latency), GCC vector types so that the lanes stay
    // in registers at each ISA's width.
    RunVector a0{}, a1{}, a2{}, a3{};
    int64_t i = 0;
    for (; i + 4 * kV <= n; i += 4 * kV) {
      addVector(a0, x + i);
      addVector(a1, x + i + kV);
      addVector(a2, x + i + 2 * kV);
      addVector(a3, x + i + 3 * kV);
    }
    for (; i + kV <= n; i += kV) addVector(a0, x + i);
    RunVector tail{};
    for (int j = 0; i + j < n; j++) tail[j] = sumLoad<T, kLoad>(x[i + j]);
    lanes.v += ((a0 + a1) + (a2 + a3)) + tail;
  }
  static void fold(Acc& acc, Lanes& lanes) {
    L total = L(0);
    for (int j = 0; j < kRunVector; j++) total += lanes.v[j];
    acc += Acc(total);
    clear(lanes);
  }
  void merge(Acc& a, const Acc& b) const { a += b; }
  void store(char* const* out, const Acc& acc) const {
    if constexpr (kFinish == SumFinish::Mean) storeAt<Out>(out[0], Out(acc / double(count)));
    else if constexpr (kFinish == SumFinish::Sqrt) storeAt<Out>(out[0], Out(std::sqrt(acc)));
    else if constexpr (kFinish == SumFinish::IsZero) storeAt<Out>(out[0], Out(acc == 0));
    else if constexpr (kFinish == SumFinish::IsNonzero) storeAt<Out>(out[0], Out(acc != 0));
    else storeAt<Out>(out[0], Out(acc));
  }
};

// ---- prod: floats multiply in their own type (as PyTorch, so overflow matches) ---------
template <class T>
struct ProdReducer {
  using In = T;
  using Acc = std::conditional_t<kFloating<T>, T, uint64_t>;
  using Out = std::conditional_t<kFloating<T>, T, int64_t>;
  static constexpr bool kColumns = true;

  Acc identity() const { return Acc(1); }
  void row(Acc& acc, const char* p, int64_t stride, int64_t n, int64_t) const {
    if (stride == int64_t(sizeof(T))) {
      acc *= laneFold(reinterpret_cast<const T*>(p), n, Acc(1), [](T v) { return Acc(v); }, Times());
    } else {
      for (int64_t i = 0; i < n; i++) acc *= Acc(loadAt<T>(p + i * stride));
    }
  }
  void columns(Acc* acc, const char* p, int64_t rowStride, int64_t rows, int64_t n, int64_t) const {
    for (int64_t k = 0; k < rows; k++) {
      const T* x = rowAt<T>(p, rowStride, k);
      for (int64_t j = 0; j < n; j++) acc[j] *= Acc(x[j]);
    }
  }
  void merge(Acc& a, const Acc& b) const { a *= b; }
  void store(char* const* out, const Acc& acc) const { storeAt<Out>(out[0], Out(acc)); }
};

// ---- amax / amin, and the inf / -inf norms (of |x|) ------------------------------------
template <class T, bool kMax, bool kAbs>
struct ExtremeReducer {
  using In = T;
  using Acc = T;
  using Combine = std::conditional_t<kMax, MaxNaN, MinNaN>;
  static constexpr bool kColumns = true;
  int64_t count;

  static T load(T v) {
    if constexpr (kAbs) return std::fabs(v);
    else return v;
  }
  // The inf-norm of nothing is 0, as is max |x| >= 0; the -inf-norm of nothing is 0 in
  // PyTorch too (store() below), though min's identity is +inf.
  Acc identity() const {
    if constexpr (kAbs) return kMax ? T(0) : highestOf<T>();
    else return kMax ? lowestOf<T>() : highestOf<T>();
  }
  void row(Acc& acc, const char* p, int64_t stride, int64_t n, int64_t) const {
    if (stride == int64_t(sizeof(T))) {
      acc = Combine()(acc, laneFold(reinterpret_cast<const T*>(p), n, identity(), load, Combine()));
    } else {
      for (int64_t i = 0; i < n; i++) acc = Combine()(acc, load(loadAt<T>(p + i * stride)));
    }
  }
  void columns(Acc* acc, const char* p, int64_t rowStride, int64_t rows, int64_t n, int64_t) const {
    for (int64_t k = 0; k < rows; k++) {
      const T* x = rowAt<T>(p, rowStride, k);
      for (int64_t j = 0; j < n; j++) acc[j] = Combine()(acc[j], load(x[j]));
    }
  }
  void merge(Acc& a, const Acc& b) const { a = Combine()(a, b); }
  void store(char* const* out, const Acc& acc) const { storeAt<T>(out[0], kAbs && count == 0 ? T(0) : acc); }
};

// ---- norm of a general order p: (sum |x|^p)^(1/p), in double ---------------------------
template <class T>
struct NormPReducer {
  using In = T;
  using Acc = double;
  static constexpr bool kColumns = true;
  double p;

  Acc identity() const { return 0; }
  void row(Acc& acc, const char* q, int64_t stride, int64_t n, int64_t) const {
    for (int64_t i = 0; i < n; i++) acc += std::pow(std::fabs(double(loadAt<T>(q + i * stride))), p);
  }
  void columns(Acc* acc, const char* q, int64_t rowStride, int64_t rows, int64_t n, int64_t) const {
    for (int64_t k = 0; k < rows; k++) {
      const T* x = rowAt<T>(q, rowStride, k);
      for (int64_t j = 0; j < n; j++) acc[j] += std::pow(std::fabs(double(x[j])), p);
    }
  }
  void merge(Acc& a, const Acc& b) const { a += b; }
  void store(char* const* out, const Acc& acc) const { storeAt<T>(out[0], T(std::pow(acc, 1.0 / p))); }
};

// Copies n strided elements into a contiguous buffer, so strided rows reuse the
// contiguous chunk code.
template <class T>
inline const T* gather(T* buffer, const char* p, int64_t stride, int64_t n) {
  if (stride == int64_t(sizeof(T))) return reinterpret_cast<const T*>(p);
  for (int64_t i = 0; i < n; i++) buffer[i] = loadAt<T>(p + i * stride);
  return buffer;
}

// ---- var / std: Welford's (count, mean, M2), merged by Chan's formula -------------------
// Each chunk of a row is summed twice (mean, then squared deviations: exact enough and
// vectorised) and merged as one Welford step, as PyTorch merges its per-thread states.
struct Welford {
  double n = 0, mean = 0, m2 = 0;
};

template <class T>
struct VarReducer {
  using In = T;
  using Acc = Welford;
  static constexpr bool kColumns = true;
  double correction;
  bool takeSqrt;

  Acc identity() const { return Welford(); }
  void row(Acc& acc, const char* p, int64_t stride, int64_t n, int64_t) const {
    T buffer[kChunk];
    for (int64_t i = 0; i < n; i += kChunk) {
      const int64_t m = std::min(kChunk, n - i);
      const T* x = gather(buffer, p + i * stride, stride, m);
      const double mean = laneFold(x, m, 0.0, [](T v) { return double(v); }, Plus()) / double(m);
      const double m2 = laneFold(x, m, 0.0, [mean](T v) { return (double(v) - mean) * (double(v) - mean); }, Plus());
      merge(acc, Welford{double(m), mean, m2});
    }
  }
  void columns(Acc* acc, const char* p, int64_t rowStride, int64_t rows, int64_t n, int64_t) const {
    for (int64_t k = 0; k < rows; k++) {
      const T* x = rowAt<T>(p, rowStride, k);
      for (int64_t j = 0; j < n; j++) {
        Welford& w = acc[j];
        w.n += 1;
        const double delta = double(x[j]) - w.mean;
        w.mean += delta / w.n;
        w.m2 += delta * (double(x[j]) - w.mean);
      }
    }
  }
  void merge(Acc& a, const Acc& b) const {
    if (b.n == 0) return;
    if (a.n == 0) {
      a = b;
      return;
    }
    const double n = a.n + b.n, delta = b.mean - a.mean;
    a.mean += delta * (b.n / n);
    a.m2 += b.m2 + delta * delta * (a.n * b.n / n);
    a.n = n;
  }
  // As PyTorch: divide by max(0, n - correction), so n <= correction gives inf or NaN.
  void store(char* const* out, const Acc& acc) const {
    const double divisor = acc.n > correction ? acc.n - correction : 0.0;
    const double var = acc.m2 / divisor;
    storeAt<T>(out[0], T(takeSqrt ? std::sqrt(var) : var));
  }
};

// ---- logsumexp: (max, sum of exp(x - max)) pairs, merged by rescaling -------------------
struct LogSumExp {
  double max = -std::numeric_limits<double>::infinity();
  double sum = 0;
};

template <class T>
struct LogSumExpReducer {
  using In = T;
  using Acc = LogSumExp;
  static constexpr bool kColumns = false;  // a column walk would need an exp per element twice

  Acc identity() const { return LogSumExp(); }
  void row(Acc& acc, const char* p, int64_t stride, int64_t n, int64_t) const {
    constexpr T kInf = std::numeric_limits<T>::infinity();
    T buffer[kChunk];
    for (int64_t i = 0; i < n; i += kChunk) {
      const int64_t m = std::min(kChunk, n - i);
      const T* x = gather(buffer, p + i * stride, stride, m);
      const T chunkMax = laneFold(x, m, -kInf, [](T v) { return v; }, MaxNaN());
      if (chunkMax == -kInf) continue;  // every element is -inf: adds nothing
      if (chunkMax != chunkMax || chunkMax == kInf) {
        merge(acc, LogSumExp{double(chunkMax), 1.0});
        continue;
      }
      double chunkSum;
      if constexpr (std::is_same<T, float>::value) {
        chunkSum = laneFold(x, m, 0.0f, [chunkMax](float v) { return fastExp(v - chunkMax); }, Plus());
      } else {
        chunkSum = 0;
        for (int64_t k = 0; k < m; k++) chunkSum += std::exp(x[k] - chunkMax);
      }
      merge(acc, LogSumExp{double(chunkMax), chunkSum});
    }
  }
  void columns(Acc*, const char*, int64_t, int64_t, int64_t, int64_t) const {}
  // As PyTorch's logsumexp: NaN wins, then +inf, and all -inf gives -inf.
  void merge(Acc& a, const Acc& b) const {
    constexpr double kInf = std::numeric_limits<double>::infinity();
    if (a.max != a.max || b.max == -kInf) return;
    if (b.max != b.max || a.max == -kInf) {
      a = b;
      return;
    }
    if (a.max == kInf || b.max == kInf) {
      a = LogSumExp{kInf, 1.0};
      return;
    }
    const double top = a.max > b.max ? a.max : b.max;
    a.sum = a.sum * std::exp(a.max - top) + b.sum * std::exp(b.max - top);
    a.max = top;
  }
  void store(char* const* out, const Acc& acc) const { storeAt<T>(out[0], T(acc.max + std::log(acc.sum))); }
};

// ---- max / min with the index along the one reduced dim (argmax, argmin) ----------------
// As PyTorch: the first extreme wins ties, and the first NaN beats everything.
template <class T>
struct ValueIndex {
  T value;
  int64_t index;
};

template <class T, bool kMax>
inline bool better(T a, T b) {
  return kMax ? a > b : a < b;
}
template <class T>
inline bool isNaN(T v) {
  return v != v;
}

// Whether v replaces `best` as the running extreme: strictly better, or the first NaN.
// As one expression of two compares (no && / ||): short-circuit branches in a lane loop
// keep GCC from vectorising it without branches.
template <class T, bool kMax>
inline bool replaces(T v, T best) {
  return !(kMax ? v <= best : v >= best) & (best == best);
}

// The extreme of x[0..n) and its first index, kept per lane (value and index side by side,
// both vectorised) and then joined across lanes: fast whatever the data, where a scan for
// the extreme's position after each improvement would cost a pass per improvement.
template <class T, bool kMax>
inline ValueIndex<T> laneArg(const T* x, int64_t n) {
  using I = std::conditional_t<sizeof(T) == 8, int64_t, int32_t>;  // lanes as wide as T's
  constexpr int kLanes = sizeof(T) >= 4 ? int(128 / sizeof(T)) : 32;
  ValueIndex<T> r{x[0], 0};
  int64_t i = 1;
  if (n >= 2 * kLanes) {
    T best[kLanes];
    I where[kLanes];
    for (int j = 0; j < kLanes; j++) {
      best[j] = x[j];
      where[j] = I(j);
    }
    for (i = kLanes; i + kLanes <= n; i += kLanes)
      for (int j = 0; j < kLanes; j++) {
        const T v = x[i + j];
        const bool take = replaces<T, kMax>(v, best[j]);
        best[j] = take ? v : best[j];
        where[j] = take ? I(i + j) : where[j];
      }
    // Across lanes: the first NaN, else the extreme with the smallest index.
    r = ValueIndex<T>{best[0], int64_t(where[0])};
    for (int j = 1; j < kLanes; j++) {
      const bool take = isNaN(r.value) ? isNaN(best[j]) && where[j] < r.index
                                       : isNaN(best[j]) || better<T, kMax>(best[j], r.value) ||
                                             (best[j] == r.value && where[j] < r.index);
      if (take) r = ValueIndex<T>{best[j], int64_t(where[j])};
    }
  }
  // The rest (or all of a short row) comes after every lane's index: strictly better only.
  for (; i < n; i++)
    if (replaces<T, kMax>(x[i], r.value)) r = ValueIndex<T>{x[i], i};
  return r;
}

template <class T, bool kMax>
struct ArgReducer {
  using In = T;
  using Acc = ValueIndex<T>;
  static constexpr bool kColumns = true;
  // Lane indices are int32 for 4-byte types: blocks stay far below 2^31.
  static constexpr int64_t kBlock = int64_t(1) << 30;

  Acc identity() const { return Acc{kMax ? lowestOf<T>() : highestOf<T>(), -1}; }
  void row(Acc& acc, const char* p, int64_t stride, int64_t n, int64_t position) const {
    const bool contiguous = stride == int64_t(sizeof(T));
    const int64_t block = contiguous ? kBlock : kChunk;
    T buffer[kChunk];
    for (int64_t i = 0; i < n; i += block) {
      if (acc.index >= 0 && isNaN(acc.value)) return;
      const int64_t m = std::min(block, n - i);
      const ValueIndex<T> part = laneArg<T, kMax>(gather(buffer, p + i * stride, stride, m), m);
      merge(acc, Acc{part.value, position + i + part.index});
    }
  }
  void columns(Acc* acc, const char* p, int64_t rowStride, int64_t rows, int64_t n, int64_t position) const {
    for (int64_t k = 0; k < rows; k++) {
      const T* x = rowAt<T>(p, rowStride, k);
      for (int64_t j = 0; j < n; j++) {
        const T v = x[j];
        const bool take = replaces<T, kMax>(v, acc[j].value) | (acc[j].index < 0);
        acc[j].value = take ? v : acc[j].value;
        acc[j].index = take ? position + k : acc[j].index;
      }
    }
  }
  void merge(Acc& a, const Acc& b) const {
    if (b.index < 0 || (a.index >= 0 && isNaN(a.value))) return;
    if (a.index < 0 || isNaN(b.value) || better<T, kMax>(b.value, a.value)) a = b;
  }
  void store(char* const* out, const Acc& acc) const {
    storeAt<T>(out[0], acc.value);
    storeAt<int64_t>(out[1], acc.index < 0 ? 0 : acc.index);
  }
};
