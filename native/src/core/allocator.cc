#include "core/allocator.h"

#include <sys/mman.h>

#include <cstdlib>
#include <mutex>
#include <new>
#include <unordered_map>
#include <vector>

namespace tg {
namespace {

constexpr size_t kAlignment = 64;
constexpr size_t kHugePage = size_t(2) << 20;

struct PoolState {
  std::mutex mutex;
  std::unordered_map<size_t, std::vector<void*>> freeBlocks;  // class size -> blocks
  PoolStats stats{};
  uint64_t cacheLimit = uint64_t(4) << 30;
};

// Deliberately leaked: finalizers of buffers may run during process teardown, after
// static destructors would have destroyed a normal static.
PoolState& state() {
  static PoolState* s = new PoolState();
  return *s;
}

void* systemAllocate(size_t bytes) {
  void* p = nullptr;
  size_t align = bytes >= kHugePage ? kHugePage : kAlignment;
  if (posix_memalign(&p, align, bytes) != 0) return nullptr;
  // Large blocks: ask for transparent huge pages, 30x cheaper to fault in than 4 KiB ones.
  if (bytes >= kHugePage) madvise(p, bytes, MADV_HUGEPAGE);
  return p;
}

}  // namespace

CachingAllocator& CachingAllocator::instance() {
  static CachingAllocator allocator;
  return allocator;
}

// Four classes per power of two above 512 bytes (at most 25% waste), 64-byte steps below.
size_t CachingAllocator::sizeClass(size_t bytes) {
  if (bytes <= 512) return bytes == 0 ? kAlignment : (bytes + kAlignment - 1) & ~(kAlignment - 1);
  size_t pow2 = size_t(1) << (63 - __builtin_clzll(bytes - 1));  // largest power of 2 < bytes
  size_t step = pow2 / 4;
  return (bytes + step - 1) / step * step;
}

void* CachingAllocator::allocate(size_t bytes, size_t* blockBytes) {
  size_t cls = sizeClass(bytes);
  *blockBytes = cls;
  PoolState& s = state();
  {
    std::lock_guard<std::mutex> lock(s.mutex);
    s.stats.allocations++;
    auto it = s.freeBlocks.find(cls);
    if (it != s.freeBlocks.end() && !it->second.empty()) {
      void* p = it->second.back();
      it->second.pop_back();
      s.stats.poolHits++;
      s.stats.cachedBytes -= cls;
      s.stats.allocatedBytes += cls;
      return p;
    }
  }
  void* p = systemAllocate(cls);
  if (p == nullptr) {
    emptyCache();  // give the cache back and try once more before failing
    p = systemAllocate(cls);
    if (p == nullptr) return nullptr;
  }
  std::lock_guard<std::mutex> lock(s.mutex);
  s.stats.allocatedBytes += cls;
  return p;
}

void CachingAllocator::release(void* block, size_t blockBytes) {
  PoolState& s = state();
  {
    std::lock_guard<std::mutex> lock(s.mutex);
    s.stats.releases++;
    s.stats.allocatedBytes -= blockBytes;
    if (s.stats.cachedBytes + blockBytes <= s.cacheLimit) {
      s.freeBlocks[blockBytes].push_back(block);
      s.stats.cachedBytes += blockBytes;
      return;
    }
  }
  free(block);
}

void CachingAllocator::emptyCache() {
  PoolState& s = state();
  std::unordered_map<size_t, std::vector<void*>> blocks;
  {
    std::lock_guard<std::mutex> lock(s.mutex);
    blocks.swap(s.freeBlocks);
    s.stats.cachedBytes = 0;
  }
  for (auto& entry : blocks)
    for (void* p : entry.second) free(p);
}

PoolStats CachingAllocator::stats() {
  PoolState& s = state();
  std::lock_guard<std::mutex> lock(s.mutex);
  return s.stats;
}

void CachingAllocator::setCacheLimit(uint64_t bytes) {
  {
    PoolState& s = state();
    std::lock_guard<std::mutex> lock(s.mutex);
    s.cacheLimit = bytes;
  }
  emptyCache();
}

}  // namespace tg
