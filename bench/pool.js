#!/usr/bin/env node
/**
 * Pooling benchmark: F.maxPool2d 2x2 on (64,32,24,24) and 3x3 stride 2 padding 1 on
 * (32,64,56,56), plus avgPool2d and a bilinear 2x upsample on the second input, NCHW and
 * channels_last, forward and forward+backward, float32, at 1 and 2 threads. When
 * /usr/bin/python3 has torch, the same workloads run in PyTorch in the same run (at its
 * best, PERFORMANCE.md) and the table shows PyTorch time / tensorgrad time (above 1:
 * tensorgrad is faster). Two alternating rounds; each workload keeps its best median.
 *
 *   npx tsc -p tsconfig.json && node bench/pool.js
 *   TENSORGRAD_ADDON_PATH=build-pool/Release/tensorgrad.node node bench/pool.js
 */
'use strict';
const { spawnSync } = require('child_process');
const torch = require('../dist');
const { timeIt } = require('./harness');

const THREADS = [1, 2];

function workloads() {
  const list = [];
  for (const layout of ['NCHW', 'channels_last']) {
    for (const pass of ['fwd', 'fwd+bwd']) {
      list.push({ name: `maxPool2d 2x2 (64,32,24,24) ${layout} ${pass}`, shape: [64, 32, 24, 24], op: 'max', args: { kernelSize: 2 }, layout, pass });
      list.push({ name: `maxPool2d 3x3 s2 p1 (32,64,56,56) ${layout} ${pass}`, shape: [32, 64, 56, 56], op: 'max', args: { kernelSize: 3, stride: 2, padding: 1 }, layout, pass });
      list.push({ name: `avgPool2d 3x3 s2 p1 (32,64,56,56) ${layout} ${pass}`, shape: [32, 64, 56, 56], op: 'avg', args: { kernelSize: 3, stride: 2, padding: 1 }, layout, pass });
      list.push({ name: `bilinear 2x (8,64,56,56) ${layout} ${pass}`, shape: [8, 64, 56, 56], op: 'bilinear', args: { scaleFactor: 2, mode: 'bilinear' }, layout, pass });
    }
  }
  return list;
}

/** Median seconds of fn (bench/harness.js's timer, which gives ms). */
const median = (fn) => timeIt(fn) / 1e3;

function runTensorgrad() {
  const F = torch.nn.functional;
  const results = {};
  for (const threads of THREADS) {
    torch.setNumThreads(threads);
    for (const w of workloads()) {
      let x = torch.randn(w.shape);
      if (w.layout === 'channels_last') x = x.contiguous({ memoryFormat: torch.channelsLast });
      const op = w.op === 'max' ? (t) => F.maxPool2d(t, w.args) : w.op === 'avg' ? (t) => F.avgPool2d(t, w.args) : (t) => F.interpolate(t, w.args);
      let fn;
      if (w.pass === 'fwd') fn = () => op(x).dispose();
      else {
        x.requiresGrad_();
        const probe = op(x);
        const g = torch.randn(probe.shape).contiguous({ memoryFormat: w.layout === 'channels_last' ? torch.channelsLast : torch.contiguousFormat });
        fn = () => {
          const out = op(x);
          const [gi] = torch.autograd.grad(out, x, g);
          out.dispose();
          gi.dispose();
        };
      }
      results[`${w.name}|${threads}`] = median(fn);
    }
  }
  return results;
}

// The same loop in PyTorch; prints one JSON object of median seconds.
const PYTHON = String.raw`
import json, sys
import torch
import torch.nn.functional as F
from pytorch_timing import set_threads, time_it
def median(fn):  # seconds
    return time_it(fn) / 1e3
snake = {"kernelSize": "kernel_size", "stride": "stride", "padding": "padding", "scaleFactor": "scale_factor", "mode": "mode"}
spec = json.loads(sys.argv[1])
results = {}
for threads in spec["threads"]:
    set_threads(threads)
    for w in spec["workloads"]:
        fmt = torch.channels_last if w["layout"] == "channels_last" else torch.contiguous_format
        x = torch.randn(*w["shape"]).contiguous(memory_format=fmt)
        kw = {snake[k]: v for k, v in w["args"].items()}
        op = {"max": lambda t: F.max_pool2d(t, **kw), "avg": lambda t: F.avg_pool2d(t, **kw), "bilinear": lambda t: F.interpolate(t, **kw)}[w["op"]]
        if w["pass"] == "fwd":
            with torch.no_grad():
                results[w["name"] + "|" + str(threads)] = median(lambda: op(x))
        else:
            x.requires_grad_(True)
            g = torch.randn(op(x).shape).contiguous(memory_format=fmt)
            results[w["name"] + "|" + str(threads)] = median(lambda: torch.autograd.grad(op(x), x, g))
print(json.dumps(results))
`;

function runPytorch() {
  const probe = spawnSync('/usr/bin/python3', ['-c', 'import torch'], { stdio: 'ignore' });
  if (probe.error || probe.status !== 0) return null;
  const env = { ...process.env, GLIBC_TUNABLES: 'glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=4294967296' };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  const spec = { threads: THREADS, workloads: workloads() };
  const run = spawnSync('/usr/bin/python3', ['-c', PYTHON, JSON.stringify(spec)], { env, cwd: __dirname, encoding: 'utf8', maxBuffer: 1 << 20 });
  if (run.status !== 0) {
    console.error(`PyTorch run failed: ${run.stderr}`);
    return null;
  }
  return JSON.parse(run.stdout);
}

function format(seconds) {
  return seconds < 1e-3 ? `${(seconds * 1e6).toFixed(0)} us` : `${(seconds * 1e3).toFixed(2)} ms`;
}

function main() {
  const cap = torch.backend.cpuCapability();
  console.log(`tensorgrad pooling benchmark (float32), CPU capability ${cap.active} (detected ${cap.detected})`);
  let ours = runTensorgrad();
  let theirs = runPytorch();
  const best = (x, y) => Object.fromEntries(Object.keys(x).map((key) => [key, Math.min(x[key], y[key])]));
  ours = best(ours, runTensorgrad());
  if (theirs) {
    const again = runPytorch();
    if (again) theirs = best(theirs, again);
    console.log('PyTorch, same machine, same run');
  } else console.log('PyTorch not available (/usr/bin/python3 -c "import torch" failed): tensorgrad only');
  console.log(`${'workload'.padEnd(52)} thr  ${'tensorgrad'.padStart(10)}${theirs ? `  ${'PyTorch'.padStart(10)}  tg/PT` : ''}`);
  for (const threads of THREADS) {
    for (const w of workloads()) {
      const key = `${w.name}|${threads}`;
      let line = `${w.name.padEnd(52)} ${String(threads).padStart(3)}  ${format(ours[key]).padStart(10)}`;
      if (theirs) line += `  ${format(theirs[key]).padStart(10)}  ${(theirs[key] / ours[key]).toFixed(2)}x`;
      console.log(line);
    }
  }
}

main();
