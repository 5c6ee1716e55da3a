// The short training run that scripts/valgrind.sh runs under valgrind: a few MLP and LeNet
// steps (the same loops as the soak test), then a full collection so that tensors freed by
// finalizers are freed before valgrind looks for leaks.
//   node --expose-gc scripts/valgrind-train.js [mlpSteps=20] [lenetSteps=3]
'use strict';
const { torch, mlpStep, lenetStep } = require('./lib/training-steps');

const MLP_STEPS = Number(process.argv[2] ?? 20);
const LENET_STEPS = Number(process.argv[3] ?? 3);

const poolBefore = torch.backend.poolStats().allocatedBytes;
for (const [name, steps, make] of [['MLP', MLP_STEPS, mlpStep], ['LeNet', LENET_STEPS, lenetStep]]) {
  const step = make();
  const start = Date.now();
  for (let i = 0; i < steps; i++) step();
  console.log(`${name}: ${steps} steps in ${((Date.now() - start) / 1000).toFixed(1)} s`);
}
if (global.gc) global.gc();
const poolAfter = torch.backend.poolStats().allocatedBytes;
console.log(`scratch pool: ${poolBefore} bytes in use before, ${poolAfter} after`);
process.exit(poolAfter === poolBefore ? 0 : 1);
