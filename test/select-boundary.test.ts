/**
 * The selection entry points (gatherAlong, scatterAlong, sortAlong, topk) trust nothing:
 * wrong argument types, corrupt loop descriptions, operands reaching past their buffers,
 * bad dtype/mode codes and out-of-range indices must throw a TensorError (or TypeError),
 * never crash or touch memory outside a buffer; valid random calls must match a naive
 * JavaScript reference.
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
const int64Index = (values: number[]) => torch.tensor(values, { dtype: torch.int64 })._storage.bytes;

describe('malformed selection calls throw TensorError', () => {
  const rng = new Rng(4321);
  const calls: [string, Call][] = [];
  const fns: [string, (...a: unknown[]) => unknown][] = [
    ['gatherAlong', native.gatherAlong as never], ['scatterAlong', native.scatterAlong as never],
    ['sortAlong', native.sortAlong as never], ['topk', native.topk as never],
  ];
  // 1. Wrong argument types and counts.
  calls.push(...junkCalls(fns, rng, 8, 10));
  // 2. Corrupt gather/scatter meta: [ndim, shape..., dimSize, dimStride, (dtype, offset, strides...) x 3].
  //    Float32 data (64-byte buffers hold 16), int64 index (8).
  const corrupt: number[][] = [
    [-1], [65], [1.5], [NaN],
    [1, 4, -3, 1, 0, 0, 1, 0, 0, 0, 3, 0, 1], // negative dim size
    [1, 4, 4, 2 ** 50, 0, 0, 1, 0, 0, 0, 3, 0, 1], // huge dim stride
    [1, 4, 17, 1, 0, 0, 1, 0, 0, 0, 3, 0, 1], // indexed dim reaches past the buffer
    [1, 4, 4, -1, 0, 0, 1, 0, 0, 0, 3, 0, 1], // negative reach below the buffer
    [1, 20, 4, 1, 0, 0, 1, 0, 0, 0, 3, 0, 1], // loop longer than the buffers
    [1, 4, 4, 1, 0, 13, 1, 0, 0, 0, 3, 0, 1], // operand 0 offset past the end
    [1, 4, 4, 1, 0, 0, 1, 0, 0, 0, 3, 5, 1], // index reaches past its buffer
    [1, 4, 4, 1, 0, 0, 1, 0, 0, 0, 0, 0, 1], // index not int64
    [1, 4, 4, 1, 1, 0, 1, 0, 0, 0, 3, 0, 1], // dtype mismatch with the code argument
    [1, 4, 4, 1, 9, 0, 1, 0, 0, 0, 3, 0, 1], // unknown dtype code
    [1, 4, 4, 1, 0, 0, 0.5, 0, 0, 0, 3, 0, 1], // fractional stride
    [2, 2 ** 26, 2 ** 26, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0], // runaway loop over broadcast operands
  ];
  for (const meta of corrupt) {
    calls.push([`gather meta ${JSON.stringify(meta)}`, () => { writeMeta(meta); native.gatherAlong(good(), good(), int64Index([0, 1, 2, 3, 0, 1, 2, 3]), 0, 0, 0); }]);
    calls.push([`scatter meta ${JSON.stringify(meta)}`, () => { writeMeta(meta); native.scatterAlong(good(), good(), int64Index([0, 1, 2, 3, 0, 1, 2, 3]), 0, 1, 0, 0); }]);
  }
  // Out-of-range index values, for each message mode.
  for (const [value, mode] of [[4, 0], [-1, 0], [9, 1], [-5, 2], [2 ** 40, 1]] as const) {
    const meta = [1, 4, 4, 1, 0, 0, 1, 0, 0, 0, 3, 0, 1];
    calls.push([`gather index ${value} mode ${mode}`, () => { writeMeta(meta); native.gatherAlong(good(), good(), int64Index([0, 1, value, 2]), 0, mode, 0); }]);
    calls.push([`scatter index ${value} mode ${mode}`, () => { writeMeta(meta); native.scatterAlong(good(), good(), int64Index([value, 1, 2, 0]), 0, 0, mode, 0); }]);
  }
  calls.push(['gather bad mode', () => { writeMeta([1, 4, 4, 1, 0, 0, 1, 0, 0, 0, 3, 0, 1]); native.gatherAlong(good(), good(), int64Index([0, 0, 0, 0]), 0, 7, 0); }]);
  calls.push(['scatter bad reduce', () => { writeMeta([1, 4, 4, 1, 0, 0, 1, 0, 0, 0, 3, 0, 1]); native.scatterAlong(good(), good(), int64Index([0, 0, 0, 0]), 0, 3, 0, 0); }]);
  calls.push(['gather writing one address twice', () => { writeMeta([1, 4, 4, 1, 0, 0, 0, 0, 0, 0, 3, 0, 1]); native.gatherAlong(good(), good(), int64Index([0, 0, 0, 0]), 0, 0, 0); }]);
  // 3. Corrupt sort/topk meta: [ndim, lineShape..., inSize, outSize, inStride, valStride, idxStride, operands...].
  const sortCorrupt: number[][] = [
    [-1], [1.5], [1, 2, -1, -1, 1, 1, 1, 0, 0, 4, 3, 0, 4, 0, 0, 4],
    [1, 2, 4, 4, 1, 1, 1, 0, 0, 4, 3, 0, 5, 0, 0, 4], // indices reach 72 bytes of 64
    [1, 2, 17, 17, 1, 1, 1, 0, 0, 17, 3, 0, 17, 0, 0, 17], // sorted dim past the buffers
    [1, 2, 4, 5, 1, 1, 1, 0, 0, 4, 3, 0, 4, 0, 0, 4], // k > n
    [1, 2, 4, 4, 1, 1, 1, 0, 0, 4, 2, 0, 4, 0, 0, 4], // indices not int64
    [1, 2, 4, 4, 1, 1, 1, 1, 0, 4, 3, 0, 4, 0, 0, 4], // values dtype mismatch
    [1, 2, 4, 4, -1, 1, 1, 0, 0, 4, 3, 0, 4, 0, 0, 4], // input reaches below its buffer
    [1, 2, 4, 4, 1, 1, 1, 0, 0, 0, 3, 0, 4, 0, 0, 4], // values lines overlap
    [1, 2, 4, 4, 1, 1, 1, 0, 60, 4, 3, 0, 4, 0, 0, 4], // offset past the end
  ];
  for (const meta of sortCorrupt) {
    calls.push([`sort meta ${JSON.stringify(meta)}`, () => { writeMeta(meta); native.sortAlong(good(), good(), good(), 0, false, false); }]);
    calls.push([`topk meta ${JSON.stringify(meta)}`, () => { writeMeta(meta); native.topk(good(), good(), good(), 0, true, true); }]);
  }
  calls.push(['sort with fewer outputs than inputs', () => { writeMeta([1, 2, 4, 3, 1, 1, 1, 0, 0, 4, 3, 0, 4, 0, 0, 4]); native.sortAlong(good(), good(), good(), 0, false, false); }]);
  calls.push(['sort disposed storage', () => {
    const t = torch.ones(4);
    native.dispose(t._storage.bytes);
    writeMeta([0, 4, 4, 1, 1, 1, 0, 0, 3, 0, 0, 0]);
    native.sortAlong(t._storage.bytes, good(), good(), 0, false, false);
  }]);
  // 4. Random meta for every entry point, most of it reaching outside the 64-byte buffers.
  for (let i = 0; i < 200; i++) {
    const ndim = rng.int(1, 3);
    const shape = Array.from({ length: ndim }, () => rng.int(1, 5));
    const operand = (dtype: number) => [dtype, rng.int(-2, 12), ...shape.map(() => rng.int(-6, 12))];
    const dims = [rng.int(0, 6), rng.int(-4, 8)];
    const meta = [ndim, ...shape, ...dims, ...operand(rng.int(0, 1)), ...operand(rng.int(0, 1)), ...operand(3)];
    const index = int64Index(Array.from({ length: 8 }, () => rng.int(-3, 6)));
    calls.push([`random gather ${JSON.stringify(meta)}`, () => { writeMeta(meta); native.gatherAlong(good(), good(), index, rng.int(0, 1), rng.int(0, 2), 0); }]);
    calls.push([`random scatter ${JSON.stringify(meta)}`, () => { writeMeta(meta); native.scatterAlong(good(), good(), index, rng.int(0, 1), rng.int(0, 2), rng.int(0, 2), 0); }]);
    const sizes = [rng.int(0, 8), rng.int(0, 8)];
    const sortOperand = (dtype: number) => [dtype, rng.int(-2, 12), ...shape.map(() => rng.int(-6, 12))];
    const sortMeta = [ndim, ...shape, ...sizes, rng.int(-3, 8), rng.int(-3, 8), rng.int(-3, 8), ...sortOperand(0), ...sortOperand(3), ...sortOperand(0)];
    calls.push([`random sort ${JSON.stringify(sortMeta)}`, () => { writeMeta(sortMeta); native.sortAlong(good(), good(), good(), 0, true, false); }]);
    calls.push([`random topk ${JSON.stringify(sortMeta)}`, () => { writeMeta(sortMeta); native.topk(good(), good(), good(), 0, false, true); }]);
  }

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
      if (!label.startsWith('random')) throw new Error(`${label}: expected an error`);
    }
    expect(threw).toBeGreaterThan(calls.length * 0.8);
  });
});

describe('valid random calls match a naive reference', () => {
  test('gather, scatterAdd and sort over random strided views', () => {
    const rng = new Rng(7);
    for (let iter = 0; iter < 100; iter++) {
      const rows = rng.int(1, 5), cols = rng.int(1, 6);
      const base = torch.randint(-9, 10, [cols * 2, rows]).to(torch.float64);
      const x = base.index('::2').t(); // [rows, cols], strided and transposed
      const xs = x.tolist() as number[][];
      const k = rng.int(0, 4);
      const idxList = Array.from({ length: rows }, () => Array.from({ length: k }, () => rng.int(0, cols - 1)));
      const idx = torch.tensor(idxList, { dtype: torch.int64 }).reshape([rows, k]);
      expect(torch.gather(x, 1, idx).tolist()).toEqual(idxList.map((r, i) => r.map((j) => xs[i][j])));
      const acc = xs.map((r) => [...r]);
      idxList.forEach((r, i) => r.forEach((j, m) => (acc[i][j] += xs[i][m] ?? 0)));
      if (k <= cols) expect(torch.scatterAdd(x, 1, idx, x.narrow(1, 0, k)).tolist()).toEqual(acc);
      const [values, indices] = torch.sort(x, 1, rng.next() < 0.5, { stable: true });
      const vs = values.tolist() as number[][], is = indices.tolist() as number[][];
      vs.forEach((r, i) => r.forEach((v, j) => expect(v).toBe(xs[i][is[i][j]])));
    }
  });
});
