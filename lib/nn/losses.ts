import { Tensor } from '../tensor';
import { Module } from './module';
import * as F from './functional';

/**
 * Loss modules: options as PyTorch's keyword arguments (the weighted ones also take
 * `weight` positionally, first, as PyTorch), forward(input, target).
 */
export class MSELoss extends Module {
  constructor(readonly opts: F.LossOptions = {}) { super(); }
  override forward(input: Tensor, target: Tensor): Tensor { return F.mseLoss(input, target, this.opts); }
}
export class L1Loss extends Module {
  constructor(readonly opts: F.LossOptions = {}) { super(); }
  override forward(input: Tensor, target: Tensor): Tensor { return F.l1Loss(input, target, this.opts); }
}
export class NLLLoss extends Module {
  readonly opts: F.NllOptions;
  constructor(...args: F.WeightedLossArgs<F.NllOptions>) { super(); this.opts = F.nllLossOptions(args); }
  override forward(input: Tensor, target: Tensor): Tensor { return F.nllLoss(input, target, this.opts); }
}
export class CrossEntropyLoss extends Module {
  readonly opts: F.CrossEntropyOptions;
  constructor(...args: F.WeightedLossArgs<F.CrossEntropyOptions>) { super(); this.opts = F.nllLossOptions(args); }
  override forward(input: Tensor, target: Tensor): Tensor { return F.crossEntropy(input, target, this.opts); }
}
export class BCELoss extends Module {
  readonly opts: F.BCEOptions;
  constructor(...args: F.WeightedLossArgs<F.BCEOptions>) { super(); this.opts = F.bceLossOptions<F.BCEOptions>(args); }
  override forward(input: Tensor, target: Tensor): Tensor { return F.binaryCrossEntropy(input, target, this.opts); }
}
export class BCEWithLogitsLoss extends Module {
  readonly opts: F.BCEWithLogitsOptions;
  constructor(...args: F.WeightedLossArgs<F.BCEWithLogitsOptions>) { super(); this.opts = F.bceLossOptions<F.BCEWithLogitsOptions>(args); }
  override forward(input: Tensor, target: Tensor): Tensor { return F.binaryCrossEntropyWithLogits(input, target, this.opts); }
}
