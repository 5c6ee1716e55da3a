/**
 * The published typings cover the public API (API.md): test/types/api-usage.ts, a typed
 * program using every part of it, compiles with `tsc --noEmit` against dist/*.d.ts (built
 * by jest's globalSetup), and its `@ts-expect-error` lines prove misuse is rejected.
 */
import { execFileSync } from 'child_process';
import * as path from 'path';

const root = path.join(__dirname, '..');

test('test/types/api-usage.ts type-checks against dist/*.d.ts', () => {
  let output = '';
  try {
    execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(root, 'test', 'types')], {
      cwd: root,
      encoding: 'utf8',
      stdio: 'pipe',
    });
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string };
    output = `${err.stdout ?? ''}${err.stderr ?? ''}`.trim() || String(e);
  }
  expect(output).toBe('');
}, 120_000);
