/**
 * torch.einsum (API.md §3), as PyTorch 1.13's at::einsum: the equation is parsed into
 * label lists, each operand is aligned to one common dimension order (output labels,
 * then contracted labels) with diagonal / unsqueeze / permute views, and the operands
 * are contracted pairwise left to right by sumproduct_pair (permute + reshape + bmm).
 * Everything is composed from differentiable ops, so gradients (and higher-order ones)
 * come from theirs; no loop ever runs over index values.
 */
import { TensorError } from '../errors';
import { Tensor } from '../tensor';
import { defineOp } from './registry';
import { mul } from './pointwise';
import { sum } from './reduce';
import { bmm } from './linalg';
import { diagonal, movedim, permute, reshape, unsqueeze, view } from './shape';

const LETTERS = 26;
const TOTAL_LABELS = 2 * LETTERS;
/** The label code of "..." in an operand's label list. */
const ELLIPSIS = TOTAL_LABELS;

const isSubscript = (c: string): boolean => /^[a-zA-Z]$/.test(c);
// As PyTorch: upper case sorts before lower case (A-Z are 0..25, a-z 26..51), which is
// the order of an implicit output.
const labelToSubscript = (c: string): number =>
  c >= 'A' && c <= 'Z' ? c.charCodeAt(0) - 65 : c.charCodeAt(0) - 97 + LETTERS;
const subscriptToLabel = (s: number): string => String.fromCharCode(s < LETTERS ? 65 + s : 97 + s - LETTERS);

function check(cond: boolean, message: string): asserts cond {
  if (!cond) throw new TensorError(message);
}

/** The left-hand side as one label list per operand (ELLIPSIS where "..." stood). */
function parseOperandLabels(lhs: string, numOps: number): number[][] {
  const opLabels: number[][] = Array.from({ length: numOps }, () => []);
  let foundEllipsis = false;
  let curr = 0;
  for (let i = 0; i < lhs.length; i++) {
    const c = lhs[i];
    if (c === ' ') continue;
    if (c === '.') {
      check(!foundEllipsis, `einsum(): found '.' for operand ${curr} for which an ellipsis was already found`);
      check(i + 2 < lhs.length && lhs[++i] === '.' && lhs[++i] === '.', `einsum(): found '.' for operand ${curr} that is not part of any ellipsis`);
      opLabels[curr].push(ELLIPSIS);
      foundEllipsis = true;
    } else if (c === ',') {
      curr++;
      check(curr < numOps, 'einsum(): fewer operands were provided than specified in the equation');
      foundEllipsis = false;
    } else {
      check(isSubscript(c), `einsum(): invalid subscript given at index ${i} in the equation string, subscripts must be in [a-zA-Z]`);
      opLabels[curr].push(labelToSubscript(c));
    }
  }
  check(curr === numOps - 1, 'einsum(): more operands were provided than specified in the equation');
  return opLabels;
}

/** Where each label (and the ellipsis dims) sits in the common dimension order. */
interface Layout {
  labelPermIndex: number[];
  /** Number of output dims (the dims before the contracted ones). */
  outDims: number;
  /** Total dims of the common order. */
  totalDims: number;
  ellIndex: number;
  ellNumDim: number;
}

function planLayout(equation: string, arrow: number, lhsLength: number, labelCount: number[], ellNumDim: number): Layout {
  const labelPermIndex = new Array<number>(TOTAL_LABELS).fill(-1);
  let permIndex = 0;
  let ellIndex = 0;
  let foundEllipsis = false;
  if (arrow < 0) {
    // Implicit output: the ellipsis dims, then every label seen exactly once, in order.
    permIndex = ellNumDim;
    foundEllipsis = true;
    for (let s = 0; s < TOTAL_LABELS; s++) if (labelCount[s] === 1) labelPermIndex[s] = permIndex++;
  } else {
    const rhs = equation.slice(arrow + 2);
    for (let i = 0; i < rhs.length; i++) {
      const c = rhs[i];
      if (c === ' ') continue;
      if (c === '.') {
        check(!foundEllipsis, "einsum(): found '.' for output but an ellipsis (...) was already found");
        check(i + 2 < rhs.length && rhs[++i] === '.' && rhs[++i] === '.', "einsum(): found '.' for output that is not part of any ellipsis (...)");
        ellIndex = permIndex;
        permIndex += ellNumDim;
        foundEllipsis = true;
      } else {
        check(isSubscript(c), `einsum(): invalid subscript given at index ${lhsLength + 2 + i} in the equation string, subscripts must be in [a-zA-Z]`);
        const s = labelToSubscript(c);
        check(
          labelCount[s] > 0 && labelPermIndex[s] === -1,
          `einsum(): output subscript ${c}${labelPermIndex[s] > -1 ? ' appears more than once in the output' : ' does not appear in the equation for any input operand'}`,
        );
        labelPermIndex[s] = permIndex++;
      }
    }
  }
  const outDims = permIndex;
  // An ellipsis missing from an explicit output is contracted.
  if (!foundEllipsis) {
    ellIndex = permIndex;
    permIndex += ellNumDim;
  }
  for (let s = 0; s < TOTAL_LABELS; s++) if (labelCount[s] > 0 && labelPermIndex[s] === -1) labelPermIndex[s] = permIndex++;
  return { labelPermIndex, outDims, totalDims: permIndex, ellIndex, ellNumDim };
}

/**
 * One operand aligned to the common order: repeated labels become a diagonal, missing
 * labels size-1 dims, then one permute. Checks label and ellipsis sizes against what the
 * earlier operands had (size 1 broadcasts) and counts, per common dim, how many operands
 * have it with a size other than 1.
 */
function alignOperand(
  operand: Tensor, i: number, labels: number[], layout: Layout, labelSize: number[], ellSizes: number[], dimCounts: number[],
): Tensor {
  const { labelPermIndex, ellIndex, ellNumDim, totalDims } = layout;
  let op = operand;
  const permutation = new Array<number>(totalDims).fill(-1);
  let dim = 0;
  for (const s of labels) {
    if (s === ELLIPSIS) {
      const covered = operand.dim() - (labels.length - 1);
      for (let j = ellNumDim - covered; j < ellNumDim; j++) {
        const size = op._shape[dim];
        if (size !== 1) {
          check(
            ellSizes[j] === 1 || ellSizes[j] === size,
            `einsum(): dimension ${dim} covered by ellipsis in operand ${i}has size ${size} which does not broadcast with previously seen ellipsis with size ${ellSizes[j]} for the respective dimension`,
          );
          ellSizes[j] = size;
          dimCounts[ellIndex + j]++;
        }
        permutation[ellIndex + j] = dim++;
      }
    } else if (permutation[labelPermIndex[s]] === -1) {
      const size = op._shape[dim];
      if (size !== 1) {
        check(
          labelSize[s] === 1 || labelSize[s] === size,
          `einsum(): subscript ${subscriptToLabel(s)} has size ${size} for operand ${i} which does not broadcast with previously seen size ${labelSize[s]}`,
        );
        labelSize[s] = size;
        dimCounts[labelPermIndex[s]]++;
      }
      permutation[labelPermIndex[s]] = dim++;
    } else {
      // A label repeated within one operand: take the diagonal, kept where the first was.
      const prev = permutation[labelPermIndex[s]];
      check(
        op._shape[dim] === op._shape[prev],
        `einsum(): subscript ${subscriptToLabel(s)} is repeated for operand ${i} but the sizes don't match, ${op._shape[dim]} != ${op._shape[prev]}`,
      );
      op = movedim(diagonal(op, 0, prev, dim), -1, prev);
    }
  }
  for (let p = 0; p < permutation.length; p++) {
    if (permutation[p] === -1) {
      op = unsqueeze(op, dim);
      permutation[p] = dim++;
    }
  }
  return permute(op, permutation);
}

/**
 * PyTorch's sumproduct_pair with keepdim: left * right summed over sumDims, as one bmm.
 * Both operands have the same rank (aligned, size 1 where absent). Dims are grouped as
 * in both (batch), left only, summed, right only; left becomes [batch, lo, sum], right
 * [batch, sum, ro], and the product is viewed back and permuted to the original order.
 */
function sumproductPair(left: Tensor, right: Tensor, sumDims: number[]): Tensor {
  if (sumDims.length === 0) return mul(left, right);
  const rank = left.dim();
  const summed = new Array<boolean>(rank).fill(false);
  for (const d of sumDims) summed[d] = true;
  const lro: number[] = [], lo: number[] = [], ro: number[] = [];
  let lroSize = 1, loSize = 1, roSize = 1, sumSize = 1;
  for (let i = 0; i < rank; i++) {
    const sl = left._shape[i] !== 1, sr = right._shape[i] !== 1;
    if (summed[i]) {
      if (sl && sr) sumSize *= left._shape[i];
      else if (sl) left = sum(left, [i], true);
      else if (sr) right = sum(right, [i], true);
    } else if (sl && sr) {
      lro.push(i);
      lroSize *= left._shape[i];
    } else if (sl) {
      lo.push(i);
      loSize *= left._shape[i];
    } else {
      ro.push(i);
      roSize *= right._shape[i];
    }
  }
  const outSize = [...lro.map((d) => left._shape[d]), ...lo.map((d) => left._shape[d]), ...sumDims.map(() => 1), ...ro.map((d) => right._shape[d])];
  const lperm = [...lro, ...lo, ...sumDims, ...ro];
  const rperm = [...lro, ...sumDims, ...ro, ...lo];
  const operm = new Array<number>(rank);
  lperm.forEach((d, k) => (operm[d] = k));
  const l3 = reshape(permute(left, lperm), [lroSize, loSize, sumSize]);
  const r3 = reshape(permute(right, rperm), [lroSize, sumSize, roSize]);
  return permute(view(bmm(l3, r3), outSize), operm);
}

export type EinsumSubscripts = readonly (number | '...')[];

/**
 * The sublist form einsum(op1, [0, 1], op2, [1, 2], [0, 2]) as an equation, as
 * torch.einsum's Python wrapper converts it (0..25 are A-Z, 26..51 a-z, '...' the ellipsis).
 */
function sublistEquation(args: readonly unknown[]): { equation: string; operands: Tensor[] } {
  const letter = (n: number | '...'): string => {
    if (n === '...') return '...';
    if (Number.isInteger(n) && n >= 0 && n < TOTAL_LABELS) return subscriptToLabel(n);
    throw new TensorError('einsum(): subscript in subscript list is not within the valid range [0, 52)');
  };
  const list = (l: unknown): string => {
    if (!Array.isArray(l)) throw new TypeError('einsum(): expected a list of subscripts after each operand');
    return (l as (number | '...')[]).map(letter).join('');
  };
  const operands: Tensor[] = [];
  const subscripts: string[] = [];
  for (let k = 0; k + 1 < args.length; k += 2) {
    operands.push(args[k] as Tensor);
    subscripts.push(list(args[k + 1]));
  }
  let equation = subscripts.join(',');
  if (args.length % 2 === 1) equation += '->' + list(args[args.length - 1]);
  return { equation, operands };
}

/**
 * torch.einsum(equation, ...operands), also einsum(equation, [operands]) and the sublist
 * form einsum(a, [0, 1], b, [1, 2], [0, 2]).
 */
export function einsum(equation: string | Tensor, ...rest: (Tensor | readonly Tensor[] | EinsumSubscripts)[]): Tensor {
  if (rest.length < 1)
    throw new TensorError('einsum(): must specify the equation string and at least one operand, or at least one operand and its subscripts list');
  let eq: string;
  let operands: Tensor[];
  if (equation instanceof Tensor) {
    ({ equation: eq, operands } = sublistEquation([equation, ...rest]));
  } else {
    if (typeof equation !== 'string') throw new TypeError(`einsum(): argument 'equation' must be str, not ${typeof equation}`);
    eq = equation;
    operands = rest.length === 1 && Array.isArray(rest[0]) ? [...(rest[0] as Tensor[])] : (rest as Tensor[]);
    if (operands.length === 0)
      throw new TensorError('einsum(): must specify the equation string and at least one operand, or at least one operand and its subscripts list');
  }
  operands.forEach((t, i) => {
    if (!(t instanceof Tensor)) throw new TypeError(`einsum(): expected Tensor in argument ${i + 1}, but got ${typeof t}`);
  });
  return einsumImpl(eq, operands);
}

function einsumImpl(equation: string, operands: readonly Tensor[]): Tensor {
  const numOps = operands.length;
  const arrow = equation.indexOf('->');
  const lhs = arrow < 0 ? equation : equation.slice(0, arrow);
  const opLabels = parseOperandLabels(lhs, numOps);

  // How often each label appears over all operands, and the widest ellipsis.
  const labelCount = new Array<number>(TOTAL_LABELS).fill(0);
  let ellNumDim = 0;
  opLabels.forEach((labels, i) => {
    const ndims = operands[i].dim();
    let nlabels = labels.length;
    let hasEllipsis = false;
    for (const s of labels) {
      if (s === ELLIPSIS) {
        nlabels--;
        hasEllipsis = true;
        ellNumDim = Math.max(ellNumDim, ndims - nlabels);
      } else labelCount[s]++;
    }
    check(
      hasEllipsis ? nlabels <= ndims : nlabels === ndims,
      hasEllipsis
        ? `einsum(): the number of subscripts in the equation (${nlabels}) is more than the number of dimensions (${ndims}) for operand ${i}`
        : `einsum(): the number of subscripts in the equation (${nlabels}) does not match the number of dimensions (${ndims}) for operand ${i} and no ellipsis was given`,
    );
  });

  const layout = planLayout(equation, arrow, lhs.length, labelCount, ellNumDim);
  const labelSize = new Array<number>(TOTAL_LABELS).fill(1);
  const ellSizes = new Array<number>(ellNumDim).fill(1);
  const dimCounts = new Array<number>(layout.totalDims).fill(0);
  const ops = operands.map((t, i) => alignOperand(t, i, opLabels[i], layout, labelSize, ellSizes, dimCounts));
  const { outDims, totalDims } = layout;

  // Contract left to right. A contracted dim is summed in the product once the pair holds
  // its last two operands with a size other than 1, or summed alone beforehand when only
  // one operand of the pair has it and no later operand does.
  while (ops.length > 1) {
    let a = ops.shift() as Tensor;
    let b = ops.shift() as Tensor;
    const sumDims: number[] = [], aDims: number[] = [], bDims: number[] = [];
    for (let d = outDims; d < totalDims; d++) {
      if (a._shape[d] !== 1 && b._shape[d] !== 1) {
        if (--dimCounts[d] === 1) {
          sumDims.push(d);
          dimCounts[d] = 0;
        }
      } else if (dimCounts[d] === 1) {
        if (a._shape[d] !== 1) {
          aDims.push(d);
          dimCounts[d] = 0;
        } else if (b._shape[d] !== 1) {
          bDims.push(d);
          dimCounts[d] = 0;
        }
      }
    }
    if (aDims.length > 0) a = sum(a, aDims, true);
    if (bDims.length > 0) b = sum(b, bDims, true);
    ops.unshift(sumproductPair(a, b, sumDims));
  }

  const result = ops[0];
  if (totalDims === outDims) return result;
  // With several operands every contracted dim is size 1 by now: drop them with a view.
  if (numOps > 1) return view(result, result._shape.slice(0, outDims));
  return sum(result, Array.from({ length: totalDims - outDims }, (_, k) => outDims + k));
}

defineOp({ name: 'einsum', kind: 'linalg', fn: einsum });
