/**
 * The one flag every op entry point reads (lib/ops/registry.ts, the engine): whether an
 * autograd profiler is recording on this thread. Kept apart from profiler.ts so the
 * registry can import it without pulling in the profiler (and its fs / formatting code).
 * Module-level, so each worker_thread has its own, as PyTorch's thread-local profiler.
 */

/** What a running profiler receives: a range opens, ops run inside it, it closes. */
export interface ProfilerSink {
  /** Opens a range; `inputs` are the call's arguments (shapes are taken when asked). */
  begin(name: string, inputs: readonly unknown[] | null): void;
  end(): void;
}

export const profilerState: { active: boolean; sink: ProfilerSink | null } = { active: false, sink: null };

/** Runs `run` inside a profiler range named `name` (just runs it when none records). */
export function profiled<T>(name: string, inputs: readonly unknown[] | null, run: () => T): T {
  const sink = profilerState.sink;
  if (sink === null) return run();
  sink.begin(name, inputs);
  try {
    return run();
  } finally {
    sink.end();
  }
}

/** PyTorch's operator name for a registry op: 'onesLike' -> 'aten::ones_like'. */
export function atenName(name: string): string {
  return `aten::${name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}`;
}
