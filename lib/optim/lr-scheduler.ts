/**
 * torch.optim.lr_scheduler: StepLR and CosineAnnealingLR (closed forms, as PyTorch).
 * Arguments come positionally or as a trailing options object: `new StepLR(opt, 30, 0.1)`
 * ≡ `new StepLR(opt, { stepSize: 30, gamma: 0.1 })` ≡ `new StepLR(opt, 30, { gamma: 0.1 })`.
 */
import { Optimizer } from './optimizer';
import { parseTrailing } from '../args';
import type { PositionalThenOptions } from '../nn/layers/constructor-args';

abstract class LRScheduler {
  lastEpoch = 0;
  readonly baseLrs: number[];
  constructor(readonly optimizer: Optimizer) {
    this.baseLrs = optimizer.paramGroups.map((g) => g.lr as number);
  }
  protected abstract lrAt(base: number, epoch: number): number;
  step(): void {
    this.lastEpoch++;
    this.optimizer.paramGroups.forEach((g, i) => (g.lr = this.lrAt(this.baseLrs[i], this.lastEpoch)));
  }
  getLastLr(): number[] {
    return this.optimizer.paramGroups.map((g) => g.lr as number);
  }
}

export interface StepLROptions {
  stepSize?: number;
  gamma?: number;
}

export class StepLR extends LRScheduler {
  readonly stepSize: number;
  readonly gamma: number;
  constructor(optimizer: Optimizer, ...rest: [opts: StepLROptions & { stepSize: number }] | [stepSize: number, ...more: PositionalThenOptions<[gamma: number], StepLROptions>]) {
    super(optimizer);
    const o = parseTrailing(rest, ['stepSize', 'gamma']) as StepLROptions;
    if (o.stepSize === undefined) throw new TypeError("StepLR: missing required argument 'stepSize'");
    this.stepSize = o.stepSize;
    this.gamma = o.gamma ?? 0.1;
  }
  protected lrAt(base: number, epoch: number): number {
    return base * this.gamma ** Math.floor(epoch / this.stepSize);
  }
}

export interface CosineAnnealingLROptions {
  tMax?: number;
  etaMin?: number;
}

export class CosineAnnealingLR extends LRScheduler {
  readonly tMax: number;
  readonly etaMin: number;
  constructor(optimizer: Optimizer, ...rest: [opts: CosineAnnealingLROptions & { tMax: number }] | [tMax: number, ...more: PositionalThenOptions<[etaMin: number], CosineAnnealingLROptions>]) {
    super(optimizer);
    const o = parseTrailing(rest, ['tMax', 'etaMin']) as CosineAnnealingLROptions;
    if (o.tMax === undefined) throw new TypeError("CosineAnnealingLR: missing required argument 'tMax'");
    this.tMax = o.tMax;
    this.etaMin = o.etaMin ?? 0;
  }
  protected lrAt(base: number, epoch: number): number {
    return this.etaMin + ((base - this.etaMin) * (1 + Math.cos((Math.PI * epoch) / this.tMax))) / 2;
  }
}
