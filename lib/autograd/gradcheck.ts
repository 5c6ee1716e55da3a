/**
 * gradcheck / gradgradcheck (API.md §4): analytical Jacobians from the engine against
 * central finite differences, in float64, with PyTorch's defaults (eps 1e-6, atol 1e-5,
 * rtol 1e-3) and its failure message. Testing utilities: elements are poked one at a time.
 */
import { TensorError } from '../errors';
import { Tensor } from '../tensor';
import { float64 } from '../dtype';
import { noGrad } from './grad-mode';
import { grad } from './engine';

export interface GradcheckOptions {
  eps?: number;
  atol?: number;
  rtol?: number;
  raiseException?: boolean;
}

type Fn = (...inputs: Tensor[]) => Tensor | Tensor[];

function outputsOf(fn: Fn, inputs: Tensor[]): Tensor[] {
  const r = fn(...inputs);
  return Array.isArray(r) ? r : [r];
}

/** Reads/writes element `i` (row-major) of a float64 tensor of any strides. */
function elementAccess(t: Tensor): { get(i: number): number; set(i: number, v: number): void; n: number } {
  const bytes = t._storage.bytes;
  const data = new Float64Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 8);
  const shape = t._shape, strides = t._strides;
  const offsetOf = (i: number) => {
    let off = t._offset;
    for (let d = shape.length - 1; d >= 0; d--) {
      off += (i % shape[d]) * strides[d];
      i = Math.floor(i / shape[d]);
    }
    return off;
  };
  // Writes do not bump the version counter: like PyTorch's gradcheck (which pokes .data),
  // every value is put back before the analytical pass reads the saved inputs.
  return { get: (i) => data[offsetOf(i)], set: (i, v) => { data[offsetOf(i)] = v; }, n: t.numel() };
}

function flatValues(t: Tensor): number[] {
  return (t.reshape(-1).to(float64).tolist() as number[]);
}

function numericalJacobian(fn: Fn, inputs: Tensor[], k: number, eps: number, outputs: Tensor[]): number[][][] {
  // jac[o][j][i] = d output_o[i] / d input_k[j]
  const x = elementAccess(inputs[k]);
  const jac = outputs.map(() => [] as number[][]);
  for (let j = 0; j < x.n; j++) {
    const orig = x.get(j);
    x.set(j, orig + eps);
    // Grad mode stays on: gradgradcheck's function itself calls autograd.grad.
    const plus = outputsOf(fn, inputs).map((o) => flatValues(o.detach()));
    x.set(j, orig - eps);
    const minus = outputsOf(fn, inputs).map((o) => flatValues(o.detach()));
    x.set(j, orig);
    plus.forEach((p, o) => jac[o].push(p.map((v, i) => (v - minus[o][i]) / (2 * eps))));
  }
  return jac;
}

function analyticalJacobian(outputs: Tensor[], inputs: Tensor[], k: number, o: number, createGraph: boolean): number[][] {
  const out = outputs[o];
  const n = out.numel();
  const jac: number[][] = Array.from({ length: inputs[k].numel() }, () => new Array<number>(n).fill(0));
  if (!out._requiresGrad) return jac;
  for (let i = 0; i < n; i++) {
    const gOut = noGrad(() => {
      const z = Tensor.empty(out._shape, out.dtype).fill_(0);
      const flat = z.reshape(-1);
      elementAccess(flat).set(i, 1);
      return z;
    });
    const [g] = grad([out], [inputs[k]], [gOut], { retainGraph: true, allowUnused: true, createGraph });
    const values = g ? flatValues(g) : new Array<number>(inputs[k].numel()).fill(0);
    values.forEach((v, j) => (jac[j][i] = v));
  }
  return jac;
}

function checkInputs(inputs: Tensor[]): void {
  for (const t of inputs) {
    if (t._requiresGrad && t.dtype !== float64)
      throw new TensorError('gradcheck: inputs that require grad should be float64 (double precision) for reliable results');
  }
}

export function gradcheck(fn: Fn, inputs: Tensor | Tensor[], opts: GradcheckOptions = {}): boolean {
  const ins = Array.isArray(inputs) ? inputs : [inputs];
  checkInputs(ins);
  const eps = opts.eps ?? 1e-6, atol = opts.atol ?? 1e-5, rtol = opts.rtol ?? 1e-3;
  const outputs = outputsOf(fn, ins);
  for (let k = 0; k < ins.length; k++) {
    if (!ins[k]._requiresGrad) continue;
    const numerical = numericalJacobian(fn, ins, k, eps, outputs);
    for (let o = 0; o < outputs.length; o++) {
      if (!outputs[o].dtype.isFloatingPoint) continue;
      const analytical = analyticalJacobian(outputs, ins, k, o, false);
      for (let j = 0; j < analytical.length; j++) {
        for (let i = 0; i < analytical[j].length; i++) {
          const a = analytical[j][i], nv = numerical[o][j][i];
          if (!(Math.abs(a - nv) <= atol + rtol * Math.abs(nv))) {
            if (opts.raiseException === false) return false;
            throw new TensorError(
              `Jacobian mismatch for output ${o} with respect to input ${k},\nnumerical:${JSON.stringify(numerical[o])}\nanalytical:${JSON.stringify(analytical.map((_, jj) => analytical[jj]))}\n(first mismatch at input element ${j}, output element ${i}: numerical ${nv}, analytical ${a})`,
            );
          }
        }
      }
    }
  }
  return true;
}

/**
 * Second derivatives: gradcheck of (inputs, gradOutputs) -> autograd.grad(fn(inputs),
 * inputs, gradOutputs, createGraph) with random gradOutputs, as PyTorch's gradgradcheck.
 */
export function gradgradcheck(fn: Fn, inputs: Tensor | Tensor[], opts: GradcheckOptions = {}): boolean {
  const ins = Array.isArray(inputs) ? inputs : [inputs];
  checkInputs(ins);
  const outs = outputsOf(fn, ins);
  const gradOutputs = outs.map((o) => noGrad(() => Tensor.empty(o._shape, float64).fill_(0).add(rand(o))).requiresGrad_(true));
  const diffIns = ins.filter((t) => t._requiresGrad);
  const wrapped = (...all: Tensor[]) => {
    const xs = all.slice(0, ins.length);
    const gs = all.slice(ins.length);
    const ys = outputsOf(fn, xs);
    const dx = grad(ys, xs.filter((t) => t._requiresGrad), gs, { createGraph: true, allowUnused: true });
    return dx.filter((d): d is Tensor => d !== null);
  };
  void diffIns;
  return gradcheck(wrapped, [...ins, ...gradOutputs], opts);
}

function rand(like: Tensor): Tensor {
  const t = Tensor.empty(like._shape, float64);
  const acc = elementAccess(t);
  for (let i = 0; i < acc.n; i++) acc.set(i, Math.random() * 2 - 1);
  return t;
}
