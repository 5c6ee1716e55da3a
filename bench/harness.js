// Shared benchmark plumbing: timing (median of repeated runs), the PyTorch side (run in
// /usr/bin/python3 at its best, per shared/PERFORMANCE.md) and the ratio table.
'use strict';
const { spawnSync } = require('child_process');
const path = require('path');

/**
 * Warms fn up for warmMs, then returns how many calls make a batch of at least batchMs.
 * Warm-up by time, not by count: the JIT settles on a small autograd graph only after
 * thousands of calls (3 calls left the course's example 4x slower than its steady state).
 */
function batchSize(fn, warmMs, batchMs) {
  const warmUntil = Date.now() + warmMs;
  do fn();
  while (Date.now() < warmUntil);
  for (let iters = 1; ; iters *= 2) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < iters; i++) fn();
    if (Number(process.hrtime.bigint() - t0) / 1e6 >= batchMs || iters > 1e7) return iters;
  }
}

/** Median milliseconds per call of fn, after warm-up, over `repeats` timed batches. */
function timeIt(fn, { minMs = 200, repeats = 5, warmMs = 300 } = {}) {
  const iters = batchSize(fn, warmMs, minMs / repeats);
  const samples = [];
  for (let r = 0; r < repeats; r++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < iters; i++) fn();
    samples.push(Number(process.hrtime.bigint() - t0) / 1e6 / iters);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)];
}

/**
 * Median ms per call of each of `fns`, sampled in alternation (a, b, a, b, ...) after a
 * warm-up of each: for comparing variants of one workload (issue 4: channels_last against
 * NCHW) on a machine whose speed drifts by tens of percent within minutes - one block of
 * samples after the other lets a slow spell land on one side only.
 */
function timeAlternating(fns, { rounds = 9, minMs = 40, warmMs = 150 } = {}) {
  const iters = fns.map((fn) => batchSize(fn, warmMs, minMs));
  const samples = fns.map(() => []);
  for (let r = 0; r < rounds; r++)
    fns.forEach((fn, k) => {
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < iters[k]; i++) fn();
      samples[k].push(Number(process.hrtime.bigint() - t0) / 1e6 / iters[k]);
    });
  return samples.map((s) => s.sort((a, b) => a - b)[s.length >> 1]);
}

/**
 * Prints, per workload, the two layouts' alternating medians and channels_last / NCHW; a
 * row may carry a note (a workload whose tensors have the same strides in both layouts
 * runs the same code twice, so its ratio shows only the machine's noise).
 */
function layoutTable(title, rows) {
  console.log(`\n${title}`);
  console.log('| workload | NCHW | channels_last | channels_last / NCHW |');
  console.log('|---|---|---|---|');
  for (const [name, [nchw, cl, note]] of Object.entries(rows))
    console.log(`| ${name} | ${fmt(nchw)} | ${fmt(cl)} | ${(cl / nchw).toFixed(2)}${note ? ` (${note})` : ''} |`);
}

function hasTorch() {
  const r = spawnSync('/usr/bin/python3', ['-c', 'import torch'], { stdio: 'ignore' });
  return r.status === 0;
}

/** The environment that runs PyTorch at its best (PERFORMANCE.md) with `threads` threads. */
function pytorchEnv(threads) {
  const env = { ...process.env, GLIBC_TUNABLES: 'glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=4294967296' };
  // torch.set_num_threads does not reach OpenBLAS's own pthread pool in Debian's build: at
  // "1 thread" its GEMMs still ran on both cores (CPU time twice the wall time). Pin it.
  env.OPENBLAS_NUM_THREADS = String(threads);
  env.OMP_NUM_THREADS = String(threads);
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  // Debian's python3-torch links whichever libblas.so.3 is installed; the reference BLAS
  // (the default) is ~20x slower than OpenBLAS. Install libopenblas0-pthread, or point
  // TORCH_BLAS_DIR at an unpacked OpenBLAS, to measure PyTorch at its best.
  if (process.env.TORCH_BLAS_DIR) env.LD_LIBRARY_PATH = `${process.env.TORCH_BLAS_DIR}:${env.LD_LIBRARY_PATH ?? ''}`;
  return env;
}

/** Runs bench/<script>.py with PyTorch at its best; returns { name: ms } or null. */
function runPytorch(script, threads, extraArgs = []) {
  if (!hasTorch()) return null;
  const env = pytorchEnv(threads);
  const r = spawnSync('/usr/bin/python3', [path.join(__dirname, script), String(threads), ...extraArgs], { env, encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) {
    console.error(`PyTorch side failed: ${r.stderr}`);
    return null;
  }
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

function fmt(ms) {
  if (ms === undefined || ms === null) return '-';
  return ms < 0.01 ? `${(ms * 1000).toFixed(2)} us` : ms < 1 ? `${(ms * 1000).toFixed(1)} us` : `${ms.toFixed(2)} ms`;
}

/** Prints name | tensorgrad | PyTorch | ratio (PyTorch time / tensorgrad time: >1 is faster). */
function table(title, ours, theirs) {
  console.log(`\n${title}`);
  console.log('| workload | tensorgrad | PyTorch | speed-up |');
  console.log('|---|---|---|---|');
  for (const [name, ms] of Object.entries(ours)) {
    const ref = theirs ? theirs[name] : undefined;
    const ratio = ref ? `${(ref / ms).toFixed(2)}x` : '-';
    console.log(`| ${name} | ${fmt(ms)} | ${fmt(ref)} | ${ratio} |`);
  }
}

module.exports = { timeIt, timeAlternating, runPytorch, pytorchEnv, table, layoutTable, hasTorch };
