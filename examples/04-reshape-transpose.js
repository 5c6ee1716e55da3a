// Changing a tensor's shape (reshape / view) and swapping dimensions (transpose / permute).
'use strict';
const torch = require('..');

torch.setPrintoptions({ precision: 2 });
torch.manualSeed(0);
const a = torch.rand(2, 4, 4);
console.log(`a:\n${a}`);
console.log(`a.reshape(8, 4):\n${a.reshape(8, 4)}`);

const b = a.reshape(8, 4);
const bt = b.transpose(0, 1);
console.log(`a.reshape(8, 4).transpose(0, 1):\n${bt}`);
console.log(`transpose is a view: isContiguous() = ${bt.isContiguous()}, stride() = [${bt.stride().join(", ")}]`);

console.log(`a.view(4, 8).shape: ${a.view(4, 8).shape}`);
console.log(`a.view(-1).shape: ${a.view(-1).shape}`);
console.log(`a.permute(2, 0, 1).shape: ${a.permute(2, 0, 1).shape}`);
console.log(`a.flatten(1).shape: ${a.flatten(1).shape}`);
