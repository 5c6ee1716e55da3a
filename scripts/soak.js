// Leak soak (issue 8): long MLP and LeNet training loops with no dispose(), sampling RSS
// after a warm-up; fits the growth per step by least squares and fails above a bound. Also
// checks that the addon's scratch pool hands every block back (allocated bytes return to
// where they started).
//   node --expose-gc scripts/soak.js [mlpSteps=10000] [lenetSteps=1000]   (npm run test:soak)
// With --expose-gc, each RSS sample is taken right after a full collection, so the samples
// measure live memory rather than where the collector happened to be; the loop itself
// never calls gc() or dispose().
'use strict';
const { torch, mlpStep, lenetStep } = require('./lib/training-steps');

const MLP_STEPS = Number(process.argv[2] ?? 10000);
const LENET_STEPS = Number(process.argv[3] ?? 1000);
// Growth allowed per step once warm: far below one batch of activations (64 x 256 floats =
// 64 KiB), so leaking any activation or gradient per step fails, while malloc's occasional
// step in RSS (a few MiB once, ~1-2 KiB/step spread over the measured half) does not.
const MAX_BYTES_PER_STEP = Number(process.env.SOAK_MAX_BYTES_PER_STEP ?? 4096);
// malloc can move RSS by a few MiB at once even when nothing leaks (seen once in CI on a
// 75-step window), so a short window is allowed this much total growth before the per-step
// bound applies: long windows (the MLP's thousands of steps) keep the 4 KiB/step bound.
const NOISE_FLOOR_BYTES = 4 * 2 ** 20;

function slope(points) {
  const n = points.length;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  let num = 0, den = 0;
  for (const [x, y] of points) {
    num += (x - mx) * (y - my);
    den += (x - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

function soak(name, steps, makeStep) {
  const step = makeStep();
  // RSS climbs to its working set over the first ~2000-3000 MLP steps (V8 and malloc
  // settling), then stays flat: measure the growth over the rest, at least the last half.
  const warmup = Math.min(Math.max(Math.floor(steps / 2), 3000), Math.floor((steps * 3) / 4));
  const samples = [];
  const every = Math.max(1, Math.floor(steps / 50));
  const start = Date.now();
  for (let i = 0; i < steps; i++) {
    step();
    if (i >= warmup && i % every === 0) {
      if (global.gc) global.gc();
      samples.push([i, process.memoryUsage().rss]);
    }
  }
  const perStep = slope(samples);
  const allowed = Math.max(MAX_BYTES_PER_STEP, NOISE_FLOOR_BYTES / (steps - warmup));
  const rssMb = process.memoryUsage().rss / 2 ** 20;
  const ms = (Date.now() - start) / steps;
  console.log(`${name}: ${steps} steps, ${ms.toFixed(2)} ms/step, RSS ${rssMb.toFixed(0)} MiB, growth ${perStep.toFixed(1)} B/step (allowed ${allowed.toFixed(0)})`);
  return perStep > allowed;
}

const poolBefore = torch.backend.poolStats().allocatedBytes;
const results = [soak('MLP 784-256-128-10', MLP_STEPS, mlpStep), soak('LeNet', LENET_STEPS, lenetStep)];
const poolAfter = torch.backend.poolStats().allocatedBytes;
console.log(`scratch pool: ${poolBefore} bytes in use before, ${poolAfter} after`);

let failed = false;
if (results.some((leaking) => leaking)) {
  console.error('RSS grows by more than the allowed bytes per step: a leak');
  failed = true;
}
if (poolAfter !== poolBefore) {
  console.error('the scratch pool did not get every block back');
  failed = true;
}
process.exit(failed ? 1 : 0);
