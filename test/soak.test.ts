/** Leak check (issue 8): a shortened soak run (scripts/soak.js; `npm run test:soak` runs 10,000 + 1,000 steps). */
import * as path from 'path';
import { execFileSync } from 'child_process';

test('MLP and LeNet training loops without dispose() keep RSS flat and return every pooled block', () => {
  const out = execFileSync(process.execPath, ['--expose-gc', path.join(__dirname, '..', 'scripts', 'soak.js'), '5000', '300'], {
    env: process.env, encoding: 'utf8',
  });
  const rows = [...out.matchAll(/growth (-?[\d.]+) B\/step \(allowed (\d+)\)/g)].map((m) => [Number(m[1]), Number(m[2])]);
  expect(rows).toHaveLength(2);
  // The MLP's 2,000-step window keeps the tight 4 KiB/step bound; the LeNet's short window
  // gets the 4 MiB total noise floor (scripts/soak.js explains).
  expect(rows[0][1]).toBe(4096);
  for (const [growth, allowed] of rows) expect(growth).toBeLessThan(allowed);
  expect(out).toMatch(/scratch pool: (\d+) bytes in use before, \1 after/);
}, 300000);
