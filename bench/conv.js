// conv2d workloads A-D (issue 9 / 4), NCHW and channels_last, forward and forward+backward
// (gradients of weight and bias, and of the input except for D, a first layer), against
// PyTorch (oneDNN) in the same run with the same thread count. A and B are big: few
// repetitions. Usage: node bench/conv.js [threads...]   (default: 1 2)
'use strict';
const torch = require('..');
const { runPytorch, table, timeAlternating, layoutTable } = require('./harness');
const F = torch.nn.functional;

const WORKLOADS = {
  'A (32,64,56,56)*(64,64,3,3) p1': [[32, 64, 56, 56], [64, 64, 3, 3], 1, true],
  'B (32,128,28,28)*(128,128,3,3) p1': [[32, 128, 28, 28], [128, 128, 3, 3], 1, true],
  'C (32,256,14,14)*(256,256,1,1)': [[32, 256, 14, 14], [256, 256, 1, 1], 0, true],
  'D (64,1,28,28)*(32,1,5,5)': [[64, 1, 28, 28], [32, 1, 5, 5], 0, false],
};

/**
 * Median ms of `repeats` runs (these workloads take milliseconds) after WARM_MS of warm-up
 * runs, two at least; bench/conv_pytorch.py warms up as long. The steady state of a training
 * loop: in its first ~10 steps a layer's results outlive a few of tensorgrad's
 * young-generation collections, V8 moves them to its old generation, and their memory comes
 * back only at V8's next major collection, so new gradients land on fresh pages (B's
 * fwd+bwd: ~600 page faults a step, ~3%) until the process has grown to its working size.
 */
const WARM_MS = 1500;
function timeIt(fn, repeats) {
  const warm = process.hrtime.bigint();
  for (let i = 0; i < 2 || Number(process.hrtime.bigint() - warm) < WARM_MS * 1e6; i++) fn();
  const samples = [];
  for (let r = 0; r < repeats; r++) {
    const t0 = process.hrtime.bigint();
    fn();
    samples.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  samples.sort((a, b) => a - b);
  return samples[samples.length >> 1];
}

/** The forward and forward+backward calls of one workload in one layout, and its tensors' strides. */
function passes([xs, ws, padding, inputGrad], layout) {
  const memoryFormat = layout === 'channels_last' ? torch.channelsLast : torch.contiguousFormat;
  const x = torch.randn(xs).contiguous({ memoryFormat });
  const w = torch.randn(ws).contiguous({ memoryFormat });
  const b = torch.randn([ws[0]]);
  const xg = x.clone().requiresGrad_(inputGrad), wg = w.clone().requiresGrad_(), bg = b.clone().requiresGrad_();
  const g = torch.noGrad(() => torch.randnLike(F.conv2d(x, w, b, { padding })));
  return {
    strides: [x, w, g].map((t) => t.stride().join(',')).join(' '),
    calls: {
      fwd: () => F.conv2d(x, w, b, { padding }).dispose(),
      'fwd+bwd': () => {
        xg.grad = null;
        wg.grad = null;
        bg.grad = null;
        F.conv2d(xg, wg, bg, { padding }).backward(g);
      },
    },
  };
}

function runTensorgrad() {
  const results = {};
  for (const [name, spec] of Object.entries(WORKLOADS)) {
    const repeats = spec[0][1] >= 64 && spec[0][2] >= 28 ? 3 : 15;
    for (const layout of ['NCHW', 'channels_last'])
      for (const [pass, fn] of Object.entries(passes(spec, layout).calls)) results[`${name} ${layout} ${pass}`] = timeIt(fn, repeats);
  }
  return results;
}

/** channels_last against NCHW in tensorgrad, sampled alternately (issue 4's criterion). */
function runLayouts() {
  const rows = {};
  for (const [name, spec] of Object.entries(WORKLOADS)) {
    const big = spec[0][1] >= 64 && spec[0][2] >= 28;
    const [nchw, cl] = [passes(spec, 'NCHW'), passes(spec, 'channels_last')];
    // One input channel: channels_last strides are NCHW's (PyTorch's rule for size-1 dims),
    // and the output stays NCHW, so both columns time the same kernels on the same bytes.
    const note = nchw.strides === cl.strides ? 'same strides in both layouts' : '';
    for (const pass of Object.keys(nchw.calls))
      rows[`${name} ${pass}`] = [...timeAlternating([nchw.calls[pass], cl.calls[pass]], big ? { rounds: 5, minMs: 1, warmMs: 0 } : {}), note];
  }
  return rows;
}

const threadCounts = process.argv.slice(2).map(Number).filter((n) => n > 0);
for (const threads of threadCounts.length ? threadCounts : [1, 2]) {
  torch.setNumThreads(threads);
  const ours = runTensorgrad();
  table(`conv2d, ${threads} thread(s), float32`, ours, runPytorch('conv_pytorch.py', threads));
  layoutTable(`conv2d in tensorgrad, ${threads} thread(s): channels_last against NCHW, alternating samples`, runLayouts());
}
