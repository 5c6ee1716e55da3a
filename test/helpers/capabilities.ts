/** Running a check under each CPU capability (the per-ISA kernel builds) and thread count. */
import * as torch from '../../lib';

export const capabilities = ['default', 'avx2', 'avx512'] as const;

/** Runs `check` at 1 and 2 threads under `cap`, restoring the capability and thread count. */
export function underCapability(cap: (typeof capabilities)[number], check: () => void): void {
  const threads0 = torch.getNumThreads();
  try {
    torch.backend.setCpuCapability(cap);
    for (const threads of [1, 2]) {
      torch.setNumThreads(threads);
      check();
    }
  } finally {
    torch.backend.setCpuCapability('avx512');
    torch.setNumThreads(threads0);
  }
}
