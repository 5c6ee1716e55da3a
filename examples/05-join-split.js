// Combining two 2x2 tensors (vstack / hstack / cat / stack) and splitting them apart.
'use strict';
const torch = require('..');

torch.setPrintoptions({ precision: 2 });
torch.manualSeed(0);
const a = torch.rand(2, 2);
const b = torch.rand(2, 2);
console.log(`a:\n${a}\nb:\n${b}`);

console.log(`torch.vstack([a, b]):\n${torch.vstack([a, b])}`);
console.log(`torch.concatenate([a, b], 0):\n${torch.concatenate([a, b], 0)}`);
console.log(`torch.hstack([a, b]):\n${torch.hstack([a, b])}`);
console.log(`torch.concatenate([a, b], { dim: 1 }):\n${torch.concatenate([a, b], { dim: 1 })}`);
console.log(`torch.stack([a, b]).shape: ${torch.stack([a, b]).shape}`);

// Split them again: torch.split(c, 2, dim=1)
const c = torch.hstack([a, b]);
const parts = torch.split(c, 2, 1);
parts.forEach((p, i) => console.log(`split part ${i}:\n${p}`));
