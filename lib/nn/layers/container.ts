import { TensorError } from '../../errors';
import { Module } from '../module';
import type { Tensor } from '../../tensor';

/**
 * nn.Sequential: children named '0', '1', ...; forward chains them and returns the last
 * module's output, typed `Out` (a Tensor unless given: `new nn.Sequential<[Tensor, Tensor]>(...)`).
 */
export class Sequential<Out = Tensor> extends Module {
  constructor(...modules: Module[]) {
    super();
    modules.forEach((m, i) => this.addModule(String(i), m));
  }
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  override forward(x: any): Out {
    for (const m of this.children()) x = m.forward(x);
    return x as Out;
  }
  get length(): number {
    return this.children().length;
  }
  at(i: number): Module {
    const c = this.children();
    const m = c[i < 0 ? i + c.length : i];
    if (!m) throw new TensorError(`index ${i} is out of range`);
    return m;
  }
  append(m: Module): this {
    this.addModule(String(this.children().length), m);
    return this;
  }
}

/** nn.ModuleList: an indexable list of sub-modules. */
export class ModuleList extends Module {
  constructor(modules: Module[] = []) {
    super();
    modules.forEach((m) => this.append(m));
  }
  append(m: Module): this {
    this.addModule(String(this.children().length), m);
    return this;
  }
  at(i: number): Module {
    const c = this.children();
    const m = c[i < 0 ? i + c.length : i];
    if (!m) throw new TensorError(`index ${i} is out of range`);
    return m;
  }
  get length(): number {
    return this.children().length;
  }
  [Symbol.iterator](): Iterator<Module> {
    return this.children()[Symbol.iterator]();
  }
}

/** nn.ModuleDict: sub-modules by name. */
export class ModuleDict extends Module {
  constructor(modules: Record<string, Module> = {}) {
    super();
    for (const [k, m] of Object.entries(modules)) this.addModule(k, m);
  }
  get(key: string): Module | undefined {
    return this.namedChildren().find(([k]) => k === key)?.[1];
  }
  set(key: string, m: Module): void {
    this.addModule(key, m);
  }
  keys(): string[] {
    return this.namedChildren().map(([k]) => k);
  }
}
