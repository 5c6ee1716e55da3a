#!/usr/bin/env bash
# npm run test:asan: builds the addon with AddressSanitizer + UBSan into build-asan/ (the
# normal build is untouched), then runs the native-facing jest suites against it with the
# ASan runtime preloaded into an unmodified Node. Leak checking is off: Node itself keeps
# memory alive at exit; the soak tests cover leaks.
set -euo pipefail
cd "$(dirname "$0")/.."
npx cmake-js build --out build-asan --CDTG_SANITIZE=ON --debug > /tmp/tensorgrad-asan-build.log 2>&1 || { tail -40 /tmp/tensorgrad-asan-build.log; exit 1; }
addon=$(ls build-asan/*/tensorgrad.node | head -1)
runtime=$(g++ -print-file-name=libasan.so)
export LD_PRELOAD="$runtime"
export ASAN_OPTIONS="detect_leaks=0:abort_on_error=1:allocator_may_return_null=1"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
export TENSORGRAD_ADDON_PATH="$addon"
suites=("$@")
[ ${#suites[@]} -gt 0 ] || suites=(test/native-boundary.test.ts test/select-boundary.test.ts test/pointwise.test.ts test/indexing.test.ts test/linalg.test.ts test/reduce.test.ts test/memory.test.ts test/conv.test.ts test/pool.test.ts test/norm.test.ts test/select.test.ts test/io.test.ts test/hot-paths.test.ts test/api-fuzz.test.ts test/nonfinite.test.ts test/nn.test.ts)
npx jest --runInBand "${suites[@]}"
