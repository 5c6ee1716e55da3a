/** Storage: zero-copy interop with JavaScript memory, dispose(), and GC-driven release. */
import * as fs from 'fs';
import * as vm from 'vm';
import * as torch from '../lib';
import { native } from '../lib/native';
import { RECYCLE_MAX_BYTES, Storage, recycledStats } from '../lib/storage';
import { YOUNG_BYTES_BUDGET, youngCollectionCount } from '../lib/gc-tuning';
import type { Tensor } from '../lib/tensor';

describe('JavaScript memory interop', () => {
  test('torch.from wraps a typed array without copying, both ways', () => {
    const mem = new Float32Array([1, 2, 3, 4, 5, 6]);
    const t = torch.from(mem, [2, 3]);
    expect(t.dtype).toBe(torch.float32);
    t.mul_(10);
    expect(Array.from(mem)).toEqual([10, 20, 30, 40, 50, 60]);
    mem[0] = -1;
    expect(t.index(0, 0).item()).toBe(-1);
    expect(() => torch.from(mem, [4, 2])).toThrow("shape '[4, 2]' is invalid for input of size 6");
  });

  test('torch.from keeps the typed array dtype, offset included', () => {
    const backing = new Int32Array([9, 8, 7, 6]);
    const t = torch.from(backing.subarray(1), [3]);
    expect(t.dtype).toBe(torch.int32);
    expect(t.tolist()).toEqual([8, 7, 6]);
    expect(torch.from(new BigInt64Array([5n])).dtype).toBe(torch.int64);
  });

  test('data() is a view of the tensor memory (no copy) and requires contiguity', () => {
    const t = torch.zeros(2, 2);
    const d = t.data() as Float32Array;
    d[3] = 7;
    expect(t.tolist()).toEqual([[0, 0], [0, 7]]);
    const row = t.select(0, 1);
    expect(Array.from(row.data() as Float32Array)).toEqual([0, 7]);
    expect(() => t.t().data()).toThrow(torch.TensorError);
  });

  test('dispose() releases memory at once; later use of the tensor or its views throws', () => {
    const t = torch.ones(1024);
    const v = t.view(32, 32);
    t.dispose();
    expect(() => t.add(1)).toThrow('Tensor was disposed');
    expect(() => v.tolist()).toThrow(torch.TensorError);
    expect(() => v.fill_(0)).toThrow(torch.TensorError);
  });

  test('dispose() hands memory nobody outside saw to the next storage of its size, warm', () => {
    const t = torch.full([64, 64], 3.5); // float32: 16 KiB
    const buffer = t._storage.bytes.buffer;
    const hits = recycledStats().hits;
    t.dispose();
    expect(t._storage.disposed).toBe(true);
    expect(() => t.sum()).toThrow('Tensor was disposed');
    const next = torch.zeros([32, 128]); // the same 16 KiB
    expect(recycledStats().hits).toBe(hits + 1);
    expect(next._storage.bytes.buffer).toBe(buffer);
    expect(next.sum().item()).toBe(0);
    torch.backend.emptyCache();
    expect(recycledStats().bytes).toBe(0);
  });

  test('waiting storages are freed oldest size first to make room under the recycling budget', () => {
    torch.backend.emptyCache();
    const chunk = RECYCLE_MAX_BYTES / 4;
    const old = [0, 1, 2, 3].map(() => torch.empty([chunk / 4]));
    old.forEach((t) => t.dispose());
    expect(recycledStats().bytes).toBe(RECYCLE_MAX_BYTES);
    const fresh = torch.empty([1000]);
    fresh.dispose(); // 4000 bytes more: one old chunk goes
    expect(recycledStats().bytes).toBe(3 * chunk + 4000);
    const hits = recycledStats().hits;
    torch.empty([1000]);
    expect(recycledStats().hits).toBe(hits + 1);
    // Not Storage.allocate: a huge-page-advised mapping freed here could come back at the
    // same address for the huge-page test below, which looks for a new one.
    const tooBig = new Storage(new Uint8Array(RECYCLE_MAX_BYTES + 64), 'pool');
    tooBig.dispose();
    expect(tooBig.disposed).toBe(true);
    expect(recycledStats().bytes).toBe(3 * chunk);
    torch.backend.emptyCache();
  });

  test('dispose() detaches memory that data() or shareMemory_ handed out, never reusing it', () => {
    const t = torch.full([64, 64], 3.5);
    const view = t.data() as Float32Array;
    expect(view.length).toBe(4096);
    const hits = recycledStats().hits;
    t.dispose();
    expect(view.length).toBe(0); // detached: it cannot alias a later tensor
    const next = torch.zeros([64, 64]);
    expect(recycledStats().hits).toBe(hits);
    expect(next.sum().item()).toBe(0);
    const shared = torch.ones([64, 64]).shareMemory_();
    const bytes = recycledStats().bytes;
    shared.dispose();
    expect(recycledStats().bytes).toBe(bytes);
    expect(() => shared.sum()).toThrow('Tensor was disposed');
  });

  test('`using` disposes a tensor when its block ends', () => {
    const a = torch.ones(1000);
    let kept: Tensor;
    {
      using y = a.add(1);
      kept = y;
      expect(y.sum().item()).toBe(2000);
    }
    expect(() => kept.add(1)).toThrow('Tensor was disposed');
    expect(a.sum().item()).toBe(1000);
  });

  test('a long loop without dispose() keeps memory bounded (the GC frees storage)', () => {
    const before = process.memoryUsage().rss;
    for (let i = 0; i < 300; i++) torch.empty(1 << 20).fill_(i); // 4 MiB each, 1.2 GiB in total
    const grown = process.memoryUsage().rss - before;
    expect(grown).toBeLessThan(400 * 2 ** 20);
  });

  test('storages of 2 MiB and more are advised as transparent huge pages before first touch', () => {
    // The advice itself (VmFlags "hg" on a mapping), not AnonHugePages: whether the kernel
    // finds free 2 MiB pages when the memory is touched depends on the machine's
    // fragmentation at that moment. A new advised mapping of the tensor's size, not a
    // total: the collector may unmap other advised storages meanwhile.
    const advisedMappings = () => {
      const found = new Map<string, number>();
      let range = '', size = 0;
      for (const line of fs.readFileSync('/proc/self/smaps', 'utf8').split('\n')) {
        const m = /^([0-9a-f]+)-([0-9a-f]+) /.exec(line);
        if (m) [range, size] = [m[0], parseInt(m[2], 16) - parseInt(m[1], 16)];
        else if (line.startsWith('VmFlags:') && / hg\b/.test(line)) found.set(range, size);
      }
      return found;
    };
    const before = advisedMappings();
    const t = torch.empty(16 << 20).fill_(3); // 64 MiB: at least 31 whole 2 MiB pages
    const added = [...advisedMappings()].filter(([range]) => !before.has(range)).map(([, size]) => size);
    expect(Math.max(0, ...added)).toBeGreaterThanOrEqual(62 * 2 ** 20);
    expect(t.sum().item()).toBe(3 * (16 << 20));
    expect(() => native.alignStorage({} as Uint8Array, 0, 0)).toThrow('alignStorage: expected (bytes, byteLength, hugeFrom)');
    expect(() => native.alignStorage(new Uint8Array(8), 9, Infinity)).toThrow('alignStorage: the buffer has no room');
  });

  test('storages from 64 KiB start on a 64-byte cache line, recycled ones too', () => {
    // alignStorage(bytes, 0, ...) is the padding from bytes' start to the next cache line.
    const padding = (t: Tensor): number => native.alignStorage(t._storage.bytes, 0, Infinity);
    for (const n of [16384, 16385, 40000, 1 << 20, 3 << 20]) {
      const t = torch.empty(n);
      expect(t._storage.byteLength).toBe(4 * n);
      expect(padding(t)).toBe(0);
    }
    const first = Storage.allocate(70000);
    const bytes = first.bytes;
    first.recycle();
    const hits = recycledStats().hits;
    const again = Storage.allocate(70000);
    expect(recycledStats().hits).toBe(hits + 1);
    expect(again.bytes).toBe(bytes);
    expect(native.alignStorage(again.bytes, 0, Infinity)).toBe(0);
  });

  test('version counter is shared by views and bumped by in-place ops', () => {
    const t = torch.zeros(4);
    const v = t.narrow(0, 1, 2);
    expect(v._version).toBe(t._version);
    v.add_(1);
    expect(t._version).toBe(v._version);
    expect(t.tolist()).toEqual([0, 1, 1, 0]);
    expect(t.detach()._version).toBe(t._version);
  });
});

describe('settings', () => {
  test('setNumThreads / getNumThreads; results do not depend on the thread count', () => {
    const x = torch.rand(1 << 20);
    torch.setNumThreads(1);
    expect(torch.getNumThreads()).toBe(1);
    const one = x.mul(3).add(1).data().slice();
    torch.setNumThreads(2);
    expect(torch.getNumThreads()).toBe(2);
    expect(x.mul(3).add(1).data()).toEqual(one);
    expect(() => torch.setNumThreads(0)).toThrow(torch.TensorError);
  });
});

describe('garbage collector tuning', () => {
  // lib/gc-tuning.ts: dead ArrayBuffers are freed in the scavenge that finds them, so the
  // next outputs reuse warm memory instead of faulting in new pages.
  function loadWithMockedV8(env: string | undefined): jest.Mock {
    const setFlagsFromString = jest.fn();
    const saved = process.env.TENSORGRAD_GC_TUNING;
    if (env === undefined) delete process.env.TENSORGRAD_GC_TUNING;
    else process.env.TENSORGRAD_GC_TUNING = env;
    try {
      jest.isolateModules(() => {
        jest.doMock('v8', () => ({ ...jest.requireActual('v8'), setFlagsFromString }));
        // eslint-disable-next-line @typescript-eslint/no-var-requires
        const { tuneGarbageCollectorOnce } = require('../lib/gc-tuning');
        tuneGarbageCollectorOnce();
        tuneGarbageCollectorOnce();
      });
    } finally {
      jest.dontMock('v8');
      if (saved === undefined) delete process.env.TENSORGRAD_GC_TUNING;
      else process.env.TENSORGRAD_GC_TUNING = saved;
    }
    return setFlagsFromString;
  }

  // The flags set once: sweeping on the main thread, and --expose-gc only while the
  // context that hands over V8's gc() is made.
  const TUNED_FLAGS = [['--no-concurrent-array-buffer-sweeping'], ['--expose-gc'], ['--no-expose-gc']];

  test('turns off concurrent ArrayBuffer sweeping once', () => {
    const setFlags = loadWithMockedV8(undefined);
    expect(setFlags.mock.calls).toEqual(TUNED_FLAGS);
  });

  test('TENSORGRAD_GC_TUNING=0 leaves V8 as it is', () => {
    expect(loadWithMockedV8('0').mock.calls).toEqual([]);
    expect(loadWithMockedV8('1').mock.calls).toEqual(TUNED_FLAGS);
  });

  test('no context made after loading gets a gc global', () => {
    expect(typeof (globalThis as { gc?: unknown }).gc).toBe('undefined');
    expect(vm.runInNewContext('typeof gc')).toBe('undefined');
  });

  test('the young generation is collected once 12 MiB of new storages are made, so a dead result frees its block', () => {
    expect(YOUNG_BYTES_BUDGET).toBe(12 << 20);
    const x = torch.empty([4 << 20]); // 16 MiB: each result below is over the budget alone
    const before = youngCollectionCount();
    for (let i = 0; i < 5; i++) x.relu();
    expect(youngCollectionCount() - before).toBe(5);
    // Small results add up to the same budget: 60 of 1 MiB make 5 budgets, plus what was
    // counted before them.
    const small = torch.empty([1 << 18]);
    const beforeSmall = youngCollectionCount();
    for (let i = 0; i < 60; i++) small.neg();
    expect(youngCollectionCount() - beforeSmall).toBeGreaterThanOrEqual(4);
    expect(youngCollectionCount() - beforeSmall).toBeLessThanOrEqual(5);
  });

  test('memory given back by dispose() is not counted as garbage', () => {
    const x = torch.empty([4 << 20]);
    x.relu(); // whatever was counted before, the budget is full now
    const before = youngCollectionCount();
    for (let i = 0; i < 5; i++) x.relu().dispose();
    expect(youngCollectionCount() - before).toBe(1); // the first result's; none after
  });
});
