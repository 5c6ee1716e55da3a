/**
 * The published typings cover the public API (API.md): test/types/api-usage.ts, a typed
 * program using every part of it, compiles with `tsc --noEmit` against dist/*.d.ts (built
 * by jest's globalSetup), and its `@ts-expect-error` lines prove misuse is rejected; the
 * suites themselves type-check too.
 */
import { execFileSync } from 'child_process';
import * as path from 'path';

const root = path.join(__dirname, '..');

/** tsc's diagnostics for a project ('' when it compiles). */
function typeErrors(project: string): string {
  try {
    execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', project], { cwd: root, encoding: 'utf8', stdio: 'pipe' });
    return '';
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string };
    return `${err.stdout ?? ''}${err.stderr ?? ''}`.trim() || String(e);
  }
}

test('test/types/api-usage.ts type-checks against dist/*.d.ts', () => {
  expect(typeErrors(path.join(root, 'test', 'types'))).toBe('');
}, 120_000);

// ts-jest runs the suites without type-checking them (isolatedModules): this keeps the
// tests themselves strict-clean, as lib/ is.
test('the test suites type-check in strict mode', () => {
  expect(typeErrors(path.join(root, 'test'))).toBe('');
}, 180_000);
