/**
 * sort, argsort and topk (API.md §2) on the native per-line kernel
 * (native/src/kernels/sort.cc), which orders each line with the same algorithms and
 * comparators as PyTorch 1.13's CPU kernels: NaN is the largest value, stable sorts keep
 * the input order of ties, and unstable sorts and topk place ties where PyTorch does.
 * The derivative scatters the gradient back to the picked positions (SortBackward0,
 * TopkBackward0), written with scatter so higher orders work.
 */
import { bool, int64 } from '../dtype';
import { TensorError } from '../errors';
import { native, writeLoop, LoopOperand } from '../native';
import { Tensor } from '../tensor';
import { needsGrad, record } from '../autograd/node';
import { zeros } from '../creation';
import { defineOp } from './registry';
import { checkOut } from './operands';
import { ValuesIndices, valuesIndices } from './median-mode';
import { scatter } from './gather-scatter';

export interface SortOpts {
  dim?: number;
  descending?: boolean;
  stable?: boolean;
  out?: readonly [Tensor, Tensor];
}

export interface TopkOpts {
  dim?: number;
  largest?: boolean;
  sorted?: boolean;
  out?: readonly [Tensor, Tensor];
}

/** Strides of `t` without dim `d` (the lines), and its stride along `d`; a 0-d tensor is one line of one. */
function lineLayout(t: Tensor, d: number): { strides: number[]; along: number } {
  if (t._shape.length === 0) return { strides: [], along: 1 };
  return { strides: t._strides.filter((_, k) => k !== d), along: t._strides[d] };
}

function launch(kind: 'sort' | 'topk', input: Tensor, d: number, values: Tensor, indices: Tensor, flag0: boolean, flag1: boolean): void {
  const lineShape = input._shape.filter((_, k) => k !== d);
  const inSize = input._shape.length === 0 ? 1 : input._shape[d];
  const outSize = values._shape.length === 0 ? 1 : values._shape[d];
  if (outSize === 0 || lineShape.some((s) => s === 0)) return;
  const layouts = [values, indices, input].map((t) => lineLayout(t, d));
  const operands: LoopOperand[] = [values, indices, input].map((t, k) => {
    t._storage.assertAlive();
    return { dtype: t.dtype, offset: t._offset, strides: layouts[k].strides };
  });
  writeLoop(lineShape, operands, [inSize, outSize, layouts[0].along, layouts[1].along, layouts[2].along]);
  const run = kind === 'sort' ? native.sortAlong : native.topk;
  run.call(native, values._storage.bytes, indices._storage.bytes, input._storage.bytes, input.dtype.code, flag0, flag1);
}

/** Outputs: new tensors, or out= checked (and resized when empty) as PyTorch's. */
function outputs(name: string, input: Tensor, shape: readonly number[], out?: readonly [Tensor, Tensor]): [Tensor, Tensor, boolean] {
  if (!out) return [Tensor.empty(shape, input.dtype), Tensor.empty(shape, int64), false];
  const [values, indices] = out;
  if (values.dtype !== input.dtype || indices.dtype !== int64)
    throw new TensorError(`${name}(): out tensors must have dtypes ${input.dtype} and torch.int64`);
  checkOut(values, shape, input.dtype, name);
  checkOut(indices, shape, int64, name);
  return [values, indices, true];
}

/** SortBackward0 / TopkBackward0: the gradient goes back to the positions the indices name. */
function recordPicked(name: string, input: Tensor, d: number, values: Tensor, indices: Tensor): void {
  if (!input.dtype.isFloatingPoint || !needsGrad([input])) return;
  const shape = input._shape, dtype = input.dtype;
  record(name, [input], [values], (node) => {
    const savedIndices = node.save(indices, true);
    return ([g]) => {
      if (!g) return [null];
      if (shape.length === 0) return [g];
      return [scatter(zeros([...shape], { dtype }), d, savedIndices.unpack(), g)];
    };
  });
}

function parseSort(dim?: number | SortOpts, descending?: boolean | SortOpts, opts?: SortOpts): SortOpts {
  const o: SortOpts = { ...(typeof opts === 'object' ? opts : {}), ...(typeof descending === 'object' ? descending : {}), ...(typeof dim === 'object' ? dim : {}) };
  if (typeof dim === 'number') o.dim = dim;
  if (typeof descending === 'boolean') o.descending = descending;
  return o;
}

export function sort(input: Tensor, dim?: number | SortOpts, descending?: boolean | SortOpts, opts?: SortOpts): ValuesIndices {
  if (!(input instanceof Tensor)) throw new TypeError("sort(): argument 'input' must be Tensor");
  const o = parseSort(dim, descending, opts);
  const d = input.wrapDim(o.dim ?? -1);
  const [values, indices, isOut] = outputs('sort', input, input._shape, o.out);
  launch('sort', input, d, values, indices, o.descending ?? false, o.stable ?? false);
  if (isOut) {
    values._storage.version++;
    indices._storage.version++;
  } else recordPicked('SortBackward0', input, d, values, indices);
  return valuesIndices(values, indices);
}

export function argsort(input: Tensor, dim?: number | SortOpts, descending?: boolean | SortOpts, opts?: SortOpts): Tensor {
  const o = parseSort(dim, descending, opts);
  return sort(input, { dim: o.dim, descending: o.descending, stable: o.stable })[1];
}

export function topk(input: Tensor, k: number, dim?: number | TopkOpts, largest?: boolean | TopkOpts, sorted?: boolean | TopkOpts, opts?: TopkOpts): ValuesIndices {
  if (!(input instanceof Tensor)) throw new TypeError("topk(): argument 'input' must be Tensor");
  if (!Number.isInteger(k)) throw new TypeError(`topk(): argument 'k' must be int, not ${typeof k}`);
  const o: TopkOpts = {};
  for (const v of [opts, sorted, largest, dim]) if (typeof v === 'object' && v !== null) Object.assign(o, v);
  if (typeof dim === 'number') o.dim = dim;
  if (typeof largest === 'boolean') o.largest = largest;
  if (typeof sorted === 'boolean') o.sorted = sorted;
  const d = input.wrapDim(o.dim ?? -1);
  const size = input._shape.length === 0 ? 1 : input._shape[d];
  if (k < 0 || k > size) throw new TensorError('selected index k out of range');
  if (input.dtype === bool) throw new TensorError('"topk_cpu" not implemented for \'Bool\'');
  const shape = input._shape.map((s, j) => (j === d ? k : s));
  const [values, indices, isOut] = outputs('topk', input, shape, o.out);
  launch('topk', input, d, values, indices, o.largest ?? true, o.sorted ?? true);
  if (isOut) {
    values._storage.version++;
    indices._storage.version++;
  } else recordPicked('TopkBackward0', input, d, values, indices);
  return valuesIndices(values, indices);
}

defineOp({ name: 'sort', kind: 'index', fn: sort, method: true, backwardName: 'SortBackward0' });
defineOp({ name: 'argsort', kind: 'index', fn: argsort, method: true });
defineOp({ name: 'topk', kind: 'index', fn: topk, method: true, backwardName: 'TopkBackward0' });

declare module '../tensor' {
  interface Tensor {
    sort(dim?: number | SortOpts, descending?: boolean | SortOpts, opts?: SortOpts): ValuesIndices;
    argsort(dim?: number | SortOpts, descending?: boolean | SortOpts, opts?: SortOpts): Tensor;
    topk(k: number, dim?: number | TopkOpts, largest?: boolean | TopkOpts, sorted?: boolean | TopkOpts, opts?: TopkOpts): ValuesIndices;
  }
}
