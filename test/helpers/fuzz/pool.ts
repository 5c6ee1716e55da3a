/**
 * The public-API fuzzer's working set: live tensors with what the reference knows about
 * them. A view remembers its root (the tensor owning the memory) and, for every element,
 * which root element it aliases, so writes through a view can be checked on the root and
 * on every other view of it.
 */
import * as torch from '../../../lib';
import { Arr, DT, numel } from '../reference/ndarray';
import { flatValues } from '../tensors';
import { Rng } from '../random';

export interface Entry {
  t: torch.Tensor;
  /** The entry owning the memory (itself for a fresh tensor). */
  root: Entry;
  /** Flat position in root of each element (row-major); exact only when tracked. */
  map: number[];
  /** False when the reference cannot know what it aliases (reshape's view-or-copy). */
  tracked: boolean;
}

export const DTYPES: DT[] = ['float32', 'float64', 'int32', 'int64', 'bool'];
export const torchDtype = (d: DT): torch.DType => ({ float32: torch.float32, float64: torch.float64, int32: torch.int32, int64: torch.int64, bool: torch.bool })[d];
export const dtName = (d: torch.DType): DT => String(d).replace('torch.', '') as DT;

export function arrOf(t: torch.Tensor): Arr {
  return { shape: [...t.shape], data: flatValues(t), dtype: dtName(t.dtype) };
}

export function randomShape(rng: Rng, maxDims = 4): number[] {
  const n = rng.int(0, maxDims);
  return Array.from({ length: n }, () => (rng.next() < 0.06 ? 0 : rng.pick([1, 1, 2, 3, 4, 5])));
}

export function randomValue(rng: Rng, dtype: DT): number {
  if (dtype === 'bool') return rng.int(0, 1);
  if (dtype === 'int32' || dtype === 'int64') return rng.int(-5, 5);
  return rng.int(-16, 16) / 4; // exact in float32: sums and products stay exact
}

export function tensorFrom(a: Arr): torch.Tensor {
  const dtype = torchDtype(a.dtype);
  const data = a.dtype === 'bool' ? a.data.map((v) => v !== 0) : a.data;
  return torch.tensor(data, { dtype }).reshape(a.shape);
}

export function randomArr(rng: Rng, shape: number[], dtype: DT): Arr {
  return { shape, data: Array.from({ length: numel(shape) }, () => randomValue(rng, dtype)), dtype };
}

export class Pool {
  entries: Entry[] = [];
  constructor(private rng: Rng, private capacity = 14) {}

  fresh(shape?: number[], dtype?: DT): Entry {
    const a = randomArr(this.rng, shape ?? randomShape(this.rng), dtype ?? this.rng.pick(DTYPES));
    return this.add(tensorFrom(a));
  }

  /** A new root entry (a result that owns its memory). */
  add(t: torch.Tensor): Entry {
    const e = { t, map: [] as number[], tracked: true } as unknown as Entry;
    e.root = e;
    e.map = Array.from({ length: t.numel() }, (_, i) => i);
    return this.keep(e);
  }

  /** A view of `of`: the reference's view op applied to of.map gives its aliasing. */
  addView(t: torch.Tensor, of: Entry, map: number[] | null): Entry {
    const e: Entry = map ? { t, root: of.root, map, tracked: of.tracked } : { t, root: of.root, map: [], tracked: false };
    return this.keep(e);
  }

  private keep(e: Entry): Entry {
    // Values outside the small integer range would leave int64 exactness (JS doubles) or take too long.
    if (e.t.numel() > 3000) return e;
    if (!e.t.dtype.isFloatingPoint && flatValues(e.t).some((v) => Math.abs(v) > 1e6)) return e;
    if (this.entries.length >= this.capacity) this.entries.splice(this.rng.int(0, this.entries.length - 1), 1);
    this.entries.push(e);
    return e;
  }

  pick(filter?: (e: Entry) => boolean): Entry {
    const ok = filter ? this.entries.filter(filter) : this.entries;
    return ok.length > 0 && this.rng.next() < 0.85 ? this.rng.pick(ok) : this.fresh();
  }

  viewsOf(root: Entry): Entry[] {
    return this.entries.filter((e) => e.root === root && e.tracked);
  }
}
