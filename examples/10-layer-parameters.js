// How learnable parameters are laid out, per model family: weights and biases of an MLP,
// kernels of a CNN, recurrent weights and hidden state of an RNN/LSTM, and a Transformer
// encoder layer's attention and feed-forward tensors.
'use strict';
const torch = require('..');
const { nn } = torch;

function printParameters(title, model) {
  console.log(`${title}:`);
  for (const [name, p] of model.namedParameters()) console.log(`  ${name}: ${p.shape}`);
}

torch.manualSeed(0);

// Multilayer perceptron: separate weight and bias tensors per layer
const mlp = new nn.Sequential(new nn.Linear(784, 256), new nn.ReLU(), new nn.Linear(256, 128), new nn.ReLU(), new nn.Linear(128, 10));
printParameters('MLP', mlp);

// Convolutional network: (out_channels, in_channels, kernel_h, kernel_w) weights
const conv = new nn.Conv2d(3, 16, 5);
printParameters('Conv2d(3, 16, 5)', conv);

// Recurrent networks: input-to-hidden and hidden-to-hidden weights per layer
const rnn = new nn.RNN(10, 20, 2);
printParameters('RNN(10, 20, num_layers=2)', rnn);
const lstm = new nn.LSTM(10, 20, { numLayers: 2, batchFirst: true });
printParameters('LSTM(10, 20, num_layers=2, batch_first=True)', lstm);
const [output, [hN, cN]] = lstm.forward(torch.randn(4, 7, 10));
console.log(`  output: ${output.shape}  h_n: ${hN.shape}  c_n: ${cN.shape}`);

// Transformer encoder layer: attention projections, feed-forward network and norms
// (sub-module properties keep PyTorch's snake_case names, so state dicts load by name)
const encoderLayer = new nn.TransformerEncoderLayer(16, 4, { dimFeedforward: 32, batchFirst: true });
printParameters('TransformerEncoderLayer(d_model=16, nhead=4, dim_feedforward=32)', encoderLayer);
const x = torch.randn(2, 5, 16);
console.log(`  output: ${encoderLayer.forward(x).shape}`);
const [, attnWeights] = encoderLayer.self_attn.forward(x, x, x, { averageAttnWeights: false });
console.log(`  attention weights (batch, num_heads, L, S): ${attnWeights.shape}`);
