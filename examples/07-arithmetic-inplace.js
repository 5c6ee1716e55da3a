// Algebra on tensors: matrix product, element-wise product, sum reduction, and in-place
// ops (their names end in `_`; the result is stored in the tensor they are called on).
'use strict';
const torch = require('..');

const a = torch.tensor([[1, 2], [3, 4]], { dtype: torch.float32 });
const b = torch.tensor([[5, 6], [7, 8]], { dtype: torch.float32 });

console.log(`torch.matmul(a, b):\n${torch.matmul(a, b)}`);
console.log(`a.matmul(b.T):\n${a.matmul(b.T)}`);
console.log(`torch.mul(a, b):\n${torch.mul(a, b)}`);
console.log(`a.mul(2):\n${a.mul(2)}`);
console.log(`a.sum(): ${a.sum()}`);
console.log(`a.sum(0): ${a.sum(0)}`);
console.log(`a.sum({ dim: 1, keepdim: true }):\n${a.sum({ dim: 1, keepdim: true })}`);

// In-place: the same object comes back, its values changed
const c = a.clone();
const same = c.add_(1);
console.log(`c.add_(1) returns c: ${same === c}`);
console.log(`after add_(1):\n${c}`);
c.mul_(b);
console.log(`after mul_(b):\n${c}`);
c.copy_(torch.zeros(2, 2));
console.log(`after copy_(zeros):\n${c}`);
c.fill_(3).sub_(torch.tensor([1, 2]));
console.log(`after fill_(3).sub_([1, 2]) (broadcast):\n${c}`);
