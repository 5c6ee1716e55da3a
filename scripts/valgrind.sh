#!/usr/bin/env bash
# npm run test:valgrind: a short MLP + LeNet training loop (scripts/valgrind-train.js, the
# soak test's loops) under valgrind's memcheck. Fails on any invalid read or write, use of
# uninitialised memory, or definitely lost block. Node and V8's own allocations that are
# never freed at exit are suppressed by scripts/valgrind-node.supp (only stacks that never
# pass through tensorgrad.node).
#   bash scripts/valgrind.sh [mlpSteps=20] [lenetSteps=3]
# Environment: TENSORGRAD_ADDON_PATH picks the addon build (default: build/ as usual);
# the CPU capability is pinned to avx2 because valgrind 3.x cannot decode AVX-512.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v valgrind > /dev/null; then
  echo "valgrind is needed for this check and is not installed (Debian/Ubuntu: apt-get install -y valgrind)" >&2
  exit 2
fi
npx tsc -p tsconfig.json
log=${VALGRIND_LOG:-/tmp/tensorgrad-valgrind.log}
export TENSORGRAD_CPU_CAPABILITY=${TENSORGRAD_CPU_CAPABILITY:-avx2}
export TENSORGRAD_NUM_THREADS=${TENSORGRAD_NUM_THREADS:-2}
status=0
valgrind --tool=memcheck --leak-check=full --show-leak-kinds=definite --errors-for-leak-kinds=definite \
  --error-exitcode=1 --suppressions=scripts/valgrind-node.supp --num-callers=30 --log-file="$log" \
  node --expose-gc scripts/valgrind-train.js "${1:-20}" "${2:-3}" || status=$?
grep -E "ERROR SUMMARY|definitely lost|Invalid (read|write)|uninitialised" "$log" || true
if [ "$status" -ne 0 ]; then
  echo "valgrind found errors (exit $status); full report: $log" >&2
  grep -n "tensorgrad.node" "$log" | head -40 >&2 || true
  exit 1
fi
echo "valgrind: clean (report in $log)"
