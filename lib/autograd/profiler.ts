/**
 * torch.autograd.profiler (API.md §4): records every op entry point (the registry's
 * torch.fn / method / in-place variants, named aten::<op>) and every backward node the
 * engine runs, as nested time ranges on this thread. Self time excludes the ranges nested
 * inside. The summary (keyAverages().table) and the Chrome trace follow PyTorch 1.13.
 */
import { writeFileSync } from 'fs';
import { performance } from 'perf_hooks';
import { threadId } from 'worker_threads';
import { TensorError } from '../errors';
import { ProfilerSink, profilerState } from './profiler-state';
import { TableOptions, TableRow, buildTable, shapesToString } from './profiler-table';

export type { TableOptions, SortKey } from './profiler-table';
export { formatTime } from './profiler-table';

export interface ProfileOptions {
  /** Record nothing when false (default true), as PyTorch's enabled=. */
  enabled?: boolean;
  /** Keep each range's input shapes (tensor arguments' sizes, [] for the others). */
  recordShapes?: boolean;
}

/** One recorded range (PyTorch's FunctionEvent). Times are in microseconds. */
export interface FunctionEvent {
  id: number;
  name: string;
  threadId: number;
  /** Since the profile started. */
  startUs: number;
  endUs: number;
  cpuTimeTotal: number;
  /** cpuTimeTotal less the time of the ranges directly nested in it. */
  selfCpuTimeTotal: number;
  /** [] per argument when recordShapes, else null. */
  inputShapes: number[][] | null;
  /** The range this one ran inside (null at top level). */
  cpuParent: FunctionEvent | null;
  cpuChildren: FunctionEvent[];
}

/** A key-averaged group of events (PyTorch's FunctionEventAvg). */
export class FunctionEventAvg implements TableRow {
  count = 0;
  cpuTimeTotal = 0;
  selfCpuTimeTotal = 0;
  constructor(readonly key: string, readonly inputShapes: number[][] | null) {}
  /** Average total time per call. */
  get cpuTime(): number {
    return this.count === 0 ? 0 : this.cpuTimeTotal / this.count;
  }
  add(e: FunctionEvent): void {
    this.count++;
    this.cpuTimeTotal += e.cpuTimeTotal;
    this.selfCpuTimeTotal += e.selfCpuTimeTotal;
  }
}

/** The rows of keyAverages(), in order of first occurrence. */
export class EventList {
  constructor(readonly rows: FunctionEventAvg[]) {}
  get length(): number {
    return this.rows.length;
  }
  [Symbol.iterator](): Iterator<FunctionEventAvg> {
    return this.rows[Symbol.iterator]();
  }
  /** The first row with this key (name). */
  get(key: string): FunctionEventAvg | undefined {
    return this.rows.find((r) => r.key === key);
  }
  table(opts?: TableOptions): string {
    return buildTable(this.rows, opts);
  }
  /** Summed self time of every row (the table's footer), in microseconds. */
  get selfCpuTimeTotal(): number {
    return this.rows.reduce((n, r) => n + r.selfCpuTimeTotal, 0);
  }
}

const nowUs = () => performance.now() * 1000;

function shapesOf(inputs: readonly unknown[] | null): number[][] {
  if (inputs === null) return [];
  return inputs.map((x) => {
    const shape = x !== null && typeof x === 'object' ? (x as { _shape?: readonly number[] })._shape : undefined;
    return Array.isArray(shape) ? [...shape] : [];
  });
}

interface OpenRange {
  event: FunctionEvent;
  childUs: number;
}

/** A profiling session: records while active; read it after it stopped. */
export class Profile implements ProfilerSink {
  private readonly recorded: FunctionEvent[] = [];
  private readonly open: OpenRange[] = [];
  private readonly originUs: number;
  private readonly recordShapes: boolean;
  private running = false;

  constructor(opts: ProfileOptions = {}) {
    this.recordShapes = opts.recordShapes ?? false;
    this.originUs = nowUs();
    if (opts.enabled === false) return;
    if (profilerState.sink !== null) throw new TensorError('Profiler is already enabled on this thread');
    profilerState.sink = this;
    profilerState.active = true;
    this.running = true;
  }

  begin(name: string, inputs: readonly unknown[] | null): void {
    const parent = this.open.length ? this.open[this.open.length - 1].event : null;
    const startUs = nowUs() - this.originUs;
    const event: FunctionEvent = {
      id: this.recorded.length, name, threadId, startUs, endUs: startUs, cpuTimeTotal: 0, selfCpuTimeTotal: 0,
      inputShapes: this.recordShapes ? shapesOf(inputs) : null, cpuParent: parent, cpuChildren: [],
    };
    if (parent) parent.cpuChildren.push(event);
    this.recorded.push(event);
    this.open.push({ event, childUs: 0 });
  }

  end(): void {
    const range = this.open.pop();
    if (!range) return;
    const e = range.event;
    e.endUs = nowUs() - this.originUs;
    e.cpuTimeTotal = e.endUs - e.startUs;
    e.selfCpuTimeTotal = Math.max(0, e.cpuTimeTotal - range.childUs);
    if (this.open.length) this.open[this.open.length - 1].childUs += e.cpuTimeTotal;
  }

  /** Stops recording (ranges still open are closed now). Same as disposing. */
  stop(): this {
    if (!this.running) return this;
    while (this.open.length) this.end();
    this.running = false;
    profilerState.sink = null;
    profilerState.active = false;
    return this;
  }
  [Symbol.dispose](): void {
    this.stop();
  }

  private finished(): void {
    if (this.running) throw new TensorError("Profiler didn't finish running");
  }

  /** Every recorded range, in the order they started. */
  events(): FunctionEvent[] {
    this.finished();
    return [...this.recorded];
  }

  /** Groups the events by name (and input shapes when asked), summing times and calls. */
  keyAverages(opts: { groupByInputShape?: boolean } = {}): EventList {
    this.finished();
    const byShape = opts.groupByInputShape ?? false;
    const groups = new Map<string, FunctionEventAvg>();
    for (const e of this.recorded) {
      const shapes = byShape ? e.inputShapes ?? [] : null;
      const key = byShape ? `${e.name}\u0000${shapesToString(shapes as number[][])}` : e.name;
      let avg = groups.get(key);
      if (!avg) groups.set(key, (avg = new FunctionEventAvg(e.name, shapes)));
      avg.add(e);
    }
    return new EventList([...groups.values()]);
  }

  /** The table of every event, unaveraged (PyTorch's prof.table). */
  table(opts?: TableOptions): string {
    this.finished();
    return buildTable(this.recorded.map((e) => ({ key: e.name, count: 1, selfCpuTimeTotal: e.selfCpuTimeTotal, cpuTimeTotal: e.cpuTimeTotal, inputShapes: e.inputShapes })), opts);
  }

  /** Summed self time of every event (the table's footer), in microseconds. */
  get selfCpuTimeTotal(): number {
    return this.recorded.reduce((n, e) => n + e.selfCpuTimeTotal, 0);
  }

  /** Writes the events as Trace Event Format JSON (chrome://tracing, Perfetto). */
  exportChromeTrace(path: string): void {
    this.finished();
    const originUs = (performance.timeOrigin * 1000) + this.originUs;
    const traceEvents = this.recorded.map((e) => {
      const args: Record<string, unknown> = { 'External id': e.id };
      if (e.inputShapes !== null) args['Input Dims'] = e.inputShapes;
      return {
        ph: 'X', cat: e.name.startsWith('aten::') ? 'cpu_op' : 'cpu_instant_event', name: e.name,
        pid: process.pid, tid: e.threadId,
        ts: Math.round((originUs + e.startUs) * 1000) / 1000, dur: Math.round(e.cpuTimeTotal * 1000) / 1000, args,
      };
    });
    writeFileSync(path, JSON.stringify({ schemaVersion: 1, displayTimeUnit: 'ms', traceEvents }, null, 1));
  }
}

/**
 * profile(fn) / profile(opts, fn): runs fn while recording and returns the stopped
 * profile (a promise of it when fn is async: recording stops when fn's promise settles).
 * profile(opts?) alone starts recording and returns the profile, for
 * `using prof = profile(opts)` (stops when disposed) or an explicit prof.stop().
 */
export function profile(fn: () => Promise<unknown>): Promise<Profile>;
export function profile(opts: ProfileOptions, fn: () => Promise<unknown>): Promise<Profile>;
export function profile(fn: () => unknown): Profile;
export function profile(opts: ProfileOptions, fn: () => unknown): Profile;
export function profile(opts?: ProfileOptions): Profile;
export function profile(a?: ProfileOptions | (() => unknown), b?: () => unknown): Profile | Promise<Profile> {
  const opts = typeof a === 'function' ? {} : a ?? {};
  const fn = typeof a === 'function' ? a : b;
  const prof = new Profile(opts);
  if (!fn) return prof;
  let result: unknown;
  try {
    result = fn();
  } catch (e) {
    prof.stop();
    throw e;
  }
  if (result instanceof Promise) return result.finally(() => prof.stop()).then(() => prof);
  prof.stop();
  return prof;
}

/** Times a user range inside a running profile (PyTorch's record_function). */
export function recordFunction<T>(name: string, fn: () => T): T {
  const sink = profilerState.sink;
  if (sink === null) return fn();
  sink.begin(name, null);
  try {
    return fn();
  } finally {
    sink.end();
  }
}
