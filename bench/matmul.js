#!/usr/bin/env node
/**
 * GEMM benchmark: float32 matmul for N = 64 ... 2048, bmm (32,128,64)@(32,64,128) and
 * linear (64,784)x(784,256)+bias, at 1 and 2 threads, medians of several runs. When
 * /usr/bin/python3 has torch, the same workloads run in PyTorch in the same run, at its
 * best as PERFORMANCE.md describes it (OpenBLAS's AVX-512 kernels, malloc tuned, threads
 * set in both torch and OpenBLAS), and the table shows tensorgrad / PyTorch speed ratios
 * (above 1: tensorgrad is faster). Two alternating rounds; each workload keeps its best median.
 *
 *   npx tsc -p tsconfig.json && node bench/matmul.js
 *   TENSORGRAD_ADDON_PATH=build-gemm/Release/tensorgrad.node node bench/matmul.js
 */
'use strict';
const { spawnSync } = require('child_process');
const torch = require('../dist');
const { hasTorch, pytorchEnv } = require('./harness');

const SIZES = [64, 128, 256, 512, 1024, 2048];
const THREADS = [1, 2];

/** Each workload: its name, flop count, and the tensors it needs (made once, outside the timing). */
function workloads() {
  const list = SIZES.map((n) => ({
    name: `matmul ${n}`, flops: 2 * n ** 3, shapes: [[n, n], [n, n]], op: 'matmul',
  }));
  list.push({ name: 'bmm (32,128,64)@(32,64,128)', flops: 2 * 32 * 128 * 64 * 128, shapes: [[32, 128, 64], [32, 64, 128]], op: 'bmm' });
  list.push({ name: 'linear (64,784)x(784,256)+b', flops: 2 * 64 * 784 * 256, shapes: [[64, 784], [256, 784], [256]], op: 'linear' });
  return list;
}

/**
 * Median seconds of `fn` over enough runs to fill ~0.3 s (at least 5, at most 2000),
 * after ~0.1 s of warm-up (so V8 has optimised the JavaScript side of small products).
 */
function median(fn) {
  const warm = process.hrtime.bigint();
  for (let i = 0; i < 2 || (i < 2000 && Number(process.hrtime.bigint() - warm) < 1e8); i++) fn();
  const times = [];
  const start = process.hrtime.bigint();
  while (times.length < 5 || (times.length < 2000 && Number(process.hrtime.bigint() - start) < 3e8)) {
    const t0 = process.hrtime.bigint();
    fn();
    times.push(Number(process.hrtime.bigint() - t0) / 1e9);
  }
  times.sort((a, b) => a - b);
  return times[times.length >> 1];
}

function runTensorgrad() {
  const results = {};
  for (const threads of THREADS) {
    torch.setNumThreads(threads);
    for (const w of workloads()) {
      const args = w.shapes.map((s) => torch.randn(s));
      const fn = w.op === 'linear' ? () => torch.nn.functional.linear(...args) : () => torch[w.op](...args);
      results[`${w.name}|${threads}`] = median(() => fn().dispose());
    }
  }
  return results;
}

// The same loop in PyTorch; prints one JSON object of median seconds.
const PYTHON = String.raw`
import ctypes, json, sys, time
import torch
blas = None
for name in ("libopenblas.so.0", "libblas.so.3"):
    try:
        lib = ctypes.CDLL(name)
        lib.openblas_set_num_threads
        blas = lib
        break
    except (OSError, AttributeError):
        pass
def median(fn):
    warm, i = time.perf_counter(), 0
    while i < 2 or (i < 2000 and time.perf_counter() - warm < 0.1):
        fn()
        i += 1
    times, start = [], time.perf_counter()
    while len(times) < 5 or (len(times) < 2000 and time.perf_counter() - start < 0.3):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    times.sort()
    return times[len(times) // 2]
spec = json.loads(sys.argv[1])
results = {"_blas": "OpenBLAS" if blas is not None else "no OpenBLAS found (reference BLAS?)"}
for threads in spec["threads"]:
    torch.set_num_threads(threads)
    if blas is not None:
        blas.openblas_set_num_threads(threads)
    for w in spec["workloads"]:
        args = [torch.randn(*s) for s in w["shapes"]]
        op = torch.nn.functional.linear if w["op"] == "linear" else getattr(torch, w["op"])
        results[w["name"] + "|" + str(threads)] = median(lambda: op(*args))
print(json.dumps(results))
`;

function runPytorch() {
  if (!hasTorch()) return null;
  // PyTorch at its best (PERFORMANCE.md): OpenBLAS free to pick its AVX-512 kernels, and
  // glibc keeping freed blocks instead of re-faulting fresh pages. The script sets the
  // thread counts itself, per workload.
  const env = pytorchEnv(Math.max(...THREADS));
  delete env.OPENBLAS_NUM_THREADS;
  delete env.OMP_NUM_THREADS;
  const spec = { threads: THREADS, workloads: workloads() };
  const run = spawnSync('/usr/bin/python3', ['-c', PYTHON, JSON.stringify(spec)], { env, encoding: 'utf8', maxBuffer: 1 << 20 });
  if (run.status !== 0) {
    console.error(`PyTorch run failed: ${run.stderr}`);
    return null;
  }
  return JSON.parse(run.stdout);
}

function format(seconds, flops) {
  const gflops = flops / seconds / 1e9;
  const time = seconds < 1e-3 ? `${(seconds * 1e6).toFixed(0)} us` : `${(seconds * 1e3).toFixed(2)} ms`;
  return `${time.padStart(9)} ${gflops.toFixed(1).padStart(6)} GFLOPS`;
}

function main() {
  const cap = torch.backend.cpuCapability();
  console.log(`tensorgrad GEMM benchmark (float32), CPU capability ${cap.active} (detected ${cap.detected})`);
  // Two rounds, alternating, keeping each workload's best median: the machines are shared,
  // and a burst of load on the other core should not decide a ratio.
  let ours = runTensorgrad();
  let theirs = runPytorch();
  const best = (x, y) => Object.fromEntries(Object.keys(x).map((key) => [key, typeof x[key] === 'number' ? Math.min(x[key], y[key]) : x[key]]));
  ours = best(ours, runTensorgrad());
  if (theirs) theirs = best(theirs, runPytorch());
  if (theirs) console.log(`PyTorch ${theirs._blas}, same machine, same run`);
  else console.log('PyTorch not available (/usr/bin/python3 -c "import torch" failed): tensorgrad only');
  const header = `${'workload'.padEnd(30)} thr  ${'tensorgrad'.padEnd(23)}${theirs ? `${'PyTorch'.padEnd(23)}tg/PT` : ''}`;
  console.log(header);
  for (const threads of THREADS) {
    for (const w of workloads()) {
      const key = `${w.name}|${threads}`;
      let line = `${w.name.padEnd(30)} ${String(threads).padStart(3)}  ${format(ours[key], w.flops)}  `;
      if (theirs) line += `${format(theirs[key], w.flops)}  ${(theirs[key] / ours[key]).toFixed(2)}x`;
      console.log(line);
    }
  }
}

main();
