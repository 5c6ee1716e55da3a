// Encoding text: each token of a 9-word vocabulary as a one-hot 1x9 vector, or as a dense
// learnable 1x3 vector (word embedding) where similar words can get similar vectors.
'use strict';
const torch = require('..');
const { nn } = torch;
const F = torch.nn.functional;

const vocabulary = ['man', 'woman', 'boy', 'girl', 'prince', 'princess', 'queen', 'king', 'monarch'];
const wordToIndex = new Map(vocabulary.map((w, i) => [w, i]));

// One-hot: a 1 only at the word's position, 0 everywhere else
const sentence = ['king', 'queen', 'man'];
const indices = torch.tensor(sentence.map((w) => wordToIndex.get(w)));
console.log(`indices: ${indices}`);
const oneHot = F.oneHot(indices, vocabulary.length);
console.log(`one-hot (${oneHot.shape}):\n${oneHot}`);
console.log(`all words one-hot is the identity: ${F.oneHot(torch.arange(9)).equal(torch.eye(9, { dtype: torch.int64 }))}`);

// Word embedding: every token gets a vector of 3 learnable values
torch.manualSeed(0);
const embedding = new nn.Embedding(vocabulary.length, 3);
console.log(`embedding.weight.shape: ${embedding.weight.shape}`);
const vectors = embedding.forward(indices);
console.log(`embeddings of [${sentence.join(', ')}] (${vectors.shape}):\n${vectors}`);

// An embedding lookup is the one-hot matrix times the weight matrix
const viaOneHot = torch.matmul(oneHot.float(), embedding.weight);
console.log(`oneHot @ weight equals the lookup: ${torch.allclose(viaOneHot, vectors)}`);
