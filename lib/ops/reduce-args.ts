/**
 * What every reduction shares: reading PyTorch's argument forms (`x.sum(1)`,
 * `x.sum(1, true)`, `x.sum([0, 1], { dtype })`, `x.sum({ dim: 1, keepdim: true })`),
 * normalising dims with PyTorch's errors, the result's shape, and the launch of a native
 * reduction over the input's own strides (the output gets stride 0 over reduced dims).
 */
import { DType } from '../dtype';
import { TensorError } from '../errors';
import { native, writeLoop, LoopOperand } from '../native';
import { Tensor } from '../tensor';
import { tensorAsOperand } from './operands';

export type DimArg = number | readonly number[] | null | undefined;

export interface ReduceOpts {
  dim?: DimArg;
  keepdim?: boolean;
  dtype?: DType;
  out?: Tensor;
}

export interface ParsedReduce {
  dim: DimArg;
  keepdim: boolean;
  dtype?: DType;
  out?: Tensor;
}

function isOptions(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Tensor);
}

/** (dim | opts)?, (keepdim | opts)?, opts? -> one record; positional values win. */
export function parseReduceArgs<O extends ReduceOpts>(a?: DimArg | O, b?: boolean | O, c?: O): ParsedReduce & O {
  // The common positional calls (x.sum(), x.sum(1), x.sum(1, true)) build no option objects.
  if (c === undefined && !isOptions(a) && !isOptions(b)) {
    if (b !== undefined && typeof b !== 'boolean') throw new TypeError(`keepdim must be a boolean, got ${String(b)}`);
    return { dim: a as DimArg, keepdim: b ?? false } as ParsedReduce & O;
  }
  const opts = { ...(isOptions(c) ? (c as object) : {}), ...(isOptions(b) ? (b as object) : {}), ...(isOptions(a) ? (a as object) : {}) } as O;
  const dim = isOptions(a) ? opts.dim : (a as DimArg);
  const keepdim = typeof b === 'boolean' ? b : opts.keepdim ?? false;
  if (typeof keepdim !== 'boolean') throw new TypeError(`keepdim must be a boolean, got ${String(keepdim)}`);
  return { ...opts, dim: dim ?? opts.dim, keepdim };
}

/**
 * The reduced dims as a mask over input dims (null/undefined/[] mean all, as PyTorch's
 * sum(dim=[])), with PyTorch's errors for out-of-range and repeated dims.
 */
export function reducedMask(t: Tensor, dim: DimArg): boolean[] {
  const rank = t._shape.length;
  if (dim === null || dim === undefined) return new Array<boolean>(rank).fill(true);
  if (typeof dim !== 'number' && !Array.isArray(dim))
    throw new TypeError(`argument 'dim' must be int or tuple of ints, not ${typeof dim === 'object' ? 'object' : typeof dim}`);
  const list = typeof dim === 'number' ? [dim] : [...dim];
  if (list.length === 0) return new Array<boolean>(rank).fill(true);
  const mask = new Array<boolean>(rank).fill(false);
  const seen = new Set<number>();
  for (const d of list) {
    const w = t.wrapDim(d);
    if (seen.has(w)) throw new TensorError(`dim ${w} appears multiple times in the list of dims`);
    seen.add(w);
    if (w < rank) mask[w] = true;
  }
  return mask;
}

export function reducedShape(shape: readonly number[], mask: readonly boolean[], keepdim: boolean): number[] {
  const out: number[] = [];
  shape.forEach((d, i) => {
    if (!mask[i]) out.push(d);
    else if (keepdim) out.push(1);
  });
  return out;
}

/** An output of the reduced shape, viewed over the input's shape (stride 0 where reduced). */
export function outputOperand(out: Tensor, mask: readonly boolean[], keepdim: boolean): LoopOperand & { bytes: Uint8Array } {
  out._storage.assertAlive();
  const strides: number[] = [];
  let k = 0;
  for (let d = 0; d < mask.length; d++) {
    if (mask[d]) {
      strides.push(0);
      if (keepdim) k++;
    } else strides.push(out._strides[k++]);
  }
  return { bytes: out._storage.bytes, dtype: out.dtype, offset: out._offset, strides };
}

/** Runs native reduction `code` of `input` into `out` (already of the reduced shape and kernel dtype). */
export function launchReduce(code: number, input: Tensor, mask: readonly boolean[], keepdim: boolean, out: Tensor, p = 0): void {
  const outOp = outputOperand(out, mask, keepdim);
  const inOp = tensorAsOperand(input);
  writeLoop(input._shape, [outOp, inOp]);
  native.reduce(code, outOp.bytes, inOp.bytes, p);
}

export function launchArgReduce(code: number, input: Tensor, mask: readonly boolean[], keepdim: boolean, values: Tensor, indices: Tensor): void {
  const v = outputOperand(values, mask, keepdim);
  const i = outputOperand(indices, mask, keepdim);
  const inOp = tensorAsOperand(input);
  writeLoop(input._shape, [v, i, inOp]);
  native.argReduce(code, v.bytes, i.bytes, inOp.bytes);
}

/**
 * PyTorch's refusal to reduce nothing for ops without an identity (max, amin, argmax...).
 * amax/amin name the dim as the caller wrote it (`rawDims`), the others the wrapped one.
 */
export function requireNonEmpty(op: string, t: Tensor, mask: readonly boolean[], all: boolean, hint = true, rawDims?: DimArg): void {
  if (t.numel() !== 0) return;
  if (all) {
    throw new TensorError(
      `${op}(): Expected reduction dim to be specified for input.numel() == 0.${hint ? " Specify the reduction dim with the 'dim' argument." : ''}`,
    );
  }
  const fail = (d: number) => new TensorError(`${op}(): Expected reduction dim ${d} to have non-zero size.`);
  if (rawDims !== undefined && rawDims !== null) {
    for (const d of typeof rawDims === 'number' ? [rawDims] : rawDims) if (t._shape[t.wrapDim(d)] === 0) throw fail(d);
    return;
  }
  for (let d = 0; d < mask.length; d++) if (mask[d] && t._shape[d] === 0) throw fail(d);
}

/** Whether `dim` asks for a full reduction. */
export function reducesAll(dim: DimArg): boolean {
  return dim === null || dim === undefined || (typeof dim !== 'number' && dim.length === 0);
}
