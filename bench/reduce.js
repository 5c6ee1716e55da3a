#!/usr/bin/env node
/**
 * Reductions against PyTorch on the same machine, in the same run:
 *   npx tsc -p tsconfig.json && node bench/reduce.js [rounds]
 * TENSORGRAD_ADDON_PATH picks another addon build; TENSORGRAD_DIST another compiled lib.
 * PyTorch runs in a /usr/bin/python3 worker with the allocator settings of PERFORMANCE.md.
 * The machines are shared and noisy, so the two sides take turns case by case (alternating
 * who goes first), for several rounds, and each side keeps its median. "ratio" is PyTorch's time over ours (above 1:
 * tensorgrad is faster).
 */
'use strict';
const path = require('path');
const readline = require('readline');
const { spawn } = require('child_process');

const torch = require(process.env.TENSORGRAD_DIST ? path.resolve(process.env.TENSORGRAD_DIST) : '../dist');

const CASES = [
  { name: 'sum 16M', shape: [16_000_000], js: (x) => x.sum(), py: 'x.sum()' },
  { name: 'sum dim 0 of (4096,4096)', shape: [4096, 4096], js: (x) => x.sum(0), py: 'x.sum(0)' },
  { name: 'sum dim 1 of (4096,4096)', shape: [4096, 4096], js: (x) => x.sum(1), py: 'x.sum(1)' },
  // A convolution's bias gradient (shape C's output gradient): many short runs per output.
  { name: 'sum dims (0,2,3) of (32,256,14,14)', shape: [32, 256, 14, 14], js: (x) => x.sum([0, 2, 3]), py: 'x.sum((0, 2, 3))' },
  { name: 'max(x, 1) of (4096,4096)', shape: [4096, 4096], js: (x) => x.max(1), py: 'x.max(1)' },
  { name: 'softmax dim 1 of (64,1000)', shape: [64, 1000], js: (x) => x.softmax(1), py: 'x.softmax(1)' },
  { name: 'softmax dim 1 of (4096,4096)', shape: [4096, 4096], js: (x) => x.softmax(1), py: 'x.softmax(1)' },
];
const THREADS = [1, 2];
const ROUNDS = Number(process.argv[2] ?? 3);

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const median = (v) => [...v].sort((a, b) => a - b)[v.length >> 1];

/** Median ms of fn over about `budget` seconds (at least 5 runs), after 3 warm-up runs. */
function timeJs(fn, budget = 0.25) {
  for (let i = 0; i < 3; i++) release(fn());
  const samples = [];
  const start = process.hrtime.bigint();
  while (samples.length < 5 || (samples.length < 200 && Number(process.hrtime.bigint() - start) < budget * 1e9)) {
    const t0 = process.hrtime.bigint();
    const r = fn();
    samples.push(Number(process.hrtime.bigint() - t0) / 1e6);
    release(r);
  }
  return median(samples);
}

// Results are released at once (tensor.dispose()), as a hot loop would; PyTorch frees its
// results by reference counting as soon as they are dropped.
function release(result) {
  for (const t of Array.isArray(result) ? result : [result]) t.dispose();
}

// Filled in place in tensorgrad's own storage, as PyTorch's side uses torch.rand's: a
// wrapped Float32Array (torch.from) would measure V8's memory instead (16-byte aligned, no
// huge pages: sum 16M took 2.19 ms from it against 1.53 ms from tensorgrad storage).
function randomTensor(shape) {
  const n = shape.reduce((a, b) => a * b, 1);
  const t = torch.empty(shape);
  const data = t.data();
  let s = 0x9e3779b9;
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    data[i] = (s >>> 0) / 4294967296;
  }
  return t;
}

// The PyTorch worker: one JSON request per line ({shape, py, threads}), one timing back.
const PY = `
import json, sys, time, torch
inputs = {}
def bench(fn, budget=0.25):
    for _ in range(3): fn()
    samples = []; start = time.perf_counter()
    while len(samples) < 5 or (len(samples) < 200 and time.perf_counter() - start < budget):
        t0 = time.perf_counter(); fn(); samples.append((time.perf_counter() - t0) * 1e3)
    samples.sort(); return samples[len(samples) // 2]
for line in sys.stdin:
    c = json.loads(line)
    torch.set_num_threads(c["threads"])
    key = tuple(c["shape"])
    if key not in inputs: inputs[key] = torch.rand(*key)
    x = inputs[key]
    print(json.dumps(bench(lambda: eval(c["py"]))), flush=True)
`;

function startPyTorch() {
  const env = { ...process.env, GLIBC_TUNABLES: 'glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=4294967296' };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  const child = spawn('/usr/bin/python3', ['-c', PY], { env, stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = readline.createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  return {
    async time(c, threads) {
      child.stdin.write(`${JSON.stringify({ shape: c.shape, py: c.py, threads })}\n`);
      const { value } = await lines.next();
      return JSON.parse(value);
    },
    close: () => child.stdin.end(),
  };
}

async function main() {
  const py = startPyTorch();
  const inputs = new Map();
  const ours = {}, theirs = {};
  for (let round = 0; round < ROUNDS; round++) {
    for (const c of CASES)
      for (const n of THREADS) {
        const key = `${c.name}|${n}`;
        const shapeKey = c.shape.join('x');
        if (!inputs.has(shapeKey)) inputs.set(shapeKey, randomTensor(c.shape));
        const measureOurs = async () => {
          torch.setNumThreads(n);
          (ours[key] ??= []).push(timeJs(() => c.js(inputs.get(shapeKey))));
        };
        const measureTheirs = async () => (theirs[key] ??= []).push(await py.time(c, n));
        // Alternate who goes first, and pause between the two so that neither side's
        // spinning worker threads (ours, or PyTorch's OpenMP ones) eat into the other's time.
        const [first, second] = round % 2 === 0 ? [measureOurs, measureTheirs] : [measureTheirs, measureOurs];
        await first();
        await sleep(30);
        await second();
        await sleep(30);
      }
  }
  py.close();
  const rows = [['case', 'threads', 'tensorgrad ms', 'PyTorch ms', 'ratio']];
  for (const c of CASES)
    for (const n of THREADS) {
      const a = median(ours[`${c.name}|${n}`]), b = median(theirs[`${c.name}|${n}`]);
      rows.push([c.name, String(n), a.toFixed(3), b.toFixed(3), `${(b / a).toFixed(2)}x`]);
    }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  console.log(`tensorgrad cpu capability: ${torch.backend.cpuCapability().active}; ${ROUNDS} rounds, medians`);
  for (const r of rows) console.log(r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  '));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
