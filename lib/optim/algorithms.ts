/**
 * The update rules, each written as PyTorch 1.13's single-tensor implementation so that
 * parameters track PyTorch step for step (the same operations in the same order).
 */
import { Tensor } from '../tensor';
import { zerosLike } from '../creation';
import { Optimizer, ParamGroup, Options, GroupSpec, keepNoGradient } from './optimizer';
import { TensorError } from '../errors';
import { parseTrailing } from '../args';
import type { PositionalThenOptions } from '../nn/layers/constructor-args';

type State = Record<string, Tensor | number>;
type Params = Iterable<Tensor> | GroupSpec[];
const num = (g: ParamGroup, k: string) => g[k] as number;

function checkLr(lr: number): void {
  if (lr < 0) throw new TensorError(`Invalid learning rate: ${lr}`);
}

export interface SGDOptions {
  lr: number;
  momentum?: number;
  dampening?: number;
  weightDecay?: number;
  nesterov?: boolean;
  maximize?: boolean;
}

export class SGD extends Optimizer {
  constructor(params: Params, ...rest: [opts: SGDOptions] | [lr: number, ...more: PositionalThenOptions<[momentum: number, dampening: number, weightDecay: number, nesterov: boolean], Partial<SGDOptions>>]) {
    const opts = parseTrailing(rest, ['lr', 'momentum', 'dampening', 'weightDecay', 'nesterov']) as Partial<SGDOptions>;
    if (opts.lr === undefined) throw new TensorError("parameter group didn't specify a value of required optimization parameter lr");
    checkLr(opts.lr);
    const o: Options = { lr: opts.lr, momentum: opts.momentum ?? 0, dampening: opts.dampening ?? 0, weightDecay: opts.weightDecay ?? 0, nesterov: opts.nesterov ?? false, maximize: opts.maximize ?? false };
    if (o.nesterov && ((o.momentum as number) <= 0 || o.dampening !== 0))
      throw new TensorError('Nesterov momentum requires a momentum and zero dampening');
    super(params, o);
  }
  protected update(p: Tensor, grad: Tensor, st: State, g: ParamGroup): void {
    let d = g.maximize ? grad.neg() : grad;
    if (num(g, 'weightDecay') !== 0) d = d.add(p, { alpha: num(g, 'weightDecay') });
    const momentum = num(g, 'momentum');
    if (momentum !== 0) {
      let buf = st.momentumBuffer as Tensor | undefined;
      if (!buf) st.momentumBuffer = buf = d.clone().detach();
      else buf.mul_(momentum).add_(d, { alpha: 1 - num(g, 'dampening') });
      d = g.nesterov ? d.add(buf, { alpha: momentum }) : buf;
    }
    p.add_(d, { alpha: -num(g, 'lr') });
  }
}

export interface AdamOptions {
  lr?: number;
  betas?: [number, number];
  eps?: number;
  weightDecay?: number;
  amsgrad?: boolean;
  maximize?: boolean;
}

function adamStep(p: Tensor, grad: Tensor, st: State, g: ParamGroup, decoupled: boolean): void {
  const lr = num(g, 'lr'), beta1 = num(g, 'beta1'), beta2 = num(g, 'beta2'), eps = num(g, 'eps'), wd = num(g, 'weightDecay');
  let gr = g.maximize ? grad.neg() : grad;
  if (st.step === undefined) {
    st.step = 0;
    st.expAvg = zerosLike(p);
    st.expAvgSq = zerosLike(p);
    if (g.amsgrad) st.maxExpAvgSq = zerosLike(p);
  }
  st.step = (st.step as number) + 1;
  if (decoupled) p.mul_(1 - lr * wd);
  else if (wd !== 0) gr = gr.add(p, { alpha: wd });
  const expAvg = st.expAvg as Tensor, expAvgSq = st.expAvgSq as Tensor;
  expAvg.mul_(beta1).add_(gr, { alpha: 1 - beta1 });
  expAvgSq.mul_(beta2).add_(gr.mul(gr), { alpha: 1 - beta2 });
  const step = st.step as number;
  const bc1 = 1 - beta1 ** step, bc2 = 1 - beta2 ** step;
  const stepSize = lr / bc1;
  let second = expAvgSq;
  if (g.amsgrad) {
    const maxSq = st.maxExpAvgSq as Tensor;
    maxSq.copy_(maxSq.maximum(expAvgSq));
    second = maxSq;
  }
  const denom = second.sqrt().div(Math.sqrt(bc2)).add_(eps);
  p.add_(expAvg.div(denom), { alpha: -stepSize });
}

// PyTorch's positional order after params (maximize is keyword-only there).
const adamNames = ['lr', 'betas', 'eps', 'weightDecay', 'amsgrad'];
type AdamArgs = PositionalThenOptions<[lr: number, betas: [number, number], eps: number, weightDecay: number, amsgrad: boolean], AdamOptions>;

export interface RMSpropOptions {
  lr?: number;
  alpha?: number;
  eps?: number;
  weightDecay?: number;
  momentum?: number;
  centered?: boolean;
}

export interface AdagradOptions {
  lr?: number;
  lrDecay?: number;
  weightDecay?: number;
  initialAccumulatorValue?: number;
  eps?: number;
}

function adamOptions(opts: AdamOptions, defaultWd: number): Options {
  const [beta1, beta2] = opts.betas ?? [0.9, 0.999];
  const lr = opts.lr ?? 1e-3;
  checkLr(lr);
  if (beta1 < 0 || beta1 >= 1) throw new TensorError(`Invalid beta parameter at index 0: ${beta1}`);
  if (beta2 < 0 || beta2 >= 1) throw new TensorError(`Invalid beta parameter at index 1: ${beta2}`);
  return { lr, beta1, beta2, eps: opts.eps ?? 1e-8, weightDecay: opts.weightDecay ?? defaultWd, amsgrad: opts.amsgrad ?? false, maximize: opts.maximize ?? false };
}

export class Adam extends Optimizer {
  constructor(params: Params, ...rest: AdamArgs) {
    super(params, adamOptions(parseTrailing(rest, adamNames) as AdamOptions, 0));
  }
  protected update(p: Tensor, grad: Tensor, st: State, g: ParamGroup): void {
    adamStep(p, grad, st, g, false);
  }
}

export class AdamW extends Optimizer {
  constructor(params: Params, ...rest: AdamArgs) {
    super(params, adamOptions(parseTrailing(rest, adamNames) as AdamOptions, 1e-2));
  }
  protected update(p: Tensor, grad: Tensor, st: State, g: ParamGroup): void {
    adamStep(p, grad, st, g, true);
  }
}

export class RMSprop extends Optimizer {
  constructor(params: Params, ...rest: PositionalThenOptions<[lr: number, alpha: number, eps: number, weightDecay: number, momentum: number, centered: boolean], RMSpropOptions>) {
    const opts = parseTrailing(rest, ['lr', 'alpha', 'eps', 'weightDecay', 'momentum', 'centered']) as RMSpropOptions;
    const lr = opts.lr ?? 1e-2;
    checkLr(lr);
    super(params, { lr, alpha: opts.alpha ?? 0.99, eps: opts.eps ?? 1e-8, weightDecay: opts.weightDecay ?? 0, momentum: opts.momentum ?? 0, centered: opts.centered ?? false });
  }
  protected update(p: Tensor, grad: Tensor, st: State, g: ParamGroup): void {
    const alpha = num(g, 'alpha'), eps = num(g, 'eps'), momentum = num(g, 'momentum');
    let gr = grad;
    if (num(g, 'weightDecay') !== 0) gr = gr.add(p, { alpha: num(g, 'weightDecay') });
    if (st.step === undefined) {
      st.step = 0;
      st.squareAvg = zerosLike(p);
      if (momentum > 0) st.momentumBuffer = zerosLike(p);
      if (g.centered) st.gradAvg = zerosLike(p);
    }
    st.step = (st.step as number) + 1;
    const sq = st.squareAvg as Tensor;
    sq.mul_(alpha).add_(gr.mul(gr), { alpha: 1 - alpha });
    let avg: Tensor;
    if (g.centered) {
      const ga = st.gradAvg as Tensor;
      ga.mul_(alpha).add_(gr, { alpha: 1 - alpha });
      avg = sq.sub(ga.mul(ga)).sqrt().add_(eps);
    } else avg = sq.sqrt().add_(eps);
    if (momentum > 0) {
      const buf = st.momentumBuffer as Tensor;
      buf.mul_(momentum).add_(gr.div(avg));
      p.add_(buf, { alpha: -num(g, 'lr') });
    } else p.add_(gr.div(avg), { alpha: -num(g, 'lr') });
  }
}

export class Adagrad extends Optimizer {
  constructor(params: Params, ...rest: PositionalThenOptions<[lr: number, lrDecay: number, weightDecay: number, initialAccumulatorValue: number, eps: number], AdagradOptions>) {
    const opts = parseTrailing(rest, ['lr', 'lrDecay', 'weightDecay', 'initialAccumulatorValue', 'eps']) as AdagradOptions;
    const lr = opts.lr ?? 1e-2;
    checkLr(lr);
    super(params, { lr, lrDecay: opts.lrDecay ?? 0, weightDecay: opts.weightDecay ?? 0, initialAccumulatorValue: opts.initialAccumulatorValue ?? 0, eps: opts.eps ?? 1e-10 });
  }
  protected update(p: Tensor, grad: Tensor, st: State, g: ParamGroup): void {
    if (st.step === undefined) {
      st.step = 0;
      st.sum = zerosLike(p).fill_(num(g, 'initialAccumulatorValue'));
    }
    st.step = (st.step as number) + 1;
    let gr = grad;
    if (num(g, 'weightDecay') !== 0) gr = gr.add(p, { alpha: num(g, 'weightDecay') });
    const clr = num(g, 'lr') / (1 + ((st.step as number) - 1) * num(g, 'lrDecay'));
    const sum = st.sum as Tensor;
    sum.add_(gr.mul(gr));
    const std = sum.sqrt().add_(num(g, 'eps'));
    p.add_(gr.div(std), { alpha: -clr });
  }
}

keepNoGradient(SGD, Adam, AdamW, RMSprop, Adagrad);
