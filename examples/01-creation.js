// Creating and initialising tensors: from data, from JavaScript memory (the Node analogue of
// torch.from_numpy), from another tensor's shape (*Like) and from fixed or random values.
'use strict';
const torch = require('..');

torch.manualSeed(0);

// Directly from data
const data = [[1, 2], [3, 4]];
const xData = torch.tensor(data);
console.log(`xData:\n${xData}`);

// From JavaScript memory, sharing it (as torch.from_numpy shares the ndarray's buffer)
const jsArray = new Float64Array([1, 2, 3, 4]);
const xJs = torch.from(jsArray, [2, 2]);
jsArray[0] = 10; // seen by the tensor: no copy was made
console.log(`xJs:\n${xJs}`);

// From another tensor's shape
const xOnes = torch.onesLike(xData); // keeps the properties (shape, dtype) of xData
console.log(`Ones Tensor:\n${xOnes}`);
const xRand = torch.randLike(xData, { dtype: torch.float }); // overrides the dtype of xData
console.log(`Random Tensor:\n${xRand}`);

// With fixed or random values
const shape = [2, 3];
const randTensor = torch.rand(shape);
const onesTensor = torch.ones(shape);
const zerosTensor = torch.zeros(shape);
console.log(`Random Tensor:\n${randTensor}`);
console.log(`Ones Tensor:\n${onesTensor}`);
console.log(`Zeros Tensor:\n${zerosTensor}`);

// Ranges, identity and constant tensors
console.log(`arange(0, 10, 2): ${torch.arange(0, 10, 2)}`);
console.log(`linspace(0, 1, 5): ${torch.linspace(0, 1, 5)}`);
console.log(`eye(3):\n${torch.eye(3)}`);
console.log(`full([2, 2], 7):\n${torch.full([2, 2], 7)}`);
console.log(`zerosLike(xData):\n${torch.zerosLike(xData)}`);
