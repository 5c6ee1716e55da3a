// Hogwild training (API.md §8): one MLP whose parameters live in shared memory, trained
// by several worker_threads at once without locks, each on its own shard of the MNIST
// digits with its own optimizer and gradients. Updates race exactly as in PyTorch's
// Hogwild example; for SGD on sparse-ish gradients that is harmless.
//   WORKERS=2 EPOCHS=6 node examples/hogwild-mnist.js
'use strict';
const { Worker, isMainThread, parentPort, workerData } = require('worker_threads');
const torch = require('..');
const { nn, optim } = torch;
const F = torch.nn.functional;
const { loadSplit, accuracy } = require('./lib/mnist-data');

const WORKERS = Number(process.env.WORKERS ?? 2);
const EPOCHS = Number(process.env.EPOCHS ?? 6);
const BATCH = 64;

class MLP extends nn.Module {
  constructor() {
    super();
    this.fc1 = new nn.Linear(784, 256);
    this.fc2 = new nn.Linear(256, 128);
    this.fc3 = new nn.Linear(128, 10);
  }
  forward(x) {
    x = F.relu(this.fc1.forward(x.flatten(1)));
    x = F.relu(this.fc2.forward(x));
    return this.fc3.forward(x);
  }
}

// A worker: binds its model to the shared parameters and trains on its shard.
function workerMain() {
  const { params, images, labels } = torch.fromTransferable(workerData.message);
  const model = new MLP();
  model.loadStateDict(params, { assign: true });
  const loader = new torch.utils.data.DataLoader(new torch.utils.data.TensorDataset(images, labels), {
    batchSize: BATCH, shuffle: true, generator: new torch.Generator(workerData.rank),
  });
  const optimizer = new optim.SGD(model.parameters(), { lr: 0.05, momentum: 0.9 });
  for (let epoch = 0; epoch < workerData.epochs; epoch++) {
    let lossSum = 0, batches = 0;
    for (const [x, y] of loader) {
      optimizer.zeroGrad();
      const loss = F.crossEntropy(model.forward(x), y);
      loss.backward();
      optimizer.step();
      lossSum += loss.item();
      batches++;
    }
    parentPort.postMessage({ epoch: epoch + 1, loss: lossSum / batches });
  }
}

function startWorker(rank, message, onEpoch) {
  return new Promise((resolve, reject) => {
    const w = new Worker(__filename, { workerData: { rank, message, epochs: EPOCHS } });
    w.on('message', (m) => onEpoch(rank, m));
    w.once('error', reject);
    w.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`worker ${rank} exited with ${code}`))));
  });
}

async function main() {
  torch.manualSeed(0);
  const { train, test } = loadSplit(torch);
  // The split is ordered by digit: shuffle once so every shard sees every digit.
  const perm = torch.randperm(train[0].size(0));
  const [images, labels] = [train[0].index(perm), train[1].index(perm)];
  const model = new MLP();
  model.shareMemory();
  images.shareMemory_();
  labels.shareMemory_();
  const params = model.stateDict();
  // Each worker gets an equal shard (views on the shared data: nothing is copied).
  const shard = Math.floor(images.size(0) / WORKERS);
  const start = Date.now();
  await Promise.all(Array.from({ length: WORKERS }, (_, rank) => {
    const message = torch.toTransferable({
      params, images: images.narrow(0, rank * shard, shard), labels: labels.narrow(0, rank * shard, shard),
    });
    return startWorker(rank, message, (r, m) => {
      if (r === 0) console.log(`epoch ${m.epoch}/${EPOCHS}  worker 0 loss ${m.loss.toFixed(4)}  test acc ${(100 * accuracy(torch, model, test)).toFixed(2)}%`);
    });
  }));
  const seconds = (Date.now() - start) / 1000;
  const imagesSeen = shard * WORKERS * EPOCHS;
  console.log(`${WORKERS} worker(s), ${EPOCHS} epochs: ${seconds.toFixed(2)} s, ${(imagesSeen / seconds).toFixed(0)} img/s`);
  console.log(`final test accuracy: ${(100 * accuracy(torch, model, test)).toFixed(2)}%`);
}

if (isMainThread) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
} else {
  workerMain();
}
