/**
 * The native layer trusts nothing: malformed calls (wrong types and counts, bad dtype or
 * op codes, shapes and strides reaching past the buffer, detached storage) must throw a
 * TensorError, never crash or write outside a buffer; valid random strided calls must
 * match a naive JavaScript reference.
 */
import * as torch from '../lib';
import { native } from '../lib/native';
import { Rng } from './helpers/random';
import { junkCalls } from './helpers/junk-calls';

type Call = () => unknown;

function writeMeta(values: number[]): void {
  native.meta.fill(0);
  native.meta.set(values);
}

const good = () => Buffer.allocUnsafeSlow(64);

describe('malformed native calls throw TensorError', () => {
  const rng = new Rng(1234);
  const calls: [string, Call][] = [];
  const fns: [string, (...a: unknown[]) => unknown][] = [
    ['binary', native.binary as never], ['unary', native.unary as never], ['copy', native.copy as never],
    ['fill', native.fill as never], ['where', native.where as never], ['indexGather', native.indexGather as never],
    ['indexPut', native.indexPut as never], ['nonzero', native.nonzero as never], ['dispose', native.dispose as never],
    ['setNumThreads', native.setNumThreads as never], ['setCpuCapability', native.setCpuCapability as never],
    ['nllLoss', native.nllLoss as never], ['alignStorage', native.alignStorage as never],
  ];
  // 1. Wrong argument types and counts for every entry point.
  calls.push(...junkCalls(fns, rng, 6, 12));
  // 2. Well-typed calls with a corrupt loop description.
  const corrupt: number[][] = [
    [-1], [65], [1.5], [NaN], [1, -4, 0, 0, 1, 0, 0, 1, 0, 0, 1], [1, 17, 0, 0, 1, 0, 0, 1, 0, 0, 1],
    [1, 4, 0, -1, 1, 0, 0, 1, 0, 0, 1], [1, 4, 0, 0, 100, 0, 0, 1, 0, 0, 1], [1, 4, 0, 0, -1, 0, 0, 1, 0, 0, 1],
    [1, 4, 9, 0, 1, 9, 0, 1, 9, 0, 1], [1, 4, 0, 0.5, 1, 0, 0, 1, 0, 0, 1], [1, 4, 0, 1e300, 1, 0, 0, 1, 0, 0, 1],
    [1, 2 ** 52, 0, 0, 1, 0, 0, 1, 0, 0, 1], [3, 2 ** 20, 2 ** 20, 2 ** 20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    [1, 16, 3, 0, 1, 3, 0, 1, 3, 0, 1], [1, 9, 1, 0, 1, 1, 0, 1, 1, 0, 1], [1, 4, 1, 5, 1, 1, 0, 1, 1, 0, 1],
  ];
  for (const meta of corrupt) {
    calls.push([`binary meta ${JSON.stringify(meta)}`, () => { writeMeta(meta); native.binary(0, good(), good(), good(), 1); }]);
    calls.push([`unary meta ${JSON.stringify(meta)}`, () => { writeMeta(meta); native.unary(5, good(), good(), 0, 0); }]);
    calls.push([`copy meta ${JSON.stringify(meta)}`, () => { writeMeta(meta); native.copy(good(), good()); }]);
    calls.push([`fill meta ${JSON.stringify(meta)}`, () => { writeMeta(meta); native.fill(good(), 1); }]);
  }
  calls.push(['binary whose third operand alone overruns', () => {
    writeMeta([2, 4, 4, 0, 0, 4, 1, 0, 0, 4, 1, 0, 1, 4, 1]);
    native.binary(0, good(), good(), good(), 1);
  }]);
  // 3. Random shapes/strides/offsets, most of them reaching outside a 64-byte buffer.
  for (let i = 0; i < 300; i++) {
    const ndim = rng.int(1, 4);
    const shape = Array.from({ length: ndim }, () => rng.int(1, 6));
    const operand = () => [rng.int(0, 7), rng.int(-3, 20), ...shape.map(() => rng.int(-8, 16))];
    const meta = [ndim, ...shape, ...operand(), ...operand(), ...operand()];
    const op = rng.int(-2, 30);
    calls.push([`random binary ${op} ${JSON.stringify(meta)}`, () => {
      writeMeta(meta);
      native.binary(op, good(), good(), good(), 1);
    }]);
  }
  // 4. Detached storage and bad index arguments.
  calls.push(['disposed storage', () => {
    const t = torch.ones(4);
    const bytes = t._storage.bytes;
    native.dispose(bytes);
    writeMeta([1, 4, 0, 0, 1]);
    native.fill(bytes, 1);
  }]);
  calls.push(['index out of range', () => {
    const idx = torch.tensor([7]);
    writeMeta([1, 1, 4, 1, 0, 0, 1, 0, 0, 0, 3, 0, 1]);
    native.indexGather(good(), good(), 1, 0, idx._storage.bytes);
  }]);
  calls.push(['index with non-int64 indices', () => {
    const idx = torch.tensor([1], { dtype: torch.int32 });
    writeMeta([1, 1, 4, 1, 0, 0, 1, 0, 0, 0, 2, 0, 1]);
    native.indexGather(good(), good(), 1, 0, idx._storage.bytes);
  }]);
  calls.push(['too many index tensors', () => native.indexGather(good(), good(), 99, 0)]);
  // nllLoss(mode, dtype, n, c, s, ignore, reduction, target, off, weight, off, in, off, total, off, out, off)
  // with 64-byte buffers: 16 floats, or 8 int64 targets.
  const nll = (args: Partial<Record<number, unknown>>) => () => {
    const base: unknown[] = [0, 0, 2, 4, 1, -100, 1, good(), 0, null, 0, good(), 0, good(), 0, good(), 0];
    for (const [k, v] of Object.entries(args)) base[Number(k)] = v;
    return (native.nllLoss as (...a: unknown[]) => unknown)(...base);
  };
  const nllCases: [string, Partial<Record<number, unknown>>][] = [
    ['mode 2', { 0: 2 }], ['int dtype', { 1: 3 }], ['bad dtype', { 1: 9 }], ['negative n', { 2: -1 }], ['fractional c', { 3: 1.5 }],
    ['huge s', { 4: 2 ** 60 }], ['NaN ignore index', { 5: NaN }], ['reduction 3', { 6: 3 }],
    ['input past its buffer', { 2: 5 }], ['targets past their buffer', { 8: 7 }], ['weight past its buffer', { 9: good(), 10: 13 }],
    ['weight not a buffer', { 9: 3 }], ['total offset past the buffer', { 14: 16 }], ['out offset past the buffer', { 16: 16 }],
    ['backward output past its buffer', { 0: 1, 2: 4, 3: 8 }], ['backward gradient for none past its buffer', { 0: 1, 6: 0, 12: 15 }],
    ['element count overflow', { 2: 2 ** 30, 3: 2 ** 30, 4: 2 ** 10 }],
  ];
  for (const [label, args] of nllCases) calls.push([`nllLoss ${label}`, nll(args)]);
  // The softmax backward dim ops read a third operand, the forward's result: [1-d of 4 floats].
  const dimMeta = (result: number[]) => writeMeta([1, 4, 0, 0, 1, 0, 0, 1, ...result]);
  calls.push(['softmax backward without its result', () => { dimMeta([0, 0, 1]); native.dimOp(4, good(), good(), 0); }]);
  calls.push(['softmax backward with a result past its buffer', () => { dimMeta([0, 14, 1]); native.dimOp(5, good(), good(), 0, good()); }]);
  calls.push(['softmax backward with a result of another dtype', () => { dimMeta([1, 0, 1]); native.dimOp(4, good(), good(), 0, good()); }]);
  // Storage.allocate's padding: a length past the buffer, negative or not a number.
  for (const [what, length] of [['past the buffer', 9], ['negative', -1], ['NaN', NaN], ['huge', 2 ** 60]] as const)
    calls.push([`alignStorage of a length ${what}`, () => native.alignStorage(new Uint8Array(8), length, 0)]);
  calls.push(['softmax backward with a tiny result buffer', () => { dimMeta([0, 0, 1]); native.dimOp(5, good(), good(), 0, Buffer.alloc(8)); }]);

  test(`${calls.length} malformed calls all throw TensorError or TypeError`, () => {
    expect(calls.length).toBeGreaterThan(500);
    let threw = 0;
    for (const [label, call] of calls) {
      try {
        call();
      } catch (e) {
        if (!(e instanceof torch.TensorError) && !(e instanceof TypeError)) throw new Error(`${label}: unexpected ${String(e)}`);
        threw++;
        continue;
      }
      // A call that did not throw must have been valid: only the random cases can be.
      if (!label.startsWith('random') && !label.startsWith('setNumThreads') && !label.startsWith('setCpuCapability'))
        throw new Error(`${label}: expected an error`);
    }
    expect(threw).toBeGreaterThan(calls.length * 0.9);
    native.setNumThreads(2);
    torch.backend.setCpuCapability('avx512');
  });
});

describe('valid random strided calls match a naive reference', () => {
  test('add and copy over random views of float64 tensors (broadcast, transposed, sliced, empty)', () => {
    const rng = new Rng(99);
    for (let iter = 0; iter < 300; iter++) {
      const ndim = rng.int(0, 4);
      const shape = Array.from({ length: ndim }, () => rng.int(0, 5));
      // Build operands as permuted / sliced / broadcast views of bigger buffers.
      const makeView = () => {
        const big = torch.rand(...shape.map((d) => d * 2 + 1), { dtype: torch.float64 });
        let v = big;
        for (let d = 0; d < ndim; d++) v = v.narrow(d, rng.int(0, shape[d] + 1), shape[d]);
        if (ndim >= 2 && rng.next() < 0.5) v = v.transpose(0, ndim - 1).contiguous().transpose(0, ndim - 1);
        if (ndim >= 1 && rng.next() < 0.3) {
          const d = rng.int(0, ndim - 1);
          v = v.narrow(d, 0, Math.min(1, shape[d])).expand(shape);
        }
        return v;
      };
      const a = makeView(), b = makeView();
      const sum = a.add(b, { alpha: 2 });
      const la = a.reshape(-1).tolist() as number[], lb = b.reshape(-1).tolist() as number[];
      expect(sum.reshape(-1).tolist()).toEqual(la.map((x, i) => x + 2 * lb[i]));
      const target = makeView();
      if (target.stride().every((s, d) => s !== 0 || shape[d] <= 1)) {
        target.copy_(a);
        expect(target.reshape(-1).tolist()).toEqual(la);
      }
    }
  });

  test('every CPU capability gives the same results', () => {
    const detected = torch.backend.cpuCapability().detected;
    const caps = (['default', 'avx2', 'avx512'] as const).slice(0, ['default', 'avx2', 'avx512'].indexOf(detected) + 1);
    const x = torch.randn(1000).mul(3);
    const results = caps.map((cap) => {
      expect(torch.backend.setCpuCapability(cap)).toBe(cap);
      return [x.exp().tolist(), x.add(x.t()).tolist(), x.lt(0.5).tolist(), x.long().tolist()] as number[][];
    });
    torch.backend.setCpuCapability(detected as 'avx512');
    for (const r of results) {
      // Exact for arithmetic, comparisons and casts; exp may differ in the last bit (FMA
      // contraction differs between the instruction sets), as it does in PyTorch.
      expect(r.slice(1)).toEqual(results[0].slice(1));
      r[0].forEach((v, i) => expect(Math.abs(v - results[0][0][i])).toBeLessThanOrEqual(2e-7 * Math.abs(v)));
    }
  });
});
