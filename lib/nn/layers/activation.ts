import { Tensor } from '../../tensor';
import { Module } from '../module';
import * as F from '../functional';

/** Activation modules: thin wrappers over nn.functional with PyTorch's names and options. */
export class ReLU extends Module {
  constructor(readonly inplace = false) { super(); }
  override forward(x: Tensor): Tensor { return F.relu(x, { inplace: this.inplace }); }
}
export class LeakyReLU extends Module {
  constructor(readonly negativeSlope = 0.01) { super(); }
  override forward(x: Tensor): Tensor { return F.leakyRelu(x, this.negativeSlope); }
}
export class GELU extends Module {
  constructor(readonly approximate: 'none' | 'tanh' = 'none') { super(); }
  override forward(x: Tensor): Tensor { return F.gelu(x, { approximate: this.approximate }); }
}
export class SiLU extends Module {
  override forward(x: Tensor): Tensor { return F.silu(x); }
}
export class Tanh extends Module {
  override forward(x: Tensor): Tensor { return F.tanh(x); }
}
export class Sigmoid extends Module {
  override forward(x: Tensor): Tensor { return F.sigmoid(x); }
}
export class Softplus extends Module {
  constructor(readonly beta = 1, readonly threshold = 20) { super(); }
  override forward(x: Tensor): Tensor { return F.softplus(x, { beta: this.beta, threshold: this.threshold }); }
}
export class Softmax extends Module {
  constructor(readonly dim: number | null = null) { super(); }
  override forward(x: Tensor): Tensor { return F.softmax(x, this.dim); }
}
export class LogSoftmax extends Module {
  constructor(readonly dim: number | null = null) { super(); }
  override forward(x: Tensor): Tensor { return F.logSoftmax(x, this.dim); }
}
