#include "core/cpu_features.h"

#include <atomic>
#include <cstdlib>
#include <cstring>

namespace tg {
namespace {

CpuCapability detect() {
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
      __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq"))
    return CpuCapability::Avx512;
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return CpuCapability::Avx2;
  return CpuCapability::Default;
}

CpuCapability initial() {
  CpuCapability cap = detect();
  if (const char* env = std::getenv("TENSORGRAD_CPU_CAPABILITY")) {
    CpuCapability wanted = cap;
    if (std::strcmp(env, "default") == 0) wanted = CpuCapability::Default;
    else if (std::strcmp(env, "avx2") == 0) wanted = CpuCapability::Avx2;
    else if (std::strcmp(env, "avx512") == 0) wanted = CpuCapability::Avx512;
    if (int(wanted) < int(cap)) cap = wanted;
  }
  return cap;
}

std::atomic<int>& active() {
  static std::atomic<int> cap{int(initial())};
  return cap;
}

}  // namespace

CpuCapability detectedCapability() {
  static CpuCapability cap = detect();
  return cap;
}

CpuCapability activeCapability() { return CpuCapability(active().load(std::memory_order_relaxed)); }

void setActiveCapability(CpuCapability cap) {
  if (int(cap) > int(detectedCapability())) cap = detectedCapability();
  active().store(int(cap));
}

const char* capabilityName(CpuCapability cap) {
  switch (cap) {
    case CpuCapability::Avx512: return "avx512";
    case CpuCapability::Avx2: return "avx2";
    default: return "default";
  }
}

}  // namespace tg
