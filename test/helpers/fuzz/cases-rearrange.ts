/** Fuzz cases: flip, roll, tril/triu, repeat, maskedFill (copies that move elements) and pow. */
import * as torch from '../../../lib';
import { flip, maskedFill, pow, repeat, roll, triangle } from '../reference/rearrange';
import { SkipCase, CaseMaker, describe, fnOrMethod, partnerShape, randDim, show } from './case';
import { DTYPES, arrOf, randomArr, tensorFrom } from './pool';

export const rearrangeCase: CaseMaker = (rng, pool) => {
  const e = pool.pick();
  const a = arrOf(e.t);
  const nd = e.t.dim();
  const keep = (t: torch.Tensor): void => void pool.add(t);
  switch (rng.pick(['flip', 'roll', 'tril', 'triu', 'repeat', 'maskedFill'])) {
    case 'flip': {
      const dims = Array.from({ length: rng.int(0, Math.min(3, Math.max(nd, 1))) }, () => randDim(rng, nd));
      return { desc: `flip(${describe(e)}, [${dims}])`, ref: () => flip(a, dims), run: fnOrMethod(rng, 'flip', e.t, dims), keep };
    }
    case 'roll': {
      const k = rng.int(1, 2);
      const shifts = Array.from({ length: k }, () => rng.int(-7, 7));
      const dims = rng.next() < 0.25 ? null : Array.from({ length: rng.next() < 0.05 ? k + 1 : k }, () => randDim(rng, nd));
      const sh = shifts.length === 1 && rng.next() < 0.5 ? shifts[0] : shifts;
      const dm = dims !== null && dims.length === 1 && rng.next() < 0.5 ? dims[0] : dims;
      return { desc: `roll(${describe(e)}, ${JSON.stringify(sh)}, ${JSON.stringify(dm)})`, ref: () => roll(a, shifts, dims), run: dm === null ? fnOrMethod(rng, 'roll', e.t, sh) : fnOrMethod(rng, 'roll', e.t, sh, dm), keep };
    }
    case 'tril':
    case 'triu': {
      const lower = rng.next() < 0.5, diag = rng.int(-3, 3);
      const name = lower ? 'tril' : 'triu';
      return { desc: `${name}(${describe(e)}, ${diag})`, ref: () => triangle(a, diag, lower), run: fnOrMethod(rng, name, e.t, diag), keep };
    }
    case 'repeat': {
      const reps = [...(rng.next() < 0.3 ? [rng.int(1, 2)] : []), ...e.t.shape.map(() => rng.int(rng.next() < 0.05 ? -1 : 0, 2))].slice(rng.next() < 0.1 ? 1 : 0);
      return { desc: `repeat(${describe(e)}, [${reps}])`, ref: () => repeat(a, reps), run: rng.next() < 0.5 ? () => e.t.repeat(...reps) : () => e.t.repeat(reps), keep };
    }
    default: {
      const mask = randomArr(rng, partnerShape(rng, e.t.shape), rng.next() < 0.92 ? 'bool' : rng.pick(DTYPES));
      const mt = tensorFrom(mask);
      const v = e.t.dtype.isFloatingPoint ? rng.int(-8, 8) / 4 : e.t.dtype === torch.bool ? rng.int(0, 1) : rng.int(-3, 3);
      return { desc: `maskedFill(${describe(e)}, ${show(mt)}, ${v})`, ref: () => maskedFill(a, mask, v), run: fnOrMethod(rng, 'maskedFill', e.t, mt, v), keep };
    }
  }
};

export const powCase: CaseMaker = (rng, pool) => {
  const e = pool.pick((x) => x.t.dtype.isFloatingPoint);
  const a = arrOf(e.t);
  const useTensor = rng.next() < 0.4;
  const ex = useTensor ? randomArr(rng, partnerShape(rng, e.t.shape), rng.pick(['float32', 'float64'])) : null;
  const s = rng.pick([2, 3, 0, -1, 0.5, -0.5, 1.5]);
  const et = ex ? tensorFrom(ex) : s;
  return {
    desc: `pow(${describe(e)}, ${show(et)})`,
    ref: () => {
      if (!e.t.dtype.isFloatingPoint) throw new SkipCase();
      return pow(a, ex ?? s);
    },
    run: fnOrMethod(rng, 'pow', e.t, et),
    tol: { loose: 4 },
    keep: (t) => pool.add(t),
  };
};
