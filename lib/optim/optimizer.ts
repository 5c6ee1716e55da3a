/**
 * torch.optim.Optimizer: parameter groups with per-group options, per-parameter state,
 * zeroGrad, and state dicts in PyTorch's layout (state keyed by parameter index).
 */
import { TensorError } from '../errors';
import { Tensor } from '../tensor';
import { noGrad } from '../autograd/grad-mode';
import { zeroGrads } from '../autograd/grad-utils';

export type Options = Record<string, number | boolean>;
export interface ParamGroup extends Options {
  [k: string]: number | boolean;
}
export interface GroupSpec {
  params: Iterable<Tensor>;
  [k: string]: unknown;
}
type ParamsArg = Iterable<Tensor> | GroupSpec[];

export interface OptimizerStateDict {
  state: Record<number, Record<string, Tensor | number>>;
  /** Each group's options plus `params`: the indices of its parameters. */
  paramGroups: Record<string, number | boolean | number[]>[];
}

/** The built-in optimizers' update functions, which keep no reference to the gradient. */
const keepsNoGradient = new Set<unknown>();
export function keepNoGradient(...classes: { prototype: object }[]): void {
  for (const c of classes) keepsNoGradient.add((c.prototype as { update: unknown }).update);
}

export abstract class Optimizer {
  readonly paramGroups: (ParamGroup & { params: Tensor[] })[] = [];
  state = new Map<Tensor, Record<string, Tensor | number>>();

  constructor(params: ParamsArg, readonly defaults: Options) {
    const list = [...(params as Iterable<Tensor | GroupSpec>)];
    if (list.length === 0) throw new TensorError('optimizer got an empty parameter list');
    const groups = list[0] instanceof Tensor ? [{ params: list as Tensor[] }] : (list as GroupSpec[]);
    for (const g of groups) this.addParamGroup(g);
  }

  addParamGroup(group: GroupSpec): void {
    const params = [...group.params];
    for (const p of params) {
      if (!(p instanceof Tensor)) throw new TypeError('optimizer can only optimize Tensors');
      if (!p.isLeaf) throw new TensorError("can't optimize a non-leaf Tensor");
      if (this.paramGroups.some((g) => g.params.includes(p))) throw new TensorError('some parameters appear in more than one parameter group');
    }
    const options: ParamGroup = { ...this.defaults };
    for (const [k, v] of Object.entries(group)) if (k !== 'params') options[k] = v as number | boolean;
    this.paramGroups.push(Object.assign(options, { params }));
  }

  zeroGrad(opts: { setToNone?: boolean } = {}): void {
    for (const g of this.paramGroups) zeroGrads(g.params, opts.setToNone ?? true);
  }

  /** Runs one update; `closure` re-evaluates the loss when an algorithm needs it. */
  step(closure?: () => Tensor): Tensor | undefined {
    const loss = closure ? closure() : undefined;
    noGrad(() => {
      for (const group of this.paramGroups) {
        for (const p of group.params) {
          const grad = p._grad;
          if (grad === null) continue;
          let st = this.state.get(p);
          if (!st) this.state.set(p, (st = {}));
          // An update written outside tensorgrad may keep the gradient it is given.
          if (!keepsNoGradient.has(this.update)) p._gradPrivate = false;
          this.update(p, grad, st, group);
        }
      }
    });
    return loss;
  }

  protected abstract update(param: Tensor, grad: Tensor, state: Record<string, Tensor | number>, group: ParamGroup): void;

  stateDict(): OptimizerStateDict {
    const index = new Map<Tensor, number>();
    let next = 0;
    const paramGroups = this.paramGroups.map((g) => {
      const { params, ...opts } = g;
      const ids = params.map((p) => (index.has(p) ? (index.get(p) as number) : (index.set(p, next), next++)));
      return { ...(opts as Options), params: ids } as Record<string, number | boolean | number[]>;
    });
    const state: OptimizerStateDict['state'] = {};
    for (const [p, st] of this.state) {
      const i = index.get(p);
      if (i === undefined) continue;
      state[i] = Object.fromEntries(Object.entries(st).map(([k, v]) => [k, v instanceof Tensor ? v.clone() : v]));
    }
    return { state, paramGroups };
  }

  loadStateDict(sd: OptimizerStateDict): void {
    if (sd.paramGroups.length !== this.paramGroups.length)
      throw new TensorError('loaded state dict has a different number of parameter groups');
    const byIndex = new Map<number, Tensor>();
    sd.paramGroups.forEach((g, gi) => {
      const own = this.paramGroups[gi];
      const ids = g.params as number[];
      if (ids.length !== own.params.length)
        throw new TensorError("loaded state dict contains a parameter group that doesn't match the size of optimizer's group");
      ids.forEach((idx, k) => byIndex.set(idx, own.params[k]));
      for (const [k, v] of Object.entries(g)) if (k !== 'params') own[k] = v as number | boolean;
    });
    this.state = new Map();
    for (const [idx, st] of Object.entries(sd.state)) {
      const p = byIndex.get(Number(idx));
      if (p) this.state.set(p, Object.fromEntries(Object.entries(st).map(([k, v]) => [k, v instanceof Tensor ? v.clone() : v])));
    }
  }
}
