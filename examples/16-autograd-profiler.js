// The autograd profiler: records every op and backward node run inside it, with CPU time
// and call counts, and prints PyTorch's summary table.
'use strict';
const torch = require('..');

torch.manualSeed(0);
const x = torch.randn([1, 1], { requiresGrad: true });
// with torch.autograd.profiler.profile() as prof:
const prof = torch.autograd.profiler.profile(() => {
  for (let i = 0; i < 100; i++) { // any normal JavaScript code, really!
    const y = x.pow(2);
    y.backward();
  }
});
console.log(prof.keyAverages().table({ sortBy: 'self_cpu_time_total' }));

// Call counts per name, as in the table's "# of Calls" column
for (const e of prof.keyAverages()) {
  if (['aten::pow', 'PowBackward0', 'torch::autograd::AccumulateGrad', 'torch::autograd::GraphRoot'].includes(e.key))
    console.log(`${e.key}: ${e.count} calls`);
}
console.log(`x.grad (100 x 2x): ${x.grad}`);
