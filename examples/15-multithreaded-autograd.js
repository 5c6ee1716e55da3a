// Multithreaded autograd: the course's train_fn run by several threads at once. Each
// worker_threads worker loads tensorgrad, builds its own graph and calls backward on it
// (grad mode and graphs are per thread, as in PyTorch).
'use strict';
const { Worker, isMainThread, parentPort, workerData } = require('worker_threads');
const torch = require('..');

// Define a train function to be used in different threads
function trainFn() {
  const x = torch.ones(5, 5, { requiresGrad: true });
  // forward
  const y = x.add(3).mul(x.add(4)).mul(0.5);
  // backward
  y.sum().backward();
  // potential optimizer update
  return x.grad;
}

if (isMainThread) {
  const NUM_THREADS = 4;
  // The user writes their own threading code to drive trainFn
  const threads = [];
  for (let i = 0; i < NUM_THREADS; i++) {
    threads.push(new Promise((resolve, reject) => {
      const p = new Worker(__filename, { workerData: { id: i } });
      p.once('message', resolve);
      p.once('error', reject);
      p.once('exit', (code) => code !== 0 && reject(new Error(`worker ${i} exited with ${code}`)));
    }));
  }
  // join
  Promise.all(threads).then((results) => {
    for (const r of results) console.log(`thread ${r.id}: grad enabled = ${r.gradEnabled}, x.grad[0] = ${r.gradRow}`);
    console.log(`every thread got d/dx 0.5 (x + 3)(x + 4) = x + 3.5 = 4.5: ${results.every((r) => r.allEqual)}`);
    // The main thread can run the same function too
    console.log(`main thread x.grad[0] = ${trainFn().index(0)}`);
  }, (e) => {
    console.error(e);
    process.exitCode = 1;
  });
} else {
  const grad = trainFn();
  parentPort.postMessage({
    id: workerData.id,
    gradEnabled: torch.isGradEnabled(),
    gradRow: String(grad.index(0)),
    allEqual: grad.eq(4.5).all().item(),
  });
}
