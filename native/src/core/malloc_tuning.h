// Tensor storage is V8-owned memory (Buffer.allocUnsafeSlow in lib/storage.ts), freed by
// the garbage collector as soon as it runs, even inside a synchronous training loop;
// external buffers from an addon pool are only handed back to their finalizers when the
// event loop turns, and cost ~1.9 us to create against ~50 ns. What the pool would have
// bought - freed blocks staying warm instead of going back to the kernel, where the next
// touch costs ~11 us per page - comes from telling glibc to keep freed memory: the same
// settings PyTorch is measured with (GLIBC_TUNABLES mmap_threshold / trim_threshold).
// TENSORGRAD_MALLOC_TUNING=0 leaves glibc as it is.
#pragma once

namespace tg {
void tuneMallocOnce();
}
