// Per-thread packing buffers for the GEMM kernels. Touching fresh pages costs ~11 us per
// 4 KiB here (PERFORMANCE.md), so each thread keeps its buffers and only grows them:
// after the first large product, packing never faults a page in again.
#pragma once
#include <cstddef>

namespace tg {

enum class GemmBuffer { PackedA = 0, PackedB = 1, Tile = 2, Count = 3 };

// A 64-byte aligned buffer of at least `bytes`, owned by the calling thread; its contents
// are undefined, and it stays valid until the same thread asks for the same slot again.
void* gemmScratch(GemmBuffer slot, size_t bytes);

}  // namespace tg
