/**
 * In-place ops on tensors in the graph (API.md §4), as PyTorch rebases them.
 *
 * On a tensor that is not a view, the op runs on a stand-in for the old value (same
 * gradFn), so its node's first edge is the old node; the tensor then takes the new node.
 *
 * On a view, the write changes its base too, so the base's gradFn becomes CopySlices:
 * its backward takes the base's gradient, hands the view's region of it to the in-place
 * op's derivative, writes that derivative's result for the old view value back into the
 * region, and passes the derivative's other results on to the op's other inputs. The view's
 * own gradFn is regenerated as AsStridedBackward0 over the base's new node.
 */
import { TensorError } from '../errors';
import { Tensor, rawCopy, isDenseNonOverlapping, setInplaceWithGrad } from '../tensor';
import { Edge, GradFn, Node, edgeOf, record, needsGrad, setViewRegenerator } from './node';
import { noGrad } from './grad-mode';

/** A stand-in for `self`'s current value: a copy that sits where `self` sits in the graph. */
function standIn(self: Tensor, requiresGrad: boolean): Tensor {
  const old = noGrad(() => self.clone());
  old.gradFn = self.gradFn;
  old._outputNr = self._outputNr;
  old._requiresGrad = requiresGrad;
  return old;
}

/**
 * Runs `compute` (the out-of-place op with autograd, given the old value) and writes its
 * result into `self`, linking the graph as PyTorch does.
 */
export function inplaceWithGrad(self: Tensor, compute: (old: Tensor) => Tensor): Tensor {
  if (self._base !== null) return inplaceOnView(self, self._base, compute);
  const result = compute(standIn(self, self._requiresGrad));
  noGrad(() => rawCopy(self, result));
  self.gradFn = result.gradFn;
  self._outputNr = result._outputNr;
  self._requiresGrad = true;
  return self;
}

/** Where a view sits in its base: sizes, strides, offset from the base's first element. */
interface Geometry {
  size: number[];
  stride: number[];
  offset: number;
  baseShape: number[];
  baseStrides: number[];
}

/**
 * A view of `root` (laid out as the base) with the geometry of the written view; recorded as
 * AsStridedBackward0 when root needs grad, so create_graph backward stays differentiable.
 */
function regionOf(root: Tensor, geo: Geometry): Tensor {
  const v = root._view(geo.size, geo.stride, root._offset + geo.offset);
  v._base = root._base ?? root;
  if (needsGrad([root])) record('AsStridedBackward0', [root], [v], () => ([g]) => [g ? scatterBack(g, geo) : null]);
  v._viewOf = v._base.gradFn;
  return v;
}

/** A base-shaped gradient: zeros, with `g` in the view's region (as_strided's backward). */
function scatterBack(g: Tensor, geo: Geometry): Tensor {
  const z = noGrad(() => Tensor.emptyStrided(geo.baseShape, geo.baseStrides, g.dtype).fill_(0));
  regionOf(z, geo).copy_(g);
  return z;
}

/** The node a written-to base gets (PyTorch's torch::autograd::CopySlices). */
class CopySlices extends Node {
  constructor(baseEdge: Edge | null, private readonly fn: Node, geo: Geometry) {
    super('CopySlices', [baseEdge, ...fn.edges.slice(1)], null, 1);
    const backward: GradFn = ([g]) => {
      if (!g) return this.edges.map(() => null);
      const result = Tensor.emptyStrided(geo.baseShape, geo.baseStrides, g.dtype);
      result.copy_(g);
      const slice = regionOf(result, geo);
      // A copy: the derivative may return its input, which the write below would change.
      const grads = this.fn.apply([slice.clone()]);
      const forOld = grads[0] ?? noGrad(() => Tensor.empty(geo.size, g.dtype).fill_(0));
      slice.copy_(forOld);
      return [result, ...grads.slice(1)];
    };
    (this as unknown as { backwardFn: GradFn }).backwardFn = backward;
  }
  override release(): void {
    super.release();
    this.fn.release();
  }
}

function inplaceOnView(self: Tensor, base: Tensor, compute: (old: Tensor) => Tensor): Tensor {
  if (!isDenseNonOverlapping(base._shape, base._strides))
    throw new TensorError('in-place operations through views of a tensor that is not dense are not supported by autograd: clone() it first');
  const geo = geometryOf(self, base);
  const baseEdge = edgeOf(base);
  // The old view value needs a gradient only for the base's sake (CopySlices writes it back).
  const result = compute(standIn(self, base._requiresGrad || self._requiresGrad));
  const fn = result.gradFn;
  noGrad(() => rawCopy(self, result));
  if (fn === null) return self;
  const copySlices = new CopySlices(baseEdge, fn, geo);
  base.gradFn = copySlices;
  base._outputNr = 0;
  base._requiresGrad = true;
  self.gradFn = new Node('AsStridedBackward0', [{ node: copySlices, inputNr: 0 }], ([g]) => [g ? scatterBack(g, geo) : null]);
  self._outputNr = 0;
  self._requiresGrad = true;
  self._viewOf = copySlices;
  return self;
}

function geometryOf(view: Tensor, base: Tensor): Geometry {
  return {
    size: [...view._shape], stride: [...view._strides], offset: view._offset - base._offset,
    baseShape: [...base._shape], baseStrides: [...base._strides],
  };
}

/**
 * A view whose base was written in place after the view's gradFn was set: its gradient now
 * flows through the base's new node, as AsStridedBackward0 (PyTorch regenerates it so).
 */
function regenerate(view: Tensor): void {
  const base = view._base as Tensor;
  view._viewOf = base.gradFn;
  if (base.gradFn === null || !isDenseNonOverlapping(base._shape, base._strides)) return;
  const geo = geometryOf(view, base);
  view.gradFn = new Node('AsStridedBackward0', [edgeOf(base)], ([g]) => [g ? scatterBack(g, geo) : null]);
  view._outputNr = 0;
  view._requiresGrad = true;
}
setViewRegenerator(regenerate);

setInplaceWithGrad(inplaceWithGrad);

declare module '../tensor' {
  interface Tensor {
    /** A view made with grad off of a base that required grad (PyTorch's CreationMeta::NO_GRAD_MODE). */
    _viewMadeInNoGrad?: boolean;
  }
}
