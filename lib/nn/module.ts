/**
 * nn.Module (API.md §6). Parameters, buffers and sub-modules are discovered from the
 * instance's own properties in declaration order, so subclasses need no registration;
 * buffers are tensors named with registerBuffer. Names are PyTorch's dotted paths.
 */
import { TensorError } from '../errors';
import { Tensor } from '../tensor';
import { DType } from '../dtype';
import { MemoryFormat } from '../memory-format';
import { noGrad } from '../autograd/grad-mode';
import { zeroGrads } from '../autograd/grad-utils';
import { Parameter } from './parameter';

export type ForwardHook = (module: Module, inputs: unknown[], output: unknown) => unknown;

export interface LoadResult {
  missingKeys: string[];
  unexpectedKeys: string[];
}

export class Module {
  training = true;
  /** Names of properties that hold buffers (running stats and the like). */
  private _bufferNames: Set<string> | undefined;
  private _nonPersistent: Set<string> | undefined;
  private _forwardHooks: ForwardHook[] | undefined;

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  forward(..._args: any[]): any {
    throw new TensorError(`Module [${this.constructor.name}] is missing the required "forward" function`);
  }

  /** Runs forward and the forward hooks (PyTorch's module(x)); forward() runs them too once hooks exist. */
  call(...args: Parameters<this['forward']>): ReturnType<this['forward']> {
    // Typed by the subclass's forward: `new nn.Linear(2, 3).call(x)` is a Tensor.
    return this.forward(...args);
  }

  registerBuffer(name: string, tensor: Tensor | null, persistent = true): void {
    (this._bufferNames ??= new Set()).add(name);
    if (!persistent) (this._nonPersistent ??= new Set()).add(name);
    (this as unknown as Record<string, unknown>)[name] = tensor;
  }

  registerParameter(name: string, param: Parameter | null): void {
    (this as unknown as Record<string, unknown>)[name] = param;
  }

  /** Sub-module registration under an arbitrary name (used by containers). */
  addModule(name: string, module: Module | null): void {
    (this as unknown as Record<string, unknown>)[name] = module;
  }

  protected ownEntries(): [string, unknown][] {
    return Object.entries(this).filter(([k]) => !k.startsWith('_') && k !== 'training');
  }

  namedParameters(prefix = '', recurse = true): [string, Parameter][] {
    const out: [string, Parameter][] = [];
    const seen = new Set<Tensor>();
    for (const [name, mod] of recurse ? this.namedModules(prefix) : [[prefix, this] as [string, Module]]) {
      for (const [k, v] of mod.ownEntries()) {
        if (v instanceof Parameter && !seen.has(v)) {
          seen.add(v);
          out.push([name ? `${name}.${k}` : k, v]);
        }
      }
    }
    return out;
  }

  parameters(recurse = true): Parameter[] {
    return this.namedParameters('', recurse).map(([, p]) => p);
  }

  namedBuffers(prefix = '', recurse = true): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [name, mod] of recurse ? this.namedModules(prefix) : [[prefix, this] as [string, Module]]) {
      for (const b of mod._bufferNames ?? []) {
        const v = (mod as unknown as Record<string, unknown>)[b];
        if (v instanceof Tensor) out.push([name ? `${name}.${b}` : b, v]);
      }
    }
    return out;
  }

  buffers(recurse = true): Tensor[] {
    return this.namedBuffers('', recurse).map(([, b]) => b);
  }

  namedChildren(): [string, Module][] {
    return this.ownEntries().filter((e): e is [string, Module] => e[1] instanceof Module);
  }

  children(): Module[] {
    return this.namedChildren().map(([, m]) => m);
  }

  namedModules(prefix = ''): [string, Module][] {
    const out: [string, Module][] = [];
    const seen = new Set<Module>();
    const visit = (m: Module, name: string) => {
      if (seen.has(m)) return;
      seen.add(m);
      out.push([name, m]);
      for (const [k, c] of m.namedChildren()) visit(c, name ? `${name}.${k}` : k);
    };
    visit(this, prefix);
    return out;
  }

  modules(): Module[] {
    return this.namedModules().map(([, m]) => m);
  }

  train(mode = true): this {
    for (const m of this.modules()) m.training = mode;
    return this;
  }

  eval(): this {
    return this.train(false);
  }

  requiresGrad_(requiresGrad = true): this {
    for (const p of this.parameters()) p.requiresGrad_(requiresGrad);
    return this;
  }

  /** Gradients to null (PyTorch 2's default) or, with setToNone: false, to zero. */
  zeroGrad(opts: { setToNone?: boolean } = {}): void {
    zeroGrads(this.parameters(), opts.setToNone ?? true);
  }

  apply(fn: (m: Module) => void): this {
    for (const c of this.children()) c.apply(fn);
    fn(this);
    return this;
  }

  /** to(dtype) / to({ dtype, memoryFormat }): converts parameters and buffers in place. */
  to(arg: DType | string | { dtype?: DType; memoryFormat?: MemoryFormat; device?: string }): this {
    const opts = typeof arg === 'object' && !(arg instanceof DType) ? arg : arg instanceof DType ? { dtype: arg } : { device: arg };
    noGrad(() => {
      for (const m of this.modules()) {
        for (const [k, v] of m.ownEntries()) {
          if (!(v instanceof Tensor)) continue;
          const isParam = v instanceof Parameter;
          const dtype = opts.dtype && v.dtype.isFloatingPoint ? opts.dtype : undefined;
          const format = opts.memoryFormat && v.dim() === 4 ? opts.memoryFormat : undefined;
          if (!dtype && !format && !opts.device) continue;
          const converted = v.to({ dtype, memoryFormat: format, device: opts.device });
          if (converted === v) continue;
          if (isParam) {
            // Keep the same Parameter object (optimizers hold it): swap its memory and metadata.
            const p = v as Parameter;
            p._takeStorageOf(converted);
            (p as unknown as { dtype: DType }).dtype = converted.dtype;
          } else {
            (m as unknown as Record<string, unknown>)[k] = converted;
          }
        }
      }
    });
    return this;
  }

  /** The parameter and persistent buffer objects themselves, keyed as in stateDict(). */
  private stateTensors(): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [name, mod] of this.namedModules()) {
      const prefix = name ? `${name}.` : '';
      for (const [k, v] of mod.ownEntries()) if (v instanceof Parameter) out.push([prefix + k, v]);
      for (const b of mod._bufferNames ?? []) {
        const v = (mod as unknown as Record<string, unknown>)[b];
        if (v instanceof Tensor && !mod._nonPersistent?.has(b)) out.push([prefix + b, v]);
      }
    }
    return out;
  }

  /** Name -> tensor, parameters then buffers per module, in PyTorch's order. */
  stateDict(): Record<string, Tensor> {
    return Object.fromEntries(this.stateTensors().map(([k, v]) => [k, v.detach()]));
  }

  /**
   * Copies the state dict's values into the parameters and buffers; with `assign: true`
   * (PyTorch 2.1's load_state_dict(assign=True)) they take the given tensors' memory
   * instead, which is how a worker binds its model to parameters shared by another thread.
   */
  loadStateDict(stateDict: Record<string, Tensor>, opts: { strict?: boolean; assign?: boolean } = {}): LoadResult {
    const strict = opts.strict ?? true;
    const own = this.stateDict();
    const missingKeys = Object.keys(own).filter((k) => !(k in stateDict));
    const unexpectedKeys = Object.keys(stateDict).filter((k) => !(k in own));
    const errors: string[] = [];
    for (const [k, target] of Object.entries(own)) {
      const src = stateDict[k];
      if (!src) continue;
      if (src._shape.length !== target._shape.length || src._shape.some((d, i) => d !== target._shape[i])) {
        errors.push(
          `size mismatch for ${k}: copying a param with shape torch.Size([${src._shape.join(', ')}]) from checkpoint, the shape in current model is torch.Size([${target._shape.join(', ')}]).`,
        );
      }
    }
    if (strict) {
      if (unexpectedKeys.length) errors.unshift(`Unexpected key(s) in state_dict: ${unexpectedKeys.map((k) => `"${k}"`).join(', ')}. `);
      if (missingKeys.length) errors.unshift(`Missing key(s) in state_dict: ${missingKeys.map((k) => `"${k}"`).join(', ')}. `);
    }
    if (errors.length)
      throw new TensorError(`Error(s) in loading state_dict for ${this.constructor.name}:\n\t${errors.join('\n\t')}`);
    if (opts.assign) {
      for (const [k, target] of this.stateTensors()) {
        const src = stateDict[k];
        if (!src) continue;
        if (src.dtype !== target.dtype)
          throw new TensorError(`loadStateDict(assign=true): ${k} has dtype ${String(src.dtype)}, the model's is ${String(target.dtype)}`);
        target._takeStorageOf(src);
      }
      return { missingKeys, unexpectedKeys };
    }
    noGrad(() => {
      for (const [k, target] of Object.entries(own)) if (stateDict[k]) target.copy_(stateDict[k]);
    });
    return { missingKeys, unexpectedKeys };
  }

  registerForwardHook(hook: ForwardHook): { remove(): void } {
    if (!this._forwardHooks) {
      this._forwardHooks = [];
      // Wrap this instance's forward once, so hooks run however forward is reached.
      const original = this.forward.bind(this);
      const hooks = this._forwardHooks;
      Object.defineProperty(this, 'forward', {
        value: (...args: unknown[]) => {
          let out = original(...args);
          for (const h of [...hooks]) {
            const replaced = h(this, args, out);
            if (replaced !== undefined) out = replaced;
          }
          return out;
        },
        enumerable: false,
        writable: true,
        configurable: true,
      });
    }
    this._forwardHooks.push(hook);
    const hooks = this._forwardHooks;
    return { remove: () => void hooks.splice(hooks.indexOf(hook), 1) };
  }

  /** Moves parameters to shared memory (Hogwild training; see API.md §8). */
  shareMemory(): this {
    for (const t of [...this.parameters(), ...this.buffers()]) t.shareMemory_();
    return this;
  }

  toString(): string {
    const lines = this.namedChildren().map(([k, m]) => `  (${k}): ${String(m).split('\n').join('\n  ')}`);
    const extra = this.extraRepr();
    if (lines.length === 0) return `${this.constructor.name}(${extra})`;
    return `${this.constructor.name}(\n${extra ? `  ${extra}\n` : ''}${lines.join('\n')}\n)`;
  }

  extraRepr(): string {
    return '';
  }
}
