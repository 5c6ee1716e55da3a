/**
 * The backward engine: runs the graph from the roots in dependency order (a node runs once
 * every consumer's gradient has arrived; among ready nodes the most recently created goes
 * first, as PyTorch's sequence numbers order them), sums gradients per node input,
 * accumulates into leaves' `.grad` (or captures them for autograd.grad), and frees saved
 * tensors unless retainGraph.
 */
import { TensorError } from '../errors';
import type { Tensor } from '../tensor';
import { modeState, enableGrad, noGrad } from './grad-mode';
import { AccumulateGrad, Edge, Node, edgeOf, qualifiedName } from './node';
import { accumulate, onesLikeGrad } from './grad-utils';
import { installAutograd } from '../tensor';
import { profilerState } from './profiler-state';

export interface BackwardOptions {
  retainGraph?: boolean;
  createGraph?: boolean;
  inputs?: Tensor | Tensor[];
}

interface RunOptions {
  retainGraph: boolean;
  createGraph: boolean;
  /** autograd.grad: capture gradients at these edges instead of accumulating into leaves. */
  capture?: Map<Node, Map<number, number>>;
  captured?: (Tensor | null)[];
  /** backward(inputs=...): accumulate only into these leaves' nodes. */
  onlyLeaves?: Set<Node>;
  /** Sums the engine made itself (nobody else holds them): a leaf may take one as its .grad. */
  owned?: Set<Tensor>;
}

function rootGrads(outputs: Tensor[], grads: (Tensor | null | undefined)[] | undefined): Tensor[] {
  return outputs.map((out, i) => {
    if (!out._requiresGrad)
      throw new TensorError(`element ${i} of tensors does not require grad and does not have a grad_fn`);
    const g = grads?.[i];
    if (g !== null && g !== undefined) {
      if (g._shape.length !== out._shape.length || g._shape.some((d, k) => d !== out._shape[k]))
        throw new TensorError(
          `Mismatch in shape: grad_output[${i}] has a shape of torch.Size([${g._shape.join(', ')}]) and output[${i}] has a shape of torch.Size([${out._shape.join(', ')}]).`,
        );
      return g;
    }
    if (out.numel() !== 1) throw new TensorError('grad can be implicitly created only for scalar outputs');
    return onesLikeGrad(out);
  });
}

/** Counts, for each node reachable from the roots, how many gradients it will receive. */
function dependencies(roots: Edge[]): Map<Node, number> {
  const deps = new Map<Node, number>();
  const seen = new Set<Node>();
  const stack = roots.map((e) => e.node);
  for (const n of stack) seen.add(n);
  while (stack.length) {
    const node = stack.pop() as Node;
    for (const e of node.edges) {
      if (!e) continue;
      deps.set(e.node, (deps.get(e.node) ?? 0) + 1);
      if (!seen.has(e.node)) {
        seen.add(e.node);
        stack.push(e.node);
      }
    }
  }
  return deps;
}

function runHooks(node: Node, grads: (Tensor | null)[]): void {
  if (!node.preHooks) return;
  for (const [k, hooks] of node.preHooks) {
    for (const hook of hooks) {
      const g = grads[k];
      if (!g) continue;
      const replaced = hook(g);
      if (replaced) grads[k] = replaced;
    }
  }
}

function execute(rootEdges: Edge[], rootGradients: Tensor[], opts: RunOptions): void {
  const deps = dependencies(rootEdges);
  const pending = new Map<Node, (Tensor | null)[]>();
  const owned = new Set<Tensor>();
  opts = { ...opts, owned };
  const addGrad = (edge: Edge, g: Tensor) => {
    let buf = pending.get(edge.node);
    if (!buf) pending.set(edge.node, (buf = new Array(edge.node.numOutputs).fill(null)));
    const prev = buf[edge.inputNr];
    buf[edge.inputNr] = accumulate(prev, g);
    if (prev !== null && !opts.createGraph) owned.add(buf[edge.inputNr] as Tensor);
  };
  rootEdges.forEach((e, i) => addGrad(e, rootGradients[i]));
  const ready: Node[] = [];
  for (const e of rootEdges) if (!deps.get(e.node) && !ready.includes(e.node)) ready.push(e.node);

  while (ready.length) {
    // Highest sequence number first (the most recently created op), as PyTorch's ready queue.
    let best = 0;
    for (let i = 1; i < ready.length; i++) if (ready[i].sequenceNr > ready[best].sequenceNr) best = i;
    const node = ready.splice(best, 1)[0];
    const grads = pending.get(node) ?? [];
    pending.delete(node);
    runHooks(node, grads);

    const captureAt = opts.capture?.get(node);
    if (captureAt && opts.captured) for (const [k, slot] of captureAt) opts.captured[slot] = accumulate(opts.captured[slot], grads[k]);

    const inputGrads = profilerState.active ? profileNode(node, grads, opts) : runNode(node, grads, opts);

    node.edges.forEach((edge, i) => {
      if (!edge) return;
      const g = inputGrads[i];
      if (g) addGrad(edge, g);
      const left = (deps.get(edge.node) ?? 1) - 1;
      deps.set(edge.node, left);
      if (left === 0) ready.push(edge.node);
    });
  }
}

/** Runs one node: its derivative, or the accumulation into its leaf. */
function runNode(node: Node, grads: (Tensor | null)[], opts: RunOptions): (Tensor | null)[] {
  let inputGrads: (Tensor | null)[] = [];
  if (node instanceof AccumulateGrad) {
    const g = grads[0];
    // A sum only the engine holds may become .grad as it is (PyTorch steals such buffers too).
    const stealable = g !== null && node.preHooks === null && opts.owned !== undefined && opts.owned.has(g);
    if (!opts.capture && (!opts.onlyLeaves || opts.onlyLeaves.has(node)) && g) accumulateIntoLeaf(node.variable, g, opts.createGraph, stealable);
  } else if (grads.some((g) => g !== null)) {
    inputGrads = node.apply(grads);
    if (!opts.retainGraph) node.release();
  } else if (!opts.retainGraph) node.release();
  return inputGrads;
}

/** runNode inside the two ranges PyTorch's profiler shows for a node (its name within the engine's). */
function profileNode(node: Node, grads: (Tensor | null)[], opts: RunOptions): (Tensor | null)[] {
  const sink = profilerState.sink;
  if (sink === null) return runNode(node, grads, opts);
  const name = qualifiedName(node);
  sink.begin(`autograd::engine::evaluate_function: ${name}`, null);
  sink.begin(name, grads);
  try {
    return runNode(node, grads, opts);
  } finally {
    sink.end();
    sink.end();
  }
}

function accumulateIntoLeaf(leaf: Tensor, grad: Tensor, createGraph: boolean, stealable = false): void {
  const g = createGraph ? grad : grad.detach();
  if (leaf.grad === null) {
    // A fresh buffer (never an alias of a tensor the user still holds), as PyTorch's AccumulateGrad.
    leaf.grad = createGraph || stealable ? g : g.clone();
  } else if (createGraph) {
    leaf.grad = leaf.grad.add(g);
  } else {
    noGrad(() => leaf.grad!.add_(g));
  }
}

function asList<T>(x: T | T[] | undefined | null): T[] {
  if (x === undefined || x === null) return [];
  return Array.isArray(x) ? x : [x];
}

/** torch.autograd.backward / tensor.backward. */
export function backward(
  tensors: Tensor | Tensor[],
  gradTensors?: Tensor | null | (Tensor | null)[],
  opts: BackwardOptions = {},
): void {
  const outputs = asList(tensors);
  const grads = rootGrads(outputs, asList(gradTensors as Tensor | Tensor[]));
  const createGraph = opts.createGraph ?? false;
  const retainGraph = opts.retainGraph ?? createGraph;
  const edges = outputs.map((o) => edgeOf(o) as Edge);
  let onlyLeaves: Set<Node> | undefined;
  if (opts.inputs !== undefined) {
    onlyLeaves = new Set();
    for (const t of asList(opts.inputs)) {
      const e = edgeOf(t);
      if (!e) throw new TensorError('One of the differentiated Tensors does not require grad');
      onlyLeaves.add(e.node);
    }
  }
  const run = () => execute(edges, grads, { retainGraph, createGraph, onlyLeaves });
  if (createGraph) enableGrad(run);
  else noGrad(run);
}

export interface GradOptions {
  retainGraph?: boolean;
  createGraph?: boolean;
  allowUnused?: boolean;
}

/** torch.autograd.grad: gradients of outputs with respect to inputs, returned as an array. */
export function grad(
  outputs: Tensor | Tensor[],
  inputs: Tensor | Tensor[],
  gradOutputs?: Tensor | null | (Tensor | null)[],
  opts: GradOptions = {},
): (Tensor | null)[] {
  const outs = asList(outputs);
  const ins = asList(inputs);
  const grads = rootGrads(outs, asList(gradOutputs as Tensor | Tensor[]));
  const createGraph = opts.createGraph ?? false;
  const retainGraph = opts.retainGraph ?? createGraph;
  const capture = new Map<Node, Map<number, number>>();
  ins.forEach((t, slot) => {
    const e = edgeOf(t);
    if (!e) throw new TensorError('One of the differentiated Tensors does not require grad');
    if (!capture.has(e.node)) capture.set(e.node, new Map());
    (capture.get(e.node) as Map<number, number>).set(e.inputNr, slot);
  });
  const captured: (Tensor | null)[] = new Array(ins.length).fill(null);
  const edges = outs.map((o) => edgeOf(o) as Edge);
  const run = () => execute(edges, grads, { retainGraph, createGraph, capture, captured });
  if (createGraph) enableGrad(run);
  else noGrad(run);
  captured.forEach((g, i) => {
    if (g === null && !opts.allowUnused)
      throw new TensorError(
        `One of the differentiated Tensors appears to not have been used in the graph. Set allow_unused=True if this is the desired behavior.`,
      );
    void i;
  });
  return captured.map((g) => (g && !createGraph ? g.detach() : g));
}

export { modeState };

installAutograd(
  (t, gradient, opts) => backward(t, gradient, opts),
  (t) => (t._gradAccumulator ??= new AccumulateGrad(t)),
);
