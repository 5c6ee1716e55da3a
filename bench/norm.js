#!/usr/bin/env node
/**
 * Normalisation benchmark: F.batchNorm (training) forward and forward+backward on
 * (64,32,24,24) NCHW and channels_last, F.layerNorm over the last dim of (64,128,256),
 * float32, at 1 and 2 threads, against PyTorch in the same run (bench/norm_pytorch.py, at
 * its best per PERFORMANCE.md). speed-up = PyTorch time / tensorgrad time (>1: faster).
 *
 *   npx tsc -p tsconfig.json && node bench/norm.js
 *   TENSORGRAD_ADDON_PATH=build-norm/Release/tensorgrad.node node bench/norm.js
 */
'use strict';
const path = require('path');
const { timeIt, timeAlternating, runPytorch, table, layoutTable } = require('./harness');

const torch = require(process.env.TENSORGRAD_DIST ? path.resolve(process.env.TENSORGRAD_DIST) : '../dist');
const F = torch.nn.functional;

function workloads() {
  const list = [];
  for (const layout of ['NCHW', 'channels_last'])
    for (const pass of ['fwd', 'fwd+bwd']) list.push({ name: `batchNorm2d (64,32,24,24) ${layout} ${pass}`, kind: 'bn', layout, pass });
  for (const pass of ['fwd', 'fwd+bwd']) list.push({ name: `layerNorm (64,128,256) over 256 ${pass}`, kind: 'ln', pass });
  return list;
}

function make(w) {
  if (w.kind === 'bn') {
    let x = torch.randn([64, 32, 24, 24]);
    if (w.layout === 'channels_last') x = x.contiguous({ memoryFormat: torch.channelsLast });
    const weight = torch.ones(32).requiresGrad_(), bias = torch.zeros(32).requiresGrad_();
    const rm = torch.zeros(32), rv = torch.ones(32);
    return { x, op: (t) => F.batchNorm(t, rm, rv, { weight, bias, training: true }), params: [weight, bias] };
  }
  const x = torch.randn([64, 128, 256]);
  const weight = torch.ones(256).requiresGrad_(), bias = torch.zeros(256).requiresGrad_();
  return { x, op: (t) => F.layerNorm(t, [256], { weight, bias }), params: [weight, bias] };
}

/** The timed call of one workload. */
function callOf(w) {
  const { x, op, params } = make(w);
  if (w.pass === 'fwd') return () => torch.noGrad(() => op(x)).dispose();
  x.requiresGrad_();
  // The gradient in the input's layout, as a channels_last network passes it back.
  const g = torch.randn([...x.shape]).contiguous({ memoryFormat: w.layout === 'channels_last' ? torch.channelsLast : torch.contiguousFormat });
  return () => {
    const y = op(x);
    const grads = torch.autograd.grad(y, [x, ...params], g);
    y.dispose();
    for (const t of grads) t.dispose();
  };
}

function runTensorgrad(threads) {
  torch.setNumThreads(threads);
  const results = {};
  for (const w of workloads()) results[w.name] = timeIt(callOf(w), { minMs: 300, repeats: 5 });
  return results;
}

/** batchNorm's channels_last against NCHW in tensorgrad, sampled alternately (issue 4). */
function runLayouts() {
  const rows = {};
  for (const pass of ['fwd', 'fwd+bwd'])
    rows[`batchNorm2d (64,32,24,24) ${pass}`] = timeAlternating(['NCHW', 'channels_last'].map((layout) => callOf({ kind: 'bn', layout, pass })));
  return rows;
}

for (const threads of [1, 2]) {
  const ours = runTensorgrad(threads);
  const theirs = runPytorch('norm_pytorch.py', threads);
  table(`float32, ${threads} thread${threads > 1 ? 's' : ''}`, ours, theirs);
  layoutTable(`batchNorm in tensorgrad, ${threads} thread${threads > 1 ? 's' : ''}: channels_last against NCHW, alternating samples`, runLayouts());
}
