// The three basic attributes of a tensor (shape, dtype, device), plus its rank, element
// count and strides.
'use strict';
const torch = require('..');

torch.manualSeed(0);
const tensor = torch.rand(3, 4);

console.log(`Shape of tensor: ${tensor.shape}`);
console.log(`Datatype of tensor: ${tensor.dtype}`);
console.log(`Device tensor is stored on: ${tensor.device}`);

console.log(`size(): ${tensor.size()}`);
console.log(`size(1): ${tensor.size(1)}`);
console.log(`ndim: ${tensor.ndim}`);
console.log(`numel(): ${tensor.numel()}`);
console.log(`stride(): [${tensor.stride().join(', ')}]`);
console.log(`transposed stride(): [${tensor.t().stride().join(', ')}]`);
