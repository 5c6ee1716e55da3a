/** torch.optim.lr_scheduler: StepLR and CosineAnnealingLR (closed forms, as PyTorch). */
import { Optimizer } from './optimizer';

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

export class StepLR extends LRScheduler {
  constructor(optimizer: Optimizer, readonly stepSize: number, readonly gamma = 0.1) {
    super(optimizer);
  }
  protected lrAt(base: number, epoch: number): number {
    return base * this.gamma ** Math.floor(epoch / this.stepSize);
  }
}

export class CosineAnnealingLR extends LRScheduler {
  constructor(optimizer: Optimizer, readonly tMax: number, readonly etaMin = 0) {
    super(optimizer);
  }
  protected lrAt(base: number, epoch: number): number {
    return this.etaMin + ((base - this.etaMin) * (1 + Math.cos((Math.PI * epoch) / this.tMax))) / 2;
  }
}
