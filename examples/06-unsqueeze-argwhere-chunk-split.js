// unsqueeze, argwhere, chunk, split and padSequence: the manipulation ops used to prepare
// data (add the batch dimension, find non-zeros, cut into batches, pad sequences).
'use strict';
const torch = require('..');
const { padSequence } = torch.nn.utils.rnn;

// torch.unsqueeze(input, dim): a new size-1 dimension at dim (often the batch dimension)
const x = torch.tensor([1, 2, 3, 4]);
console.log(`torch.unsqueeze(x, 0): ${torch.unsqueeze(x, 0)}`);
console.log(`torch.unsqueeze(x, 1):\n${torch.unsqueeze(x, 1)}`);
const image = torch.zeros(3, 64, 64);
console.log(`image.unsqueeze(0).shape: ${image.unsqueeze(0).shape}`);

// torch.argwhere(input): the indices of every non-zero element
const t = torch.tensor([[1, 0, 1], [0, 1, 1]]);
console.log(`torch.argwhere(t):\n${torch.argwhere(t)}`);

// torch.chunk(input, chunks, dim=0): tries to cut into `chunks` pieces
for (const n of [11, 12, 13]) {
  const chunks = torch.arange(n).chunk(6);
  console.log(`torch.arange(${n}).chunk(6): ${chunks.length} chunks`);
  for (const c of chunks) console.log(`  ${c}`);
}

// torch.split(a, 2, dim=1)
const a = torch.arange(10).reshape(2, 5);
const pieces = torch.split(a, 2, 1);
console.log(`torch.split(a, 2, 1) shapes: ${pieces.map((p) => String(p.shape)).join(' ')}`);
pieces.forEach((p) => console.log(String(p)));

// Cutting a batch of images into smaller batches of 10
const imageBatch = torch.rand(100, 3, 64, 64);
const smallBatches = imageBatch.split(10); // each batch now has shape (10, 3, 64, 64)
console.log(`imageBatch.split(10): ${smallBatches.length} batches of ${smallBatches[0].shape}`);

// padSequence: sequences of different lengths padded into one (max_len, batch) tensor
const seqs = [torch.tensor([1, 2, 3]), torch.tensor([4, 5]), torch.tensor([6])];
console.log(`padSequence(seqs):\n${padSequence(seqs)}`);
console.log(`padSequence(seqs, { batchFirst: true, paddingValue: -1 }):\n${padSequence(seqs, { batchFirst: true, paddingValue: -1 })}`);
