/**
 * The op names of API.md §2 (indexing, views, joining, selection) and §3 (elementwise,
 * reductions, linear algebra, torch.nn.functional), with where each must exist: as
 * torch.fn, Tensor method, in-place method fn_, or torch.nn.functional member. The flags
 * are PyTorch 1.13's (hasattr(torch, ...), hasattr(torch.Tensor, ...), hasattr(F, ...)),
 * with API.md's own additions: `t.index(...)` as Python's t[...], `.T`/`.mT`,
 * `torch.padSequence`, and F.scaledDotProductAttention (PyTorch 2.0). Read by
 * test/op-catalogue.test.ts and scripts/op-table.js (which writes docs/ops.md), so the
 * table and the test cannot disagree.
 */

export type Variant = 'fn' | 'method' | 'inplace' | 'functional';

export interface ApiName {
  /** API.md's group (a §2/§3 list). */
  group: string;
  /** tensorgrad's name (camelCase by API.md's naming rule; in-place-only names keep `_`). */
  name: string;
  /** PyTorch's name. */
  torchName: string;
  /** Where PyTorch (or API.md) has it. */
  variants: Variant[];
  /** Other members API.md requires, as dotted paths from the torch namespace. */
  paths?: string[];
}

export const SECTIONS: Record<string, string> = {
  indexing: '§2 Indexing', views: '§2 Views', joining: '§2 Joining and splitting', selection: '§2 Selection',
  elementwise: '§3 Elementwise', reductions: '§3 Reductions', linalg: '§3 Linear algebra', functional: '§3 torch.nn.functional',
};

const EXTRA_PATHS: Record<string, string[]> = {
  't': ['Tensor.prototype.T', 'Tensor.prototype.mT'],
  'padSequence': ['padSequence', 'nn.utils.rnn.padSequence'],
};

const TABLE: [string, string, string, Variant[]][] = [
  ['indexing', 'index', 'index', ['method']],
  ['indexing', 'indexPut', 'index_put', ['fn', 'method', 'inplace']],
  ['views', 'view', 'view', ['method']],
  ['views', 'reshape', 'reshape', ['fn', 'method']],
  ['views', 'flatten', 'flatten', ['fn', 'method']],
  ['views', 'unflatten', 'unflatten', ['fn', 'method']],
  ['views', 'squeeze', 'squeeze', ['fn', 'method', 'inplace']],
  ['views', 'unsqueeze', 'unsqueeze', ['fn', 'method', 'inplace']],
  ['views', 'transpose', 'transpose', ['fn', 'method', 'inplace']],
  ['views', 't', 't', ['fn', 'method', 'inplace']],
  ['views', 'permute', 'permute', ['fn', 'method']],
  ['views', 'expand', 'expand', ['method']],
  ['views', 'expandAs', 'expand_as', ['method']],
  ['views', 'narrow', 'narrow', ['fn', 'method']],
  ['views', 'select', 'select', ['fn', 'method']],
  ['views', 'unfold', 'unfold', ['method']],
  ['views', 'diagonal', 'diagonal', ['fn', 'method']],
  ['views', 'asStrided', 'as_strided', ['fn', 'method', 'inplace']],
  ['joining', 'cat', 'cat', ['fn']],
  ['joining', 'concatenate', 'concatenate', ['fn']],
  ['joining', 'concat', 'concat', ['fn']],
  ['joining', 'stack', 'stack', ['fn']],
  ['joining', 'vstack', 'vstack', ['fn']],
  ['joining', 'hstack', 'hstack', ['fn']],
  ['joining', 'dstack', 'dstack', ['fn']],
  ['joining', 'chunk', 'chunk', ['fn', 'method']],
  ['joining', 'split', 'split', ['fn', 'method']],
  ['joining', 'tensorSplit', 'tensor_split', ['fn', 'method']],
  ['joining', 'unbind', 'unbind', ['fn', 'method']],
  ['joining', 'padSequence', 'pad_sequence', []],
  ['selection', 'argwhere', 'argwhere', ['fn', 'method']],
  ['selection', 'nonzero', 'nonzero', ['fn', 'method']],
  ['selection', 'where', 'where', ['fn', 'method']],
  ['selection', 'maskedSelect', 'masked_select', ['fn', 'method']],
  ['selection', 'maskedFill', 'masked_fill', ['fn', 'method', 'inplace']],
  ['selection', 'indexSelect', 'index_select', ['fn', 'method']],
  ['selection', 'gather', 'gather', ['fn', 'method']],
  ['selection', 'scatter', 'scatter', ['fn', 'method', 'inplace']],
  ['selection', 'scatterAdd', 'scatter_add', ['fn', 'method', 'inplace']],
  ['selection', 'take', 'take', ['fn', 'method']],
  ['selection', 'tril', 'tril', ['fn', 'method', 'inplace']],
  ['selection', 'triu', 'triu', ['fn', 'method', 'inplace']],
  ['selection', 'flip', 'flip', ['fn', 'method']],
  ['selection', 'roll', 'roll', ['fn', 'method']],
  ['selection', 'repeat', 'repeat', ['method']],
  ['selection', 'tile', 'tile', ['fn', 'method']],
  ['selection', 'repeatInterleave', 'repeat_interleave', ['fn', 'method']],
  ['selection', 'sort', 'sort', ['fn', 'method']],
  ['selection', 'argsort', 'argsort', ['fn', 'method']],
  ['selection', 'topk', 'topk', ['fn', 'method']],
  ['elementwise', 'add', 'add', ['fn', 'method', 'inplace']],
  ['elementwise', 'sub', 'sub', ['fn', 'method', 'inplace']],
  ['elementwise', 'mul', 'mul', ['fn', 'method', 'inplace']],
  ['elementwise', 'div', 'div', ['fn', 'method', 'inplace']],
  ['elementwise', 'pow', 'pow', ['fn', 'method', 'inplace']],
  ['elementwise', 'remainder', 'remainder', ['fn', 'method', 'inplace']],
  ['elementwise', 'fmod', 'fmod', ['fn', 'method', 'inplace']],
  ['elementwise', 'maximum', 'maximum', ['fn', 'method']],
  ['elementwise', 'minimum', 'minimum', ['fn', 'method']],
  ['elementwise', 'neg', 'neg', ['fn', 'method', 'inplace']],
  ['elementwise', 'abs', 'abs', ['fn', 'method', 'inplace']],
  ['elementwise', 'sign', 'sign', ['fn', 'method', 'inplace']],
  ['elementwise', 'sqrt', 'sqrt', ['fn', 'method', 'inplace']],
  ['elementwise', 'rsqrt', 'rsqrt', ['fn', 'method', 'inplace']],
  ['elementwise', 'exp', 'exp', ['fn', 'method', 'inplace']],
  ['elementwise', 'expm1', 'expm1', ['fn', 'method', 'inplace']],
  ['elementwise', 'log', 'log', ['fn', 'method', 'inplace']],
  ['elementwise', 'log1p', 'log1p', ['fn', 'method', 'inplace']],
  ['elementwise', 'log2', 'log2', ['fn', 'method', 'inplace']],
  ['elementwise', 'sin', 'sin', ['fn', 'method', 'inplace']],
  ['elementwise', 'cos', 'cos', ['fn', 'method', 'inplace']],
  ['elementwise', 'tan', 'tan', ['fn', 'method', 'inplace']],
  ['elementwise', 'tanh', 'tanh', ['fn', 'method', 'inplace']],
  ['elementwise', 'sigmoid', 'sigmoid', ['fn', 'method', 'inplace']],
  ['elementwise', 'relu', 'relu', ['fn', 'method', 'inplace']],
  ['elementwise', 'gelu', 'gelu', ['functional']],
  ['elementwise', 'silu', 'silu', ['functional']],
  ['elementwise', 'softplus', 'softplus', ['functional']],
  ['elementwise', 'clamp', 'clamp', ['fn', 'method', 'inplace']],
  ['elementwise', 'clip', 'clip', ['fn', 'method', 'inplace']],
  ['elementwise', 'floor', 'floor', ['fn', 'method', 'inplace']],
  ['elementwise', 'ceil', 'ceil', ['fn', 'method', 'inplace']],
  ['elementwise', 'round', 'round', ['fn', 'method', 'inplace']],
  ['elementwise', 'trunc', 'trunc', ['fn', 'method', 'inplace']],
  ['elementwise', 'reciprocal', 'reciprocal', ['fn', 'method', 'inplace']],
  ['elementwise', 'square', 'square', ['fn', 'method', 'inplace']],
  ['elementwise', 'lerp', 'lerp', ['fn', 'method', 'inplace']],
  ['elementwise', 'addcmul', 'addcmul', ['fn', 'method', 'inplace']],
  ['elementwise', 'addcdiv', 'addcdiv', ['fn', 'method', 'inplace']],
  ['elementwise', 'eq', 'eq', ['fn', 'method', 'inplace']],
  ['elementwise', 'ne', 'ne', ['fn', 'method', 'inplace']],
  ['elementwise', 'lt', 'lt', ['fn', 'method', 'inplace']],
  ['elementwise', 'le', 'le', ['fn', 'method', 'inplace']],
  ['elementwise', 'gt', 'gt', ['fn', 'method', 'inplace']],
  ['elementwise', 'ge', 'ge', ['fn', 'method', 'inplace']],
  ['elementwise', 'isnan', 'isnan', ['fn', 'method']],
  ['elementwise', 'isinf', 'isinf', ['fn', 'method']],
  ['elementwise', 'isfinite', 'isfinite', ['fn', 'method']],
  ['elementwise', 'logicalAnd', 'logical_and', ['fn', 'method', 'inplace']],
  ['elementwise', 'logicalOr', 'logical_or', ['fn', 'method', 'inplace']],
  ['elementwise', 'logicalNot', 'logical_not', ['fn', 'method', 'inplace']],
  ['elementwise', 'logicalXor', 'logical_xor', ['fn', 'method', 'inplace']],
  ['elementwise', 'bitwiseAnd', 'bitwise_and', ['fn', 'method', 'inplace']],
  ['elementwise', 'bitwiseOr', 'bitwise_or', ['fn', 'method', 'inplace']],
  ['elementwise', 'bitwiseXor', 'bitwise_xor', ['fn', 'method', 'inplace']],
  ['elementwise', 'bitwiseNot', 'bitwise_not', ['fn', 'method', 'inplace']],
  ['elementwise', 'copy_', 'copy_', ['method']],
  ['elementwise', 'fill_', 'fill_', ['method']],
  ['elementwise', 'zero_', 'zero_', ['method']],
  ['reductions', 'sum', 'sum', ['fn', 'method']],
  ['reductions', 'mean', 'mean', ['fn', 'method']],
  ['reductions', 'prod', 'prod', ['fn', 'method']],
  ['reductions', 'std', 'std', ['fn', 'method']],
  ['reductions', 'var', 'var', ['fn', 'method']],
  ['reductions', 'norm', 'norm', ['fn', 'method']],
  ['reductions', 'logsumexp', 'logsumexp', ['fn', 'method']],
  ['reductions', 'amax', 'amax', ['fn', 'method']],
  ['reductions', 'amin', 'amin', ['fn', 'method']],
  ['reductions', 'all', 'all', ['fn', 'method']],
  ['reductions', 'any', 'any', ['fn', 'method']],
  ['reductions', 'cumsum', 'cumsum', ['fn', 'method', 'inplace']],
  ['reductions', 'cumprod', 'cumprod', ['fn', 'method', 'inplace']],
  ['reductions', 'countNonzero', 'count_nonzero', ['fn', 'method']],
  ['reductions', 'max', 'max', ['fn', 'method']],
  ['reductions', 'min', 'min', ['fn', 'method']],
  ['reductions', 'argmax', 'argmax', ['fn', 'method']],
  ['reductions', 'argmin', 'argmin', ['fn', 'method']],
  ['reductions', 'median', 'median', ['fn', 'method']],
  ['reductions', 'mode', 'mode', ['fn', 'method']],
  ['linalg', 'matmul', 'matmul', ['fn', 'method']],
  ['linalg', 'mm', 'mm', ['fn', 'method']],
  ['linalg', 'bmm', 'bmm', ['fn', 'method']],
  ['linalg', 'mv', 'mv', ['fn', 'method']],
  ['linalg', 'dot', 'dot', ['fn', 'method']],
  ['linalg', 'outer', 'outer', ['fn', 'method']],
  ['linalg', 'addmm', 'addmm', ['fn', 'method', 'inplace']],
  ['linalg', 'baddbmm', 'baddbmm', ['fn', 'method', 'inplace']],
  ['linalg', 'linear', 'linear', ['functional']],
  ['linalg', 'einsum', 'einsum', ['fn']],
  ['functional', 'conv1d', 'conv1d', ['functional']],
  ['functional', 'conv2d', 'conv2d', ['functional']],
  ['functional', 'convTranspose2d', 'conv_transpose2d', ['functional']],
  ['functional', 'maxPool2d', 'max_pool2d', ['functional']],
  ['functional', 'avgPool2d', 'avg_pool2d', ['functional']],
  ['functional', 'adaptiveAvgPool2d', 'adaptive_avg_pool2d', ['functional']],
  ['functional', 'linear', 'linear', ['functional']],
  ['functional', 'relu', 'relu', ['functional']],
  ['functional', 'leakyRelu', 'leaky_relu', ['functional']],
  ['functional', 'gelu', 'gelu', ['functional']],
  ['functional', 'silu', 'silu', ['functional']],
  ['functional', 'sigmoid', 'sigmoid', ['functional']],
  ['functional', 'tanh', 'tanh', ['functional']],
  ['functional', 'softmax', 'softmax', ['functional']],
  ['functional', 'logSoftmax', 'log_softmax', ['functional']],
  ['functional', 'dropout', 'dropout', ['functional']],
  ['functional', 'batchNorm', 'batch_norm', ['functional']],
  ['functional', 'layerNorm', 'layer_norm', ['functional']],
  ['functional', 'embedding', 'embedding', ['functional']],
  ['functional', 'oneHot', 'one_hot', ['functional']],
  ['functional', 'pad', 'pad', ['functional']],
  ['functional', 'interpolate', 'interpolate', ['functional']],
  ['functional', 'scaledDotProductAttention', 'scaled_dot_product_attention', ['functional']],
  ['functional', 'mseLoss', 'mse_loss', ['functional']],
  ['functional', 'l1Loss', 'l1_loss', ['functional']],
  ['functional', 'crossEntropy', 'cross_entropy', ['functional']],
  ['functional', 'nllLoss', 'nll_loss', ['functional']],
  ['functional', 'binaryCrossEntropy', 'binary_cross_entropy', ['functional']],
  ['functional', 'binaryCrossEntropyWithLogits', 'binary_cross_entropy_with_logits', ['functional']],
];

export const API_NAMES: ApiName[] = TABLE.map(([group, name, torchName, variants]) => ({
  group, name, torchName, variants, paths: EXTRA_PATHS[name],
}));

export interface NameStatus {
  entry: ApiName;
  /** Variants (and extra paths) that exist in tensorgrad. */
  present: string[];
  /** Variants (and extra paths) PyTorch or API.md has that tensorgrad lacks. */
  missing: string[];
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Namespace = any;

/** Whether a dotted path from the torch namespace names a function or a getter. */
function hasPath(torch: Namespace, path: string): boolean {
  const parts = path.split('.');
  let obj: Namespace = torch;
  for (let i = 0; i < parts.length - 1; i++) {
    obj = obj?.[parts[i]];
    if (obj === undefined || obj === null) return false;
  }
  const last = parts[parts.length - 1];
  // Getters (.T, .mT) are checked by descriptor, so the prototype itself is never read.
  let o = obj;
  while (o) {
    const d = Object.getOwnPropertyDescriptor(o, last);
    if (d) return typeof d.get === 'function' || typeof d.value === 'function';
    o = Object.getPrototypeOf(o);
  }
  return false;
}

const variantPath = (v: Variant, name: string): string =>
  v === 'fn' ? name : v === 'method' ? `Tensor.prototype.${name}` : v === 'inplace' ? `Tensor.prototype.${name}_` : `nn.functional.${name}`;

/** What of `entry` the loaded tensorgrad namespace has. */
export function statusOf(torch: Namespace, entry: ApiName): NameStatus {
  const present: string[] = [], missing: string[] = [];
  for (const v of entry.variants) (hasPath(torch, variantPath(v, entry.name)) ? present : missing).push(v);
  for (const p of entry.paths ?? []) (hasPath(torch, p) ? present : missing).push(p);
  return { entry, present, missing };
}

/** How a variant is written in the docs table. */
export function spelling(v: string, name: string): string {
  if (v === 'fn') return `torch.${name}`;
  if (v === 'method') return `t.${name}`;
  if (v === 'inplace') return `t.${name}_`;
  if (v === 'functional') return `F.${name}`;
  return v.replace('Tensor.prototype.', 't.').replace(/^/, v.startsWith('Tensor') ? '' : 'torch.');
}
