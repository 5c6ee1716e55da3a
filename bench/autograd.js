// Autograd overhead against PyTorch in the same run: the course's
// y = (x + 3) * (x + 4) * 0.5; y.sum().backward() on a 5x5 tensor (µs per iteration: graph
// recording, the engine, accumulation), and an MLP 784-256-128-10 forward of a batch of 64
// in grad mode, inference mode and noGrad.
// Usage: node bench/autograd.js [threads...]   (default: 1 thread)
//
// Two clocks: wall time (the harness's), and process CPU time, which stays meaningful on a
// shared, loaded machine where wall time mostly measures preemption (both sides single
// threaded at 1 thread, so CPU time is the work done).
'use strict';
const torch = require('..');
const { timeIt, runPytorch, table } = require('./harness');

function workloads() {
  const x = torch.rand(5, 5, { requiresGrad: true });
  torch.manualSeed(0);
  const mlp = new torch.nn.Sequential(
    new torch.nn.Linear(784, 256), new torch.nn.ReLU(), new torch.nn.Linear(256, 128), new torch.nn.ReLU(), new torch.nn.Linear(128, 10),
  );
  const xb = torch.randn(64, 784);
  return {
    'course (x+3)*(x+4)*0.5 on 5x5, sum().backward()': () => {
      x.grad = null;
      x.add(3).mul(x.add(4)).mul(0.5).sum().backward();
    },
    'course, forward only (graph recorded)': () => x.add(3).mul(x.add(4)).mul(0.5).sum(),
    'course, forward only, inferenceMode': () => torch.inferenceMode(() => x.add(3).mul(x.add(4)).mul(0.5).sum()),
    'MLP forward batch 64, grad mode': () => mlp.forward(xb),
    'MLP forward batch 64, inferenceMode': () => torch.inferenceMode(() => mlp.forward(xb)),
    'MLP forward batch 64, noGrad': () => torch.noGrad(() => mlp.forward(xb)),
  };
}

/** timeIt's scheme (median of 5 batches after sizing) on process CPU time, in ms per call. */
function cpuTimeIt(fn, { minMs = 200, repeats = 5 } = {}) {
  const cpuMs = (since) => {
    const u = process.cpuUsage(since);
    return (u.user + u.system) / 1000;
  };
  let iters = 1;
  for (;;) {
    const c0 = process.cpuUsage();
    for (let i = 0; i < iters; i++) fn();
    if (cpuMs(c0) >= minMs / repeats || iters > 1e7) break;
    iters *= 2;
  }
  const samples = [];
  for (let r = 0; r < repeats; r++) {
    const c0 = process.cpuUsage();
    for (let i = 0; i < iters; i++) fn();
    samples.push(cpuMs(c0) / iters);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)];
}

const threadCounts = process.argv.slice(2).map(Number).filter((n) => n > 0);
for (const threads of threadCounts.length ? threadCounts : [1]) {
  torch.setNumThreads(threads);
  for (const clock of ['wall', 'cpu']) {
    const ours = {};
    for (const [name, fn] of Object.entries(workloads())) {
      if (clock === 'cpu') timeIt(fn, { minMs: 0, repeats: 1 }); // timeIt's warm-up, for cpuTimeIt too
      ours[name] = clock === 'wall' ? timeIt(fn) : cpuTimeIt(fn);
    }
    table(`autograd workloads, ${threads} thread(s), float32, ${clock} time`, ours, runPytorch('autograd_pytorch.py', threads, [clock]));
  }
}
