/** What one fuzz step is: a tensorgrad call, the reference's answer, and how to compare them. */
import * as torch from '../../../lib';
import { Arr } from '../reference/ndarray';
import { Rng } from '../random';
import { Tolerance } from './compare';
import { Entry, Pool } from './pool';

export interface Case {
  desc: string;
  /** The reference result (an array of results for tuple-returning ops); throws RefError where PyTorch raises. */
  ref: () => Arr | Arr[];
  run: () => unknown;
  tol?: Tolerance;
  /** Either outcome is right (e.g. view() of a layout the reference cannot judge). */
  mayThrow?: boolean;
  /** A check in place of comparing every result with ref's (sort/topk: ties may come in any order). */
  check?: (got: torch.Tensor[], want: Arr[]) => string | null;
  /** Called with the valid result: add it to the pool. */
  keep?: (got: torch.Tensor) => void;
  /** An in-place op: ref gives the target's new values, run must return the target itself. */
  inplace?: Entry;
}

export type CaseMaker = (rng: Rng, pool: Pool) => Case;

/** A dim for an ndim-dimensional tensor: mostly valid (negative too), sometimes out of range. */
export function randDim(rng: Rng, ndim: number): number {
  const n = Math.max(ndim, 1);
  if (rng.next() < 0.08) return rng.pick([n, -n - 1, n + 3]);
  return rng.int(-n, n - 1);
}

/** A shape that broadcasts with `shape` (sometimes one that does not). */
export function partnerShape(rng: Rng, shape: readonly number[]): number[] {
  let s = shape.slice(rng.int(0, shape.length));
  s = s.map((v) => (rng.next() < 0.3 ? 1 : v));
  if (rng.next() < 0.15) s = [rng.pick([1, 2]), ...s];
  if (rng.next() < 0.08 && s.length > 0) s[rng.int(0, s.length - 1)] = rng.pick([2, 3, 6]);
  return s;
}

/** Calls a torch function or the same-named method, at random (both spellings must agree). */
export function fnOrMethod(rng: Rng, name: string, self: torch.Tensor, ...args: unknown[]): () => unknown {
  const t = torch as unknown as Record<string, (...a: unknown[]) => unknown>;
  const m = self as unknown as Record<string, (...a: unknown[]) => unknown>;
  if (typeof t[name] === 'function' && rng.next() < 0.5) return () => t[name](self, ...args);
  return () => m[name](...args);
}

export const describe = (e: Entry): string => `${String(e.t.dtype).slice(6)}[${e.t.shape}]${e.t.isContiguous() ? '' : '(strided)'}`;
export const show = (v: unknown): string => (v instanceof torch.Tensor ? `${String(v.dtype).slice(6)}[${v.shape}]` : JSON.stringify(v));

/** Thrown by a reference when a case is outside what it models (the driver skips the case). */
export class SkipCase extends Error {}
