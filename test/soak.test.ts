/** Leak check (issue 8): a shortened soak run (scripts/soak.js; `npm run test:soak` runs 10,000 + 1,000 steps). */
import * as path from 'path';
import { execFileSync } from 'child_process';

test('MLP and LeNet training loops without dispose() keep RSS flat and return every pooled block', () => {
  const out = execFileSync(process.execPath, ['--expose-gc', path.join(__dirname, '..', 'scripts', 'soak.js'), '5000', '300'], {
    env: process.env, encoding: 'utf8',
  });
  const growth = [...out.matchAll(/growth (-?[\d.]+) B\/step/g)].map((m) => Number(m[1]));
  expect(growth).toHaveLength(2);
  for (const g of growth) expect(g).toBeLessThan(4096);
  expect(out).toMatch(/scratch pool: (\d+) bytes in use before, \1 after/);
}, 300000);
