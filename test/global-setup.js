// Compiles lib/ to dist/ with the strict tsconfig before the suites run: the build must
// type-check for `npm test` to pass, and the worker_threads tests load the compiled
// package the way users do.
const { execFileSync } = require('child_process');
const path = require('path');

module.exports = async () => {
  const root = path.join(__dirname, '..');
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(root, 'tsconfig.json')], {
    cwd: root,
    stdio: 'inherit',
  });
};
