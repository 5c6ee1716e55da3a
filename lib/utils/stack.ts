import { Tensor } from '../tensor';
import { TensorError } from '../errors';
import { empty } from '../creation';

/** Stacks same-shaped tensors along a new dim 0 (what DataLoader's collate needs; no autograd). */
export function stack(items: Tensor[]): Tensor {
  if (items.length === 0) throw new TensorError('stack expects a non-empty TensorList');
  const shape = items[0]._shape;
  const out = empty([items.length, ...shape], { dtype: items[0].dtype });
  items.forEach((t, i) => out.select(0, i).copy_(t));
  return out;
}
