/** Loads a fixture written by scripts/fixtures/*.py (real PyTorch) from test/fixtures/. */
import * as fs from 'fs';
import * as path from 'path';

export function loadFixture<T = unknown>(name: string): T {
  const file = path.join(__dirname, '..', 'fixtures', `${name}.json`);
  return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
}
