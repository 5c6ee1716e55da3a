// A convolution layer written by hand: for every output position, einsum takes the dot
// product of the filters with the input window ('bchw,ochw->bo'). Checked against F.conv2d.
'use strict';
const torch = require('..');
const F = torch.nn.functional;

function conv2d(input, filter) {
  // input (batch, channels, height, width), filter (out_channels, in_channels, fh, fw)
  const [h, w] = input.shape.slice(-2);
  const [fH, fW] = filter.shape.slice(-2);
  // Output dimensions
  const outH = h - fH + 1;
  const outW = w - fW + 1;
  const output = torch.zeros(input.size(0), filter.size(0), outH, outW);
  // Convolution
  for (let i = 0; i < outH; i++) {
    for (let j = 0; j < outW; j++) {
      // The region of the input the filter is applied to in this iteration
      const inputRegion = input.index(':', ':', `${i}:${i + fH}`, `${j}:${j + fW}`);
      // einsum: dot product between the filter and the input region
      output.indexPut_([':', ':', i, j], torch.einsum('bchw,ochw->bo', inputRegion, filter));
    }
  }
  return output;
}

torch.manualSeed(0);
const input = torch.randn(2, 3, 6, 6);
const filter = torch.randn(4, 3, 3, 3);

const mine = conv2d(input, filter);
const reference = F.conv2d(input, filter);
console.log(`output shape: ${mine.shape}`);
console.log(`output[0, 0]:\n${mine.index(0, 0)}`);
console.log(`F.conv2d[0, 0]:\n${reference.index(0, 0)}`);
console.log(`max abs difference: ${mine.sub(reference).abs().max().item() < 1e-5 ? '< 1e-5' : 'TOO LARGE'}`);
console.log(`allclose(einsum conv, F.conv2d): ${torch.allclose(mine, reference, { atol: 1e-5 })}`);
