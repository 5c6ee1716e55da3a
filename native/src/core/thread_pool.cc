#include "core/thread_pool.h"

#include <immintrin.h>

#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <thread>
#include <vector>

namespace tg {
namespace {

constexpr int kSpinIterations = 1 << 15;  // ~50-100 us of _mm_pause before sleeping

thread_local bool tInsideParallelRegion = false;

class ThreadPool {
 public:
  explicit ThreadPool(int threads) { start(threads); }
  ~ThreadPool() { stop(); }

  int numThreads() const { return numThreads_; }

  void resize(int threads) {
    std::lock_guard<std::mutex> entry(entryMutex_);
    stop();
    start(threads);
  }

  void run(int64_t n, int64_t grain, RangeFn fn) {
    // Ceil division without n + grain overflowing (callers pass INT64_MAX for "serial").
    int64_t pieces = grain > 0 ? n / grain + (n % grain != 0) : n;
    if (pieces > numThreads_) pieces = numThreads_;
    if (pieces <= 1 || tInsideParallelRegion) return fn(0, n);
    std::unique_lock<std::mutex> entry(entryMutex_, std::try_to_lock);
    if (!entry.owns_lock()) return fn(0, n);  // another JS thread holds the pool

    job_ = &fn;
    jobSize_ = n;
    jobPieces_ = pieces;
    completed_.store(0, std::memory_order_relaxed);
    uint64_t generation = ++generation_;
    // Publishing the counter (generation in the high half, next piece in the low half)
    // hands out the job; a worker that claims a piece by CAS sees the fields above.
    counter_.store(generation << 32, std::memory_order_seq_cst);
    if (sleepers_.load(std::memory_order_seq_cst) > 0) {
      std::lock_guard<std::mutex> lock(sleepMutex_);
      wake_.notify_all();
    }
    tInsideParallelRegion = true;
    runPieces(generation);
    tInsideParallelRegion = false;
    while (completed_.load(std::memory_order_acquire) < pieces) _mm_pause();
  }

 private:
  void start(int threads) {
    numThreads_ = threads < 1 ? 1 : threads;
    stopping_ = false;
    for (int i = 1; i < numThreads_; i++) workers_.emplace_back([this] { workerLoop(); });
  }

  void stop() {
    {
      std::lock_guard<std::mutex> lock(sleepMutex_);
      stopping_ = true;
      counter_.store((++generation_) << 32, std::memory_order_seq_cst);
      wake_.notify_all();
    }
    for (auto& t : workers_) t.join();
    workers_.clear();
  }

  // Claims and runs pieces of job `generation` until none are left.
  void runPieces(uint64_t generation) {
    for (;;) {
      uint64_t c = counter_.load(std::memory_order_acquire);
      if ((c >> 32) != generation) return;
      int64_t piece = int64_t(c & 0xffffffffu);
      if (piece >= jobPieces_) return;
      if (!counter_.compare_exchange_weak(c, c + 1, std::memory_order_acq_rel)) continue;
      int64_t begin = jobSize_ * piece / jobPieces_;
      int64_t end = jobSize_ * (piece + 1) / jobPieces_;
      (*job_)(begin, end);
      completed_.fetch_add(1, std::memory_order_release);
    }
  }

  void workerLoop() {
    tInsideParallelRegion = true;
    uint64_t seen = counter_.load() >> 32;
    for (;;) {
      uint64_t generation = counter_.load(std::memory_order_acquire) >> 32;
      for (int spin = 0; generation == seen && spin < kSpinIterations; spin++) {
        _mm_pause();
        generation = counter_.load(std::memory_order_acquire) >> 32;
      }
      if (generation == seen) {
        std::unique_lock<std::mutex> lock(sleepMutex_);
        sleepers_.fetch_add(1, std::memory_order_seq_cst);
        wake_.wait(lock, [&] { return stopping_ || (counter_.load(std::memory_order_seq_cst) >> 32) != seen; });
        sleepers_.fetch_sub(1, std::memory_order_seq_cst);
        generation = counter_.load(std::memory_order_acquire) >> 32;
      }
      if (stopping_) return;
      seen = generation;
      runPieces(generation);
    }
  }

  int numThreads_ = 1;
  std::vector<std::thread> workers_;
  std::mutex entryMutex_;
  std::mutex sleepMutex_;
  std::condition_variable wake_;
  std::atomic<uint64_t> counter_{0};
  std::atomic<int64_t> completed_{0};
  std::atomic<int> sleepers_{0};
  uint64_t generation_ = 0;
  std::atomic<bool> stopping_{false};
  const RangeFn* job_ = nullptr;
  int64_t jobSize_ = 0;
  int64_t jobPieces_ = 0;
};

int defaultThreads() {
  if (const char* env = std::getenv("TENSORGRAD_NUM_THREADS")) {
    int n = std::atoi(env);
    if (n > 0) return n;
  }
  unsigned hw = std::thread::hardware_concurrency();
  return hw == 0 ? 1 : int(hw);
}

// Leaked on purpose: joining threads from a static destructor at exit can deadlock.
ThreadPool& pool() {
  static ThreadPool* p = new ThreadPool(defaultThreads());
  return *p;
}

}  // namespace

void setNumThreads(int n) {
  if (n < 1) n = 1;
  if (n > 256) n = 256;
  if (n != pool().numThreads()) pool().resize(n);
}

int getNumThreads() { return pool().numThreads(); }

void parallelFor(int64_t n, int64_t grain, RangeFn fn) {
  if (n <= 0) return;
  pool().run(n, grain, fn);
}

}  // namespace tg
