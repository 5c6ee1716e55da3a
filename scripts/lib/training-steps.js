// The training loops that the leak checks run (scripts/soak.js for RSS over time,
// scripts/valgrind.sh for a short run under valgrind): each factory builds a model, an
// optimiser and one fixed batch, and returns a function doing one step with no dispose().
'use strict';
const torch = require('../..');
const { nn, optim } = torch;
const F = torch.nn.functional;

function mlpStep() {
  torch.manualSeed(0);
  const model = new nn.Sequential(new nn.Linear(784, 256), new nn.ReLU(), new nn.Linear(256, 128), new nn.ReLU(), new nn.Linear(128, 10));
  const opt = new optim.SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
  const x = torch.randn(64, 784), y = torch.randint(0, 10, [64]);
  return () => {
    opt.zeroGrad();
    F.crossEntropy(model.forward(x), y).backward();
    opt.step();
  };
}

function lenetStep() {
  torch.manualSeed(0);
  const model = new nn.Sequential(
    new nn.Conv2d(1, 6, 5), new nn.ReLU(), new nn.MaxPool2d(2),
    new nn.Conv2d(6, 16, 5), new nn.ReLU(), new nn.MaxPool2d(2),
    new nn.Flatten(), new nn.Linear(256, 120), new nn.ReLU(), new nn.Linear(120, 84), new nn.ReLU(), new nn.Linear(84, 10),
  );
  const opt = new optim.Adam(model.parameters(), { lr: 1e-3 });
  const x = torch.randn(64, 1, 28, 28), y = torch.randint(0, 10, [64]);
  return () => {
    opt.zeroGrad();
    F.crossEntropy(model.forward(x), y).backward();
    opt.step();
  };
}

module.exports = { torch, mlpStep, lenetStep };
