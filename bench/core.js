// Elementwise, per-op overhead, autograd overhead and MLP training step, against PyTorch
// in the same run, at 1 and 2 threads. Usage: node bench/core.js (after npm install).
'use strict';
const torch = require('..');
const { timeIt, runPytorch, table } = require('./harness');
const F = torch.nn.functional;

function workloads() {
  const n = 4 << 20;
  const a = torch.rand(n), b = torch.rand(n), out = torch.empty(n);
  const m = torch.rand(1000, 1000), row = torch.rand(1000);
  const one = torch.rand(1), hundred = torch.rand(100);
  const x5 = torch.rand(5, 5, { requiresGrad: true });
  const t34 = torch.rand(3, 4);
  const m44 = torch.rand(4, 4);
  torch.manualSeed(0);
  const mlp = new torch.nn.Sequential(new torch.nn.Linear(784, 256), new torch.nn.ReLU(), new torch.nn.Linear(256, 128), new torch.nn.ReLU(), new torch.nn.Linear(128, 10));
  const opt = new torch.optim.SGD(mlp.parameters(), { lr: 0.01 });
  const xb = torch.randn(64, 784), yb = torch.randint(0, 10, [64]);
  const nn = torch.nn;
  const lenet = new nn.Sequential(
    new nn.Conv2d(1, 6, 5), new nn.ReLU(), new nn.MaxPool2d(2),
    new nn.Conv2d(6, 16, 5), new nn.ReLU(), new nn.MaxPool2d(2), new nn.Flatten(),
    new nn.Linear(256, 120), new nn.ReLU(), new nn.Linear(120, 84), new nn.ReLU(), new nn.Linear(84, 10));
  const lenetOpt = new torch.optim.SGD(lenet.parameters(), { lr: 0.01 });
  const images = torch.randn(64, 1, 28, 28);
  return {
    'add 4M (new output)': () => a.add(b),
    'add 4M (out=)': () => torch.add(a, b, { out }),
    'relu 4M': () => a.relu(),
    'exp 4M': () => a.exp(),
    'mul_ 4M (in place)': () => out.mul_(1.0000001),
    'broadcast add (1000,1000)+(1000,)': () => m.add(row),
    'a+b, 1 element': () => one.add(one),
    'a+b, 100 elements': () => hundred.add(hundred),
    '4x4 matmul': () => m44.matmul(m44),
    'reshape + transpose (views)': () => t34.reshape(4, 3).transpose(0, 1),
    'autograd (x+3)*(x+4)*0.5 on 5x5, sum().backward()': () => { x5.grad = null; x5.add(3).mul(x5.add(4)).mul(0.5).sum().backward(); },
    'MLP 784-256-128-10 SGD step, batch 64': () => { opt.zeroGrad(); F.crossEntropy(mlp.forward(xb), yb).backward(); opt.step(); },
    'LeNet SGD step, batch 64': () => { lenetOpt.zeroGrad(); F.crossEntropy(lenet.forward(images), yb).backward(); lenetOpt.step(); },
    'MLP forward batch 64, noGrad': () => torch.noGrad(() => mlp.forward(xb)),
    'MLP forward batch 64, inferenceMode': () => torch.inferenceMode(() => mlp.forward(xb)),
  };
}

// Training steps time the steady state of a training loop, as a user sees it after the
// first second: V8 needs about that long to optimise the library's JavaScript (the MLP
// step read 0.93-1.07 ms after 0.3 s of warm-up, 0.79-0.80 ms from 1.5 s on). PyTorch's
// twin (core_pytorch.py) gets the same 2 s.
const STEADY = new Set(['MLP 784-256-128-10 SGD step, batch 64', 'LeNet SGD step, batch 64']);

// This machine's speed drifts by tens of percent within minutes, so one timing of each
// side can land a slow spell on either. The training steps are timed in rounds that
// alternate between tensorgrad and PyTorch, and the table shows each side's median.
const ROUNDS = 3;
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

for (const threads of [1, 2]) {
  torch.setNumThreads(threads);
  const fns = workloads(), ours = {};
  for (const [name, fn] of Object.entries(fns)) if (!STEADY.has(name)) ours[name] = timeIt(fn);
  const theirs = runPytorch('core_pytorch.py', threads);
  const rounds = { ours: {}, theirs: {} };
  for (let r = 0; r < ROUNDS; r++) {
    for (const name of STEADY) (rounds.ours[name] ??= []).push(timeIt(fns[name], { warmMs: 2000 }));
    const t = theirs && runPytorch('core_pytorch.py', threads, [...STEADY]);
    if (t) for (const name of STEADY) (rounds.theirs[name] ??= []).push(t[name]);
  }
  for (const name of STEADY) {
    ours[name] = median(rounds.ours[name]);
    if (theirs) theirs[name] = median(rounds.theirs[name]);
  }
  table(`core workloads, ${threads} thread(s), float32 (training steps: median of ${ROUNDS} alternating rounds)`, ours, theirs);
}
