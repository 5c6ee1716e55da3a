/**
 * Type test of the public API (/work/shared/API.md): a TypeScript user's program written
 * against the published typings (dist/*.d.ts, imported as 'tensorgrad'). It is compiled
 * with `tsc --noEmit -p test/types` by test/typings.test.ts and never run. Every line
 * must type-check; the `@ts-expect-error` lines must NOT (a misuse the typings reject),
 * otherwise tsc reports "Unused '@ts-expect-error' directive".
 */
import * as torch from 'tensorgrad';
import { tensor, Tensor, TensorError, nn, optim } from 'tensorgrad';
import { assertClose } from 'tensorgrad/testing';
import type { StateDict } from 'tensorgrad';

const F = torch.nn.functional;

// ---- §1 Tensors, dtypes, devices -------------------------------------------------------
const a: Tensor = torch.tensor([[1, 2], [3, 4]]);
const f32: torch.DType = torch.float32;
const dtypes: torch.DType[] = [torch.float, torch.float64, torch.double, torch.int32, torch.int64, torch.long, torch.int16, torch.int8, torch.uint8, torch.bool];
const dtypeName: string = String(a.dtype);
const shape: torch.Size = a.shape;
const dims: number = a.size(-1) + a.size()[0] + a.dim() + a.ndim + a.numel();
const strides: number[] = a.stride();
const offset: number = a.storageOffset();
const contiguous: boolean = a.isContiguous() && a.isContiguous({ memoryFormat: torch.contiguousFormat });
const device: string = String(a.device);
const leaf: boolean = a.isLeaf && a.requiresGrad;
const maybeGrad: Tensor | null = a.grad;

const z = torch.zeros(2, 3);
const o = torch.ones([2, 3], { dtype: torch.float64, requiresGrad: true });
const fl = torch.full([2, 2], 7, { dtype: torch.int32 });
const e = torch.empty(4);
const ar = torch.arange(0, 10, 2);
const ls = torch.linspace(0, 1, 5);
const ey = torch.eye(3);
torch.manualSeed(0);
const r = torch.rand(2, 3);
const rn = torch.randn([2, 3], { dtype: torch.float64 });
const ri = torch.randint(0, 10, [3]);
const rp = torch.randperm(5);
const likes: Tensor[] = [torch.zerosLike(r), torch.onesLike(r), torch.fullLike(r, 2), torch.emptyLike(r), torch.randLike(r), torch.randnLike(r)];
const typed = torch.tensor(new Float32Array([1, 2, 3]));
const mem = new Float32Array([1, 2, 3, 4]);
const wrapped = torch.from(mem, [2, 2]);
const view: ArrayLike<number> | ArrayLike<bigint> = wrapped.data();
const nested = a.tolist();
const scalar: number | boolean = torch.tensor(3.5).item();
const converted: Tensor[] = [a.to(torch.float64), a.to({ dtype: torch.float32 }), a.float(), a.double(), a.long(), a.int(), a.bool(), a.clone(), a.contiguous(), a.detach(), a.cpu()];
const printed: string = String(a) + a.toString();
torch.setPrintoptions({ precision: 2, threshold: 100, edgeitems: 2, linewidth: 80, sciMode: null });
torch.setPrintoptions({ profile: 'default' });

// ---- §2 Indexing and views --------------------------------------------------------------
const idx: Tensor[] = [a.index(0), a.index(1, '0:1'), a.index('...', null), a.index(torch.tensor([0, 1])), a.index(a.gt(2))];
a.clone().indexPut_([torch.tensor([0])], 5);
const views: Tensor[] = [
  r.view(3, 2), r.view([6]), r.reshape(-1), r.flatten(), r.unsqueeze(0).squeeze(0), r.transpose(0, 1), r.t(), r.T, r.mT,
  r.permute(1, 0), r.unsqueeze(0).expand(4, 2, 3), r.narrow(1, 0, 2), r.select(0, 1), r.diagonal(), r.asStrided([2, 2], [1, 1]),
  r.unflatten(1, [3, 1]), r.expandAs(torch.zeros(2, 2, 3)), r.unfold(1, 2, 1),
];
const joined: Tensor[] = [torch.cat([r, r]), torch.cat([r, r], 1), torch.stack([r, r]), torch.vstack([r, r]), torch.hstack([r, r]), torch.dstack([r, r]), torch.concat([r, r])];
const pieces: Tensor[] = [...torch.chunk(r, 2, 1), ...torch.split(r, 1), ...torch.split(r, [1, 2], 1), ...torch.tensorSplit(r, 3, 1), ...torch.unbind(r)];
const padded: Tensor = torch.nn.utils.rnn.padSequence([torch.ones(2), torch.ones(3)], { batchFirst: true, paddingValue: 0 });
const padded2: Tensor = torch.padSequence([torch.ones(2)]);
const selected: Tensor[] = [
  torch.argwhere(a), torch.where(a.gt(1), a, 0), torch.maskedSelect(a, a.gt(1)), a.maskedFill(a.gt(1), 0), torch.indexSelect(a, 0, torch.tensor([0])),
  torch.gather(a, 1, torch.tensor([[0], [1]])), torch.scatter(a, 1, torch.tensor([[0], [1]]), 9), torch.scatterAdd(a, 1, torch.tensor([[0], [1]]), a),
  torch.take(a, torch.tensor([0, 3])), torch.tril(a), torch.triu(a), torch.flip(a, [0]), torch.roll(a, 1, 0), a.repeat(2, 1), torch.tile(a, [2]),
  torch.repeatInterleave(a, 2), torch.argsort(a),
];
const nz: Tensor | Tensor[] = torch.nonzero(a);
const [sortedValues, sortedIndices] = torch.sort(a, 1);
const top = torch.topk(r, 2);
const topValues: Tensor = top.values;
const topIndices: Tensor = top[1];

// ---- §3 Math ----------------------------------------------------------------------------
const x = torch.randn(4, 3, { requiresGrad: true });
const math: Tensor[] = [
  torch.add(x, 1, { alpha: 2 }), x.add(x, { alpha: 0.5 }), x.sub(1), x.mul(x), x.div(2, { roundingMode: 'floor' }), x.pow(2), x.remainder(3), x.fmod(3),
  torch.maximum(x, x), torch.minimum(x, x), x.neg(), x.abs(), x.sign(), x.sqrt(), x.rsqrt(), x.exp(), x.expm1(), x.log(), x.log1p(), x.log2(),
  x.sin(), x.cos(), x.tan(), x.tanh(), x.sigmoid(), x.relu(), x.gelu(), x.silu(), F.softplus(x), x.clamp(-1, 1), x.clamp({ min: 0 }), x.clip(null, 1),
  x.floor(), x.ceil(), x.round(), x.trunc(), x.reciprocal(), x.square(), torch.lerp(x, x, 0.5), torch.addcmul(x, x, x, { value: 2 }), torch.addcdiv(x, x, x),
  x.eq(0), x.ne(0), x.lt(0), x.le(0), x.gt(0), x.ge(0), x.isnan(), x.isinf(), x.isfinite(), x.gt(0).logicalAnd(x.lt(1)), x.gt(0).logicalNot(),
  torch.tensor([1, 2]).bitwiseAnd(3), torch.tensor([1, 2]).bitwiseNot(),
];
const y0 = torch.zeros(2).copy_(torch.ones(2)).fill_(3).zero_();
const reductions: Tensor[] = [
  x.sum(), x.sum(1), x.sum({ dim: 1, keepdim: true }), x.sum([0, 1]), x.mean(0, true), x.prod(1), x.std(), x.var({ correction: 0 }), x.norm(), x.logsumexp(1),
  x.amax(1), x.amin(0), x.gt(0).all(), x.gt(0).any(), x.cumsum(0), x.cumprod(1), x.countNonzero(), x.max(), x.argmax(), x.argmin(1),
];
const [maxValues, maxIndices] = x.max(1);
const minPair = torch.min(x, 1);
const minValues: Tensor = minPair.values;
const minIndices: Tensor = minPair.indices;
const medianAll: Tensor = x.median();
const linalg: Tensor[] = [
  torch.matmul(x, x.t()), torch.mm(x, x.t()), torch.bmm(x.unsqueeze(0), x.t().unsqueeze(0)), torch.mv(x, torch.ones(3)), torch.dot(torch.ones(3), torch.ones(3)),
  torch.outer(torch.ones(2), torch.ones(3)), torch.addmm(torch.zeros(4, 4), x, x.t()), torch.baddbmm(torch.zeros(1, 4, 4), x.unsqueeze(0), x.t().unsqueeze(0)),
  F.linear(x, torch.randn(5, 3)), torch.einsum('ij,kj->ik', x, x), torch.einsum('...j->...', x),
];
const img = torch.randn(1, 3, 8, 8);
const w = torch.randn(4, 3, 3, 3);
const nnFns: Tensor[] = [
  F.conv1d(torch.randn(1, 3, 8), torch.randn(2, 3, 3)), F.conv2d(img, w, null, { stride: 2, padding: 1 }), F.conv2d(img, w, undefined, { padding: 'same' }),
  F.convTranspose2d(img, torch.randn(3, 2, 3, 3)), F.maxPool2d(img, 2) as Tensor, F.avgPool2d(img, 2), F.adaptiveAvgPool2d(img, [1, 1]), F.relu(img), F.leakyRelu(img, 0.1),
  F.gelu(img), F.silu(img), F.sigmoid(img), F.tanh(img), F.softmax(x, 1), F.logSoftmax(x, 1), F.dropout(x, 0.5, true),
  F.batchNorm(img, torch.zeros(3), torch.ones(3)), F.layerNorm(x, [3]), F.embedding(torch.tensor([0, 1]), torch.randn(4, 2)), F.oneHot(torch.tensor([0, 2]), 3),
  F.pad(img, [1, 1]), F.interpolate(img, { scaleFactor: 2, mode: 'bilinear' }), F.scaledDotProductAttention(x.unsqueeze(0), x.unsqueeze(0), x.unsqueeze(0)),
  F.mseLoss(x, x), F.l1Loss(x, x), F.crossEntropy(x, torch.tensor([0, 1, 2, 0]), { ignoreIndex: -100, labelSmoothing: 0.1 }),
  F.nllLoss(F.logSoftmax(x, 1), torch.tensor([0, 1, 2, 0])), F.binaryCrossEntropy(x.sigmoid(), torch.rand(4, 3)), F.binaryCrossEntropyWithLogits(x, torch.rand(4, 3)),
];

// ---- §4 Autograd ------------------------------------------------------------------------
const leafW = torch.randn(3, 3, { requiresGrad: true });
const loss = x.matmul(leafW).pow(2).sum();
const fnName: string | undefined = loss.gradFn?.name();
const edges = loss.gradFn?.nextFunctions ?? [];
for (const [node, inputNr] of edges) {
  const n: string | undefined = node?.name();
  const i: number = inputNr;
  void n, i;
}
loss.backward(undefined, { retainGraph: true });
loss.backward({ retainGraph: true });
const gW: Tensor | null = leafW.grad;
const grads: (Tensor | null)[] = torch.autograd.grad(loss, [leafW], null, { createGraph: true, retainGraph: true });
const grads2 = torch.autograd.grad([loss], leafW);
leafW.requiresGrad = false;
leafW.requiresGrad_();
const mid = leafW.mul(2);
mid.retainGrad();
mid.registerHook((g: Tensor) => g.mul(2));
const nograd: Tensor = torch.noGrad(() => x.mul(2));
{
  using _guard = torch.noGrad();
  using _enable = torch.enableGrad();
  using _set = torch.setGradEnabled(false);
}
{
  using _inference = torch.inferenceMode();
  const inferred: boolean = torch.isInferenceModeEnabled() && x.isInference();
  void inferred;
}
const enabled: boolean = torch.isGradEnabled();
const inferenceValue: number = torch.inferenceMode(() => 1);
const passed: boolean = torch.autograd.gradcheck((t: Tensor) => t.sin().sum(), [torch.randn(3, { dtype: torch.float64, requiresGrad: true })], { eps: 1e-6, atol: 1e-5, rtol: 1e-3 });
const passed2: boolean = torch.autograd.gradgradcheck((t: Tensor) => t.sin(), [torch.randn(3, { dtype: torch.float64, requiresGrad: true })]);
assertClose(x.detach(), x.detach().clone(), { rtol: 0, atol: 0 });
assertClose(1, 1);
const prof = torch.autograd.profiler.profile({ recordShapes: true }, () => x.matmul(leafW));
const table: string = prof.keyAverages().table({ sortBy: 'self_cpu_time_total', rowLimit: 10 });
prof.exportChromeTrace('/tmp/never-written.json');
{
  using running = torch.autograd.profiler.profile();
  x.mul(2);
  void running;
}

// ---- §5 Memory format -------------------------------------------------------------------
const nhwc: Tensor = img.contiguous({ memoryFormat: torch.channelsLast });
const nhwc2: Tensor = img.to({ memoryFormat: torch.channelsLast });
const isNhwc: boolean = nhwc.isContiguous({ memoryFormat: torch.channelsLast });
const formats: torch.MemoryFormat[] = [torch.contiguousFormat, torch.channelsLast, torch.preserveFormat, torch.channelsLast3d];
const zl: Tensor = torch.zerosLike(nhwc, { memoryFormat: torch.preserveFormat });
const created: Tensor = torch.empty([1, 3, 4, 4], { memoryFormat: torch.channelsLast });

// ---- §6 Modules and optimisers -----------------------------------------------------------
class MLP extends nn.Module {
  fc1 = new nn.Linear(784, 256);
  fc2 = new nn.Linear(256, 10, { bias: false });
  scale = new nn.Parameter(torch.ones(1));
  override forward(input: Tensor): Tensor {
    return this.fc2.forward(F.relu(this.fc1.forward(input))).mul(this.scale);
  }
}
const model = new MLP();
const params: nn.Parameter[] = model.parameters();
const named: [string, nn.Parameter][] = model.namedParameters();
const children: nn.Module[] = model.children();
const allModules: nn.Module[] = model.modules();
const buffers: Tensor[] = model.buffers();
const sameModel: MLP = model.train().eval().requiresGrad_(true).to(torch.float32).to({ memoryFormat: torch.channelsLast });
const training: boolean = model.training;
model.zeroGrad();
model.zeroGrad({ setToNone: false });
const sd: Record<string, Tensor> = model.stateDict();
model.loadStateDict(sd, { strict: true });
model.apply((m: nn.Module) => void m);
const hook = model.registerForwardHook((_m, _inputs, output) => output);
hook.remove();
const layers: nn.Module[] = [
  new nn.Bilinear(2, 3, 4), new nn.Conv1d(3, 4, 3), new nn.Conv2d(1, 6, 5, { padding: 2 }), new nn.Conv2d(1, 6, 5, 1, 2), new nn.ConvTranspose2d(4, 2, 2, { stride: 2 }),
  new nn.MaxPool2d(2), new nn.MaxPool2d(2, { stride: 2 }), new nn.AvgPool2d(2, 2), new nn.AdaptiveAvgPool2d([1, 1]), new nn.BatchNorm1d(4), new nn.BatchNorm2d(4),
  new nn.LayerNorm([4]), new nn.Dropout(0.5), new nn.Embedding(10, 4), new nn.RNN(4, 8), new nn.LSTM(4, 8, { numLayers: 2, batchFirst: true }), new nn.LSTM(4, 8, 2, { batchFirst: true }), new nn.GRU(4, 8, 1),
  new nn.RNN(4, 8, { nonlinearity: 'relu' }),
  new nn.MultiheadAttention(8, 2, { batchFirst: true }), new nn.TransformerEncoderLayer(8, 2, { dimFeedforward: 16, dropout: 0 }), new nn.Flatten(), new nn.Identity(),
  new nn.ReLU(), new nn.GELU(), new nn.Tanh(), new nn.Sigmoid(), new nn.Softmax(1), new nn.LogSoftmax(1),
  new nn.MSELoss(), new nn.L1Loss(), new nn.CrossEntropyLoss({ labelSmoothing: 0.1 }), new nn.NLLLoss(), new nn.BCELoss(), new nn.BCEWithLogitsLoss(),
];
const encoder = new nn.TransformerEncoder(new nn.TransformerEncoderLayer(8, 2), 2);
const seq = new nn.Sequential(new nn.Linear(4, 4), new nn.ReLU());
const list = new nn.ModuleList([new nn.Linear(4, 4)]);
const dict = new nn.ModuleDict({ head: new nn.Linear(4, 2) });
const lstmOut: [Tensor, [Tensor, Tensor]] = new nn.LSTM(4, 8).forward(torch.randn(5, 1, 4));
const [gruOut, gruH]: [Tensor, Tensor] = new nn.GRU(4, 8).forward(torch.randn(5, 1, 4));
const [attnOut, attnWeights] = new nn.MultiheadAttention(8, 2).forward(torch.randn(3, 1, 8), torch.randn(3, 1, 8), torch.randn(3, 1, 8));
const sgd = new optim.SGD(model.parameters(), { lr: 0.05, momentum: 0.9, dampening: 0, nesterov: true, weightDecay: 1e-4 });
const adam = new optim.Adam(model.parameters(), { lr: 1e-3 });
const opts: optim.Optimizer[] = [sgd, adam, new optim.AdamW(model.parameters()), new optim.RMSprop(model.parameters(), { lr: 0.01 }), new optim.Adagrad(model.parameters(), { lr: 0.01 })];
const grouped = new optim.SGD([{ params: [model.fc1.weight] }, { params: [model.fc2.weight], lr: 0.01 }], { lr: 0.1 });
sgd.zeroGrad();
sgd.zeroGrad({ setToNone: false });
sgd.step();
const optState = sgd.stateDict();
sgd.loadStateDict(optState);
const lrGroups: number = grouped.paramGroups.length;
const stepLR = new optim.lrScheduler.StepLR(sgd, 10, 0.1);
const cosine = new optim.lrScheduler.CosineAnnealingLR(adam, 100);
stepLR.step();
cosine.step();
const totalNorm: Tensor | number = torch.nn.utils.clipGradNorm_(model.parameters(), 1.0);
const dataset = new torch.utils.data.TensorDataset(torch.randn(10, 784), torch.randint(0, 10, [10]));
const loader = new torch.utils.data.DataLoader(dataset, { batchSize: 4, shuffle: true, dropLast: true });
for (const [bx, by] of loader) {
  sgd.zeroGrad();
  const l: Tensor = F.crossEntropy(model.forward(bx), by);
  l.backward();
  sgd.step();
}

// ---- §7 Saving and loading ---------------------------------------------------------------
torch.save(model.stateDict(), '/tmp/never-written.safetensors');
torch.save(x, '/tmp/never-written.npy');
const loadedSd = torch.load<StateDict>('/tmp/never-written.safetensors');
model.loadStateDict(loadedSd);
const loadedT: Tensor = torch.load<Tensor>('/tmp/never-written.npy');
const loadedAny: Tensor | StateDict = torch.load('/tmp/never-written.pt');

// ---- §8 Threads, §9 devices, §10 errors ---------------------------------------------------
const shared: Tensor = torch.zeros(4).shareMemory_();
model.shareMemory();
torch.setNumThreads(2);
const nThreads: number = torch.getNumThreads();
const cudaOk: boolean = torch.cuda.isAvailable();
try {
  a.add(torch.ones(3));
} catch (err) {
  if (err instanceof TensorError) {
    const message: string = err.message;
    const isError: Error = err;
    void message, isError;
  }
}
const viaNamed: Tensor = tensor([1, 2, 3]).mul(2);

// ---- Misuse the typings must reject -------------------------------------------------------
// @ts-expect-error a string is not tensor data
torch.tensor('not data');
torch.zeros([2], { dtype: 'float32' }); // dtype names are accepted as strings too
// @ts-expect-error requiresGrad is a boolean
torch.zeros([2], { requiresGrad: 'yes' });
// @ts-expect-error sum's keepdim option is a boolean
x.sum({ dim: 1, keepdim: 'yes' });
// @ts-expect-error .shape is readonly-typed Size, not a plain assignable array
const badShape: string = a.shape;
// @ts-expect-error an optimizer needs parameters
new optim.SGD();
// @ts-expect-error max over a dim returns a pair, not a tensor
const notATensor: Tensor = x.max(1);
// @ts-expect-error backward options are an object
loss.backward(undefined, true);
// @ts-expect-error Linear needs its feature sizes
new nn.Linear();
// @ts-expect-error noGrad's callback takes no arguments
torch.noGrad((t: Tensor) => t);
// @ts-expect-error unknown option name for Conv2d
new nn.Conv2d(1, 6, 5, { paddding: 2 });
// @ts-expect-error LSTM forward returns [output, [hN, cN]], not a tensor
const lstmWrong: Tensor = new nn.LSTM(4, 8).forward(torch.randn(5, 1, 4));
// @ts-expect-error a misspelled MaxPool2d option
new nn.MaxPool2d(2, { strde: 2 });
// @ts-expect-error LSTM's third positional argument is numLayers, a number
new nn.LSTM(4, 8, 'two');
// @ts-expect-error DataLoader's option is batchSize (camelCase)
new torch.utils.data.DataLoader(dataset, { batch_size: 4 });

export const used = [
  f32, dtypes, dtypeName, shape, dims, strides, offset, contiguous, device, leaf, maybeGrad, z, o, fl, e, ar, ls, ey, r, rn, ri, rp, likes, typed, view, nested,
  scalar, converted, printed, idx, views, joined, pieces, padded, padded2, selected, nz, sortedValues, sortedIndices, topValues, topIndices, math, y0, reductions,
  maxValues, maxIndices, minValues, minIndices, medianAll, linalg, nnFns, fnName, gW, grads, grads2, nograd, enabled, inferenceValue, passed, passed2, table, nhwc,
  nhwc2, isNhwc, formats, zl, created, params, named, children, allModules, buffers, sameModel, training, layers, encoder, seq, list, dict, lstmOut, gruOut, gruH,
  attnOut, attnWeights, opts, lrGroups, totalNorm, loadedT, loadedAny, shared, nThreads, cudaOk, viaNamed, badShape, notATensor, lstmWrong,
];
