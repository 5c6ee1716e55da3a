import { Tensor } from '../tensor';
import { Module } from './module';
import * as F from './functional';

/** Loss modules: options as PyTorch's keyword arguments, forward(input, target). */
export class MSELoss extends Module {
  constructor(readonly opts: F.LossOptions = {}) { super(); }
  override forward(input: Tensor, target: Tensor): Tensor { return F.mseLoss(input, target, this.opts); }
}
export class L1Loss extends Module {
  constructor(readonly opts: F.LossOptions = {}) { super(); }
  override forward(input: Tensor, target: Tensor): Tensor { return F.l1Loss(input, target, this.opts); }
}
export class NLLLoss extends Module {
  constructor(readonly opts: F.NllOptions = {}) { super(); }
  override forward(input: Tensor, target: Tensor): Tensor { return F.nllLoss(input, target, this.opts); }
}
export class CrossEntropyLoss extends Module {
  constructor(readonly opts: F.CrossEntropyOptions = {}) { super(); }
  override forward(input: Tensor, target: Tensor): Tensor { return F.crossEntropy(input, target, this.opts); }
}
export class BCELoss extends Module {
  constructor(readonly opts: F.LossOptions & { weight?: Tensor | null } = {}) { super(); }
  override forward(input: Tensor, target: Tensor): Tensor { return F.binaryCrossEntropy(input, target, this.opts); }
}
export class BCEWithLogitsLoss extends Module {
  constructor(readonly opts: F.LossOptions & { weight?: Tensor | null; posWeight?: Tensor | null } = {}) { super(); }
  override forward(input: Tensor, target: Tensor): Tensor { return F.binaryCrossEntropyWithLogits(input, target, this.opts); }
}
