import { Tensor } from '../tensor';

/**
 * nn.Parameter: a leaf tensor that requires grad (by default) and that Module discovers as
 * a parameter. It shares the given tensor's memory, as PyTorch's Parameter(data).
 */
export class Parameter extends Tensor {
  constructor(data: Tensor, requiresGrad = true) {
    super(data._storage, data._shape, data._strides, data._offset, data.dtype);
    if (requiresGrad) this.requiresGrad = true;
  }
  override toString(): string {
    return `Parameter containing:\n${super.toString()}`;
  }
}
