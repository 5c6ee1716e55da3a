/**
 * Grad modes (API.md §4): grad enabled / disabled and inference mode. The state is
 * module-level, and each worker_thread loads its own copy of this module, so every worker
 * starts with grad enabled whatever its parent is doing (PyTorch's thread-local modes).
 * Each mode has a callback form (returns the callback's value, restores the mode even on
 * a throw) and a guard form for `using _ = torch.noGrad();`.
 */
// `using` guards need Symbol.dispose; Node 20 defines it in its main realm only (jest's
// and other vm contexts lack it), so define it where it is missing.
if (typeof (Symbol as { dispose?: symbol }).dispose !== 'symbol')
  Object.defineProperty(Symbol, 'dispose', { value: Symbol.for('nodejs.dispose') });

export const modeState = {
  gradEnabled: true,
  inference: false,
};

export interface ModeGuard {
  [Symbol.dispose](): void;
  /** Same as disposing: for code without `using`. */
  exit(): void;
}

function enter(gradEnabled: boolean, inference: boolean): ModeGuard {
  const saved = { gradEnabled: modeState.gradEnabled, inference: modeState.inference };
  modeState.gradEnabled = gradEnabled;
  modeState.inference = inference;
  let done = false;
  const exit = () => {
    if (done) return;
    done = true;
    modeState.gradEnabled = saved.gradEnabled;
    modeState.inference = saved.inference;
  };
  return { [Symbol.dispose]: exit, exit };
}

function run<T>(guard: ModeGuard, fn: () => T): T {
  let result: T;
  try {
    result = fn();
  } catch (e) {
    guard.exit();
    throw e;
  }
  if (result instanceof Promise) return result.finally(() => guard.exit()) as T;
  guard.exit();
  return result;
}

export function noGrad(): ModeGuard;
export function noGrad<T>(fn: () => T): T;
export function noGrad<T>(fn?: () => T): T | ModeGuard {
  const guard = enter(false, modeState.inference);
  return fn ? run(guard, fn) : guard;
}

export function enableGrad(): ModeGuard;
export function enableGrad<T>(fn: () => T): T;
export function enableGrad<T>(fn?: () => T): T | ModeGuard {
  const guard = enter(true, modeState.inference);
  return fn ? run(guard, fn) : guard;
}

/** inferenceMode(fn) or inferenceMode(enabled, fn), and the guard forms. */
export function inferenceMode(): ModeGuard;
export function inferenceMode<T>(fn: () => T): T;
export function inferenceMode<T>(enabled: boolean, fn?: () => T): T | ModeGuard;
export function inferenceMode<T>(a?: boolean | (() => T), b?: () => T): T | ModeGuard {
  const enabled = typeof a === 'boolean' ? a : true;
  const fn = typeof a === 'function' ? a : b;
  const guard = enabled ? enter(false, true) : enter(modeState.gradEnabled, false);
  return fn ? run(guard, fn) : guard;
}

/** setGradEnabled(bool) sets the mode; setGradEnabled(bool, fn) scopes it to fn. */
export function setGradEnabled(enabled: boolean): ModeGuard;
export function setGradEnabled<T>(enabled: boolean, fn: () => T): T;
export function setGradEnabled<T>(enabled: boolean, fn?: () => T): T | ModeGuard {
  const guard = enter(enabled, modeState.inference);
  return fn ? run(guard, fn) : guard;
}

export function isGradEnabled(): boolean {
  return modeState.gradEnabled;
}

export function isInferenceModeEnabled(): boolean {
  return modeState.inference;
}
