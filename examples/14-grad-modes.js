// Grad modes: grad mode (the default, everything is recorded), no-grad mode (nothing is
// recorded; for evaluation and parameter updates) and inference mode (no-grad taken to the
// extreme: its results can never join a graph later). Python's `with` blocks become
// callbacks that return the callback's value.
'use strict';
const torch = require('..');
const { nn } = torch;

const x = torch.ones(2, 2, { requiresGrad: true });

const y = x.mul(2);
console.log(`default grad mode: y.requiresGrad = ${y.requiresGrad}, gradFn = ${y.gradFn.name()}`);

// with torch.no_grad():
const yNoGrad = torch.noGrad(() => x.mul(2));
console.log(`noGrad: requiresGrad = ${yNoGrad.requiresGrad}, gradFn = ${yNoGrad.gradFn}`);

// with torch.no_grad(): with torch.enable_grad():
const yEnabled = torch.noGrad(() => torch.enableGrad(() => x.mul(2)));
console.log(`enableGrad inside noGrad: requiresGrad = ${yEnabled.requiresGrad}`);

// torch.set_grad_enabled(False)
torch.setGradEnabled(false);
const yOff = x.mul(2);
console.log(`setGradEnabled(false): requiresGrad = ${yOff.requiresGrad}, isGradEnabled() = ${torch.isGradEnabled()}`);
torch.setGradEnabled(true);
console.log(`setGradEnabled(true): isGradEnabled() = ${torch.isGradEnabled()}`);

// with torch.inference_mode():
const yInf = torch.inferenceMode(() => {
  console.log(`inside inferenceMode: isInferenceModeEnabled() = ${torch.isInferenceModeEnabled()}`);
  return x.mul(2);
});
console.log(`inferenceMode: requiresGrad = ${yInf.requiresGrad}, isInference() = ${yInf.isInference()}`);
try {
  x.mul(yInf).sum().backward();
} catch (e) {
  console.log(`saving an inference tensor for backward: ${e.constructor.name}: ${e.message}`);
}

// Evaluating a model: eval() changes layer behaviour (dropout), noGrad skips the graph;
// requiresGrad_(false) freezes a whole module
torch.manualSeed(0);
const model = new nn.Sequential(new nn.Linear(4, 8), new nn.Dropout(0.5), new nn.Linear(8, 2));
model.eval();
const out = torch.noGrad(() => model.forward(torch.randn(3, 4)));
console.log(`model.eval() + noGrad: training = ${model.training}, output requiresGrad = ${out.requiresGrad}`);
model.requiresGrad_(false);
console.log(`after requiresGrad_(false): any parameter requires grad = ${model.parameters().some((p) => p.requiresGrad)}`);

// Updating parameters by hand must not be recorded
const w = torch.ones(3, { requiresGrad: true });
w.mul(w).sum().backward();
torch.noGrad(() => w.sub_(w.grad.mul(0.1)));
console.log(`w after one SGD step under noGrad: ${w}`);
