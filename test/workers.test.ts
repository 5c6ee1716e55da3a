/** The addon is context-aware: it loads and computes in many worker_threads at once. */
import * as path from 'path';
import { Worker } from 'worker_threads';

const dist = path.join(__dirname, '..', 'dist', 'index.js');

function runWorker(seed: number): Promise<number[]> {
  const source = `
    const { parentPort, workerData } = require('worker_threads');
    const torch = require(workerData.dist);
    torch.manualSeed(workerData.seed);
    const a = torch.rand(1000, 100);
    const b = a.mul(2).add(a.t().contiguous().t()).sub(1);
    const checks = [b.index(0, 0).item(), b.index(999, 99).item(), torch.getNumThreads()];
    parentPort.postMessage(checks);
  `;
  return new Promise((resolve, reject) => {
    const w = new Worker(source, { eval: true, workerData: { dist, seed } });
    w.once('message', resolve);
    w.once('error', reject);
  });
}

describe('worker_threads', () => {
  test('8 workers load the addon and compute at the same time, each with its own generator', async () => {
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => runWorker(i % 2)));
    // Same seed, same numbers: per-worker generators, no shared state.
    for (let i = 2; i < 8; i++) expect(results[i]).toEqual(results[i % 2]);
    expect(results[0]).not.toEqual(results[1]);
    for (const r of results) expect(r[2]).toBeGreaterThanOrEqual(1);
  }, 30000);
});
