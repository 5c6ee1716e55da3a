/**
 * PyTorch's gradient layout contract (torch/csrc/autograd/utils/grad_layout_contract.h):
 * a leaf's .grad gets the strides of the leaf itself when the leaf is dense, so the
 * optimiser's `p.add_(grad)` walks both in the same order. A gradient computed in another
 * layout (a transposed weight gradient, say) is copied into the leaf's layout once, when
 * .grad is first set.
 */
import { Tensor, isDenseNonOverlapping } from '../tensor';
import { contiguousFormat, isContiguousAs } from '../memory-format';
import { unprofiledMethods } from '../ops/registry';

/** utils::obeys_layout_contract: grad's strides equal the leaf's wherever the size is above 1. */
export function obeysLayoutContract(grad: Tensor, leaf: Tensor): boolean {
  if (!isDenseNonOverlapping(leaf._shape, leaf._strides)) return isContiguousAs(grad._shape, grad._strides, contiguousFormat);
  for (let d = 0; d < leaf._shape.length; d++) if (leaf._shape[d] > 1 && grad._strides[d] !== leaf._strides[d]) return false;
  return true;
}

/** utils::clone_obey_contract: a copy of grad in the leaf's layout (row-major for a non-dense leaf). */
export function cloneObeyingContract(grad: Tensor, leaf: Tensor): Tensor {
  // Part of AccumulateGrad's own time in a profile (PyTorch steals the buffer where it can
  // and shows no copy), hence the unprofiled copy_.
  if (isDenseNonOverlapping(leaf._shape, leaf._strides))
    return unprofiledMethods.copy_.call(Tensor.emptyStrided(leaf._shape.slice(), leaf._strides.slice(), grad.dtype), grad) as Tensor;
  return grad.clone({ memoryFormat: contiguousFormat });
}
