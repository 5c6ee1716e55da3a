// npm run bench: every benchmark script in bench/, one after the other.
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const only = process.argv.slice(2);
for (const file of fs.readdirSync(__dirname).sort()) {
  if (!file.endsWith('.js') || file === 'run.js' || file === 'harness.js') continue;
  if (only.length && !only.some((o) => file.includes(o))) continue;
  console.log(`\n## ${file}`);
  spawnSync(process.execPath, [path.join(__dirname, file)], { stdio: 'inherit' });
}
