/**
 * F.bilinear: y = x1^T A x2 + b over the last dims, as two GEMMs (x1 against A laid out
 * as (in1, out*in2), then a batched product with x2); the derivative comes from theirs.
 */
import { TensorError } from '../errors';
import { Tensor } from '../tensor';
import { defineOp } from './registry';

export function bilinear(input1: Tensor, input2: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  if (input1.dim() !== input2.dim())
    throw new TensorError(`bilinear(): input dimensions do not match: got ${input1.dim()} and ${input2.dim()}`);
  const lead1 = input1._shape.slice(0, -1), lead2 = input2._shape.slice(0, -1);
  const bad = lead1.findIndex((d, i) => d !== lead2[i]);
  if (bad >= 0)
    throw new TensorError(`bilinear(): input batch dimensions do not match at dim ${bad}: got ${lead1[bad]} and ${lead2[bad]}`);
  if (weight.dim() !== 3) throw new TensorError(`bilinear(): weight must be 3-dimensional, got ${weight.dim()}`);
  const [out, in1, in2] = weight._shape;
  if (input1._shape[input1.dim() - 1] !== in1)
    throw new TensorError(`bilinear(): input1 size does not match weight size: got ${input1._shape[input1.dim() - 1]} but expected ${in1}`);
  if (input2._shape[input2.dim() - 1] !== in2)
    throw new TensorError(`bilinear(): input2 size does not match weight size: got ${input2._shape[input2.dim() - 1]} but expected ${in2}`);
  const x1 = input1.reshape(-1, in1), x2 = input2.reshape(-1, in2);
  const n = x1._shape[0];
  const partial = x1.mm(weight.permute(1, 0, 2).reshape(in1, out * in2)).view(n, out, in2);
  let y = partial.bmm(x2.unsqueeze(2)).squeeze(2);
  if (bias) y = y.add(bias);
  return y.reshape([...lead1, out]);
}

defineOp({ name: 'bilinear', kind: 'nn', fn: bilinear });
