// Caching allocator for tensor storage. Touching a fresh page costs ~11 us on these
// machines (PERFORMANCE.md), so freed blocks are kept in size classes and handed out
// again warm instead of going back to the kernel.
#pragma once
#include <cstddef>
#include <cstdint>

namespace tg {

struct PoolStats {
  uint64_t allocatedBytes;  // live blocks handed out
  uint64_t cachedBytes;     // free blocks kept for reuse
  uint64_t allocations;     // blocks handed out, ever
  uint64_t poolHits;        // of those, served from the cache
  uint64_t releases;        // blocks returned
};

class CachingAllocator {
 public:
  static CachingAllocator& instance();
  // Returns a block of at least `bytes` (64-byte aligned); *blockBytes gets its class size.
  void* allocate(size_t bytes, size_t* blockBytes);
  void release(void* block, size_t blockBytes);
  void emptyCache();
  PoolStats stats();
  void setCacheLimit(uint64_t bytes);

  static size_t sizeClass(size_t bytes);
};

}  // namespace tg
