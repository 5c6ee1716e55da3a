#include "kernels/gemm/gemm_scratch.h"

#include <sys/mman.h>

#include <cstdlib>
#include <new>

namespace tg {
namespace {

constexpr size_t kHugePage = size_t(2) << 20;

struct ThreadBuffers {
  void* data[int(GemmBuffer::Count)] = {};
  size_t bytes[int(GemmBuffer::Count)] = {};
  ~ThreadBuffers() {
    for (void* p : data) std::free(p);
  }
};

thread_local ThreadBuffers tBuffers;

}  // namespace

void* gemmScratch(GemmBuffer slot, size_t bytes) {
  const int i = int(slot);
  if (bytes <= tBuffers.bytes[i]) return tBuffers.data[i];
  // Grow by at least half again so a run of slightly larger products does not refault.
  size_t want = bytes + bytes / 2;
  want = (want + 4095) & ~size_t(4095);
  void* p = nullptr;
  if (posix_memalign(&p, want >= kHugePage ? kHugePage : 64, want) != 0) throw std::bad_alloc();
  if (want >= kHugePage) madvise(p, want, MADV_HUGEPAGE);
  std::free(tBuffers.data[i]);
  tBuffers.data[i] = p;
  tBuffers.bytes[i] = want;
  return p;
}

}  // namespace tg
