/**
 * PyTorch's "positional or keyword" arguments in JavaScript (API.md's calling convention):
 * `f(x, 0.2, true)`, `f(x, { p: 0.2, inplace: true })` and `f(x, 0.2, { inplace: true })`
 * all mean the same. Every function whose PyTorch counterpart takes keyword arguments
 * reads its optional arguments through `parseTrailing`.
 */
import { Tensor } from './tensor';

/**
 * A plain `{ ... }` object: the options object. Tensors, arrays, dtypes, memory formats,
 * generators and modules are class instances, so they stay positional values.
 */
export function isOptionsObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v) || v instanceof Tensor) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/**
 * The optional arguments after the required ones: positional values named by `names` (in
 * PyTorch's order), with an options object allowed last (or alone). `undefined` means
 * "not given"; `null` is PyTorch's None and is kept. A name given both ways takes the
 * options object's value, as Python refuses that call and the object is the explicit one.
 */
export function parseTrailing(rest: readonly unknown[], names: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  let args = rest;
  const last = rest[rest.length - 1];
  if (isOptionsObject(last)) {
    args = rest.slice(0, -1);
    Object.assign(out, last);
  }
  args.forEach((v, i) => {
    if (i < names.length && v !== undefined && out[names[i]] === undefined) out[names[i]] = v;
  });
  return out;
}

/** The options-object form of one optional argument: `{ dim: 1 }` for `dim`. */
export type Named<K extends string, T> = { [P in K]?: T };

/** One optional argument given positionally (`x.unbind(1)`) or by name (`x.unbind({ dim: 1 })`). */
export function namedArg<T>(v: T | Named<string, T> | undefined, name: string, fallback: T): T {
  if (isOptionsObject(v)) return (v[name] as T | undefined) ?? fallback;
  return (v as T | undefined) ?? fallback;
}
