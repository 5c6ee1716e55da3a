#!/usr/bin/env node
/**
 * Parity of saved files with the Python tools (npm run test:parity): writes .npy, .npz and
 * .safetensors files with the compiled package (dist/), each with a FILE.expected.json of
 * its values, then has scripts/check_io.py read them with NumPy and PyTorch. Skips (exit
 * 0, with a message) where no Python with numpy and torch is found; set TENSORGRAD_PYTHON
 * to choose the interpreter.
 */
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFileSync, spawnSync } = require('child_process');
const torch = require('../dist');

const python = process.env.TENSORGRAD_PYTHON || '/usr/bin/python3';
const probe = spawnSync(python, ['-c', 'import numpy, torch'], { stdio: 'ignore' });
if (probe.error || probe.status !== 0) {
  console.log(`test:parity skipped: ${python} with numpy and torch is not available`);
  process.exit(0);
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tensorgrad-parity-'));
const written = [];

function encode(t) {
  const flat = t.reshape(-1).tolist().map((v) => {
    if (typeof v === 'boolean') return v;
    if (Number.isNaN(v)) return 'nan';
    if (v === Infinity) return 'inf';
    if (v === -Infinity) return '-inf';
    return v;
  });
  return { dtype: t.dtype.name, shape: [...t.shape], values: flat };
}

function sample(dtype, shape) {
  const n = shape.reduce((a, b) => a * b, 1);
  if (dtype === torch.bool) return torch.arange(n).remainder(3).eq(0).reshape(shape);
  if (dtype.isFloatingPoint) {
    const t = torch.randn(n, { dtype }).mul(4);
    if (n > 2) {
      t.data()[1] = NaN;
      t.data()[2] = -Infinity;
    }
    return t.reshape(shape);
  }
  const span = { int8: 120, uint8: 250, int16: 30000, int32: 2e9, int64: 2 ** 52 }[dtype.name];
  const low = dtype === torch.uint8 ? 0 : -span;
  return torch.randint(low, span, shape, { dtype });
}

function write(name, value, expected, opts) {
  const file = path.join(dir, name);
  torch.save(value, file, opts);
  fs.writeFileSync(`${file}.expected.json`, JSON.stringify(expected));
  written.push(file);
}

torch.manualSeed(7);
const dtypes = [torch.float32, torch.float64, torch.int32, torch.int64, torch.int16, torch.int8, torch.uint8, torch.bool];
const dict = {};
for (const dtype of dtypes) {
  const t = sample(dtype, [3, 4]);
  dict[`layer.${dtype.name}`] = t;
  write(`${dtype.name}.npy`, t, { '': encode(t) });
  const view = t.t().narrow(0, 1, 2); // non-contiguous, offset: written contiguous
  write(`${dtype.name}_view.npy`, view, { '': encode(view) });
}
write('scalar.npy', torch.tensor(1.25, { dtype: torch.float64 }), { '': encode(torch.tensor(1.25, { dtype: torch.float64 })) });
write('empty.npy', torch.zeros(0, 5), { '': encode(torch.zeros(0, 5)) });
const expectedDict = Object.fromEntries(Object.entries(dict).map(([k, v]) => [k, encode(v)]));
write('all.npz', dict, expectedDict);
const metadata = { format: 'pt', source: 'tensorgrad "parity"\n' };
write('all.safetensors', dict, { ...expectedDict, __metadata__: metadata }, { metadata });
write('plain.safetensors', { b: dict['layer.float32'], a: dict['layer.int64'] }, { b: expectedDict['layer.float32'], a: expectedDict['layer.int64'] });
const single = sample(torch.float64, [2, 2]).t();
write('single.safetensors', single, { __tensor__: encode(single) });

try {
  execFileSync(python, [path.join(__dirname, 'check_io.py'), ...written], { stdio: 'inherit' });
} catch {
  process.exitCode = 1;
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
