/**
 * The op registry: the one place an op is declared (as PyTorch's native_functions.yaml
 * plus derivatives.yaml). An entry names the op, its variants (torch.fn, tensor method,
 * in-place fn_), and the slot for its derivative, which the autograd issue fills; the
 * profiler, gradcheck lists and docs read the same table.
 */
import { Tensor } from '../tensor';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyFn = (...args: any[]) => any;

export interface OpEntry {
  /** PyTorch's name, camelCased by API.md's naming rule. */
  name: string;
  /** torch.<name>(...). */
  fn?: AnyFn;
  /** Tensor.prototype.<name>: receives the tensor as first argument. true = same as fn. */
  method?: AnyFn | true;
  /** Tensor.prototype.<name>_ (in place). */
  inplace?: AnyFn;
  /** Other names for the same op (torch.clip for clamp...). */
  aliases?: string[];
  /** Autograd node name (PyTorch's, e.g. 'AddBackward0'); the derivative lives with autograd. */
  backwardName?: string;
  /** Grouping for docs and parity lists: pointwise, reduction, view, creation, index... */
  kind: string;
}

export const registry = new Map<string, OpEntry>();

function installMethod(name: string, impl: AnyFn): void {
  Object.defineProperty(Tensor.prototype, name, {
    value: function (this: Tensor, ...args: unknown[]) {
      return impl(this, ...args);
    },
    writable: true,
    configurable: true,
  });
}

export function defineOp(entry: OpEntry): OpEntry {
  if (registry.has(entry.name)) throw new Error(`op ${entry.name} declared twice`);
  registry.set(entry.name, entry);
  const names = [entry.name, ...(entry.aliases ?? [])];
  for (const n of names) {
    if (entry.method) installMethod(n, entry.method === true ? (entry.fn as AnyFn) : entry.method);
    if (entry.inplace) installMethod(`${n}_`, entry.inplace);
  }
  return entry;
}

/** torch.<name> functions collected from the registry (index.ts spreads them). */
export function registeredFunctions(): Record<string, AnyFn> {
  const out: Record<string, AnyFn> = {};
  for (const entry of registry.values()) {
    if (!entry.fn) continue;
    for (const n of [entry.name, ...(entry.aliases ?? [])]) out[n] = entry.fn;
  }
  return out;
}
