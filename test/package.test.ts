/**
 * The package as users get it from npm: `npm pack`, then `npm install <tarball>` into a
 * fresh project on a machine without compilers (PATH holds only node, npm and sh), then
 * smoke scripts through CommonJS `require`, ESM `import` (default and named exports) and
 * a worker thread: create, matmul, backward, and the printed values checked here.
 * Also: without a prebuilt binary and without compilers the install fails with a message
 * saying so (scripts/install.js), and the binary is x86-64-v2 safe: its common code by
 * disassembly (scripts/check-isa.sh, when the node-gyp build's objects and objdump are
 * present) and by running it on an emulated v2 CPU (when qemu-user is installed).
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const root = path.join(__dirname, '..');
const platformArch = `${process.platform}-${process.arch}`;
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { name: string; files: string[] };

let work: string;
let binDir: string;
let env: NodeJS.ProcessEnv;

/** Runs a command in the compiler-less environment; returns stdout, throws with the output on failure. */
function run(cmd: string, args: string[], cwd: string, extraEnv: NodeJS.ProcessEnv = {}): string {
  const r = spawnSync(cmd, args, { cwd, env: { ...env, ...extraEnv }, encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${r.status}\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/** A copy of what `files` publishes, plus package.json / README / LICENSE. */
function stage(dir: string): void {
  for (const entry of ['package.json', 'README.md', 'LICENSE', ...pkg.files]) {
    const from = path.join(root, entry);
    if (fs.existsSync(from)) fs.cpSync(from, path.join(dir, entry), { recursive: true });
  }
}

/** npm pack (scripts off: dist/ is already built by globalSetup) → the tarball's path. */
function pack(dir: string): string {
  const out = JSON.parse(run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], dir)) as { filename: string }[];
  return path.join(work, out[0].filename);
}

function freshProject(name: string): string {
  const dir = path.join(work, name);
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name, version: '1.0.0', private: true }));
  return dir;
}

/** npm install of a tarball, offline-first from npm's cache (its two small dependencies). */
function install(project: string, tarball: string) {
  return spawnSync('npm', ['install', tarball, '--prefer-offline', '--no-audit', '--no-fund'], {
    cwd: project,
    env,
    encoding: 'utf8',
    timeout: 120_000,
  });
}

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'tensorgrad-pack-'));
  // node and npm are in /usr/bin next to the compilers here, so PATH gets a folder of
  // symlinks to just node, npm and sh (npm runs install scripts with sh).
  binDir = path.join(work, 'bin');
  fs.mkdirSync(binDir);
  const npmOnPath = (process.env.PATH ?? '').split(path.delimiter).map((d) => path.join(d, 'npm')).find((f) => fs.existsSync(f));
  if (!npmOnPath) throw new Error('npm not found on PATH');
  const npmCli = fs.realpathSync(npmOnPath); // npm-cli.js itself, which finds its own modules
  fs.symlinkSync(process.execPath, path.join(binDir, 'node'));
  fs.symlinkSync(npmCli, path.join(binDir, 'npm'));
  fs.symlinkSync('/bin/sh', path.join(binDir, 'sh'));
  // A clean environment: nothing from the npm/jest process (npm_config_*, TENSORGRAD_*).
  env = { HOME: os.homedir(), PATH: binDir, TMPDIR: os.tmpdir(), LANG: 'C' };
}, 30_000);

afterAll(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

test('compilers are hidden from the install environment', () => {
  const r = spawnSync('sh', ['-c', 'command -v g++ || command -v c++ || command -v cc || command -v gcc || command -v make || command -v python3 || command -v python'], { env, encoding: 'utf8' });
  expect(r.stdout).toBe('');
  expect(r.status).not.toBe(0);
});

describe('packed and installed without compilers', () => {
  let project: string;

  beforeAll(() => {
    const dir = path.join(work, 'stage');
    fs.mkdirSync(dir);
    stage(dir);
    const prebuildDir = path.join(dir, 'prebuilds', platformArch);
    const hasPrebuild = fs.existsSync(prebuildDir) && fs.readdirSync(prebuildDir).some((f) => f.endsWith('.node'));
    if (!hasPrebuild) {
      // No `npm run prebuild` output: stage the addon node-gyp built instead, as the file
      // prebuildify 6 writes for an N-API build (prebuilds/<platform>-<arch>/<name>.node:
      // no ABI tag, so node-gyp-build takes it for every Node version); prebuildify builds
      // it with the same node-gyp flags and only strips its symbols as well.
      const built = path.join(root, 'build', 'Release', 'tensorgrad.node');
      if (!fs.existsSync(built)) throw new Error('neither prebuilds/ nor build/Release/tensorgrad.node: run `npm run prebuild` or `npm run build:native` first');
      fs.mkdirSync(prebuildDir, { recursive: true });
      fs.copyFileSync(built, path.join(prebuildDir, `${pkg.name}.node`));
    }
    const tarball = pack(dir);
    project = freshProject('smoke');
    const r = install(project, tarball);
    if (r.status !== 0) throw new Error(`npm install failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  }, 180_000);

  test('the installed package loads its prebuilt binary', () => {
    const installed = path.join(project, 'node_modules', pkg.name);
    const picked = run('node', ['-p', `require('node-gyp-build').path(${JSON.stringify(installed)})`], project).trim();
    expect(path.dirname(path.relative(installed, picked))).toBe(path.join('prebuilds', platformArch));
    // Only what users need was installed (no lib/ sources, tests, build/).
    expect(fs.readdirSync(installed).sort()).toEqual(expect.arrayContaining(['dist', 'package.json', 'prebuilds']));
    for (const absent of ['lib', 'test', 'build', 'bench', 'examples']) expect(fs.existsSync(path.join(installed, absent))).toBe(false);
  });

  // a = [[1, 2], [3, 4]] (requires grad), b = [[5, 6], [7, 8]]: sum(a @ b) = 134 and
  // d/da = ones(2, 2) @ b^T = [[11, 15], [11, 15]].
  const expected = { y: 134, grad: [[11, 15], [11, 15]] };
  const smoke = (t: string) => `
    const a = ${t}.tensor([[1, 2], [3, 4]], { dtype: ${t}.float32, requiresGrad: true });
    const b = ${t}.tensor([[5, 6], [7, 8]], { dtype: ${t}.float32 });
    const y = a.matmul(b).sum();
    y.backward();
    const result = { y: y.item(), grad: a.grad.tolist(), grad_fn: y.gradFn.name(), cpu: backend.cpuCapability().active };`;

  const writeCjs = () =>
    fs.writeFileSync(path.join(project, 'cjs.js'), `const torch = require('tensorgrad'); const backend = torch.backend;${smoke('torch')}\nconsole.log(JSON.stringify(result));`);

  test('CommonJS require', () => {
    writeCjs();
    const out = JSON.parse(run('node', ['cjs.js'], project));
    expect(out).toMatchObject({ ...expected, grad_fn: 'SumBackward0' });
    // The default (x86-64-v2) kernels when pinned, with the same numbers.
    const pinned = JSON.parse(run('node', ['cjs.js'], project, { TENSORGRAD_CPU_CAPABILITY: 'default' }));
    expect(pinned).toEqual({ ...expected, grad_fn: 'SumBackward0', cpu: 'default' });
  });

  test('ESM import: default and named exports, and the testing subpath', () => {
    fs.writeFileSync(
      path.join(project, 'esm.mjs'),
      `import torch from 'tensorgrad';
       import { tensor, matmul, float32, backend } from 'tensorgrad';
       import { assertClose } from 'tensorgrad/testing';
       ${smoke('torch')}
       const named = matmul(tensor([[1, 2]], { dtype: float32 }), tensor([[3], [4]], { dtype: float32 })).item();
       assertClose(a.grad, torch.tensor([[11, 15], [11, 15]], { dtype: torch.float32 }));
       console.log(JSON.stringify({ ...result, named }));`,
    );
    expect(JSON.parse(run('node', ['esm.mjs'], project))).toMatchObject({ ...expected, named: 11 });
  });

  test('a worker thread', () => {
    fs.writeFileSync(
      path.join(project, 'worker.js'),
      `const { Worker, isMainThread, parentPort } = require('worker_threads');
       if (isMainThread) {
         const w = new Worker(__filename);
         w.once('message', (m) => console.log(JSON.stringify(m)));
         w.once('error', (e) => { console.error(e); process.exitCode = 1; });
       } else {
         const torch = require('tensorgrad'); const backend = torch.backend;${smoke('torch')}
         parentPort.postMessage(result);
       }`,
    );
    expect(JSON.parse(run('node', ['worker.js'], project))).toMatchObject(expected);
  });

  // On an emulated x86-64-v2 CPU (Nehalem: SSE4.2, no AVX; qemu traps AVX instructions as
  // SIGILL) the binary loads, detects no AVX and computes the same numbers. Where qemu-user
  // is not installed (apt-get install qemu-user), the same binary runs its portable kernels
  // (what a v2 CPU picks), and the check-isa test below proves from the disassembly that
  // nothing outside the AVX files needs more than v2.
  const qemu = (process.env.PATH ?? '').split(path.delimiter).map((d) => path.join(d, 'qemu-x86_64')).find((f) => fs.existsSync(f));
  test(`on an x86-64-v2 CPU (${qemu ? 'qemu-x86_64 -cpu Nehalem' : 'portable kernels; qemu-user not installed'})`, () => {
    writeCjs();
    const r = qemu && platformArch === 'linux-x64'
      ? spawnSync(qemu, ['-cpu', 'Nehalem', process.execPath, 'cjs.js'], { cwd: project, env, encoding: 'utf8', timeout: 120_000 })
      : spawnSync(process.execPath, ['cjs.js'], { cwd: project, env: { ...env, TENSORGRAD_CPU_CAPABILITY: 'default' }, encoding: 'utf8', timeout: 120_000 });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({ ...expected, grad_fn: 'SumBackward0', cpu: 'default' });
  }, 120_000);
});

test('without a prebuilt binary or a compiler, the install says what is wrong', () => {
  const dir = path.join(work, 'stage-no-prebuild');
  fs.mkdirSync(dir);
  stage(dir);
  fs.rmSync(path.join(dir, 'prebuilds'), { recursive: true, force: true });
  const r = install(freshProject('no-prebuild'), pack(dir));
  expect(r.status).not.toBe(0);
  const output = `${r.stdout}\n${r.stderr}`;
  expect(output).toContain(`no prebuilt binary for ${platformArch}`);
  expect(output).toMatch(/C\+\+17 compiler .*not found on PATH/);
  expect(output).toContain('npm rebuild tensorgrad');
}, 180_000);

// npm install builds the addon here with node-gyp, and objdump comes with the binutils the
// compiler needs: both are always present where the suite runs.
test('the node-gyp build runs on x86-64-v2 (scripts/check-isa.sh)', () => {
  const out = execFileSync('bash', [path.join(root, 'scripts', 'check-isa.sh'), path.join(root, 'build')], { encoding: 'utf8' });
  expect(out).toMatch(/^check-isa: ok/m);
}, 120_000);
