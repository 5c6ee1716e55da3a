/**
 * Graph nodes. A Node is the backward of one op run (PyTorch's torch.autograd.graph.Node):
 * its name (`MulBackward0`), edges to the nodes that made its inputs (`nextFunctions`),
 * the tensors it saved, and the derivative closure the op declared next to itself.
 * Leaves get one AccumulateGrad node each, which writes `.grad`.
 */
import { TensorError } from '../errors';
import type { Tensor } from '../tensor';
import { modeState } from './grad-mode';

export type GradFn = (gradOutputs: (Tensor | null)[]) => (Tensor | null)[];
export type TensorHook = (grad: Tensor) => Tensor | void | undefined;

export interface Edge {
  node: Node;
  inputNr: number;
}

let nextSequenceNr = 0;

const SECOND_BACKWARD =
  'Trying to backward through the graph a second time (or directly access saved tensors after they have already been freed). Saved intermediate values of the graph are freed when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the graph a second time or if you need to access saved tensors after calling backward.';

/** A tensor kept for backward, with the version it had, so in-place changes are caught. */
export class SavedTensor {
  private tensor: Tensor | null;
  private readonly version: number;
  constructor(t: Tensor, private readonly owner: Node, private readonly isOutput: boolean) {
    if (t._inference)
      throw new TensorError(
        'Inference tensors cannot be saved for backward. To work around you can make a clone to get a normal tensor and use it in autograd.',
      );
    this.tensor = t;
    this.version = t._version;
  }
  unpack(): Tensor {
    const t = this.tensor;
    if (t === null) throw new TensorError(SECOND_BACKWARD);
    if (t._version !== this.version) {
      const typeName = t.type() as string;
      // PyTorch names the node that made the tensor: for a saved output the node that
      // saved it; for a saved input its current gradFn (leaves have none).
      const maker = this.isOutput ? this.owner : t.gradFn;
      const what = maker ? `, which is output ${t._outputNr} of ${qualifiedName(maker)},` : '';
      throw new TensorError(
        `one of the variables needed for gradient computation has been modified by an inplace operation: [${typeName} [${t._shape.join(', ')}]]${what} is at version ${t._version}; expected version ${this.version} instead. Hint: enable anomaly detection to find the operation that failed to compute its gradient, with torch.autograd.set_detect_anomaly(True).`,
      );
    }
    return t;
  }
  release(): void {
    this.tensor = null;
  }
}

/** Nodes PyTorch writes in C++ namespace form in messages and profiles (name() stays short). */
const CPP_NODES = new Set(['AccumulateGrad', 'CopySlices', 'CopyBackwards']);

/** The name PyTorch's grad_fn->name() gives: 'torch::autograd::CopySlices' for the C++ nodes. */
export function qualifiedName(node: Node): string {
  const name = node.name();
  return CPP_NODES.has(name) ? `torch::autograd::${name}` : name;
}

export class Node {
  readonly sequenceNr = nextSequenceNr++;
  /** Hooks on the gradient arriving for output k (tensor.registerHook on non-leaves). */
  preHooks: Map<number, TensorHook[]> | null = null;
  private saved: SavedTensor[] = [];
  private released = false;
  /** Engine bookkeeping (lib/autograd/engine.ts) for the backward task that stamped this node. */
  _task = 0;
  _deps = 0;
  _pending: (Tensor | null)[] | null = null;

  constructor(
    private readonly nodeName: string,
    readonly edges: (Edge | null)[],
    private backwardFn: GradFn | null,
    readonly numOutputs = 1,
  ) {}

  name(): string {
    return this.nodeName;
  }

  /** PyTorch's next_functions: one [node, inputNr] pair per input, null where no grad flows. */
  get nextFunctions(): [Node | null, number][] {
    return this.edges.map((e) => (e ? [e.node, e.inputNr] : [null, 0]));
  }

  save(t: Tensor, isOutput = false): SavedTensor {
    const s = new SavedTensor(t, this, isOutput);
    this.saved.push(s);
    return s;
  }

  apply(gradOutputs: (Tensor | null)[]): (Tensor | null)[] {
    if (this.released || this.backwardFn === null) throw new TensorError(SECOND_BACKWARD);
    return this.backwardFn(gradOutputs);
  }

  /** Frees saved tensors (backward without retainGraph). */
  release(): void {
    this.released = true;
    this.backwardFn = null;
    for (const s of this.saved) s.release();
    this.saved = [];
  }

  addPreHook(outputNr: number, hook: TensorHook): void {
    this.preHooks ??= new Map();
    const list = this.preHooks.get(outputNr) ?? [];
    list.push(hook);
    this.preHooks.set(outputNr, list);
  }
}

/** The node of a leaf that requires grad: accumulates into `variable.grad`. */
export class AccumulateGrad extends Node {
  constructor(readonly variable: Tensor) {
    super('AccumulateGrad', [], null, 1);
  }
  override apply(): (Tensor | null)[] {
    return [];
  }
  override release(): void {
    /* nothing saved */
  }
}

/** Set by lib/autograd/inplace.ts: gives a view a gradFn over its base's current node. */
let regenerateView: (view: Tensor) => void = () => undefined;
export function setViewRegenerator(fn: typeof regenerateView): void {
  regenerateView = fn;
}

/**
 * Whether `t` is a view whose base was changed in place since its gradFn was set; if so
 * its gradFn is regenerated first (PyTorch does this when grad_fn is read).
 */
export function refreshView(t: Tensor): void {
  const seen = t._viewOf;
  if (seen !== undefined && t._base !== null && t._base.gradFn !== seen) regenerateView(t);
}

/** The edge a gradient for `t` should flow along, or null if `t` needs none. */
export function edgeOf(t: Tensor): Edge | null {
  refreshView(t);
  if (!t._requiresGrad) return null;
  if (t.gradFn) return { node: t.gradFn, inputNr: t._outputNr };
  t._gradAccumulator ??= new AccumulateGrad(t);
  return { node: t._gradAccumulator, inputNr: 0 };
}

/** Whether an op on these inputs must be recorded. */
export function needsGrad(inputs: readonly unknown[]): boolean {
  if (!modeState.gradEnabled) return false;
  for (const x of inputs) {
    if (x === null || typeof x !== 'object') continue;
    const t = x as Tensor;
    if (t._requiresGrad) return true;
    // A view of a base that started needing grad (written through another view) needs it too.
    if (t._viewOf !== undefined) {
      refreshView(t);
      if (t._requiresGrad) return true;
    }
  }
  return false;
}

/**
 * Records one op run: a node named `name` with edges to `inputs`, making `outputs` its
 * results. `build` receives the node (to save tensors on it) and returns the derivative.
 */
export function record(
  name: string,
  inputs: readonly (Tensor | null | undefined | unknown)[],
  outputs: readonly Tensor[],
  build: (node: Node) => GradFn,
): Node {
  const edges = inputs.map((x) => (x !== null && typeof x === 'object' && 'gradFn' in (x as object) ? edgeOf(x as Tensor) : null));
  const node = new Node(name, edges, null, outputs.length);
  (node as unknown as { backwardFn: GradFn }).backwardFn = build(node);
  outputs.forEach((out, i) => {
    out.gradFn = node;
    out._outputNr = i;
    out._requiresGrad = true;
  });
  return node;
}

/**
 * An op whose kernel is not itself differentiable: runs `forward` without recording,
 * saves the inputs (version-checked) and records `backward`, which returns one gradient
 * per input (already shaped and typed for it, or null).
 */
export function differentiable(
  name: string,
  inputs: readonly (Tensor | null | undefined)[],
  forward: () => Tensor,
  backward: (g: Tensor, saved: (Tensor | null)[], result: Tensor) => (Tensor | null)[],
): Tensor {
  const mode = modeState.gradEnabled;
  modeState.gradEnabled = false;
  let result: Tensor;
  try {
    result = forward();
  } finally {
    modeState.gradEnabled = mode;
  }
  record(name, inputs, [result], (node) => {
    const saved = inputs.map((t) => (t ? node.save(t) : null));
    return ([g]) => (g ? backward(g, saved.map((s) => (s ? s.unpack() : null)), result) : inputs.map(() => null));
  });
  return result;
}

declare module '../tensor' {
  interface Tensor {
    _outputNr: number;
    _gradAccumulator?: AccumulateGrad;
    _retainsGrad?: boolean;
    _inference: boolean;
  }
}
