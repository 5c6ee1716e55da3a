// sort and topk along one dimension, one line (position of the other dims) at a time,
// lines split across the pool. Each line is read into (value, index) pairs in scratch
// memory from the caching allocator, ordered with the same standard algorithms and
// comparators PyTorch 1.13's CPU kernels use (SortingKernel.cpp, TopKImpl.h), so ties and
// NaNs come out in PyTorch's order.
#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>
#include <new>
#include <type_traits>
#include <utility>

#include "core/allocator.h"
#include "core/thread_pool.h"
#include "kernels/select_kernels.h"

namespace tg {
namespace select_kernels {
#include "kernels/for_each.h"
}  // namespace select_kernels

namespace {

// A line costs ~n log n; below this much work per thread a second thread does not pay.
constexpr int64_t kSortGrain = 16384;

template <class T>
inline bool isNaN(T v) {
  if constexpr (std::is_floating_point<T>::value) return std::isnan(v);
  else return false;
}

template <class T>
using Entry = std::pair<T, int64_t>;

// NaN is the largest value (KeyValueCompAsc / KeyValueCompDesc).
template <class T>
struct Ascending {
  bool operator()(const Entry<T>& a, const Entry<T>& b) const {
    return (!isNaN(a.first) && isNaN(b.first)) || (a.first < b.first);
  }
};
template <class T>
struct Descending {
  bool operator()(const Entry<T>& a, const Entry<T>& b) const {
    return (isNaN(a.first) && !isNaN(b.first)) || (a.first > b.first);
  }
};

template <class T>
inline T loadValue(const char* p) {
  T v;
  std::memcpy(&v, p, sizeof(T));
  return v;
}

// Scratch for one piece of lines, from the caching allocator (no malloc per line).
class Scratch {
 public:
  explicit Scratch(size_t bytes) : data_(CachingAllocator::instance().allocate(bytes, &blockBytes_)) {}
  ~Scratch() {
    if (data_ != nullptr) CachingAllocator::instance().release(data_, blockBytes_);
  }
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;
  void* data() const { return data_; }

 private:
  size_t blockBytes_ = 0;
  void* data_;
};

// Runs order(entries, n) on every line and writes the first plan.outSize entries back.
template <class T, class Order>
bool forEachLine(const SortPlan& plan, const Order& order) {
  const int64_t lineCount = plan.lines.numel();
  const int64_t n = plan.inSize, k = plan.outSize;
  if (lineCount == 0 || k == 0) return true;
  const int64_t grain = std::max<int64_t>(1, kSortGrain / std::max<int64_t>(n, 1));
  std::atomic<bool> ok{true};
  parallelFor(lineCount, grain, [&](int64_t begin, int64_t end) {
    Scratch scratch(size_t(n) * sizeof(Entry<T>));
    if (scratch.data() == nullptr) {
      ok = false;
      return;
    }
    Entry<T>* entries = static_cast<Entry<T>*>(scratch.data());
    select_kernels::walkRuns(plan.lines, begin, end, [&](char* const* p, const int64_t* s, int64_t runs) {
      for (int64_t j = 0; j < runs; j++) {
        char* values = p[0] + j * s[0];
        char* indices = p[1] + j * s[1];
        const char* input = p[2] + j * s[2];
        for (int64_t i = 0; i < n; i++) new (&entries[i]) Entry<T>(loadValue<T>(input + i * plan.inStride), i);
        order(entries, n);
        for (int64_t i = 0; i < k; i++) {
          std::memcpy(values + i * plan.valuesStride, &entries[i].first, sizeof(T));
          std::memcpy(indices + i * plan.indicesStride, &entries[i].second, sizeof(int64_t));
        }
      }
    });
  });
  return ok.load();
}

template <class T>
bool sortLines(const SortPlan& plan, bool descending, bool stable) {
  return forEachLine<T>(plan, [&](Entry<T>* e, int64_t n) {
    if (descending) {
      if (stable) std::stable_sort(e, e + n, Descending<T>());
      else std::sort(e, e + n, Descending<T>());
    } else {
      if (stable) std::stable_sort(e, e + n, Ascending<T>());
      else std::sort(e, e + n, Ascending<T>());
    }
  });
}

template <class T, class Compare>
void selectTop(Entry<T>* e, int64_t n, int64_t k, bool sorted, Compare compare) {
  if (k * 64 <= n) {
    std::partial_sort(e, e + k, e + n, compare);
  } else {
    std::nth_element(e, e + k - 1, e + n, compare);
    if (sorted) std::sort(e, e + k - 1, compare);
  }
}

template <class T>
bool topkLines(const SortPlan& plan, bool largest, bool sorted) {
  const int64_t k = plan.outSize;
  return forEachLine<T>(plan, [&](Entry<T>* e, int64_t n) {
    if (largest) selectTop(e, n, k, sorted, Descending<T>());
    else selectTop(e, n, k, sorted, Ascending<T>());
  });
}

}  // namespace

bool sortAlong(const SortPlan& plan, DType dtype, bool descending, bool stable) {
  bool ok = true;
  TG_DISPATCH(dtype, T, ok = sortLines<T>(plan, descending, stable));
  return ok;
}

bool topkAlong(const SortPlan& plan, DType dtype, bool largest, bool sorted) {
  bool ok = true;
  TG_DISPATCH(dtype, T, ok = topkLines<T>(plan, largest, sorted));
  return ok;
}

}  // namespace tg
