/**
 * The op registry: the one place an op is declared (as PyTorch's native_functions.yaml
 * plus derivatives.yaml). An entry names the op, its variants (torch.fn, tensor method,
 * in-place fn_), and the slot for its derivative, which the autograd issue fills; the
 * profiler, gradcheck lists and docs read the same table.
 */
import { Tensor } from '../tensor';
import { profilerState, profiled, atenName } from '../autograd/profiler-state';

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

/** Each declared torch.<name> implementation -> the profiled entry point defineOp made of it. */
const profiledOf = new Map<AnyFn, AnyFn>();

// Entry points read one flag when no profiler records; with one, each call is a range named
// as PyTorch's operator (aten::mul, aten::mul_), with the tensor among its inputs.
function installMethod(name: string, opName: string, impl: AnyFn): void {
  Object.defineProperty(Tensor.prototype, name, {
    value: function (this: Tensor, ...args: unknown[]) {
      if (!profilerState.active) return impl(this, ...args);
      return profiled(opName, [this, ...args], () => impl(this, ...args));
    },
    writable: true,
    configurable: true,
  });
}

function profiledFn(opName: string, impl: AnyFn): AnyFn {
  return function (this: unknown, ...args: unknown[]) {
    if (!profilerState.active) return impl.apply(this, args);
    return profiled(opName, args, () => impl.apply(this, args));
  };
}

export function defineOp(entry: OpEntry): OpEntry {
  if (registry.has(entry.name)) throw new Error(`op ${entry.name} declared twice`);
  registry.set(entry.name, entry);
  const opName = atenName(entry.name);
  const rawFn = entry.fn;
  // The stored fn is the profiled entry point: torch.<name>, and op files that call each
  // other through defineOp's result, show up in the profiler.
  if (rawFn) {
    entry.fn = profiledFn(opName, rawFn);
    profiledOf.set(rawFn, entry.fn);
  }
  const names = [entry.name, ...(entry.aliases ?? [])];
  for (const n of names) {
    if (entry.method) installMethod(n, opName, entry.method === true ? (rawFn as AnyFn) : entry.method);
    if (entry.inplace) installMethod(`${n}_`, `${opName}_`, entry.inplace);
  }
  return entry;
}

/**
 * An op module's exports with each declared implementation swapped for its profiled entry
 * point (others pass through), typed as the module: index.ts re-exports torch.sum and the
 * like from it, so calls through `torch.` show in the profiler as the methods do.
 */
export function profiledExports<M extends object>(module: M): M {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(module)) out[key] = typeof value === 'function' ? profiledOf.get(value as AnyFn) ?? value : value;
  return out as M;
}

/**
 * The profiled entry point of a declared op implementation (the implementation itself when
 * none): derivative formulas call ops through it, so a profile shows aten::mm inside
 * MmBackward0 as PyTorch's does. Looked up per call, since ops are declared after the
 * formulas that use them are written.
 */
export function profiledOp<F extends AnyFn>(impl: F): F {
  return (profiledOf.get(impl) as F | undefined) ?? impl;
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

/**
 * Functions and Tensor methods that are not registry ops but that PyTorch's profiler still
 * shows as operators (torch.ones as aten::ones, clone as aten::clone, torch.tensor as
 * aten::lift_fresh): wrapped once here so a profile of user code lists them too.
 */
export function profiledFunctions<M extends object>(module: M, names: Record<string, string> = {}): M {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(module))
    out[key] = typeof value === 'function' ? profiledFn(names[key] ?? atenName(key), value as AnyFn) : value;
  return out as M;
}

/** The unwrapped methods, for internals PyTorch does not show (the engine's own detach). */
export const unprofiledMethods: Record<string, AnyFn> = {};
for (const method of ['fill_', 'zero_', 'clone', 'copy_', 'detach', 'detach_', 'to']) {
  const impl = (Tensor.prototype as unknown as Record<string, AnyFn>)[method];
  unprofiledMethods[method] = impl;
  installMethod(method, atenName(method), (self: Tensor, ...args: unknown[]) => impl.apply(self, args));
}
