/**
 * Reductions, arg-reductions, cumulative ops and softmax against real PyTorch 1.13
 * (test/fixtures/reduce.json from scripts/fixtures/reduce.py): values, dtypes, shapes over
 * dims / keepdim / dtype / layouts, NaN and empty cases, error messages. Then the argument
 * forms, out=, float32 accuracy on 16M elements, a random comparison with a naive
 * JavaScript reference under every CPU capability and thread count, and the native
 * entry points refusing malformed calls.
 */
import * as torch from '../lib';
import { native } from '../lib/native';
import { loadFixture } from './helpers/fixtures';
import { FixtureTensor, dtypeNamed, expectMatches, flatValues, fromFixture } from './helpers/tensors';
import { Rng } from './helpers/random';
import { capabilities, underCapability } from './helpers/capabilities';

type Dim = number | number[] | null;
interface ReduceCase { op: string; input: string; layout: string; dim: Dim; keepdim: boolean; dtype?: string; out?: FixtureTensor; error?: string }
interface ArgCase { op: string; input: string; dim: number | null; keepdim: boolean; out?: FixtureTensor; values?: FixtureTensor; indices?: FixtureTensor; error?: string }
interface DimCase { op: string; input: string; layout: string; dim: number; dtype?: string; out?: FixtureTensor; error?: string }
interface Group<C> { inputs: Record<string, FixtureTensor>; cases: C[] }
interface Fixture { reductions: Group<ReduceCase>; arg: Group<ArgCase>; dim_ops: Group<DimCase>; errors: Record<string, string> }

const fx = loadFixture<Fixture>('reduce');

function withLayout(x: torch.Tensor, layout: string): torch.Tensor {
  if (layout === 'transpose') return x.transpose(0, -1);
  if (layout === 'slice') return x.index('...', '::2');
  if (layout === 'expand') return x.narrow(-1, 0, 1).expand(...x.shape);
  return x;
}

function runReduce(c: ReduceCase, x: torch.Tensor): torch.Tensor {
  const dim = c.dim ?? undefined;
  const opts = { dim, keepdim: c.keepdim, ...(c.dtype ? { dtype: dtypeNamed(c.dtype) } : {}) };
  const norms: Record<string, number> = { norm1: 1, norm3: 3, norminf: Infinity, normninf: -Infinity, norm0: 0 };
  if (c.op in norms) return torch.norm(x, norms[c.op], dim ?? null, c.keepdim);
  switch (c.op) {
    case 'count_nonzero': return torch.countNonzero(x, dim);
    case 'var_unbiased_false': return torch.var(x, { ...opts, unbiased: false });
    case 'std': return torch.std(x, opts);
    case 'var': return torch.var(x, opts);
    case 'norm': return torch.norm(x, opts);
    default: return (torch as unknown as Record<string, (t: torch.Tensor, o: object) => torch.Tensor>)[c.op](x, opts);
  }
}

const tolerant = /norm|std|var|logsumexp|mean|prod/;

describe('reductions match PyTorch', () => {
  const label = (c: ReduceCase) => `${c.op} ${c.input} ${c.layout} dim=${JSON.stringify(c.dim)} keepdim=${c.keepdim}${c.dtype ? ` dtype=${c.dtype}` : ''}`;
  test.each(fx.reductions.cases.map((c, i) => [`${i}: ${label(c)}`, c] as const))('%s', (_, c) => {
    const x = withLayout(fromFixture(fx.reductions.inputs[c.input]), c.layout);
    if (c.error !== undefined) {
      expect(() => runReduce(c, x)).toThrow(c.error);
      return;
    }
    const rtol = tolerant.test(c.op) ? 1e-5 : 1.3e-6;
    expectMatches(runReduce(c, x), c.out as FixtureTensor, rtol, 1e-5);
  });
});

describe('max / min / argmax / argmin / median / mode match PyTorch', () => {
  const label = (c: ArgCase) => `${c.op} ${c.input} dim=${c.dim} keepdim=${c.keepdim}`;
  test.each(fx.arg.cases.map((c, i) => [`${i}: ${label(c)}`, c] as const))('%s', (_, c) => {
    const x = fromFixture(fx.arg.inputs[c.input]);
    const call = (): torch.Tensor | torch.Tensor[] => {
      switch (c.op) {
        case 'max': return c.dim === null ? torch.max(x) : torch.max(x, c.dim, c.keepdim);
        case 'min': return c.dim === null ? torch.min(x) : torch.min(x, c.dim, c.keepdim);
        case 'argmax': return torch.argmax(x, c.dim, c.keepdim);
        case 'argmin': return torch.argmin(x, c.dim, c.keepdim);
        case 'median': return c.dim === null ? torch.median(x) : torch.median(x, c.dim, c.keepdim);
        default: return torch.mode(x, c.dim ?? -1, c.keepdim);
      }
    };
    if (c.error !== undefined) {
      expect(call).toThrow(c.error);
      return;
    }
    const result = call();
    if (c.out) {
      expectMatches(result as torch.Tensor, c.out);
      return;
    }
    const pair = result as torch.ValuesIndices;
    expectMatches(pair.values, c.values as FixtureTensor);
    expect(pair[0]).toBe(pair.values);
    if (c.indices) expectMatches(pair.indices, c.indices);
  });
});

describe('cumsum / cumprod / softmax / logSoftmax match PyTorch', () => {
  const camel: Record<string, string> = { log_softmax: 'logSoftmax' };
  test.each(fx.dim_ops.cases.map((c, i) => [`${i}: ${c.op} ${c.input} ${c.layout} dim=${c.dim}${c.dtype ? ` ${c.dtype}` : ''}`, c] as const))('%s', (_, c) => {
    const x = withLayout(fromFixture(fx.dim_ops.inputs[c.input]), c.layout);
    const fn = (torch as unknown as Record<string, (t: torch.Tensor, d: number, o?: object) => torch.Tensor>)[camel[c.op] ?? c.op];
    const call = () => fn(x, c.dim, c.dtype ? { dtype: dtypeNamed(c.dtype) } : undefined);
    if (c.error !== undefined) {
      expect(call).toThrow(c.error);
      return;
    }
    expectMatches(call(), c.out as FixtureTensor, c.op === 'cumprod' ? 1e-5 : 2e-6, 1e-6);
  });
});

describe('softmax and logSoftmax backward run one kernel (PyTorch\'s _softmax_backward_data)', () => {
  const f64 = { dtype: torch.float64 };
  test.each([
    ['softmax', 0], ['softmax', 1], ['softmax', -1], ['logSoftmax', 0], ['logSoftmax', 1], ['logSoftmax', -1],
  ] as ['softmax' | 'logSoftmax', number][])('%s along dim %d: gradcheck and gradgradcheck, on a transposed input too', (name, dim) => {
    torch.manualSeed(5);
    const x = torch.randn([3, 4, 5], { ...f64, requiresGrad: true });
    const xt = torch.randn([5, 4, 3], { ...f64, requiresGrad: true });
    const weights = torch.randn([3, 4, 5], f64);
    // A weighted sum gives every position its own upstream gradient; sum() gives an expanded one.
    const fn = (t: torch.Tensor) => t[name](dim).mul(weights).sum();
    expect(torch.autograd.gradcheck(fn, [x])).toBe(true);
    expect(torch.autograd.gradgradcheck(fn, [x])).toBe(true);
    expect(torch.autograd.gradcheck((t: torch.Tensor) => t.transpose(0, 2)[name](dim).mul(weights).sum(), [xt])).toBe(true);
    expect(torch.autograd.gradcheck((t: torch.Tensor) => t[name](dim).sum(), [x])).toBe(true);
  });
  test('float32 gradients match the float64 ones, and the profiler shows the kernel under the node', () => {
    torch.manualSeed(6);
    const x64 = torch.randn([7, 10], { dtype: torch.float64, requiresGrad: true });
    const x32 = x64.detach().to(torch.float32).requiresGrad_();
    const g = torch.randn([7, 10], { dtype: torch.float64 });
    x64.logSoftmax(1).backward(g);
    const prof = torch.autograd.profiler.profile(() => x32.logSoftmax(1).backward(g.to(torch.float32)));
    expect(torch.allclose(x32.grad!.to(torch.float64), x64.grad!, { atol: 1e-5, rtol: 1e-5 })).toBe(true);
    const node = prof.events().find((e) => e.name === 'LogSoftmaxBackward0');
    expect(node?.cpuChildren.map((c) => c.name)).toEqual(['aten::_log_softmax_backward_data']);
  });
});

describe('errors carry PyTorch messages', () => {
  const e = fx.errors;
  const m = torch.ones(2, 3);
  const empty = torch.zeros(0, 3);
  const cases: [string, () => unknown][] = [
    ['dim_range', () => m.sum(2)],
    ['dim_range_neg', () => m.sum(-3)],
    ['dim_repeat', () => m.sum([0, 0])],
    ['dim_repeat_neg', () => m.sum([1, -1])],
    ['max_empty', () => empty.max()],
    ['max_empty_dim', () => empty.max(0)],
    ['amax_empty', () => empty.amax()],
    ['amin_empty_dim', () => empty.amin(0)],
    ['argmax_empty', () => empty.argmax()],
    ['argmin_empty_dim', () => empty.argmin(0)],
    ['mean_int', () => torch.tensor([1, 2]).mean()],
    ['mean_bool', () => torch.tensor([true]).mean()],
    ['mean_int_dtype', () => m.mean({ dtype: torch.int64 })],
    ['var_int', () => torch.tensor([1, 2]).var()],
    ['norm_int', () => torch.tensor([1, 2]).norm()],
    ['softmax_int_last', () => torch.tensor([[1, 2]]).softmax(1)],
    ['softmax_int_first', () => torch.tensor([[1, 2]]).softmax(0)],
    ['log_softmax_int_last', () => torch.tensor([[1, 2]]).logSoftmax(1)],
    ['argmax_bool', () => torch.tensor([true]).argmax()],
    ['amax_out_dtype', () => torch.amax(m, 1, false, { out: torch.empty([2], { dtype: torch.float64 }) })],
    ['cumsum_dim', () => m.cumsum(2)],
    ['softmax_dim', () => m.softmax(-3)],
    ['max_dim', () => m.max(2)],
    ['median_empty_dim', () => empty.median(0)],
    ['mode_empty_dim', () => empty.mode(0)],
  ];
  test.each(cases)('%s', (key, fn) => {
    expect(fn).toThrow(torch.TensorError);
    expect(fn).toThrow(e[key]);
  });
});

describe('argument forms', () => {
  const x = torch.arange(24, { dtype: torch.float32 }).reshape(2, 3, 4);

  test('positional dim/keepdim, options object, lists, negative dims', () => {
    expect(x.sum(1).tolist()).toEqual(x.sum({ dim: 1 }).tolist());
    expect([...x.sum(1, true).shape]).toEqual([2, 1, 4]);
    expect([...x.sum([0, -1], true).shape]).toEqual([1, 3, 1]);
    expect([...x.mean(-1).shape]).toEqual([2, 3]);
    expect(x.sum(1, { dtype: torch.float64 }).dtype).toBe(torch.float64);
    expect(torch.sum(x, 2, true).tolist()).toEqual(x.sum(2, true).tolist());
    expect(x.sum([]).item()).toBe(276);
    expect(x.std(1, true, true).tolist()).toEqual(x.std({ dim: 1, keepdim: true }).tolist());
    expect(x.var(false).item()).toBeCloseTo(47.916666, 4);
    expect(x.var(1, { correction: 0 }).tolist()).toEqual(x.var(1, false).tolist());
    expect(x.norm(1, 2).tolist()).toEqual(x.norm({ p: 1, dim: 2 }).tolist());
    expect(x.norm('fro').item()).toBeCloseTo(Math.sqrt(4324), 3);
  });

  test('dtype rules: int sums and products are int64, mean needs floats, all/any of uint8 stay uint8', () => {
    const i = torch.tensor([1, 2, 3], { dtype: torch.int32 });
    expect(i.sum().dtype).toBe(torch.int64);
    expect(i.prod().item()).toBe(6);
    expect(i.sum({ dtype: torch.int32 }).dtype).toBe(torch.int32);
    expect(torch.tensor([true, true, false]).sum().item()).toBe(2);
    expect(i.mean({ dtype: torch.float64 }).item()).toBe(2);
    expect(torch.tensor([1, 0], { dtype: torch.uint8 }).all().dtype).toBe(torch.uint8);
    expect(i.cumsum(0).dtype).toBe(torch.int64);
    expect(i.logsumexp(0).dtype).toBe(torch.float32);
  });

  test('max/min: no dim -> tensor, dim -> [values, indices] with names, tensor -> elementwise', () => {
    const m = torch.tensor([[1, 5, 2], [7, 0, 7]], { dtype: torch.float32 });
    expect(m.max().item()).toBe(7);
    const [values, indices] = torch.max(m, 1);
    expect(values.tolist()).toEqual([5, 7]);
    expect(indices.tolist()).toEqual([1, 0]);
    const r = m.min({ dim: 0, keepdim: true }) as torch.ValuesIndices;
    expect(r.values.tolist()).toEqual([[1, 0, 2]]);
    expect(r.indices.tolist()).toEqual([[0, 1, 0]]);
    expect(torch.max(m, torch.full([3], 4)).tolist()).toEqual([[4, 5, 4], [7, 4, 7]]);
    expect(m.argmax().item()).toBe(3);
    expect([...m.argmax(null, true).shape]).toEqual([1, 1]);
  });

  test('0-d and empty inputs', () => {
    const s = torch.tensor(2.5);
    expect(s.sum().item()).toBe(2.5);
    expect(s.sum(0).item()).toBe(2.5);
    expect(s.max(0).indices.item()).toBe(0);
    expect(s.softmax(0).item()).toBe(1);
    expect(s.cumsum(0).shape.length).toBe(0);
    expect(torch.zeros(0).sum().item()).toBe(0);
    expect(torch.zeros(0).prod().item()).toBe(1);
    expect(Number.isNaN(torch.zeros(0).mean().item() as number)).toBe(true);
    expect(torch.zeros(0, 3).sum(0).tolist()).toEqual([0, 0, 0]);
    expect(torch.zeros(0, 3).max(1).values.shape[0]).toBe(0);
    expect(torch.zeros(0, 3).logsumexp(0).tolist()).toEqual([-Infinity, -Infinity, -Infinity]);
  });

  test('out= writes into the given tensor (casting when the dtype differs)', () => {
    const m = torch.tensor([[1, 2], [3, 4]], { dtype: torch.float32 });
    const out = torch.empty([2]);
    expect(torch.sum(m, 1, false, { out })).toBe(out);
    expect(out.tolist()).toEqual([3, 7]);
    const wide = torch.empty([0], { dtype: torch.float64 });
    torch.mean(m, { dim: 0, out: wide });
    expect(wide.tolist()).toEqual([2, 3]);
    const intOut = torch.empty([2], { dtype: torch.int64 });
    torch.sum(m, 0, false, { out: intOut });
    expect(intOut.tolist()).toEqual([4, 6]);
    const values = torch.empty([2]), indices = torch.empty([2], { dtype: torch.int64 });
    torch.max(m, 0, false, { out: [values, indices] });
    expect(values.tolist()).toEqual([3, 4]);
    expect(indices.tolist()).toEqual([1, 1]);
    const sm = torch.empty([2, 2]);
    torch.softmax(m, 1, { out: sm });
    expect(flatValues(sm.sum(1)).map((v) => Math.round(v * 1e6))).toEqual([1e6, 1e6]);
    const cs = torch.empty([2, 2], { dtype: torch.float64 });
    torch.cumsum(m, 0, { out: cs });
    expect(cs.tolist()).toEqual([[1, 2], [4, 6]]);
  });

  test('registry: reductions are declared with PyTorch backward names', () => {
    expect(torch.registry.get('sum')?.backwardName).toBe('SumBackward0');
    expect(torch.registry.get('softmax')?.backwardName).toBe('SoftmaxBackward0');
    expect(torch.registry.get('logSoftmax')?.backwardName).toBe('LogSoftmaxBackward0');
    expect(torch.registry.get('max')?.kind).toBe('reduction');
  });
});

describe('float32 accuracy on long inputs', () => {
  const threads = torch.getNumThreads();
  afterAll(() => torch.setNumThreads(threads));

  // torch.rand in JavaScript takes seconds for 16M values; a local generator is enough here.
  function filled(n: number, seed: number, centred: boolean): torch.Tensor {
    const data = new Float32Array(n);
    const rng = new Rng(seed);
    for (let i = 0; i < n; i++) data[i] = centred ? rng.next() * 2 - 1 : rng.next();
    return torch.from(data);
  }
  const uniform = filled(16_000_000, 1, false), centred = filled(16_000_000, 2, true);

  test.each([1, 2])('16M-element sums at %i thread(s)', (n) => {
    torch.setNumThreads(n);
    expect(torch.ones([16_000_000]).sum().item()).toBe(16_000_000);
    for (const x of [uniform, centred]) {
      const data = x.data() as Float32Array;
      let exact = 0, magnitude = 0;
      for (let i = 0; i < data.length; i++) {
        exact += data[i];
        magnitude += Math.abs(data[i]);
      }
      const got = x.sum().item() as number;
      // Within a float32 rounding of the true (float64) sum, plus a margin for cancellation.
      expect(Math.abs(got - exact)).toBeLessThanOrEqual(Math.abs(exact) * 2 ** -23 + magnitude * 1e-9);
      expect(Math.abs((x.mean().item() as number) - exact / data.length)).toBeLessThanOrEqual(1e-6);
    }
  });
});

// ---- random cases against a naive JavaScript reference ---------------------------------

/** Groups the elements of `x` (logical order) by output position of a reduction over `mask`. */
function groups(x: torch.Tensor, mask: boolean[]): number[][] {
  const values = flatValues(x);
  const shape = x._shape;
  const outCount = shape.reduce((a, d, i) => (mask[i] ? a : a * d), 1);
  const out: number[][] = Array.from({ length: outCount }, () => []);
  const index = new Array<number>(shape.length).fill(0);
  for (let i = 0; i < values.length; i++) {
    let o = 0;
    for (let d = 0; d < shape.length; d++) if (!mask[d]) o = o * shape[d] + index[d];
    out[o].push(values[i]);
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++index[d] < shape[d]) break;
      index[d] = 0;
    }
  }
  return out;
}

const maxOf = (v: number[]) => v.reduce((a, b) => (b > a ? b : a), -Infinity);
const minOf = (v: number[]) => v.reduce((a, b) => (b < a ? b : a), Infinity);

const naive: Record<string, (v: number[]) => number> = {
  sum: (v) => v.reduce((a, b) => a + b, 0),
  mean: (v) => v.reduce((a, b) => a + b, 0) / v.length,
  prod: (v) => v.reduce((a, b) => a * b, 1),
  amax: (v) => (v.some(Number.isNaN) ? NaN : maxOf(v)),
  amin: (v) => (v.some(Number.isNaN) ? NaN : minOf(v)),
  var: (v) => {
    const m = v.reduce((a, b) => a + b, 0) / v.length;
    return v.reduce((a, b) => a + (b - m) * (b - m), 0) / (v.length - 1);
  },
  norm: (v) => Math.sqrt(v.reduce((a, b) => a + b * b, 0)),
  logsumexp: (v) => {
    const m = v.some(Number.isNaN) ? NaN : maxOf(v);
    return m + Math.log(v.reduce((a, b) => a + Math.exp(b - m), 0));
  },
  countNonzero: (v) => v.filter((b) => b !== 0).length,
  argmax: (v) => v.indexOf(maxOf(v)),
  argmin: (v) => v.indexOf(minOf(v)),
};

function randomView(rng: Rng, big: boolean): torch.Tensor {
  const ndim = big ? rng.int(1, 2) : rng.int(0, 4);
  const shape = big
    ? rng.pick([[70000], [3, 30000], [300, 250], [40000, 2], [2, 300, 70]]).slice(0, 3)
    : Array.from({ length: ndim }, () => rng.int(1, 6));
  let x = torch.randn(...shape.map((d) => d + rng.int(0, 1))).mul(2);
  for (let d = 0; d < shape.length; d++) x = x.narrow(d, x._shape[d] - shape[d], shape[d]);
  if (shape.length >= 2 && rng.next() < 0.4) x = x.transpose(0, shape.length - 1);
  if (rng.next() < 0.2) x = x.double();
  if (rng.next() < 0.15) x.index(...x._shape.map(() => 0)).fill_(NaN);
  return x;
}

function randomMask(rng: Rng, rank: number): boolean[] {
  const mask = Array.from({ length: rank }, () => rng.next() < 0.5);
  if (rank > 0 && !mask.includes(true)) mask[rng.int(0, rank - 1)] = true;
  return mask;
}

function close(got: number, want: number, scale: number, rtol: number): boolean {
  if (Number.isNaN(want)) return Number.isNaN(got);
  if (!Number.isFinite(want)) return got === want;
  return Math.abs(got - want) <= rtol * scale + 1e-6;
}

function checkRandomCases(seed: number): void {
  const rng = new Rng(seed);
  for (let iter = 0; iter < 120; iter++) {
    const x = randomView(rng, iter % 10 === 0);
    const rank = x._shape.length;
    const mask = randomMask(rng, rank);
    const dims = mask.flatMap((m, d) => (m ? [d] : []));
    const keepdim = rng.next() < 0.5;
    const grouped = groups(x, mask);
    const magnitude = grouped.map((v) => v.reduce((a, b) => a + Math.abs(b), 0));
    const rtol = x.dtype === torch.float64 ? 1e-12 : 1e-5;
    let op = rng.pick(['sum', 'mean', 'prod', 'amax', 'amin', 'var', 'norm', 'logsumexp', 'countNonzero']);
    if (op === 'prod' && x.numel() > 1000) op = 'sum'; // long products leave the float range
    const input = op === 'prod' ? x.div(x.abs().add(0.5)).add(1) : x; // keep products in range
    const got = flatValues(
      op === 'countNonzero'
        ? torch.countNonzero(input, dims)
        : (torch as unknown as Record<string, (t: torch.Tensor, o: object) => torch.Tensor>)[op](input, { dim: dims, keepdim }),
    );
    const ref = groups(input, mask).map(naive[op]);
    ref.forEach((want, i) => {
      const scale = op === 'prod' || op === 'logsumexp' || op === 'norm' || op === 'var' ? Math.abs(want) + 1 : magnitude[i] + 1;
      if (!close(got[i], want, scale, rtol)) throw new Error(`${op} of ${x.shape} dims ${dims}: output ${i} is ${got[i]}, expected ${want}`);
    });
    // Arg reductions along one dim, and softmax / cumsum along it.
    if (rank === 0) continue;
    const d = rng.int(0, rank - 1);
    const single = x._shape.map((_, k) => k === d);
    const rows = groups(x, single);
    const [values, indices] = x.max(d);
    const vals = flatValues(values), idx = flatValues(indices);
    rows.forEach((row, i) => {
      const nan = row.findIndex(Number.isNaN);
      const want = nan >= 0 ? nan : naive.argmax(row);
      if (idx[i] !== want || !close(vals[i], row[want], 1, 0)) throw new Error(`max(${d}) of ${x.shape}: row ${i} gave ${vals[i]}@${idx[i]}, expected ${row[want]}@${want}`);
    });
    const argmin = flatValues(x.argmin(d));
    rows.forEach((row, i) => {
      const nan = row.findIndex(Number.isNaN);
      const want = nan >= 0 ? nan : naive.argmin(row);
      if (argmin[i] !== want) throw new Error(`argmin(${d}) of ${x.shape}: row ${i} gave ${argmin[i]}, expected ${want}`);
    });
    const moved = (t: torch.Tensor) => groups(t.movedim(d, -1).contiguous(), t._shape.map((_, k) => k === rank - 1));
    const soft = moved(x.softmax(d));
    const cum = moved(x.cumsum(d));
    moved(x).forEach((row, i) => {
      const lse = naive.logsumexp(row);
      let run = 0;
      row.forEach((v, k) => {
        run += v;
        if (!close(soft[i][k], Math.exp(v - lse), 1, 1e-5)) throw new Error(`softmax(${d}) of ${x.shape}: ${soft[i][k]} vs ${Math.exp(v - lse)}`);
        if (!close(cum[i][k], run, Math.abs(run) + Math.abs(v) + k, rtol * 4)) throw new Error(`cumsum(${d}) of ${x.shape}: ${cum[i][k]} vs ${run}`);
      });
    });
  }
}

describe('random reductions match a naive reference on every ISA and thread count', () => {
  const detected = torch.backend.cpuCapability().detected as 'avx512' | 'avx2' | 'default';
  const active = torch.backend.cpuCapability().active as 'avx512' | 'avx2' | 'default';
  const threads = torch.getNumThreads();
  afterAll(() => {
    torch.backend.setCpuCapability(active);
    torch.setNumThreads(threads);
  });
  const order = ['default', 'avx2', 'avx512'] as const;
  const caps = order.slice(0, order.indexOf(detected) + 1);
  const combos = caps.flatMap((cap) => [1, 2].map((n) => [cap, n] as const));
  test.each(combos)('%s, %i thread(s)', (cap, n) => {
    expect(torch.backend.setCpuCapability(cap)).toBe(cap);
    torch.setNumThreads(n);
    torch.manualSeed(7);
    checkRandomCases(2024);
  });
});

describe('sums over many short runs per output (a conv bias gradient: sum over N, H, W of NCHW)', () => {
  // reduceShortRuns in native/src/kernels/reduce_impl.h: every output's input is several
  // contiguous runs shorter than 1024 elements; their sums share vector lanes per output.
  const shapes: [number[], number[]][] = [
    [[3, 5, 7, 9], [0, 2, 3]], // runs of 63: one 16-lane vector and a tail of 15
    [[2, 37, 13], [0, 2]], // runs of 13: tail only
    [[40, 3, 100], [0, 2]], // 4000 elements per output: the float lanes fold into the double 3 times
    [[5, 4, 64], [0, 2]], // runs of exactly four vectors
    [[2, 6, 5, 5], [0, 2]], // kept dims on both sides of a reduced one
  ];
  test.each(capabilities)('%s, 1 and 2 threads: sum, mean, norms, countNonzero on float32, float64, int32, bool', (cap) => {
    underCapability(cap, () => {
      torch.manualSeed(11);
      for (const [shape, dims] of shapes) {
        const mask = shape.map((_, d) => dims.includes(d));
        for (const dtype of [torch.float32, torch.float64]) {
          const x = torch.randn(shape, { dtype }).mul(3).round().mul(0.5); // values exact in float32 sums
          const rtol = dtype === torch.float64 ? 1e-12 : 1e-6;
          const cases: [string, torch.Tensor, (v: number[]) => number][] = [
            ['sum', x.sum(dims), naive.sum],
            ['mean', x.mean(dims), naive.mean],
            ['norm 2', torch.norm(x, 2, dims), naive.norm],
            ['norm 1', torch.norm(x, 1, dims), (v) => v.reduce((a, b) => a + Math.abs(b), 0)],
            ['countNonzero', torch.countNonzero(x, dims), naive.countNonzero],
          ];
          for (const [name, got, reference] of cases) {
            expect(got.shape).toEqual(shape.filter((_, d) => !mask[d]));
            const values = flatValues(got);
            groups(x, mask).forEach((v, i) => {
              const want = reference(v);
              if (Math.abs(values[i] - want) > rtol * (Math.abs(want) + 1)) throw new Error(`${name} of ${dtype} ${shape} over ${dims}: output ${i} is ${values[i]}, expected ${want}`);
            });
          }
        }
        const ints = torch.randint(-50, 50, shape, { dtype: torch.int32 });
        const intSums = ints.sum(dims);
        expect(intSums.dtype).toBe(torch.int64);
        expect(flatValues(intSums)).toEqual(groups(ints, mask).map(naive.sum));
        const bools = torch.randn(shape).gt(-1.5);
        expect(flatValues(bools.sum(dims))).toEqual(groups(bools, mask).map(naive.sum));
        expect(flatValues(torch.countNonzero(bools, dims))).toEqual(groups(bools, mask).map(naive.countNonzero));
      }
    });
  });

  test('float32 sums of the conv D gradient shape keep float accuracy', () => {
    const g = torch.randn([64, 32, 24, 24]);
    const got = flatValues(g.sum([0, 2, 3]));
    const exact = flatValues(g.double().sum([0, 2, 3]));
    const magnitude = flatValues(g.abs().double().sum([0, 2, 3]));
    got.forEach((v, i) => expect(Math.abs(v - exact[i])).toBeLessThanOrEqual(Math.abs(exact[i]) * 2 ** -23 + magnitude[i] * 2 ** -24));
  });
});

describe('the native reduction entry points refuse malformed calls', () => {
  const buf = () => Buffer.allocUnsafeSlow(64);
  const meta = (values: number[]) => {
    native.meta.fill(0);
    native.meta.set(values);
  };
  const calls: [string, () => unknown][] = [
    ['bad op', () => { meta([1, 4, 0, 0, 0, 0, 0, 1]); native.reduce(99, buf(), buf(), 0); }],
    ['output past its buffer', () => { meta([1, 4, 0, 60, 1, 0, 0, 1]); native.reduce(0, buf(), buf(), 0); }],
    ['input past its buffer', () => { meta([1, 40, 0, 0, 0, 0, 0, 1]); native.reduce(0, buf(), buf(), 0); }],
    ['wrong output dtype', () => { meta([1, 4, 1, 0, 0, 0, 0, 1]); native.reduce(0, buf(), buf(), 0); }],
    ['mean of int64', () => { meta([1, 4, 3, 0, 0, 3, 0, 1]); native.reduce(1, buf(), buf(), 0); }],
    ['runaway loop', () => { meta([2, 2 ** 30, 2 ** 30, 0, 0, 0, 0, 0, 0, 0, 0]); native.reduce(0, buf(), buf(), 0); }],
    ['overlapping kept output', () => { meta([2, 4, 4, 0, 0, 1, 1, 0, 0, 4, 1]); native.reduce(0, buf(), buf(), 0); }],
    ['outputs disagree on reduced dims', () => { meta([1, 4, 0, 0, 0, 3, 0, 1, 0, 0, 1]); native.argReduce(0, buf(), buf(), buf()); }],
    ['arg over two dims', () => { meta([2, 2, 2, 0, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 2, 1]); native.argReduce(0, buf(), buf(), buf()); }],
    ['indices not int64', () => { meta([1, 4, 0, 0, 0, 0, 0, 0, 0, 0, 1]); native.argReduce(0, buf(), buf(), buf()); }],
    ['dimOp dim out of range', () => { meta([1, 4, 0, 0, 1, 0, 0, 1]); native.dimOp(0, buf(), buf(), 1); }],
    ['softmax of int64', () => { meta([1, 4, 3, 0, 1, 3, 0, 1]); native.dimOp(0, buf(), buf(), 0); }],
    ['dimOp output overlaps', () => { meta([1, 4, 0, 0, 0, 0, 0, 1]); native.dimOp(2, buf(), buf(), 0); }],
    ['not a buffer', () => native.reduce(0, {} as Uint8Array, buf(), 0)],
  ];
  test.each(calls)('%s', (_, call) => {
    expect(call).toThrow(torch.TensorError);
  });

  test('random junk never crashes', () => {
    const rng = new Rng(5);
    for (let i = 0; i < 400; i++) {
      const ndim = rng.int(0, 3);
      const shape = Array.from({ length: ndim }, () => rng.int(0, 6));
      const operand = () => [rng.int(0, 7), rng.int(-2, 10), ...shape.map(() => rng.int(-3, 8))];
      meta([ndim, ...shape, ...operand(), ...operand(), ...operand()]);
      try {
        const which = rng.int(0, 2);
        if (which === 0) native.reduce(rng.int(0, 11), buf(), buf(), rng.pick([0, 1, 2, Infinity, 3]));
        else if (which === 1) native.argReduce(rng.int(0, 1), buf(), buf(), buf());
        else native.dimOp(rng.int(0, 3), buf(), buf(), rng.int(0, 3));
      } catch (e) {
        if (!(e instanceof torch.TensorError)) throw e;
      }
    }
  });
});
