/**
 * torch.save / torch.load (issue 7): files written by real NumPy and PyTorch load with
 * exact values, files we write match np.save and the safetensors reference byte for
 * byte, bad files raise TensorError naming the problem, and a seeded fuzz run over
 * mutated files never gives another error, a crash or a hang.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as torch from '../lib';
import { ZipArchive, writeZip } from '../lib/io/zip';
import { loadPt } from '../lib/io/pt';
import { loadFixture } from './helpers/fixtures';
import { FixtureTensor, expectMatches, fromFixture } from './helpers/tensors';
import { Rng } from './helpers/random';
import { LeNet } from './helpers/lenet';

const { nn } = torch;
const F = torch.nn.functional;
const DIR = path.join(__dirname, 'fixtures', 'io');
const file = (name: string): Uint8Array => new Uint8Array(fs.readFileSync(path.join(DIR, name)));

interface IoFixture {
  npy: Record<string, FixtureTensor>;
  npz: { keys: string[]; values: Record<string, FixtureTensor> };
  pt: {
    lenet: { keys: string[]; state: Record<string, FixtureTensor>; input: FixtureTensor; output: FixtureTensor };
    views: Record<string, FixtureTensor & { stride: number[]; offset: number }>;
    dtypes: Record<string, FixtureTensor>;
    parameter: Record<string, FixtureTensor & { requires_grad: boolean }>;
  };
  safetensors: { metadata: Record<string, string>; values: Record<string, FixtureTensor>; bytes: number };
}
const fx = loadFixture<IoFixture>('io');

const DTYPES = [torch.float32, torch.float64, torch.int32, torch.int64, torch.int16, torch.int8, torch.uint8, torch.bool];

/** A small tensor of each dtype with awkward values (negatives, extremes, NaN). */
function sampleOf(dtype: torch.DType, shape = [2, 3]): torch.Tensor {
  if (dtype === torch.bool) return torch.tensor([true, false, false, true, true, false]).reshape(shape);
  if (dtype.isFloatingPoint) return torch.tensor([1.5, -0, NaN, -Infinity, 3.25e-7, 1e30], { dtype }).reshape(shape);
  const extremes: Record<string, [number, number]> = {
    int8: [127, -128], uint8: [255, 0], int16: [32767, -32768], int32: [2147483647, -2147483648], int64: [2 ** 53 - 1, -(2 ** 53)],
  };
  const [hi, lo] = extremes[dtype.name];
  return torch.tensor([hi, lo, 0, 1, dtype === torch.uint8 ? 2 : -2, 7], { dtype }).reshape(shape);
}

function expectSameTensor(a: torch.Tensor, b: torch.Tensor): void {
  expect(a.dtype).toBe(b.dtype);
  expect([...a.shape]).toEqual([...b.shape]);
  expect(Buffer.from(torch.saveNpy(a)).equals(Buffer.from(torch.saveNpy(b)))).toBe(true);
}

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tensorgrad-io-'));
});
afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('.npy', () => {
  test.each(Object.keys(fx.npy))('%s written by NumPy loads with exact values', (name) => {
    const t = torch.load<torch.Tensor>(path.join(DIR, name));
    expectMatches(t, fx.npy[name], 0, 0);
  });

  test('Fortran order keeps column-major strides, as torch.from_numpy', () => {
    const t = torch.loadNpy(file('fortran_f8.npy'));
    expect(t.stride()).toEqual([1, 3]);
    expect(t.isContiguous()).toBe(false);
  });

  test.each(['float32', 'float64', 'int32', 'int64', 'int16', 'int8', 'uint8', 'bool', 'scalar_f8', 'empty_f4', 'vector_i8'])(
    'writing %s reproduces np.save byte for byte',
    (name) => {
      const original = file(`${name}.npy`);
      const again = torch.saveNpy(torch.loadNpy(original));
      expect(Buffer.from(again).equals(Buffer.from(original))).toBe(true);
    },
  );

  test.each(DTYPES.map((d) => [d.name, d] as const))('round trip of %s, non-contiguous written contiguous', (_, dtype) => {
    const t = sampleOf(dtype, [3, 2]).t();
    const p = path.join(tmp, `rt_${dtype.name}.npy`);
    torch.save(t, p);
    const back = torch.load<torch.Tensor>(p);
    expect(back.isContiguous()).toBe(true);
    expectSameTensor(back, t);
  });

  test('bad files name the problem', () => {
    const good = file('float32.npy');
    expect(() => torch.loadNpy(good.subarray(0, 9))).toThrow(torch.TensorError);
    expect(() => torch.loadNpy(good.subarray(0, good.length - 1))).toThrow(/truncated data/);
    const longHeader = Uint8Array.from(good);
    longHeader[8] = 0xff;
    longHeader[9] = 0x7f;
    expect(() => torch.loadNpy(longHeader)).toThrow(/header length 32767 runs past the end/);
    const complex = Buffer.from(good);
    complex.write("'<c8'", complex.indexOf("'<f4'"), 'latin1');
    expect(() => torch.loadNpy(complex)).toThrow(/unsupported dtype descr '<c8'/);
    const version = Uint8Array.from(good);
    version[6] = 9;
    expect(() => torch.loadNpy(version)).toThrow(/unsupported .npy format version 9.0/);
    expect(() => torch.loadNpy(new Uint8Array([1, 2, 3]))).toThrow(/bad magic/);
    expect(() => torch.save({ a: torch.ones(1) }, path.join(tmp, 'x.npy'))).toThrow(/single Tensor/);
  });
});

describe('.npz', () => {
  test.each(['stored.npz', 'deflate.npz'])('%s written by NumPy loads with exact values', (name) => {
    const out = torch.load<Record<string, torch.Tensor>>(path.join(DIR, name));
    expect(Object.keys(out)).toEqual(fx.npz.keys);
    for (const k of fx.npz.keys) expectMatches(out[k], fx.npz.values[k], 0, 0);
  });

  test('round trip of every dtype; one tensor is stored as arr_0', () => {
    const dict = Object.fromEntries(DTYPES.map((d) => [d.name, sampleOf(d)]));
    const p = path.join(tmp, 'all.npz');
    torch.save(dict, p);
    const back = torch.load<Record<string, torch.Tensor>>(p);
    expect(Object.keys(back)).toEqual(Object.keys(dict));
    for (const k of Object.keys(dict)) expectSameTensor(back[k], dict[k]);
    torch.save(torch.arange(3), path.join(tmp, 'one.npz'));
    expect(Object.keys(torch.load(path.join(tmp, 'one.npz')))).toEqual(['arr_0']);
  });

  test('corrupt archives are refused', () => {
    const good = file('stored.npz');
    expect(() => torch.loadNpz(good.subarray(0, good.length - 30))).toThrow(/end of central directory/);
    const flipped = Uint8Array.from(good);
    flipped[200] ^= 0xff; // inside the first entry's data
    expect(() => torch.loadNpz(flipped)).toThrow(/CRC-32 mismatch|cannot parse header|npz entry/);
    const deflate = file('deflate.npz');
    const broken = Uint8Array.from(deflate);
    for (let i = 60; i < 90; i++) broken[i] = 0xff;
    expect(() => torch.loadNpz(broken)).toThrow(torch.TensorError);
  });
});


describe('.pt (PyTorch torch.save)', () => {
  test('a LeNet trained in PyTorch loads with exact values into the same model', () => {
    const sd = torch.load<Record<string, torch.Tensor>>(path.join(DIR, 'lenet.pt'));
    expect(Object.keys(sd)).toEqual(fx.pt.lenet.keys);
    for (const k of fx.pt.lenet.keys) expectMatches(sd[k], fx.pt.lenet.state[k], 0, 0);
    const model = new LeNet();
    expect(model.loadStateDict(sd).missingKeys).toEqual([]);
  });

  test('the loaded LeNet predicts as it did in PyTorch', () => {
    const model = new LeNet();
    model.loadStateDict(torch.load<Record<string, torch.Tensor>>(path.join(DIR, 'lenet.pt')));
    const out = torch.noGrad(() => model.forward(fromFixture(fx.pt.lenet.input)));
    expectMatches(out, fx.pt.lenet.output, 1e-5, 1e-5);
  });

  test('views keep their offsets and strides and share one storage', () => {
    const views = torch.load<Record<string, torch.Tensor>>(path.join(DIR, 'views.pt'));
    for (const [k, want] of Object.entries(fx.pt.views)) {
      expectMatches(views[k], want, 0, 0);
      expect(views[k].stride()).toEqual(want.stride);
      expect(views[k].storageOffset()).toBe(want.offset);
    }
    views.base.fill_(1);
    expect(views.block.sum().item()).toBe(6);
  });

  test('every dtype, Parameters and nested checkpoints', () => {
    const every = torch.load<Record<string, torch.Tensor>>(path.join(DIR, 'dtypes.pt'));
    for (const [k, want] of Object.entries(fx.pt.dtypes)) expectMatches(every[k], want, 0, 0);
    const param = torch.load<Record<string, torch.Tensor>>(path.join(DIR, 'parameter.pt'));
    for (const [k, want] of Object.entries(fx.pt.parameter)) {
      expectMatches(param[k], want, 0, 0);
      expect(param[k].requiresGrad).toBe(want.requires_grad);
    }
    const nested = torch.load<Record<string, unknown>>(path.join(DIR, 'nested.pt'));
    expect(Object.keys(nested)).toEqual(['model', 'epoch', 'lr', 'tags', 'best', 'ok', 'big']);
    expect(nested.epoch).toBe(3);
    expect(nested.lr).toBe(0.125);
    expect(nested.tags).toEqual(['a', 'b']);
    expect(nested.best).toBeNull();
    expect(nested.ok).toBe(true);
    expect(nested.big).toBe(2 ** 40);
    expect([...(nested.model as Record<string, torch.Tensor>).w.shape]).toEqual([2, 2]);
  });

  test('a pickle that calls os.system is refused without running anything', () => {
    const marker = '/tmp/tensorgrad-io-pwned';
    expect(() => torch.load(path.join(DIR, 'evil.pt'))).toThrow(/refusing to load global 'posix.system'/);
    expect(fs.existsSync(marker)).toBe(false);
  });

  test('unsupported storages, opcodes and structures name the problem', () => {
    expect(() => torch.load(path.join(DIR, 'half.pt'))).toThrow(/unsupported storage type torch.HalfStorage/);
    const archive = new ZipArchive(file('nested.pt'));
    const rebuild = (pickle: Uint8Array): Uint8Array =>
      writeZip(archive.names.map((name) => ({ name, data: name.endsWith('data.pkl') ? pickle : archive.read(name) })));
    const program = (...ops: (number | string)[]): Uint8Array =>
      Buffer.concat(ops.map((o) => (typeof o === 'number' ? Buffer.from([o]) : Buffer.from(o, 'latin1'))));
    // STACK_GLOBAL ('\x93'), INST ('i'), and a string-level GLOBAL of builtins.eval.
    expect(() => loadPt(rebuild(program(0x80, 2, 0x93, '.')))).toThrow(/unsupported pickle opcode STACK_GLOBAL \(0x93\)/);
    expect(() => loadPt(rebuild(program(0x80, 2, 'ibuiltins\neval\n', '.')))).toThrow(/unsupported pickle opcode INST/);
    expect(() => loadPt(rebuild(program(0x80, 2, 'cbuiltins\neval\n', '.')))).toThrow(/refusing to load global 'builtins.eval'/);
    // A list that contains itself, and a dict whose pickle never stops.
    expect(() => loadPt(rebuild(program(0x80, 2, ']', 'q', 0, 'h', 0, 'a', '.')))).toThrow(/recursive object structure/);
    expect(() => loadPt(rebuild(program(0x80, 2, '}')))).toThrow(/ends without STOP/);
    expect(() => loadPt(rebuild(program(0x80, 2, 'h', 5, '.')))).toThrow(/memo key 5 not found/);
    expect(() => loadPt(file('stored.npz'))).toThrow(/no data.pkl/);
    expect(() => loadPt(program(0x80, 2, 0x8a, 0x0a, '.'))).toThrow(/legacy torch.save format/);
    expect(() => torch.save(torch.ones(1), path.join(tmp, 'm.npy'), { metadata: { a: 'b' } })).toThrow(/only be stored in .safetensors/);
    expect(() => torch.save({ a: torch.ones(1) }, path.join(tmp, 'x.pt'))).toThrow(/not supported/);
  });
});

describe('.safetensors', () => {
  test('a file from the reference writer loads with exact values and metadata', () => {
    const { tensors, metadata } = torch.loadSafetensors(file('reference.safetensors'));
    expect(metadata).toEqual(fx.safetensors.metadata);
    expect(Object.keys(tensors).sort()).toEqual(Object.keys(fx.safetensors.values).sort());
    for (const [k, want] of Object.entries(fx.safetensors.values)) expectMatches(tensors[k], want, 0, 0);
  });

  test('writing reproduces the reference bytes (dtype-then-name order, padding, metadata)', () => {
    const original = file('reference.safetensors');
    const { tensors, metadata } = torch.loadSafetensors(original);
    const p = path.join(tmp, 'again.safetensors');
    torch.save(tensors, p, { metadata: metadata ?? undefined });
    expect(fs.readFileSync(p).equals(Buffer.from(original))).toBe(true);
  });

  test("the reference library's own serialisation test vectors", () => {
    const attn = torch.arange(6, { dtype: torch.float32 }).reshape(1, 2, 3);
    const expected = [
      64, 0, 0, 0, 0, 0, 0, 0, 123, 34, 97, 116, 116, 110, 46, 48, 34, 58, 123, 34, 100, 116, 121, 112, 101, 34, 58, 34, 70, 51, 50,
      34, 44, 34, 115, 104, 97, 112, 101, 34, 58, 91, 49, 44, 50, 44, 51, 93, 44, 34, 100, 97, 116, 97, 95, 111, 102, 102, 115, 101,
      116, 115, 34, 58, 91, 48, 44, 50, 52, 93, 125, 125, 0, 0, 0, 0, 0, 0, 128, 63, 0, 0, 0, 64, 0, 0, 64, 64, 0, 0, 128, 64, 0, 0,
      160, 64,
    ];
    expect([...torch.saveSafetensors({ 'attn.0': attn })]).toEqual(expected);
    expect([...torch.saveSafetensors({})]).toEqual([8, 0, 0, 0, 0, 0, 0, 0, 123, 125, 32, 32, 32, 32, 32, 32]);
    const withMeta = torch.saveSafetensors({}, { framework: 'pt' });
    expect(Buffer.from(withMeta.subarray(8)).toString()).toBe('{"__metadata__":{"framework":"pt"}}     ');
    const aligned = torch.saveSafetensors({ attn0: attn.reshape(1, 1, 2, 3) });
    expect(aligned[0]).toBe(72);
    expect(Buffer.from(aligned.subarray(8, 80)).toString().endsWith('}}       ')).toBe(true);
  });

  test('round trip of every dtype; a single tensor comes back bare', () => {
    const dict = Object.fromEntries(DTYPES.map((d) => [`w.${d.name}`, sampleOf(d)]));
    const p = path.join(tmp, 'all.safetensors');
    torch.save(dict, p);
    const back = torch.load<Record<string, torch.Tensor>>(p);
    for (const k of Object.keys(dict)) expectSameTensor(back[k], dict[k]);
    const single = sampleOf(torch.float64).t();
    torch.save(single, path.join(tmp, 'one.safetensors'));
    expectSameTensor(torch.load<torch.Tensor>(path.join(tmp, 'one.safetensors')), single);
  });

  test('bad files name the problem', () => {
    const good = file('reference.safetensors');
    expect(() => torch.loadSafetensors(good.subarray(0, 4))).toThrow(/header too small/);
    expect(() => torch.loadSafetensors(good.subarray(0, 100))).toThrow(/invalid header length/);
    expect(() => torch.loadSafetensors(good.subarray(0, good.length - 1))).toThrow(/incomplete buffer/);
    const make = (header: object, data = 0): Uint8Array => {
      const json = Buffer.from(JSON.stringify(header));
      const out = Buffer.alloc(8 + json.length + data);
      out.writeBigUInt64LE(BigInt(json.length));
      json.copy(out, 8);
      return out;
    };
    expect(() => torch.loadSafetensors(make({ h: { dtype: 'F16', shape: [2], data_offsets: [0, 4] } }, 4))).toThrow(
      /unsupported dtype F16 for tensor 'h'/,
    );
    expect(() => torch.loadSafetensors(make({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } }, 4))).toThrow(/incomplete buffer/);
    expect(() => torch.loadSafetensors(make({ a: { dtype: 'F32', shape: [2], data_offsets: [4, 12] } }, 12))).toThrow(
      /invalid offset for tensor 'a'/,
    );
    expect(() => torch.loadSafetensors(make({ a: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, 8))).toThrow(/needs 12/);
    expect(() => torch.loadSafetensors(make({ a: { dtype: 'F32', shape: [-1], data_offsets: [0, 0] } }))).toThrow(/invalid dimension/);
    expect(() => torch.loadSafetensors(make({ __metadata__: { n: 1 } }))).toThrow(/not a string/);
    expect(() => torch.saveSafetensors({ a: torch.ones(1) }, { n: 1 as unknown as string })).toThrow(/must be strings/);
    expect(() => torch.save(torch.ones(1), path.join(tmp, 'x.unknown'))).toThrow(/cannot tell the format/);
  });
});

describe('fuzz: mutated files give a TensorError or a value, nothing else', () => {
  type Loader = (bytes: Uint8Array) => unknown;
  const mutate = (rng: Rng, original: Uint8Array): Uint8Array => {
    const kind = rng.int(0, 3);
    if (kind === 0) return original.subarray(0, rng.int(0, original.length - 1));
    const out = Uint8Array.from(original);
    const flips = kind === 1 ? 1 : rng.int(2, 8);
    for (let i = 0; i < flips; i++) {
      const at = rng.int(0, out.length - 1);
      out[at] = kind === 3 ? rng.pick([0, 0xff, 0x7f, 0x80, 0x28, 0x2e, 0x71, 0x68]) : rng.int(0, 255);
    }
    return out;
  };
  const run = (name: string, original: Uint8Array, load: Loader, cases: number, seed: number): void => {
    const rng = new Rng(seed);
    let ok = 0;
    let refused = 0;
    for (let i = 0; i < cases; i++) {
      const bytes = mutate(rng, original);
      try {
        load(bytes);
        ok++;
      } catch (e) {
        if (!(e instanceof torch.TensorError)) throw new Error(`${name} case ${i}: ${String(e)}\n${(e as Error).stack}`);
        refused++;
      }
    }
    expect(ok + refused).toBe(cases);
  };
  const pickleOf = (archiveFile: string): { data: Uint8Array; rebuild: (pickle: Uint8Array) => Uint8Array } => {
    const archive = new ZipArchive(file(archiveFile));
    const pkl = archive.names.find((n) => n.endsWith('data.pkl'))!;
    const entries = archive.names.map((name) => ({ name, data: archive.read(name) }));
    return {
      data: archive.read(pkl),
      rebuild: (pickle) => writeZip(entries.map((e) => (e.name === pkl ? { name: e.name, data: pickle } : e))),
    };
  };

  test('.npy', () => run('npy', file('float64.npy'), (b) => torch.loadNpy(b), 800, 1));
  test('.npy (Fortran, v3)', () => run('npy', file('v3_f4.npy'), (b) => torch.loadNpy(b), 300, 2));
  test('.npz stored and deflated', () => {
    run('npz', file('stored.npz'), (b) => torch.loadNpz(b), 500, 3);
    run('npz', file('deflate.npz'), (b) => torch.loadNpz(b), 500, 4);
  });
  test('.safetensors', () => run('safetensors', file('reference.safetensors'), (b) => torch.loadSafetensors(b), 800, 5));
  test('.pt archive bytes', () => run('pt', file('views.pt'), loadPt, 500, 6));
  test('.pt pickle program (CRC kept valid, so the unpickler sees every mutation)', () => {
    for (const [name, seed] of [['lenet.pt', 7], ['views.pt', 8], ['nested.pt', 9], ['parameter.pt', 10]] as const) {
      const { data, rebuild } = pickleOf(name);
      run(name, data, (pickle) => loadPt(rebuild(pickle)), 500, seed);
    }
  });
});
