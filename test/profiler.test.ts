/**
 * torch.autograd.profiler against PyTorch 1.13: the course's example shows the rows and
 * call counts PyTorch's profiler shows for it, nesting gives self vs total time, the table
 * has PyTorch's layout, and the Chrome trace is Trace Event JSON.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as torch from '../lib';
import { buildTable, SortKey } from '../lib/autograd/profiler-table';
import { loadFixture } from './helpers/fixtures';

const { profile, recordFunction, formatTime } = torch.autograd.profiler;

/** 100 iterations of x = tensor(.., requiresGrad); y = x ** 2; y.backward(). */
function courseExample() {
  for (let i = 0; i < 100; i++) {
    const x = torch.tensor(1.5, { requiresGrad: true });
    const y = x.pow(2);
    y.backward();
  }
}

describe("the course's example", () => {
  // What PyTorch 1.13 prints for the same loop (torch.autograd.profiler.profile): the
  // backward runs pow and mul inside PowBackward0, the implicit gradient is ones_like
  // (filled by fill_), torch.tensor is lift_fresh. (PyTorch also lists internals with no
  // counterpart here: aten::empty, aten::to, aten::_to_copy, aten::detach_, aten::result_type...)
  const pytorchCounts: Record<string, number> = {
    'aten::lift_fresh': 100,
    'aten::fill_': 100,
    'aten::pow': 200,
    'aten::mul': 200,
    'aten::ones_like': 100,
    'PowBackward0': 100,
    'autograd::engine::evaluate_function: PowBackward0': 100,
    'torch::autograd::AccumulateGrad': 100,
    'autograd::engine::evaluate_function: torch::autograd::AccumulateGrad': 100,
  };

  test('rows and call counts as PyTorch', () => {
    const prof = profile(courseExample);
    const avg = prof.keyAverages();
    const counts = Object.fromEntries([...avg].map((r) => [r.key, r.count]));
    expect(counts).toEqual(pytorchCounts);
  });

  test('nesting: backward ops inside their node, self time excludes children', () => {
    const prof = profile(courseExample);
    const events = prof.events();
    const node = events.find((e) => e.name === 'PowBackward0');
    expect(node?.cpuParent?.name).toBe('autograd::engine::evaluate_function: PowBackward0');
    expect(node?.cpuChildren.map((c) => c.name)).toEqual(['aten::pow', 'aten::mul', 'aten::mul']);
    for (const e of events) {
      expect(e.selfCpuTimeTotal).toBeGreaterThanOrEqual(0);
      expect(e.cpuTimeTotal).toBeGreaterThanOrEqual(e.selfCpuTimeTotal);
      const children = e.cpuChildren.reduce((n, c) => n + c.cpuTimeTotal, 0);
      expect(e.selfCpuTimeTotal).toBeCloseTo(e.cpuTimeTotal - children, 6);
      if (e.cpuParent) expect(e.startUs).toBeGreaterThanOrEqual(e.cpuParent.startUs);
    }
    // The forward pow is top level; the backward's pow is nested in PowBackward0.
    expect(events.filter((e) => e.name === 'aten::pow' && e.cpuParent === null)).toHaveLength(100);
    const avg = prof.keyAverages().get('PowBackward0');
    expect(avg?.cpuTimeTotal).toBeGreaterThan(avg?.selfCpuTimeTotal as number);
    // The footer total is the sum of every row's self time (nothing counted twice).
    const totalTop = events.filter((e) => e.cpuParent === null).reduce((n, e) => n + e.cpuTimeTotal, 0);
    expect(prof.keyAverages().selfCpuTimeTotal).toBeCloseTo(totalTop, 6);
  });

  test("the table has PyTorch's layout", () => {
    const prof = profile(courseExample);
    const table = prof.keyAverages().table({ sortBy: 'self_cpu_time_total', rowLimit: 5 });
    const lines = table.split('\n');
    const rule = `${'-'.repeat(55)}  ${['', '', '', '', '', ''].map(() => '-'.repeat(12)).join('  ')}  `;
    expect(lines[0]).toBe(rule);
    expect(lines[1]).toBe(
      `${'Name'.padStart(55)}  ${'Self CPU %'.padStart(12)}  ${'Self CPU'.padStart(12)}  ${'CPU total %'.padStart(12)}  ${'CPU total'.padStart(12)}  ${'CPU time avg'.padStart(12)}  ${'# of Calls'.padStart(12)}  `,
    );
    expect(lines[2]).toBe(rule);
    const rows = lines.slice(3, 8);
    expect(lines[8]).toBe(rule);
    expect(lines[9]).toMatch(/^Self CPU time total: \d+\.\d{3}(us|ms|s)$/);
    expect(lines[10]).toBe('');
    expect(lines).toHaveLength(11);
    // Sorted by self time, descending; the long engine name is cut to 52 characters + '...'.
    const selfTimes = rows.map((r) => r.slice(57 + 14, 57 + 26).trim());
    const us = (s: string) => parseFloat(s) * (s.endsWith('ms') ? 1e3 : s.endsWith('us') ? 1 : 1e6);
    for (let i = 1; i < selfTimes.length; i++) expect(us(selfTimes[i - 1])).toBeGreaterThanOrEqual(us(selfTimes[i]));
    for (const r of rows) expect(r).toMatch(/^ *\S.{0,54}  +\d+\.\d\d%  +[\d.]+(us|ms|s)  +\d+\.\d\d%  +[\d.]+(us|ms|s)  +[\d.]+(us|ms|s)  +\d+  $/);
    const all = prof.keyAverages().table({ sortBy: 'count', rowLimit: -1 });
    expect(all).toContain('autograd::engine::evaluate_function: torch::autograd...');
    const counts = all.split('\n').slice(3, 10).map((l) => Number(l.trim().split(/\s+/).pop()));
    expect(counts).toEqual([200, 200, 100, 100, 100, 100, 100]);
    expect(all).toContain('aten::lift_fresh');
  });

  test('groupByInputShape adds the Input Shapes column', () => {
    const prof = profile({ recordShapes: true }, () => {
      const a = torch.ones([2, 3]);
      a.add(torch.ones([3]));
      a.add(torch.ones([2, 3]));
      a.add(1);
    });
    const rows = [...prof.keyAverages({ groupByInputShape: true })].filter((r) => r.key === 'aten::add');
    expect(rows.map((r) => [r.inputShapes, r.count])).toEqual([[[[2, 3], [3]], 1], [[[2, 3], [2, 3]], 1], [[[2, 3], []], 1]]);
    const table = prof.keyAverages({ groupByInputShape: true }).table();
    expect(table.split('\n')[1]).toMatch(/# of Calls +Input Shapes {2}$/);
    expect(table).toContain('[[2, 3], [3]]');
    // Without grouping the rows merge and the column is gone.
    expect(prof.keyAverages().get('aten::add')?.count).toBe(3);
    expect(prof.keyAverages().table()).not.toContain('Input Shapes');
  });
});

describe('profile forms and records', () => {
  test('using / stop: records until disposed, then nothing', () => {
    let prof: torch.autograd.profiler.Profile;
    {
      using p = profile({ recordShapes: true });
      prof = p;
      torch.ones([2]).mul(2).sub_(1);
      expect(torch.autograd.profiler.profile).toBeDefined();
    }
    torch.ones([2]).mul(3);
    // torch.ones shows as PyTorch shows it: aten::ones, with its aten::fill_ inside.
    expect(prof.events().map((e) => e.name)).toEqual(['aten::ones', 'aten::fill_', 'aten::mul', 'aten::sub_']);
    expect(prof.events()[1].cpuParent?.name).toBe('aten::ones');
    expect(prof.events()[2].inputShapes).toEqual([[2], []]);
  });

  test('methods, torch functions and in-place variants all show as aten::', () => {
    const prof = profile(() => {
      const a = torch.ones([3]);
      torch.mul(a, 2);
      a.exp();
      a.add_(1);
      a.sum();
    });
    expect(prof.events().map((e) => e.name)).toEqual(['aten::ones', 'aten::fill_', 'aten::mul', 'aten::exp', 'aten::add_', 'aten::sum']);
  });

  test('nn layers and losses show as the aten:: operators PyTorch records for them', () => {
    const model = new torch.nn.Sequential(
      new torch.nn.Conv2d(1, 2, 3), new torch.nn.ReLU(), new torch.nn.MaxPool2d(2), new torch.nn.Flatten(), new torch.nn.Linear(8, 3),
    );
    const x = torch.randn(2, 1, 6, 6), y = torch.tensor([0, 2]);
    const prof = profile(() => torch.nn.functional.crossEntropy(model.forward(x), y).backward());
    const top = prof.events().filter((e) => e.cpuParent === null).map((e) => e.name);
    expect(top.slice(0, 6)).toEqual(['aten::conv2d', 'aten::relu', 'aten::max_pool2d', 'aten::flatten', 'aten::linear', 'aten::cross_entropy_loss']);
    const loss = prof.events().find((e) => e.name === 'aten::cross_entropy_loss');
    expect(loss?.cpuChildren.map((c) => c.name)).toEqual(['aten::log_softmax', 'aten::nll_loss']);
    expect(prof.events().find((e) => e.name === 'aten::linear')?.cpuChildren.map((c) => c.name)).toContain('aten::addmm');
  });

  test("ops inside a derivative show under its node: MmBackward0 runs aten::t, aten::mm, aten::t, aten::mm (PyTorch 1.13's rows)", () => {
    const a = torch.randn(3, 4, { requiresGrad: true }), b = torch.randn(4, 5, { requiresGrad: true });
    const prof = profile(() => a.mm(b).sum().backward());
    const node = prof.events().find((e) => e.name === 'MmBackward0');
    expect(node?.cpuChildren.map((c) => c.name)).toEqual(['aten::t', 'aten::mm', 'aten::t', 'aten::mm']);
  });

  test('recordFunction nests user ranges; an exception still stops the profile', () => {
    const prof = profile(() => recordFunction('my_block', () => torch.ones([2]).neg()));
    const [block, ones, , neg] = prof.events();
    expect(block.name).toBe('my_block');
    expect([ones.name, neg.name]).toEqual(['aten::ones', 'aten::neg']);
    expect(neg.cpuParent).toBe(block);
    expect(() => profile(() => { throw new Error('boom'); })).toThrow('boom');
    // Stopped despite the throw: a new profile may start.
    expect(profile(() => torch.ones([1]).neg()).events()).toHaveLength(3);
  });

  test('an async fn: recording lasts until its promise settles', async () => {
    const prof = await profile(async () => {
      torch.ones([2]).neg();
      await new Promise((resolve) => setTimeout(resolve, 1));
      torch.ones([2]).exp();
    });
    expect(prof.events().map((e) => e.name)).toEqual(['aten::ones', 'aten::fill_', 'aten::neg', 'aten::ones', 'aten::fill_', 'aten::exp']);
    torch.ones([2]).neg();
    expect(prof.events()).toHaveLength(6);
  });

  test("one profiler per thread, PyTorch's message; enabled: false records nothing", () => {
    const outer = profile({});
    expect(() => profile({})).toThrow('Profiler is already enabled on this thread');
    expect(() => outer.keyAverages()).toThrow("Profiler didn't finish running");
    outer.stop();
    expect(profile({ enabled: false }, () => torch.ones([2]).neg()).events()).toEqual([]);
  });

  test('exportChromeTrace writes Trace Event JSON', () => {
    const prof = profile({ recordShapes: true }, courseExample);
    const file = path.join(os.tmpdir(), `tensorgrad-trace-${process.pid}.json`);
    prof.exportChromeTrace(file);
    const trace = JSON.parse(fs.readFileSync(file, 'utf8'));
    fs.unlinkSync(file);
    expect(Array.isArray(trace.traceEvents)).toBe(true);
    expect(trace.traceEvents).toHaveLength(prof.events().length);
    for (const e of trace.traceEvents) {
      expect(e.ph).toBe('X');
      expect(typeof e.name).toBe('string');
      expect(Number.isFinite(e.ts) && Number.isFinite(e.dur) && e.dur >= 0).toBe(true);
      expect(e.pid).toBe(process.pid);
      expect(typeof e.tid).toBe('number');
    }
    const pow = trace.traceEvents.find((e: { name: string }) => e.name === 'aten::pow');
    expect(pow.args['Input Dims']).toEqual([[], []]);
  });

  test("formatTime uses PyTorch's units", () => {
    expect(formatTime(0.5)).toBe('0.500us');
    expect(formatTime(999.5)).toBe('999.500us');
    expect(formatTime(1234.5678)).toBe('1.235ms');
    expect(formatTime(2.5e6)).toBe('2.500s');
  });
});

describe("PyTorch's _build_table, byte for byte", () => {
  interface Tables {
    rows: [string, number, number, number, number[][]][];
    tables: { sort_by: SortKey | null; row_limit: number; shapes: boolean; text: string }[];
  }
  const fx = loadFixture<Tables>('profiler');
  test.each(fx.tables.map((t) => [t.sort_by, t.row_limit, t.shapes, t.text] as const))(
    'sortBy %s, rowLimit %d, shapes %s',
    (sortBy, rowLimit, shapes, text) => {
      const rows = fx.rows.map(([key, count, selfCpuTimeTotal, cpuTimeTotal, inputShapes]) => ({
        key, count, selfCpuTimeTotal, cpuTimeTotal, inputShapes: shapes ? inputShapes : null,
      }));
      expect(buildTable(rows, { sortBy: sortBy ?? undefined, rowLimit })).toBe(text);
    },
  );
});
