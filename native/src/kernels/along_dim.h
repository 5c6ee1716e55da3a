// Ops along one dimension: softmax, log_softmax, cumsum, cumprod. Each "line" is one
// position of the other dimensions; when neighbouring lines are adjacent in memory (the
// op runs along an outer dimension) a tile of lines is processed together so the inner
// loops run over contiguous memory and vectorise. Included inside an ISA namespace after
// reduce_walk.h, reduce_lanes.h, fast_exp.h and reducers.h.

constexpr int64_t kDimGrain = 32768;
constexpr int64_t kLineTile = 1024;

// Runs line(out, in, outStep, inStep, n) over runs of n lines, split across the pool.
template <class Lines>
void forEachLines(const DimPlan& plan, const Lines& lines) {
  const int64_t count = plan.lines.numel();
  if (count == 0 || plan.size == 0) return;
  const int64_t grain = (kDimGrain + plan.size - 1) / plan.size;
  parallelFor(count, grain, [&](int64_t begin, int64_t end) {
    walkRuns(plan.lines, begin, end, [&](char* const* p, const int64_t* s, int64_t n) { lines(p[0], p[1], s[0], s[1], n); });
  });
}

template <class T>
inline T expOf(T v) {
  if constexpr (std::is_same<T, float>::value) return fastExp(v);
  else return std::exp(v);
}

// ---- softmax / log_softmax (as PyTorch: subtract the max, exp, scale by 1 / sum) -------
template <class T, bool kLog>
void softmaxRow(char* outBytes, const char* inBytes, int64_t size, int64_t outStride, int64_t inStride) {
  const int64_t item = int64_t(sizeof(T));
  if (outStride == item && inStride == item) {
    T* out = reinterpret_cast<T*>(outBytes);
    const T* x = reinterpret_cast<const T*>(inBytes);
    const T max = laneFold(x, size, lowestOf<T>(), [](T v) { return v; }, MaxNaN());
    if constexpr (kLog) {
      const T sum = laneFold(x, size, T(0), [max](T v) { return expOf(v - max); }, Plus());
      const T logSum = std::log(sum);
      for (int64_t i = 0; i < size; i++) out[i] = x[i] - max - logSum;
    } else {
      // Separate passes: GCC vectorises the exp loop with its own epilogue, which it will
      // not do for an exp fused into the lane sum (measured slower, 36 vs 49 us on 64x1000).
      for (int64_t i = 0; i < size; i++) out[i] = expOf(x[i] - max);
      const T scale = T(1) / laneFold(out, size, T(0), [](T v) { return v; }, Plus());
      for (int64_t i = 0; i < size; i++) out[i] *= scale;
    }
    return;
  }
  T max = lowestOf<T>();
  for (int64_t i = 0; i < size; i++) max = MaxNaN()(max, loadAt<T>(inBytes + i * inStride));
  T sum = 0;
  for (int64_t i = 0; i < size; i++) {
    const T e = expOf(loadAt<T>(inBytes + i * inStride) - max);
    if (!kLog) storeAt<T>(outBytes + i * outStride, e);
    sum += e;
  }
  if constexpr (kLog) {
    const T logSum = std::log(sum);
    for (int64_t i = 0; i < size; i++)
      storeAt<T>(outBytes + i * outStride, loadAt<T>(inBytes + i * inStride) - max - logSum);
  } else {
    const T scale = T(1) / sum;
    for (int64_t i = 0; i < size; i++) storeAt<T>(outBytes + i * outStride, loadAt<T>(outBytes + i * outStride) * scale);
  }
}

// n adjacent lines (contiguous across lines in both tensors) at once.
template <class T, bool kLog>
void softmaxColumns(char* outBytes, const char* inBytes, int64_t size, int64_t outStride, int64_t inStride, int64_t n) {
  T max[kLineTile], sum[kLineTile];
  for (int64_t j = 0; j < n; j++) {
    max[j] = lowestOf<T>();
    sum[j] = 0;
  }
  for (int64_t k = 0; k < size; k++) {
    const T* x = reinterpret_cast<const T*>(inBytes + k * inStride);
    for (int64_t j = 0; j < n; j++) max[j] = MaxNaN()(max[j], x[j]);
  }
  for (int64_t k = 0; k < size; k++) {
    const T* x = reinterpret_cast<const T*>(inBytes + k * inStride);
    T* out = reinterpret_cast<T*>(outBytes + k * outStride);
    for (int64_t j = 0; j < n; j++) {
      const T e = expOf(x[j] - max[j]);
      if (!kLog) out[j] = e;
      sum[j] += e;
    }
  }
  if constexpr (kLog) {
    for (int64_t j = 0; j < n; j++) sum[j] = std::log(sum[j]);
    for (int64_t k = 0; k < size; k++) {
      const T* x = reinterpret_cast<const T*>(inBytes + k * inStride);
      T* out = reinterpret_cast<T*>(outBytes + k * outStride);
      for (int64_t j = 0; j < n; j++) out[j] = x[j] - max[j] - sum[j];
    }
  } else {
    for (int64_t j = 0; j < n; j++) sum[j] = T(1) / sum[j];
    for (int64_t k = 0; k < size; k++) {
      T* out = reinterpret_cast<T*>(outBytes + k * outStride);
      for (int64_t j = 0; j < n; j++) out[j] *= sum[j];
    }
  }
}

template <class T, bool kLog>
void runSoftmax(const DimPlan& plan) {
  const int64_t item = int64_t(sizeof(T));
  forEachLines(plan, [&](char* out, const char* in, int64_t outStep, int64_t inStep, int64_t n) {
    if (outStep == item && inStep == item && n > 1 && plan.inStride != item) {
      for (int64_t j = 0; j < n; j += kLineTile)
        softmaxColumns<T, kLog>(out + j * item, in + j * item, plan.size, plan.outStride, plan.inStride,
                                std::min(kLineTile, n - j));
      return;
    }
    for (int64_t j = 0; j < n; j++)
      softmaxRow<T, kLog>(out + j * outStep, in + j * inStep, plan.size, plan.outStride, plan.inStride);
  });
}

// ---- their backward: the gradient of each line from its output gradient g and result y --
// softmax: y * (g - sum(g * y)); log_softmax: g - exp(y) * sum(g) (PyTorch's
// _softmax_backward_data / _log_softmax_backward_data); sums in double.
template <class T, bool kLog>
void softmaxBackwardLine(char* out, const char* g, const char* y, int64_t size, int64_t outStride, int64_t gStride,
                         int64_t yStride) {
  double sum = 0;
  for (int64_t i = 0; i < size; i++) {
    const double gi = double(loadAt<T>(g + i * gStride));
    sum += kLog ? gi : gi * double(loadAt<T>(y + i * yStride));
  }
  const T s = T(sum);
  for (int64_t i = 0; i < size; i++) {
    const T gi = loadAt<T>(g + i * gStride), yi = loadAt<T>(y + i * yStride);
    storeAt<T>(out + i * outStride, kLog ? T(gi - expOf(yi) * s) : T(yi * (gi - s)));
  }
}

template <class T, bool kLog>
void runSoftmaxBackward(const DimPlan& plan) {
  const int64_t count = plan.lines.numel();
  if (count == 0 || plan.size == 0) return;
  const int64_t grain = (kDimGrain + plan.size - 1) / plan.size;
  parallelFor(count, grain, [&](int64_t begin, int64_t end) {
    walkRuns(plan.lines, begin, end, [&](char* const* p, const int64_t* s, int64_t n) {
      for (int64_t j = 0; j < n; j++)
        softmaxBackwardLine<T, kLog>(p[0] + j * s[0], p[1] + j * s[1], p[2] + j * s[2], plan.size, plan.outStride, plan.inStride,
                                     plan.otherStride);
    });
  });
}

// ---- cumsum / cumprod: accumulated in double (floats) or wrapping int64, as PyTorch ----
template <class T, bool kProd>
void runScan(const DimPlan& plan) {
  using Acc = SumAcc<T>;
  using Out = std::conditional_t<kFloating<T>, T, int64_t>;
  const int64_t size = plan.size, outStride = plan.outStride, inStride = plan.inStride;
  forEachLines(plan, [&](char* out, const char* in, int64_t outStep, int64_t inStep, int64_t n) {
    if (outStep == int64_t(sizeof(Out)) && inStep == int64_t(sizeof(T)) && n > 1 && inStride != int64_t(sizeof(T))) {
      Acc acc[kLineTile];
      for (int64_t j0 = 0; j0 < n; j0 += kLineTile) {
        const int64_t m = std::min(kLineTile, n - j0);
        for (int64_t j = 0; j < m; j++) acc[j] = Acc(kProd ? 1 : 0);
        for (int64_t k = 0; k < size; k++) {
          const T* x = reinterpret_cast<const T*>(in + k * inStride) + j0;
          Out* o = reinterpret_cast<Out*>(out + k * outStride) + j0;
          for (int64_t j = 0; j < m; j++) {
            acc[j] = kProd ? Acc(acc[j] * Acc(x[j])) : Acc(acc[j] + Acc(x[j]));
            o[j] = Out(acc[j]);
          }
        }
      }
      return;
    }
    for (int64_t j = 0; j < n; j++) {
      const char* x = in + j * inStep;
      char* o = out + j * outStep;
      Acc acc = Acc(kProd ? 1 : 0);
      for (int64_t k = 0; k < size; k++) {
        const Acc v = Acc(loadAt<T>(x + k * inStride));
        acc = kProd ? Acc(acc * v) : Acc(acc + v);
        storeAt<Out>(o + k * outStride, Out(acc));
      }
    }
  });
}
