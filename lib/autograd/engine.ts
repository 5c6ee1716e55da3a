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
import { Storage } from '../storage';
import { cloneObeyingContract, obeysLayoutContract } from './grad-layout';
import { unprofiledMethods } from '../ops/registry';

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

/**
 * Engine bookkeeping lives on the nodes themselves, stamped with the run's task number
 * (Maps keyed by node cost more than the arithmetic of a small graph). A backward started
 * from a hook runs as its own task; it may not walk nodes the outer run is still using.
 */
let lastTask = 0;
const activeTasks: number[] = [];

/** Stamps every node reachable from the roots and counts the gradients each will receive. */
function dependencies(roots: Edge[], task: number, visited: Node[]): void {
  const stack: Node[] = [];
  const visit = (n: Node) => {
    if (n._task === task) return;
    if (n._task !== 0 && activeTasks.includes(n._task))
      throw new TensorError('a backward started inside another backward may not run through the nodes the outer one is running');
    n._task = task;
    n._deps = 0;
    n._pending = null;
    visited.push(n);
    stack.push(n);
  };
  for (const e of roots) visit(e.node);
  while (stack.length) {
    const node = stack.pop() as Node;
    const edges = node.edges;
    for (let i = 0; i < edges.length; i++) {
      const e = edges[i];
      if (!e) continue;
      visit(e.node);
      e.node._deps++;
    }
  }
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

/** Adds a gradient for input `inputNr` of `node`; a sum the engine made joins `owned`. */
function addGrad(node: Node, inputNr: number, g: Tensor, owned: Set<Tensor> | null): void {
  let buf = node._pending;
  if (buf === null) node._pending = buf = node.numOutputs === 1 ? [null] : new Array<Tensor | null>(node.numOutputs).fill(null);
  const prev = buf[inputNr];
  const sum = accumulate(prev, g);
  buf[inputNr] = sum;
  if (prev !== null && owned !== null && sum !== null) owned.add(sum);
}

function execute(rootEdges: Edge[], rootGradients: Tensor[], opts: RunOptions): void {
  const task = ++lastTask;
  const visited: Node[] = [];
  activeTasks.push(task);
  try {
    dependencies(rootEdges, task, visited);
    runTask(rootEdges, rootGradients, opts);
  } finally {
    activeTasks.pop();
    for (const n of visited) {
      n._task = 0;
      n._pending = null;
    }
  }
}

function runTask(rootEdges: Edge[], rootGradients: Tensor[], opts: RunOptions): void {
  // Sums only the engine holds (a leaf may take one as its .grad); none under createGraph.
  const owned = opts.createGraph ? null : new Set<Tensor>();
  for (let i = 0; i < rootEdges.length; i++) addGrad(rootEdges[i].node, rootEdges[i].inputNr, rootGradients[i], owned);
  const ready: Node[] = [];
  for (const e of rootEdges) if (e.node._deps === 0 && !ready.includes(e.node)) ready.push(e.node);

  while (ready.length) {
    // Highest sequence number first (the most recently created op), as PyTorch's ready queue.
    let best = 0;
    for (let i = 1; i < ready.length; i++) if (ready[i].sequenceNr > ready[best].sequenceNr) best = i;
    const node = ready[best];
    ready[best] = ready[ready.length - 1];
    ready.pop();
    const grads = node._pending ?? [];
    node._pending = null;
    if (node.preHooks !== null) {
      // A hook may keep what it is given (retainGrad does): no longer the engine's alone.
      if (owned !== null) for (const g of grads) if (g) owned.delete(g);
      runHooks(node, grads);
    }

    const captureAt = opts.capture?.get(node);
    if (captureAt && opts.captured)
      for (const [k, slot] of captureAt) {
        if (owned !== null && grads[k]) owned.delete(grads[k] as Tensor); // the caller gets it
        opts.captured[slot] = accumulate(opts.captured[slot], grads[k]);
      }

    const made = Storage.nextSerial;
    const handedOver = owned === null ? null : ownedStorages(grads, owned);
    const inputGrads = profilerState.active ? profileNode(node, grads, opts, owned) : runNode(node, grads, opts, owned);
    if (owned !== null) claimFresh(grads, inputGrads, made, handedOver, owned);
    if (handedOver !== null && handedOver.length > 0 && !(node instanceof AccumulateGrad)) releaseConsumed(handedOver, inputGrads);

    const edges = node.edges;
    for (let i = 0; i < edges.length; i++) {
      const edge = edges[i];
      if (!edge) continue;
      const g = inputGrads[i];
      if (g) addGrad(edge.node, edge.inputNr, g, owned);
      if (--edge.node._deps === 0) ready.push(edge.node);
    }
  }
}

/** Storages of the gradients a node receives that only the engine holds. */
function ownedStorages(grads: (Tensor | null)[], owned: Set<Tensor>): Storage[] {
  const out: Storage[] = [];
  for (const g of grads) if (g && owned.has(g)) out.push(g._storage);
  return out;
}

/**
 * Which of a derivative's results only the engine holds, so that a leaf may take one as
 * its .grad without a copy (PyTorch steals such buffers too, knowing it from the reference
 * count): results in storage the call made itself (created after `made`), or in storage
 * of a gradient it was given that only the engine held (TBackward's transposed view) -
 * either way not shared with another of its results (AddBackward returns its gradient
 * twice). A saved tensor, or a gradient someone else holds, never qualifies.
 */
function claimFresh(
  given: (Tensor | null)[], results: (Tensor | null)[], made: number, handedOver: Storage[] | null, owned: Set<Tensor>,
): void {
  for (const g of given) if (g) owned.delete(g);
  for (let i = 0; i < results.length; i++) {
    const g = results[i];
    if (g === null || g === undefined) continue;
    if (g._storage.serial < made && !(handedOver !== null && handedOver.includes(g._storage))) continue;
    let shared = false;
    for (let j = 0; j < results.length && !shared; j++) shared = j !== i && results[j] != null && results[j]!._storage === g._storage;
    if (!shared) owned.add(g);
  }
}

/**
 * Gives back at once the memory of gradients only the engine held and that the node has
 * consumed (not passed on in one of its results), as PyTorch frees them when their
 * reference count drops: the next derivative's output reuses the block while it is still
 * in cache, instead of new memory until V8 collects the old.
 */
function releaseConsumed(storages: Storage[], results: (Tensor | null)[]): void {
  for (const s of storages) {
    let passedOn = false;
    for (const r of results) if (r && r._storage === s) passedOn = true;
    if (!passedOn) s.recycle();
  }
}

/** Runs one node: its derivative, or the accumulation into its leaf. */
function runNode(node: Node, grads: (Tensor | null)[], opts: RunOptions, owned: Set<Tensor> | null): (Tensor | null)[] {
  let inputGrads: (Tensor | null)[] = [];
  if (node instanceof AccumulateGrad) {
    const g = grads[0];
    // A sum only the engine holds may become .grad as it is (PyTorch steals such buffers too).
    const stealable = g !== null && node.preHooks === null && owned !== null && owned.has(g);
    if (!opts.capture && (!opts.onlyLeaves || opts.onlyLeaves.has(node)) && g) {
      // A sum only the engine held that was added into an existing .grad (or copied into
      // the leaf's layout) is done with: its memory goes back now, like other consumed ones.
      const kept = accumulateIntoLeaf(node.variable, g, opts.createGraph, stealable);
      if (stealable && !kept) g._storage.recycle();
    }
  } else if (grads.some((g) => g !== null)) {
    inputGrads = node.apply(grads);
    if (!opts.retainGraph) node.release();
  } else if (!opts.retainGraph) node.release();
  return inputGrads;
}

/** runNode inside the two ranges PyTorch's profiler shows for a node (its name within the engine's). */
function profileNode(node: Node, grads: (Tensor | null)[], opts: RunOptions, owned: Set<Tensor> | null): (Tensor | null)[] {
  const sink = profilerState.sink;
  if (sink === null) return runNode(node, grads, opts, owned);
  const name = qualifiedName(node);
  sink.begin(`autograd::engine::evaluate_function: ${name}`, null);
  sink.begin(name, grads);
  try {
    return runNode(node, grads, opts, owned);
  } finally {
    sink.end();
    sink.end();
  }
}

/** Returns whether the leaf's .grad took `grad`'s memory as it is. */
function accumulateIntoLeaf(leaf: Tensor, grad: Tensor, createGraph: boolean, stealable = false): boolean {
  // Detached inside AccumulateGrad, not as a user-visible aten::detach (PyTorch shows none).
  const g = createGraph ? grad : (unprofiledMethods.detach.call(grad) as Tensor);
  if (leaf._grad === null) {
    // A fresh buffer (never an alias of a tensor the user still holds), in the leaf's own
    // layout, as PyTorch's AccumulateGrad. Under createGraph it is part of a graph.
    const taken = (createGraph || stealable) && obeysLayoutContract(g, leaf);
    leaf._grad = taken ? g : cloneObeyingContract(g, leaf);
    leaf._gradPrivate = !createGraph;
    return taken;
  }
  if (createGraph) {
    leaf._grad = leaf._grad.add(g);
    leaf._gradPrivate = false;
  } else {
    noGrad(() => leaf._grad!.add_(g));
  }
  return false;
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
