/**
 * API.md §8: shared-memory tensors across worker_threads, the course's train_fn in 10
 * workers at once, per-worker grad mode, a stress run of 8 workers training on shared and
 * private tensors, and the event loop staying free while a worker trains.
 */
import * as path from 'path';
import { Worker } from 'worker_threads';
import { monitorEventLoopDelay } from 'perf_hooks';
import * as torch from '../lib';

const dist = path.join(__dirname, '..', 'dist', 'index.js');

/** Runs `body` (the source of an async function of (torch, data, post)) in a new worker; resolves with its messages. */
function inWorker(body: string, data: unknown = null): Promise<unknown[]> {
  const source = `
    const { parentPort, workerData } = require('worker_threads');
    const torch = require(workerData.dist);
    const messages = [];
    const post = (m) => messages.push(m);
    (async () => { ${body} })().then(
      () => parentPort.postMessage({ ok: true, messages }),
      (e) => parentPort.postMessage({ ok: false, error: String(e && e.stack || e) }),
    );
  `;
  return new Promise((resolve, reject) => {
    const w = new Worker(source, { eval: true, workerData: { dist, data } });
    w.once('message', (m: { ok: boolean; messages: unknown[]; error: string }) => {
      void w.terminate();
      if (m.ok) resolve(m.messages);
      else reject(new Error(m.error));
    });
    w.once('error', reject);
  });
}

describe('shared memory', () => {
  test('shareMemory_ moves the storage, views follow, values are kept', () => {
    const base = torch.arange(12, { dtype: torch.float32 }).reshape(3, 4);
    const view = base.index(1);
    expect(base.isShared()).toBe(false);
    expect(base.shareMemory_()).toBe(base);
    expect(base.isShared()).toBe(true);
    expect(view.isShared()).toBe(true);
    view.fill_(-1);
    expect(base.tolist()).toEqual([[0, 1, 2, 3], [-1, -1, -1, -1], [8, 9, 10, 11]]);
    expect(base.add(1).isShared()).toBe(false);
  });

  test('module.shareMemory() shares every parameter and buffer', () => {
    const m = new torch.nn.Sequential(new torch.nn.Linear(3, 4), new torch.nn.BatchNorm1d(4));
    expect(m.shareMemory()).toBe(m);
    for (const t of [...m.parameters(), ...m.buffers()]) expect(t.isShared()).toBe(true);
  });

  test('a shared tensor crosses postMessage onto the same memory; other tensors arrive as copies', async () => {
    const shared = torch.zeros(2, 3).shareMemory_();
    const priv = torch.zeros(2, 3);
    const msg = torch.toTransferable({ shared, priv, list: [shared.index(1)] });
    await inWorker(
      `const { shared, priv, list } = torch.fromTransferable(workerData.data);
       shared.add_(1); priv.add_(1); list[0].mul_(5);
       post([shared.isShared(), priv.isShared(), list[0].storageOffset()]);`,
      msg,
    );
    expect(shared.tolist()).toEqual([[1, 1, 1], [5, 5, 5]]);
    expect(priv.tolist()).toEqual([[0, 0, 0], [0, 0, 0]]);
  });

  test('fromTransferable refuses a record that reaches past its memory', () => {
    const bad = { ...(torch.toTransferable(torch.zeros(4)) as Record<string, unknown>), shape: [5] };
    expect(() => torch.fromTransferable(bad)).toThrow('fromTransferable: the tensor reaches past the end of its memory');
  });

  test('loadStateDict({ assign: true }) binds a model to the given memory', () => {
    const a = new torch.nn.Linear(3, 2);
    a.shareMemory();
    const b = new torch.nn.Linear(3, 2);
    b.loadStateDict(torch.fromTransferable(torch.toTransferable(a.stateDict())) as Record<string, torch.Tensor>, { assign: true });
    torch.noGrad(() => a.weight.fill_(0.25));
    expect(b.weight.sum().item()).toBeCloseTo(1.5, 6);
    expect(b.weight.requiresGrad).toBe(true);
    expect(b.weight).toBeInstanceOf(torch.nn.Parameter);
  });
});

describe('multithreaded autograd (the course\'s train_fn)', () => {
  const TRAIN_FN = `
    const grads = [];
    for (let i = 0; i < 20; i++) {
      const x = torch.ones([5, 5], { requiresGrad: true });
      const y = x.add(3).mul(x.add(4)).mul(0.5);
      y.sum().backward();
      grads.push(x.grad.tolist());
    }
    post({ grads, gradEnabled: torch.isGradEnabled(), name: torch.ones([1], { requiresGrad: true }).mul(2).gradFn.name() });
  `;

  test('10 workers run train_fn 20 times each at the same time, with correct gradients', async () => {
    // Started while the main thread is in no-grad mode: each worker starts with grad enabled.
    const runs = torch.noGrad(() => Array.from({ length: 10 }, () => inWorker(TRAIN_FN)));
    const results = (await Promise.all(runs)).map((m) => m[0] as { grads: number[][][]; gradEnabled: boolean; name: string });
    const expected = Array.from({ length: 5 }, () => new Array(5).fill(4.5)); // d/dx 0.5(x+3)(x+4) = x + 3.5 at x = 1
    for (const r of results) {
      expect(r.gradEnabled).toBe(true);
      expect(r.name).toBe('MulBackward0');
      expect(r.grads).toHaveLength(20);
      for (const g of r.grads) expect(g).toEqual(expected);
    }
  }, 60000);

  test('stress: 8 workers x 200 steps of forward, backward and SGD on shared and private tensors', async () => {
    const shared = torch.zeros(16).shareMemory_();
    const BODY = `
      const { shared } = torch.fromTransferable(workerData.data.msg);
      const seed = workerData.data.seed;
      torch.manualSeed(seed);
      const w = torch.zeros([4, 1], { requiresGrad: true });
      const xs = torch.randn(32, 4);
      const target = xs.matmul(torch.tensor([[1], [-2], [0.5], [3]], { dtype: torch.float32 }));
      const opt = new torch.optim.SGD([w], { lr: 0.05 });
      const s = torch.zeros([16], { requiresGrad: true });
      for (let i = 0; i < 200; i++) {
        opt.zeroGrad();
        torch.nn.functional.mseLoss(xs.matmul(w), target).backward();
        opt.step();
        // Hogwild-style racy update of the shared tensor: only finiteness is checked.
        const loss = s.add(shared).pow(2).sum();
        loss.backward();
        torch.noGrad(() => shared.sub_(s.grad.mul(0.01)));
        s.grad = null;
      }
      post(w.detach().reshape(-1).tolist());
    `;
    const runs = Array.from({ length: 8 }, (_, seed) => inWorker(BODY, { seed, msg: torch.toTransferable({ shared }) }));
    const results = (await Promise.all(runs)).map((m) => m[0] as number[]);
    // The same private computation in this thread, per seed.
    results.forEach((got, seed) => {
      torch.manualSeed(seed);
      const w = torch.zeros([4, 1], { requiresGrad: true });
      const xs = torch.randn(32, 4);
      const target = xs.matmul(torch.tensor([[1], [-2], [0.5], [3]], { dtype: torch.float32 }));
      const opt = new torch.optim.SGD([w], { lr: 0.05 });
      for (let i = 0; i < 200; i++) {
        opt.zeroGrad();
        torch.nn.functional.mseLoss(xs.matmul(w), target).backward();
        opt.step();
      }
      expect(got).toEqual(w.detach().reshape(-1).tolist());
      got.forEach((v, i) => expect(v).toBeCloseTo([1, -2, 0.5, 3][i], 3));
    });
    expect(shared.isfinite().all().item()).toBe(true);
  }, 120000);
});

describe('keeping the event loop free', () => {
  test('training in a worker leaves the main thread responsive', async () => {
    const h = monitorEventLoopDelay({ resolution: 5 });
    h.enable();
    let ticks = 0;
    const timer = setInterval(() => ticks++, 10);
    const started = Date.now();
    await inWorker(`
      torch.manualSeed(0);
      const model = new torch.nn.Sequential(new torch.nn.Linear(784, 256), new torch.nn.ReLU(), new torch.nn.Linear(256, 10));
      const opt = new torch.optim.SGD(model.parameters(), { lr: 0.01 });
      const x = torch.randn(64, 784), y = torch.randint(0, 10, [64]);
      const end = Date.now() + 1500;
      while (Date.now() < end) {
        opt.zeroGrad();
        torch.nn.functional.crossEntropy(model.forward(x), y).backward();
        opt.step();
      }
    `);
    const elapsed = Date.now() - started;
    clearInterval(timer);
    h.disable();
    // The main thread kept running timers the whole time (a blocked loop would run ~0).
    expect(ticks).toBeGreaterThan(elapsed / 10 / 4);
    expect(h.percentile(99) / 1e6).toBeLessThan(200);
  }, 60000);
});

describe('Hogwild example', () => {
  test('2 workers train one shared MLP on the MNIST digits', () => {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const { execFileSync } = require('child_process') as typeof import('child_process');
    const out = execFileSync(process.execPath, [path.join(__dirname, '..', 'examples', 'hogwild-mnist.js')], {
      env: { ...process.env, WORKERS: '2', EPOCHS: '2' }, encoding: 'utf8',
    });
    expect(out).toMatch(/2 worker\(s\), 2 epochs: [\d.]+ s, \d+ img\/s/);
    const acc = Number(/final test accuracy: ([\d.]+)%/.exec(out)?.[1]);
    expect(acc).toBeGreaterThan(90);
  }, 120000);
});
