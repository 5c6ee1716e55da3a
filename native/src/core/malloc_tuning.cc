#include "core/malloc_tuning.h"

#include <cstdlib>
#include <cstring>
#include <mutex>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace tg {

void tuneMallocOnce() {
  static std::once_flag once;
  std::call_once(once, [] {
    const char* env = std::getenv("TENSORGRAD_MALLOC_TUNING");
    if (env != nullptr && std::strcmp(env, "0") == 0) return;
#if defined(__GLIBC__)
    mallopt(M_MMAP_THRESHOLD, 32 << 20);                 // blocks up to 32 MiB come from the heap...
    mallopt(M_TRIM_THRESHOLD, 1 << 30);                  // ...and freed ones stay there, warm
#endif
  });
}

}  // namespace tg
