// One persistent kernel thread pool per process, shared by every worker_thread's addon
// instance. Waking a sleeping thread costs ~14 us here against ~0.5 us for a spinning one
// (PERFORMANCE.md), so workers spin a while before they sleep, and work is split only
// above a grain size. A caller that finds the pool busy (another JS thread inside it, or
// a nested call) runs its loop serially: no deadlock, and the thread count stays bounded.
#pragma once
#include <cstdint>

namespace tg {

// A non-owning reference to a callable `void(int64_t begin, int64_t end)`.
class RangeFn {
 public:
  template <class F>
  RangeFn(const F& f)  // NOLINT: implicit on purpose
      : object_(&f), call_([](const void* o, int64_t b, int64_t e) { (*static_cast<const F*>(o))(b, e); }) {}
  void operator()(int64_t b, int64_t e) const { call_(object_, b, e); }

 private:
  const void* object_;
  void (*call_)(const void*, int64_t, int64_t);
};

void setNumThreads(int n);
int getNumThreads();

// Calls fn over [0, n) in contiguous pieces of at least `grain` elements, on up to
// getNumThreads() threads (the caller is one of them).
void parallelFor(int64_t n, int64_t grain, RangeFn fn);

}  // namespace tg
