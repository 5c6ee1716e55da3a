/**
 * Runs every course example in examples/ (the numbered `NN-topic.js` scripts; the training
 * jobs mnist.js and hogwild-mnist.js train for tens of seconds and are not run) as a user would, with
 * `node examples/<file>`, and checks the values it prints. The expected text is what
 * PyTorch 1.13 prints for the same code (same seeds: tensorgrad's generator matches
 * PyTorch's), so these are parity checks of the course's snippets, not only smoke tests.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

const examplesDir = path.join(__dirname, '..', 'examples');
/** Course examples are numbered; the other scripts are the (long) training jobs. */
const COURSE_EXAMPLE = /^\d\d-[\w-]+\.js$/;

/** Runs one example; execFileSync throws (failing the test) on a non-zero exit code. */
function run(file: string): string {
  return execFileSync(process.execPath, [path.join(examplesDir, file)], {
    env: process.env,
    encoding: 'utf8',
    timeout: 20000,
  });
}

/** The expected lines per example, each a block that must appear verbatim in its output. */
const expectations: Record<string, string[]> = {
  '01-creation.js': [
    'xData:\ntensor([[1, 2],\n        [3, 4]])',
    // torch.from shares the JavaScript array's memory: the later write is seen
    'xJs:\ntensor([[10.,  2.],\n        [ 3.,  4.]], dtype=torch.float64)',
    'Ones Tensor:\ntensor([[1, 1],\n        [1, 1]])',
    // torch.manual_seed(0); torch.rand_like(x_data, dtype=torch.float); torch.rand((2, 3))
    'Random Tensor:\ntensor([[0.4963, 0.7682],\n        [0.0885, 0.1320]])',
    'Random Tensor:\ntensor([[0.3074, 0.6341, 0.4901],\n        [0.8964, 0.4556, 0.6323]])',
    'Zeros Tensor:\ntensor([[0., 0., 0.],\n        [0., 0., 0.]])',
    'arange(0, 10, 2): tensor([0, 2, 4, 6, 8])',
    'linspace(0, 1, 5): tensor([0.0000, 0.2500, 0.5000, 0.7500, 1.0000])',
    'eye(3):\ntensor([[1., 0., 0.],\n        [0., 1., 0.],\n        [0., 0., 1.]])',
    'full([2, 2], 7):\ntensor([[7, 7],\n        [7, 7]])',
  ],
  '02-attributes.js': [
    'Shape of tensor: torch.Size([3, 4])',
    'Datatype of tensor: torch.float32',
    'Device tensor is stored on: cpu',
    'size(1): 4',
    'ndim: 2',
    'numel(): 12',
    'stride(): [4, 1]',
    'transposed stride(): [1, 4]',
  ],
  '03-slicing.js': [
    'a[1, 2:3]:\ntensor([[0.42, 0.55, 0.95, 0.04]])',
    'a[:, 0, :]:\ntensor([[0.50, 0.77, 0.09, 0.13],\n        [0.70, 0.80, 0.16, 0.28]])',
    'a[..., -1]:\ntensor([[0.13, 0.90, 0.40, 0.52],\n        [0.28, 0.87, 0.04, 0.93]])',
    'a[0, ::2, 1:3]:\ntensor([[0.77, 0.09],\n        [0.63, 0.35]])',
    'a[a > 0.9]: tensor([0.92, 0.95, 0.93])',
  ],
  '04-reshape-transpose.js': [
    'a.reshape(8, 4):\ntensor([[0.50, 0.77, 0.09, 0.13],\n        [0.31, 0.63, 0.49, 0.90],',
    '        [0.19, 0.37, 0.31, 0.93]])',
    'a.reshape(8, 4).transpose(0, 1):\ntensor([[0.50, 0.31, 0.46, 0.02, 0.70, 0.68, 0.42, 0.19],',
    'transpose is a view: isContiguous() = false, stride() = [1, 4]',
    'a.view(-1).shape: torch.Size([32])',
    'a.permute(2, 0, 1).shape: torch.Size([4, 2, 4])',
    'a.flatten(1).shape: torch.Size([2, 16])',
  ],
  '05-join-split.js': [
    'torch.vstack([a, b]):\ntensor([[0.50, 0.77],\n        [0.09, 0.13],\n        [0.31, 0.63],\n        [0.49, 0.90]])',
    'torch.concatenate([a, b], 0):\ntensor([[0.50, 0.77],\n        [0.09, 0.13],\n        [0.31, 0.63],\n        [0.49, 0.90]])',
    'torch.hstack([a, b]):\ntensor([[0.50, 0.77, 0.31, 0.63],\n        [0.09, 0.13, 0.49, 0.90]])',
    'torch.concatenate([a, b], { dim: 1 }):\ntensor([[0.50, 0.77, 0.31, 0.63],\n        [0.09, 0.13, 0.49, 0.90]])',
    'torch.stack([a, b]).shape: torch.Size([2, 2, 2])',
    'split part 1:\ntensor([[0.31, 0.63],\n        [0.49, 0.90]])',
  ],
  '06-unsqueeze-argwhere-chunk-split.js': [
    'torch.unsqueeze(x, 0): tensor([[1, 2, 3, 4]])',
    'torch.unsqueeze(x, 1):\ntensor([[1],\n        [2],\n        [3],\n        [4]])',
    'image.unsqueeze(0).shape: torch.Size([1, 3, 64, 64])',
    'torch.argwhere(t):\ntensor([[0, 0],\n        [0, 2],\n        [1, 1],\n        [1, 2]])',
    // The course's three chunk calls: 6, 6 and only 5 chunks
    'torch.arange(11).chunk(6): 6 chunks\n  tensor([0, 1])\n  tensor([2, 3])\n  tensor([4, 5])\n  tensor([6, 7])\n  tensor([8, 9])\n  tensor([10])\n',
    'torch.arange(12).chunk(6): 6 chunks\n  tensor([0, 1])\n  tensor([2, 3])\n  tensor([4, 5])\n  tensor([6, 7])\n  tensor([8, 9])\n  tensor([10, 11])\n',
    'torch.arange(13).chunk(6): 5 chunks\n  tensor([0, 1, 2])\n  tensor([3, 4, 5])\n  tensor([6, 7, 8])\n  tensor([ 9, 10, 11])\n  tensor([12])\n',
    'torch.split(a, 2, 1) shapes: torch.Size([2, 2]) torch.Size([2, 2]) torch.Size([2, 1])',
    'tensor([[4],\n        [9]])',
    'imageBatch.split(10): 10 batches of torch.Size([10, 3, 64, 64])',
    'padSequence(seqs):\ntensor([[1, 4, 6],\n        [2, 5, 0],\n        [3, 0, 0]])',
    'tensor([[ 1,  2,  3],\n        [ 4,  5, -1],\n        [ 6, -1, -1]])',
  ],
  '07-arithmetic-inplace.js': [
    'torch.matmul(a, b):\ntensor([[19., 22.],\n        [43., 50.]])',
    'a.matmul(b.T):\ntensor([[17., 23.],\n        [39., 53.]])',
    'torch.mul(a, b):\ntensor([[ 5., 12.],\n        [21., 32.]])',
    'a.sum(): tensor(10.)',
    'a.sum(0): tensor([4., 6.])',
    'a.sum({ dim: 1, keepdim: true }):\ntensor([[3.],\n        [7.]])',
    'c.add_(1) returns c: true',
    'after add_(1):\ntensor([[2., 3.],\n        [4., 5.]])',
    'after mul_(b):\ntensor([[10., 18.],\n        [28., 40.]])',
    'after copy_(zeros):\ntensor([[0., 0.],\n        [0., 0.]])',
    'after fill_(3).sub_([1, 2]) (broadcast):\ntensor([[2., 1.],\n        [2., 1.]])',
  ],
  '08-accuracy-mae.js': [
    // torch.manual_seed(0); nn.Linear(4, 3); torch.randn(8, 4): same init and data as PyTorch
    'predicted: tensor([2, 0, 2, 1, 2, 1, 1, 2])',
    'correct: 1 / 8',
    'Precisión del modelo sobre las imágenes de prueba: 12 %',
    'max values: tensor([2.0000, 1.5000, 3.0000, 0.9000])',
    'max indices: tensor([1, 0, 2, 0])',
    'accuracy: 0.75',
    'Mean Absolute Error: 0.75',
  ],
  '09-onehot-embedding.js': [
    'indices: tensor([7, 6, 0])',
    'one-hot (torch.Size([3, 9])):\ntensor([[0, 0, 0, 0, 0, 0, 0, 1, 0],\n        [0, 0, 0, 0, 0, 0, 1, 0, 0],\n        [1, 0, 0, 0, 0, 0, 0, 0, 0]])',
    'all words one-hot is the identity: true',
    'embedding.weight.shape: torch.Size([9, 3])',
    // torch.manual_seed(0); nn.Embedding(9, 3)(torch.tensor([7, 6, 0]))
    'tensor([[-0.4128, -0.8411, -2.3160],\n        [-0.4927,  0.0537,  0.6181],\n        [-1.1258, -1.1524, -0.2506]], grad_fn=<EmbeddingBackward0>)',
    'oneHot @ weight equals the lookup: true',
  ],
  '10-layer-parameters.js': [
    'MLP:\n  0.weight: torch.Size([256, 784])\n  0.bias: torch.Size([256])\n  2.weight: torch.Size([128, 256])\n  2.bias: torch.Size([128])\n  4.weight: torch.Size([10, 128])\n  4.bias: torch.Size([10])\n',
    'Conv2d(3, 16, 5):\n  weight: torch.Size([16, 3, 5, 5])\n  bias: torch.Size([16])\n',
    'RNN(10, 20, num_layers=2):\n  weight_ih_l0: torch.Size([20, 10])\n  weight_hh_l0: torch.Size([20, 20])\n  bias_ih_l0: torch.Size([20])\n  bias_hh_l0: torch.Size([20])\n  weight_ih_l1: torch.Size([20, 20])\n',
    '  weight_ih_l0: torch.Size([80, 10])\n  weight_hh_l0: torch.Size([80, 20])\n',
    '  output: torch.Size([4, 7, 20])  h_n: torch.Size([2, 4, 20])  c_n: torch.Size([2, 4, 20])',
    '  self_attn.in_proj_weight: torch.Size([48, 16])\n  self_attn.in_proj_bias: torch.Size([48])\n  self_attn.out_proj.weight: torch.Size([16, 16])\n  self_attn.out_proj.bias: torch.Size([16])\n  linear1.weight: torch.Size([32, 16])\n  linear1.bias: torch.Size([32])\n  linear2.weight: torch.Size([16, 32])\n  linear2.bias: torch.Size([16])\n  norm1.weight: torch.Size([16])\n  norm1.bias: torch.Size([16])\n  norm2.weight: torch.Size([16])\n  norm2.bias: torch.Size([16])\n',
    '  output: torch.Size([2, 5, 16])',
    '  attention weights (batch, num_heads, L, S): torch.Size([2, 4, 5, 5])',
  ],
  '11-memory-formats.js': [
    'NCHW shape torch.Size([2, 3, 4, 5]) stride [60, 20, 5, 1] contiguous: true',
    'NHWC shape torch.Size([2, 3, 4, 5]) stride [60, 1, 15, 3] channelsLast: true',
    'CHWN shape torch.Size([2, 3, 4, 5]) stride [1, 40, 10, 2] contiguous: false',
    'NCHW memory starts: [0, 1, 2, 3, 4, 5]',
    'NHWC memory starts: [0, 20, 40, 1, 21, 41]',
    'CHWN memory starts: [0, 60, 1, 61, 2, 62]',
    'randn(...).contiguous(channelsLast) stride [60, 1, 15, 3], zerosLike keeps it: [60, 1, 15, 3]',
    'conv2d on channelsLast input: shape torch.Size([2, 8, 2, 3]) channelsLast: true',
  ],
  '12-einsum-conv2d.js': [
    'output shape: torch.Size([2, 4, 4, 4])',
    // torch.manual_seed(0); F.conv2d(torch.randn(2, 3, 6, 6), torch.randn(4, 3, 3, 3))[0, 0]
    'output[0, 0]:\ntensor([[ 0.1221,  4.1304, -0.7772,  0.3501],\n        [-0.8994,  4.3407, -2.9483, -6.0533],\n        [ 0.7155,  1.0435, -5.5417, -0.8875],\n        [ 2.1240,  1.1510, -2.2065,  0.5535]])',
    'F.conv2d[0, 0]:\ntensor([[ 0.1221,  4.1304, -0.7772,  0.3501],',
    'max abs difference: < 1e-5',
    'allclose(einsum conv, F.conv2d): true',
  ],
  '13-autograd-basics.js': [
    'x: tensor([1., 2., 3.], requires_grad=True)',
    'y = x ** 2: tensor([1., 4., 9.], grad_fn=<PowBackward0>)',
    'z = (3 * y).sum(): tensor(42., grad_fn=<SumBackward0>)',
    'z.gradFn: SumBackward0',
    'z.gradFn.nextFunctions: MulBackward0',
    'y.gradFn.nextFunctions[0]: AccumulateGrad',
    'x.isLeaf: true, y.isLeaf: false, x.gradFn: null',
    'x.grad (dz/dx = 6x): tensor([ 6., 12., 18.])',
    'y.grad (dz/dy = 3): tensor([3., 3., 3.])',
    'x.grad after a second backward (6x + 2x): tensor([ 8., 16., 24.])',
    'x.grad after zero_(): tensor([0., 0., 0.])',
    'w.grad (d/dw (w + 2) * w = 2w + 2):\ntensor([[4., 4.],\n        [4., 4.]])',
    'a.grad after two backwards with retainGraph: tensor([8.])',
    'third backward: TensorError: Trying to backward through the graph a second time',
    'd sin(u)/du at 0.5 (= cos 0.5): tensor([0.8776])',
  ],
  '14-grad-modes.js': [
    'default grad mode: y.requiresGrad = true, gradFn = MulBackward0',
    'noGrad: requiresGrad = false, gradFn = null',
    'enableGrad inside noGrad: requiresGrad = true',
    'setGradEnabled(false): requiresGrad = false, isGradEnabled() = false',
    'setGradEnabled(true): isGradEnabled() = true',
    'inside inferenceMode: isInferenceModeEnabled() = true',
    'inferenceMode: requiresGrad = false, isInference() = true',
    'TensorError: Inference tensors cannot be saved for backward. To work around you can make a clone to get a normal tensor and use it in autograd.',
    'model.eval() + noGrad: training = false, output requiresGrad = false',
    'after requiresGrad_(false): any parameter requires grad = false',
    'w after one SGD step under noGrad: tensor([0.8000, 0.8000, 0.8000], requires_grad=True)',
  ],
  '15-multithreaded-autograd.js': [
    ...[0, 1, 2, 3].map((i) => `thread ${i}: grad enabled = true, x.grad[0] = tensor([4.5000, 4.5000, 4.5000, 4.5000, 4.5000])`),
    'every thread got d/dx 0.5 (x + 3)(x + 4) = x + 3.5 = 4.5: true',
    'main thread x.grad[0] = tensor([4.5000, 4.5000, 4.5000, 4.5000, 4.5000])',
  ],
  '16-autograd-profiler.js': [
    // PyTorch 1.13's counts for the same loop: pow 200 (forward + inside PowBackward0),
    // one PowBackward0 and one AccumulateGrad per backward
    'aten::pow: 200 calls',
    'PowBackward0: 100 calls',
    'torch::autograd::AccumulateGrad: 100 calls',
    // torch.manual_seed(0); x = torch.randn((1, 1)): 100 backwards of x ** 2 accumulate 200 x
    'x.grad (100 x 2x): tensor([[308.1991]])',
  ],
};

const exampleFiles = fs.readdirSync(examplesDir).filter((f) => COURSE_EXAMPLE.test(f)).sort();

describe('examples', () => {
  test('every course example has expectations and every expectation has an example', () => {
    expect(exampleFiles).toEqual(Object.keys(expectations).sort());
  });

  test.each(exampleFiles)('%s exits 0 and prints what PyTorch prints', (file) => {
    const out = run(file);
    for (const block of expectations[file] ?? []) expect(out).toContain(block);
  }, 30000);

  test('the profiler prints PyTorch\'s table, sorted by self CPU time', () => {
    const out = run('16-autograd-profiler.js');
    const header = out.split('\n').find((l) => l.includes('Self CPU %')) ?? '';
    for (const col of ['Name', 'Self CPU %', 'Self CPU', 'CPU total %', 'CPU total', 'CPU time avg', '# of Calls'])
      expect(header).toContain(col);
    expect(out).toMatch(/Self CPU time total: [\d.]+(ms|us|s)/);
    // Rows are sorted by the self CPU column (the table's second time column), descending
    const toUs = (v: string): number => parseFloat(v) * (v.endsWith('ms') ? 1000 : v.endsWith('us') ? 1 : 1e6);
    const rows = out.split('\n').filter((l) => /\d+\.\d+%/.test(l));
    const selfTimes = rows.map((l) => toUs(l.trim().split(/\s{2,}/)[2]));
    expect(selfTimes.length).toBeGreaterThanOrEqual(4);
    for (let i = 1; i < selfTimes.length; i++) expect(selfTimes[i]).toBeLessThanOrEqual(selfTimes[i - 1]);
  }, 30000);
});
