#!/usr/bin/env node
// npm's install hook (package.json "install"). Uses a prebuilt binary from prebuilds/ when
// one loads on this machine; otherwise hands over to node-gyp-build, which compiles the
// addon with node-gyp. Before that hand-over it checks for the tools the compile needs:
// without them node-gyp's own failure talks only about the first missing tool (usually
// "Could not find any Python installation"), which does not tell users that the real
// problem is a platform without a prebuilt binary.
'use strict';
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');

const root = path.join(__dirname, '..');
const platformArch = `${process.platform}-${process.arch}`;

let loadError = null;
function loadsAlready() {
  if (process.env.npm_config_build_from_source === 'true') return false;
  try {
    require('node-gyp-build')(root);
    return true;
  } catch (e) {
    loadError = e;
    return false;
  }
}

/** The first of `names` found as an executable on PATH (a name with a slash is taken as a path). */
function onPath(names) {
  const dirs = (process.env.PATH || '').split(path.delimiter).filter(Boolean);
  const exts = process.platform === 'win32' ? (process.env.PATHEXT || '.EXE;.CMD;.BAT').split(';') : [''];
  for (const name of names.filter(Boolean)) {
    const candidates = name.includes('/') ? [name] : dirs.flatMap((d) => exts.map((e) => path.join(d, name + e)));
    for (const file of candidates) {
      try {
        fs.accessSync(file, fs.constants.X_OK);
        if (fs.statSync(file).isFile()) return file;
      } catch {
        // not here
      }
    }
  }
  return null;
}

/** What node-gyp needs on this platform and cannot find, as short descriptions. */
function missingTools() {
  if (process.platform === 'win32') return []; // Visual Studio detection is node-gyp's job
  const firstWord = (s) => (s || '').trim().split(/\s+/)[0];
  const missing = [];
  if (!onPath([firstWord(process.env.CXX), 'c++', 'g++', 'clang++'])) missing.push('a C++17 compiler (c++, g++ or clang++)');
  if (!onPath([firstWord(process.env.MAKE), 'make'])) missing.push('make');
  if (!onPath([process.env.PYTHON, process.env.npm_config_python, 'python3', 'python'])) missing.push('python3');
  return missing;
}

function availablePrebuilds() {
  try {
    return fs.readdirSync(path.join(root, 'prebuilds')).filter((d) => fs.readdirSync(path.join(root, 'prebuilds', d)).some((f) => f.endsWith('.node')));
  } catch {
    return [];
  }
}

if (loadsAlready()) process.exit(0);

const missing = missingTools();
if (missing.length > 0) {
  const have = availablePrebuilds();
  const reason = have.includes(platformArch)
    ? `the prebuilt binary for ${platformArch} does not load here (${loadError && loadError.message})`
    : `no prebuilt binary for ${platformArch} (Node ${process.version}, N-API)` +
      (have.length ? ` in this package (it has: ${have.join(', ')})` : '');
  console.error(
    [
      '',
      `tensorgrad: ${reason}`,
      `and the native addon cannot be compiled here: ${missing.join(', ')} not found on PATH.`,
      'Either install a C++ toolchain and run `npm rebuild tensorgrad`:',
      '  Debian/Ubuntu: apt-get install build-essential python3',
      '  Fedora/RHEL:   dnf install gcc-c++ make python3',
      '  Alpine:        apk add build-base python3',
      '  macOS:         xcode-select --install',
      `or install on a platform with a prebuilt binary${have.length ? ` (${have.join(', ')})` : ''}.`,
      '',
    ].join('\n'),
  );
  process.exit(1);
}

// node-gyp-build's installer: re-checks prebuilds/ and build/, then runs `node-gyp rebuild`.
const bin = require.resolve('node-gyp-build/bin.js');
const result = spawnSync(process.execPath, [bin, ...process.argv.slice(2)], { stdio: 'inherit', cwd: root });
process.exit(result.status === null ? 1 : result.status);
