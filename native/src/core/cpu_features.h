// Which instruction set the kernels use, chosen once at load time from the CPU's
// features; TENSORGRAD_CPU_CAPABILITY=avx512|avx2|default pins it (never above what the
// CPU has), so gradient checks can be reproduced on another path.
#pragma once

namespace tg {

enum class CpuCapability { Default = 0, Avx2 = 1, Avx512 = 2 };

CpuCapability detectedCapability();  // what the CPU supports
CpuCapability activeCapability();    // what the kernels use
void setActiveCapability(CpuCapability cap);  // clamped to detectedCapability()
const char* capabilityName(CpuCapability cap);

}  // namespace tg
