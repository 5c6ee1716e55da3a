/** Calls of native entry points with wrong argument types and counts, for the boundary fuzzers. */
import { Rng } from './random';

export type NamedCall = [string, () => unknown];

/** Values of every wrong kind a binding must refuse with a TypeError or TensorError. */
export const JUNK: readonly unknown[] = [
  undefined, null, 'x', {}, [], 3.5, -1, NaN, Infinity, 2 ** 60, true, () => 0, new ArrayBuffer(8), new DataView(new ArrayBuffer(8)), 99,
];

/** For each entry point, `perCount` random calls with 0..maxArgs-1 junk arguments. */
export function junkCalls(fns: [string, (...a: unknown[]) => unknown][], rng: Rng, maxArgs: number, perCount: number): NamedCall[] {
  const calls: NamedCall[] = [];
  for (const [name, fn] of fns)
    for (let n = 0; n < maxArgs; n++)
      for (let k = 0; k < perCount; k++) {
        const args = Array.from({ length: n }, () => rng.pick(JUNK));
        calls.push([`${name}(${args.map((a) => typeof a).join(',')})`, () => fn(...args)]);
      }
  return calls;
}
