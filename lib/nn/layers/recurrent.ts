/**
 * nn.RNN / LSTM / GRU with PyTorch's parameters (`weight_ih_l0`, `weight_hh_l0`,
 * `bias_ih_l0`, `bias_hh_l0`, `_reverse` for the backward direction; gates stacked as
 * PyTorch's i,f,g,o for LSTM and r,z,n for GRU), initialisation (uniform ±1/sqrt(hidden))
 * and shapes: input (L, N, H_in) or (N, L, H_in) with batchFirst or unbatched (L, H_in);
 * hidden state (layers * directions, N, H_out). The input projection of all time steps is
 * one matmul per layer and direction; only the recurrent product runs per step.
 */
import { Tensor } from '../../tensor';
import { DType, defaultFloat } from '../../dtype';
import { TensorError } from '../../errors';
import { empty, zeros } from '../../creation';
import { stack, cat } from '../../ops/join';
import { Module } from '../module';
import { Parameter } from '../parameter';
import * as init from '../init';
import * as F from '../functional';
import type { PositionalThenOptions } from './constructor-args';

type Mode = 'RNN_TANH' | 'RNN_RELU' | 'LSTM' | 'GRU';
const GATES: Record<Mode, number> = { RNN_TANH: 1, RNN_RELU: 1, LSTM: 4, GRU: 3 };

export interface RNNOptions {
  numLayers?: number;
  bias?: boolean;
  batchFirst?: boolean;
  dropout?: number;
  bidirectional?: boolean;
  dtype?: DType;
}

interface Weights {
  wIh: Parameter;
  wHh: Parameter;
  bIh: Parameter | null;
  bHh: Parameter | null;
}

type CellState = { h: Tensor; c?: Tensor };

/** One time step: state and the precomputed input projection x_t W_ih^T + b_ih. */
function step(mode: Mode, w: Weights, xProj: Tensor, s: CellState): CellState {
  const hProj = F.linear(s.h, w.wHh, w.bHh);
  switch (mode) {
    case 'RNN_TANH':
      return { h: xProj.add(hProj).tanh() };
    case 'RNN_RELU':
      return { h: xProj.add(hProj).relu() };
    case 'LSTM': {
      const [i, f, g, o] = xProj.add(hProj).chunk(4, -1);
      const c = f.sigmoid().mul(s.c as Tensor).add(i.sigmoid().mul(g.tanh()));
      return { h: o.sigmoid().mul(c.tanh()), c };
    }
    case 'GRU': {
      const [xr, xz, xn] = xProj.chunk(3, -1);
      const [hr, hz, hn] = hProj.chunk(3, -1);
      const r = xr.add(hr).sigmoid();
      const z = xz.add(hz).sigmoid();
      const n = xn.add(r.mul(hn)).tanh();
      return { h: n.add(z.mul(s.h.sub(n))) };
    }
  }
}

function shapeStr(s: readonly number[]): string {
  return `(${s.join(', ')}${s.length === 1 ? ',' : ''})`;
}

abstract class RNNBase extends Module {
  readonly numLayers: number;
  readonly bias: boolean;
  readonly batchFirst: boolean;
  readonly dropout: number;
  readonly bidirectional: boolean;

  constructor(
    private readonly mode: Mode, readonly inputSize: number, readonly hiddenSize: number, opts: RNNOptions,
  ) {
    super();
    this.numLayers = opts.numLayers ?? 1;
    this.bias = opts.bias ?? true;
    this.batchFirst = opts.batchFirst ?? false;
    this.dropout = opts.dropout ?? 0;
    this.bidirectional = opts.bidirectional ?? false;
    if (!(this.dropout >= 0 && this.dropout <= 1))
      throw new TensorError('dropout should be a number in range [0, 1] representing the probability of an element being zeroed');
    if (!Number.isInteger(hiddenSize) || hiddenSize <= 0) throw new TensorError('hidden_size must be greater than zero');
    if (!Number.isInteger(this.numLayers) || this.numLayers <= 0) throw new TensorError('num_layers must be greater than zero');
    const dtype = opts.dtype ?? defaultFloat;
    const gate = GATES[mode] * hiddenSize;
    const dirs = this.bidirectional ? 2 : 1;
    for (let layer = 0; layer < this.numLayers; layer++) {
      const inSize = layer === 0 ? inputSize : hiddenSize * dirs;
      for (let d = 0; d < dirs; d++) {
        const sfx = `_l${layer}${d === 1 ? '_reverse' : ''}`;
        this.registerParameter(`weight_ih${sfx}`, new Parameter(empty([gate, inSize], { dtype })));
        this.registerParameter(`weight_hh${sfx}`, new Parameter(empty([gate, hiddenSize], { dtype })));
        if (this.bias) {
          this.registerParameter(`bias_ih${sfx}`, new Parameter(empty([gate], { dtype })));
          this.registerParameter(`bias_hh${sfx}`, new Parameter(empty([gate], { dtype })));
        }
      }
    }
    this.resetParameters();
  }

  resetParameters(): void {
    const stdv = 1 / Math.sqrt(this.hiddenSize);
    for (const p of this.parameters()) init.uniform_(p, -stdv, stdv);
  }

  private weights(layer: number, reverse: boolean): Weights {
    const own = this as unknown as Record<string, Parameter | undefined>;
    const sfx = `_l${layer}${reverse ? '_reverse' : ''}`;
    return {
      wIh: own[`weight_ih${sfx}`] as Parameter,
      wHh: own[`weight_hh${sfx}`] as Parameter,
      bIh: own[`bias_ih${sfx}`] ?? null,
      bHh: own[`bias_hh${sfx}`] ?? null,
    };
  }

  private checkHidden(h: Tensor, expected: number[], what: string): void {
    if (h._shape.length !== expected.length || h._shape.some((d, i) => d !== expected[i]))
      throw new TensorError(`Expected ${what} size ${shapeStr(expected)}, got [${h._shape.join(', ')}]`);
  }

  /** Runs all layers; `h0`/`c0` are (layers * dirs, N, H) or null. Input is (L, N, H_in). */
  protected run(input: Tensor, h0: Tensor | null, c0: Tensor | null): { output: Tensor; hN: Tensor; cN?: Tensor } {
    const dirs = this.bidirectional ? 2 : 1;
    const [len, batch] = input._shape;
    const isLstm = this.mode === 'LSTM';
    const hs: Tensor[] = [];
    const cs: Tensor[] = [];
    let x = input;
    for (let layer = 0; layer < this.numLayers; layer++) {
      const outs: Tensor[] = [];
      for (let d = 0; d < dirs; d++) {
        const w = this.weights(layer, d === 1);
        const idx = layer * dirs + d;
        const init0 = (t: Tensor | null): Tensor => t?.select(0, idx) ?? zeros([batch, this.hiddenSize], { dtype: input.dtype });
        let s: CellState = { h: init0(h0), c: isLstm ? init0(c0) : undefined };
        const xProj = F.linear(x, w.wIh, w.bIh);
        const steps: Tensor[] = new Array(len);
        for (let i = 0; i < len; i++) {
          const t = d === 1 ? len - 1 - i : i;
          s = step(this.mode, w, xProj.select(0, t), s);
          steps[t] = s.h;
        }
        outs.push(len > 0 ? stack(steps, 0) : empty([0, batch, this.hiddenSize], { dtype: input.dtype }));
        hs.push(s.h);
        if (isLstm) cs.push(s.c as Tensor);
      }
      x = dirs === 1 ? outs[0] : cat(outs, 2);
      if (this.dropout > 0 && this.training && layer < this.numLayers - 1) x = F.dropout(x, this.dropout, true);
    }
    return { output: x, hN: stack(hs, 0), cN: isLstm ? stack(cs, 0) : undefined };
  }

  /** Validates and normalises input and state to the batched, sequence-first layout. */
  protected prepare(input: Tensor, hx: Tensor[] | null): { x: Tensor; h: (Tensor | null)[]; unbatched: boolean } {
    const name = this.mode === 'LSTM' ? 'LSTM' : this.mode === 'GRU' ? 'GRU' : 'RNN';
    if (input.dim() !== 2 && input.dim() !== 3)
      throw new TensorError(`${name}: Expected input to be 2-D or 3-D but received ${input.dim()}-D tensor`);
    const unbatched = input.dim() === 2;
    if (input._shape[input.dim() - 1] !== this.inputSize)
      throw new TensorError(`input.size(-1) must be equal to input_size. Expected ${this.inputSize}, got ${input._shape[input.dim() - 1]}`);
    let x = unbatched ? input.unsqueeze(1) : this.batchFirst ? input.transpose(0, 1) : input;
    const batch = x._shape[1];
    const dirs = this.bidirectional ? 2 : 1;
    const expected = [this.numLayers * dirs, batch, this.hiddenSize];
    const h = (hx ?? []).map((t, i) => {
      if (unbatched && t.dim() !== 2)
        throw new TensorError(`For unbatched 2-D input, hx should also be 2-D but got ${t.dim()}-D tensor`);
      if (!unbatched && t.dim() !== 3)
        throw new TensorError(`For batched 3-D input, hx should also be 3-D but got ${t.dim()}-D tensor`);
      const b = unbatched ? t.unsqueeze(1) : t;
      this.checkHidden(b, expected, this.mode === 'LSTM' ? `hidden[${i}]` : 'hidden');
      return b;
    });
    if (x.dtype !== this.weights(0, false).wIh.dtype) x = x.to(this.weights(0, false).wIh.dtype);
    return { x, h, unbatched };
  }

  /** (L, N, *) back to the caller's layout. */
  protected finish(t: Tensor, unbatched: boolean, isOutput: boolean): Tensor {
    if (unbatched) return t.squeeze(1);
    return isOutput && this.batchFirst ? t.transpose(0, 1) : t;
  }

  override extraRepr(): string {
    const parts = [`${this.inputSize}, ${this.hiddenSize}`];
    if (this.numLayers !== 1) parts.push(`num_layers=${this.numLayers}`);
    if (!this.bias) parts.push('bias=False');
    if (this.batchFirst) parts.push('batch_first=True');
    if (this.dropout !== 0) parts.push(`dropout=${this.dropout}`);
    if (this.bidirectional) parts.push('bidirectional=True');
    return parts.join(', ');
  }
}

/**
 * PyTorch's positional form (numLayers, bias, batchFirst, dropout, bidirectional), an
 * options object, or positional values followed by an options object.
 */
function rnnOptions<T extends RNNOptions>(rest: unknown[], positional: (keyof T)[]): T {
  const last = rest[rest.length - 1];
  const trailing = last !== null && typeof last === 'object' ? (last as T) : null;
  const values = trailing ? rest.slice(0, -1) : rest;
  const opts: Record<string, unknown> = {};
  values.forEach((v, i) => {
    if (v !== undefined && v !== null && i < positional.length) opts[positional[i] as string] = v;
  });
  return { ...opts, ...trailing } as T;
}
const POSITIONAL: (keyof RNNOptions)[] = ['numLayers', 'bias', 'batchFirst', 'dropout', 'bidirectional'];
type RNNArgs<O> = PositionalThenOptions<[numLayers: number, bias: boolean, batchFirst: boolean, dropout: number, bidirectional: boolean], O>;

/** nn.RNN(inputSize, hiddenSize, { numLayers, nonlinearity: 'tanh' | 'relu', bias, batchFirst, dropout, bidirectional }). */
export class RNN extends RNNBase {
  readonly nonlinearity: 'tanh' | 'relu';
  constructor(inputSize: number, hiddenSize: number, ...rest: RNNArgs<RNNOptions & { nonlinearity?: 'tanh' | 'relu' }>) {
    // As in PyTorch, nonlinearity is a keyword (options) argument only.
    const opts = rnnOptions<RNNOptions & { nonlinearity?: 'tanh' | 'relu' }>(rest, POSITIONAL);
    const nl = opts.nonlinearity ?? 'tanh';
    if (nl !== 'tanh' && nl !== 'relu') throw new TensorError(`Unknown nonlinearity '${nl}'. Select from 'tanh' or 'relu'.`);
    super(nl === 'tanh' ? 'RNN_TANH' : 'RNN_RELU', inputSize, hiddenSize, opts);
    this.nonlinearity = nl;
  }
  override forward(input: Tensor, hx?: Tensor | null): [Tensor, Tensor] {
    const { x, h, unbatched } = this.prepare(input, hx ? [hx] : null);
    const r = this.run(x, h[0] ?? null, null);
    return [this.finish(r.output, unbatched, true), this.finish(r.hN, unbatched, false)];
  }
}

/** nn.LSTM: forward(input, [h0, c0]?) -> [output, [hN, cN]]. */
export class LSTM extends RNNBase {
  constructor(inputSize: number, hiddenSize: number, ...rest: RNNArgs<RNNOptions>) {
    super('LSTM', inputSize, hiddenSize, rnnOptions<RNNOptions>(rest, POSITIONAL));
  }
  override forward(input: Tensor, hx?: [Tensor, Tensor] | null): [Tensor, [Tensor, Tensor]] {
    const { x, h, unbatched } = this.prepare(input, hx ? [...hx] : null);
    const r = this.run(x, h[0] ?? null, h[1] ?? null);
    return [this.finish(r.output, unbatched, true), [this.finish(r.hN, unbatched, false), this.finish(r.cN as Tensor, unbatched, false)]];
  }
}

/** nn.GRU: forward(input, h0?) -> [output, hN]. */
export class GRU extends RNNBase {
  constructor(inputSize: number, hiddenSize: number, ...rest: RNNArgs<RNNOptions>) {
    super('GRU', inputSize, hiddenSize, rnnOptions<RNNOptions>(rest, POSITIONAL));
  }
  override forward(input: Tensor, hx?: Tensor | null): [Tensor, Tensor] {
    const { x, h, unbatched } = this.prepare(input, hx ? [hx] : null);
    const r = this.run(x, h[0] ?? null, null);
    return [this.finish(r.output, unbatched, true), this.finish(r.hN, unbatched, false)];
  }
}
