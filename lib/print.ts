/**
 * Printing (API.md §1): `String(t)`, `t.toString()` and `console.log(t)` give exactly
 * what PyTorch 1.13's `str(t)` gives, and `setPrintoptions` is `torch.set_printoptions`.
 * The rules follow torch/_tensor_str.py: a `_Formatter` picks integer, fixed or
 * scientific notation and one column width from the elements that are shown; rows are
 * nested with growing indentation; long rows wrap at `linewidth`; tensors over
 * `threshold` elements show `edgeitems` per edge around `...`; suffixes (`dtype=`,
 * `size=`, `grad_fn=`, `requires_grad=`) follow the contents.
 */
import { Tensor } from './tensor';
import { DType, TypedArray, bool, float32, int64 } from './dtype';
import { TensorError } from './errors';

// ---- print options -------------------------------------------------------------------

export interface PrintOptions {
  /** Digits after the decimal point (default 4). */
  precision: number;
  /** Above this many elements the tensor is summarised (default 1000). */
  threshold: number;
  /** Items kept at each edge of a summarised dimension (default 3). */
  edgeitems: number;
  /** Characters per line before a row wraps (default 80). */
  linewidth: number;
  /** Force (true) or forbid (false) scientific notation; null lets the formatter choose. */
  sciMode: boolean | null;
}
export type PrintProfile = 'default' | 'short' | 'full';
export interface SetPrintOptions {
  precision?: number;
  threshold?: number;
  edgeitems?: number;
  linewidth?: number;
  sciMode?: boolean | null;
  profile?: PrintProfile;
}

const PROFILES: Record<PrintProfile, Omit<PrintOptions, 'sciMode'>> = {
  default: { precision: 4, threshold: 1000, edgeitems: 3, linewidth: 80 },
  short: { precision: 2, threshold: 1000, edgeitems: 2, linewidth: 80 },
  full: { precision: 4, threshold: Infinity, edgeitems: 3, linewidth: 80 },
};

const printOptions: PrintOptions = { ...PROFILES.default, sciMode: null };

/**
 * torch.set_printoptions: a profile first resets the four numeric options, then each
 * option given overrides it. As in PyTorch, `sciMode` is assigned on every call, so a
 * call that leaves it out (or passes null) returns to automatic notation.
 */
export function setPrintoptions(opts: SetPrintOptions = {}): void {
  if (typeof opts !== 'object' || opts === null) throw new TypeError('setPrintoptions expects an options object');
  // PyTorch ignores a profile name it does not know; so do we.
  if (opts.profile != null && Object.prototype.hasOwnProperty.call(PROFILES, opts.profile))
    Object.assign(printOptions, PROFILES[opts.profile]);
  if (opts.precision != null) printOptions.precision = checkCount('precision', opts.precision);
  if (opts.threshold != null) printOptions.threshold = checkNumber('threshold', opts.threshold);
  if (opts.edgeitems != null) printOptions.edgeitems = checkCount('edgeitems', opts.edgeitems);
  if (opts.linewidth != null) printOptions.linewidth = checkNumber('linewidth', opts.linewidth);
  if (opts.sciMode != null && typeof opts.sciMode !== 'boolean')
    throw new TypeError(`setPrintoptions: sciMode must be a boolean or null, got ${String(opts.sciMode)}`);
  printOptions.sciMode = opts.sciMode ?? null;
}

/** The print options in force (a copy). */
export function getPrintoptions(): PrintOptions {
  return { ...printOptions };
}

function checkNumber(name: string, value: unknown): number {
  if (typeof value !== 'number' || Number.isNaN(value))
    throw new TypeError(`setPrintoptions: ${name} must be a number, got ${String(value)}`);
  return value;
}

/** precision and edgeitems become format widths and slice bounds: whole and not negative. */
function checkCount(name: string, value: unknown): number {
  const n = checkNumber(name, value);
  if (!Number.isInteger(n) || n < 0) throw new TensorError(`setPrintoptions: ${name} must be a non-negative integer, got ${n}`);
  return n;
}

// ---- Python's float formatting, exactly ------------------------------------------------
// Python formats the exact binary value of a double and rounds half to even
// (format(0.125, '.2f') is '0.12'); JavaScript's toFixed rounds ties up and switches to
// exponent notation at 1e21, so the digits are computed here with BigInt arithmetic.

/** |x| of a finite double as an exact fraction num / den (den is a power of two). */
function exactFraction(x: number): { num: bigint; den: bigint } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, Math.abs(x));
  const bits = view.getBigUint64(0);
  const biasedExponent = Number(bits >> 52n);
  const fraction = bits & ((1n << 52n) - 1n);
  const mantissa = biasedExponent === 0 ? fraction : fraction | (1n << 52n); // subnormals lack the implicit 1
  const exponent = Math.max(biasedExponent, 1) - 1075;
  return exponent >= 0
    ? { num: mantissa << BigInt(exponent), den: 1n }
    : { num: mantissa, den: 1n << BigInt(-exponent) };
}

function divideRoundHalfEven(num: bigint, den: bigint): bigint {
  const quotient = num / den;
  const twiceRemainder = (num % den) * 2n;
  const roundUp = twiceRemainder > den || (twiceRemainder === den && (quotient & 1n) === 1n);
  return roundUp ? quotient + 1n : quotient;
}

/** num / den × 10^shift, rounded half to even. */
function scaleAndRound(num: bigint, den: bigint, shift: number): bigint {
  return shift >= 0 ? divideRoundHalfEven(num * 10n ** BigInt(shift), den) : divideRoundHalfEven(num, den * 10n ** BigInt(-shift));
}

/** Python keeps the sign of -0.0 ('-0.0000') and prints every NaN as 'nan'. */
function signOf(x: number): string {
  return x < 0 || Object.is(x, -0) ? '-' : '';
}

function nonFiniteString(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  return x > 0 ? 'inf' : '-inf';
}

/** Python's format(x, `.${digits}f`). */
export function formatFixed(x: number, digits: number): string {
  if (!Number.isFinite(x)) return nonFiniteString(x);
  const { num, den } = exactFraction(x);
  const scaled = scaleAndRound(num, den, digits).toString().padStart(digits + 1, '0');
  const whole = scaled.slice(0, scaled.length - digits);
  return signOf(x) + (digits > 0 ? `${whole}.${scaled.slice(whole.length)}` : whole);
}

/** Python's format(x, `.${digits}e`): digits + 1 significant digits, an exponent of at least two digits. */
export function formatScientific(x: number, digits: number): string {
  if (!Number.isFinite(x)) return nonFiniteString(x);
  let significand = 0n;
  let exponent = 0;
  if (x !== 0) {
    const { num, den } = exactFraction(x);
    exponent = decimalExponent(num, den, Math.floor(Math.log10(Math.abs(x))));
    significand = scaleAndRound(num, den, digits - exponent);
    // Rounding 9.99995 up gives 10.0000: renormalise to 1.0000 with the next exponent.
    if (significand === 10n ** BigInt(digits + 1)) {
      significand /= 10n;
      exponent += 1;
    }
  }
  const figures = significand.toString().padEnd(digits + 1, '0');
  const mantissa = digits > 0 ? `${figures[0]}.${figures.slice(1)}` : figures;
  const exponentSign = exponent < 0 ? '-' : '+';
  return `${signOf(x)}${mantissa}e${exponentSign}${String(Math.abs(exponent)).padStart(2, '0')}`;
}

/** The k with 10^k <= num / den < 10^(k+1), starting from a floating-point guess. */
function decimalExponent(num: bigint, den: bigint, guess: number): number {
  const below = (k: number): boolean => (k >= 0 ? num < den * 10n ** BigInt(k) : num * 10n ** BigInt(-k) < den);
  let k = guess;
  while (below(k)) k--;
  while (!below(k + 1)) k++;
  return k;
}

// ---- the formatter -----------------------------------------------------------------------

type Element = number | bigint | boolean;

/**
 * torch._tensor_str._Formatter: one notation and one column width for every element
 * shown. Integers and bools print as Python's str(). Floats look only at the nonzero
 * finite values: all integral → `1.` (int mode); max/min > 1000 or max > 1e8 (or, with
 * fractions, min < 1e-4) → scientific; the width is the longest of those values.
 */
class Formatter {
  private intMode = true;
  private sciMode = false;
  private maxWidth = 1;

  constructor(
    private readonly floating: boolean,
    values: readonly Element[],
    private readonly precision: number,
    sciModeOption: boolean | null,
  ) {
    if (!floating) {
      for (const v of values) this.maxWidth = Math.max(this.maxWidth, pythonStr(v).length);
      return;
    }
    const finite = (values as readonly number[]).filter((v) => Number.isFinite(v) && v !== 0);
    // With no nonzero finite value PyTorch returns early, before applying sci_mode: all-zero
    // tensors print as `0.` even with sciMode true.
    if (finite.length === 0) return;
    this.chooseFloatMode(finite);
    if (sciModeOption !== null) this.sciMode = sciModeOption;
  }

  /** The automatic notation and the width it gives (kept even when sciMode overrides the notation). */
  private chooseFloatMode(finite: readonly number[]): void {
    let min = Infinity;
    let max = 0;
    for (const v of finite) {
      min = Math.min(min, Math.abs(v));
      max = Math.max(max, Math.abs(v));
    }
    this.intMode = finite.every((v) => v === Math.ceil(v));
    const wideRange = max / min > 1000 || max > 1e8;
    if (this.intMode && !wideRange) {
      // The `+ 1` is the '.' appended to integral floats.
      this.widen(finite, (v) => formatFixed(v, 0).length + 1);
    } else if (wideRange || (!this.intMode && min < 1e-4)) {
      this.sciMode = true;
      this.widen(finite, (v) => formatScientific(v, this.precision).length);
    } else {
      this.widen(finite, (v) => formatFixed(v, this.precision).length);
    }
  }

  private widen(values: readonly number[], width: (v: number) => number): void {
    for (const v of values) this.maxWidth = Math.max(this.maxWidth, width(v));
  }

  get width(): number {
    return this.maxWidth;
  }

  /** One element, right-aligned to the column width. */
  format(value: Element): string {
    return this.formatBare(value).padStart(this.maxWidth);
  }

  private formatBare(value: Element): string {
    if (!this.floating || typeof value !== 'number') return pythonStr(value);
    if (this.sciMode) return formatScientific(value, this.precision);
    if (this.intMode) return formatFixed(value, 0) + (Number.isFinite(value) ? '.' : '');
    return formatFixed(value, this.precision);
  }
}

/** Python's str() of an int or bool element. */
function pythonStr(value: Element): string {
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  return String(value);
}

// ---- which elements are shown ------------------------------------------------------------

/** A tensor's elements in row-major order, read one at a time so a summary reads only its edges. */
class Elements {
  readonly strides: number[];

  constructor(
    private readonly data: TypedArray,
    readonly shape: readonly number[],
    private readonly isBool: boolean,
  ) {
    this.strides = shape.map((_, d) => shape.slice(d + 1).reduce((a, b) => a * b, 1));
  }

  at(index: number): Element {
    const v = this.data[index];
    return this.isBool ? v !== 0 : v;
  }
}

interface Layout {
  elements: Elements;
  summarize: boolean;
  edgeitems: number;
}

/**
 * The indices printed along dimension `dim`; null stands for the `...` of a summary.
 * A summarised dimension longer than 2 × edgeitems keeps edgeitems at each end.
 */
function shownIndices(layout: Layout, dim: number): (number | null)[] {
  const size = layout.elements.shape[dim];
  const edge = layout.edgeitems;
  const range = (start: number, end: number): number[] => Array.from({ length: end - start }, (_, i) => start + i);
  if (!layout.summarize || size <= 2 * edge) return range(0, size);
  const isVector = dim === layout.elements.shape.length - 1;
  if (edge === 0 && !isVector) {
    // PyTorch stacks an empty list of edge rows here and raises this error.
    throw new TensorError('stack expects a non-empty TensorList');
  }
  // PyTorch slices a vector's tail as self[-edgeitems:], which is the whole vector when edgeitems is 0.
  const tailStart = edge === 0 ? 0 : size - edge;
  return [...range(0, edge), null, ...range(tailStart, size)];
}

/** Every element shown (torch._tensor_str.get_summarized_data): the formatter sizes its column from these. */
function shownValues(layout: Layout, dim = 0, offset = 0, out: Element[] = []): Element[] {
  const { elements } = layout;
  if (elements.shape.length === 0) {
    out.push(elements.at(0));
    return out;
  }
  for (const i of shownIndices(layout, dim)) {
    if (i === null) continue;
    const position = offset + i * elements.strides[dim];
    if (dim === elements.shape.length - 1) out.push(elements.at(position));
    else shownValues(layout, dim + 1, position, out);
  }
  return out;
}

// ---- rendering -----------------------------------------------------------------------------

/** torch._tensor_str._vector_str: as many columns as fit in linewidth - indent, then wrap. */
function renderVector(layout: Layout, formatter: Formatter, offset: number, indent: number): string {
  const items = shownIndices(layout, layout.elements.shape.length - 1).map((i) =>
    i === null ? ' ...' : formatter.format(layout.elements.at(offset + i)),
  );
  const itemLength = formatter.width + 2; // ', ' after each element
  const perLine = Math.max(1, Math.floor((printOptions.linewidth - indent) / itemLength));
  const lines: string[] = [];
  for (let i = 0; i < items.length; i += perLine) lines.push(items.slice(i, i + perLine).join(', '));
  return `[${lines.join(`,\n${' '.repeat(indent + 1)}`)}]`;
}

/**
 * torch._tensor_str._tensor_str_with_formatter: sub-tensors one indent deeper, separated
 * by one blank line fewer than their rank (none between rows of a matrix, one between
 * matrices of a 3-D tensor, ...).
 */
function renderBlock(layout: Layout, formatter: Formatter, dim: number, offset: number, indent: number): string {
  const rank = layout.elements.shape.length;
  if (dim === rank - 1) return renderVector(layout, formatter, offset, indent);
  const stride = layout.elements.strides[dim];
  const parts = shownIndices(layout, dim).map((i) =>
    i === null ? '...' : renderBlock(layout, formatter, dim + 1, offset + i * stride, indent + 1),
  );
  return `[${parts.join(`,${'\n'.repeat(rank - dim - 1)}${' '.repeat(indent + 1)}`)}]`;
}

/** torch._tensor_str._tensor_str for a tensor with elements. */
function renderContents(t: Tensor, indent: number): string {
  const layout: Layout = {
    elements: new Elements(t._contiguousData(), [...t.shape], t.dtype === bool),
    summarize: t.numel() > printOptions.threshold,
    edgeitems: printOptions.edgeitems,
  };
  const formatter = new Formatter(t.dtype.isFloatingPoint, shownValues(layout), printOptions.precision, printOptions.sciMode);
  if (t.dim() === 0) return formatter.format(layout.elements.at(0));
  return renderBlock(layout, formatter, 0, 0, indent);
}

// ---- suffixes ------------------------------------------------------------------------------

/** float32 (the default float), int64 and bool are inferred from the printed values, so PyTorch omits them. */
const DEFAULT_DTYPES: ReadonlySet<DType> = new Set([float32, int64, bool]);

/** Python's str(tuple(shape)): `(0, 3)`, `(0,)`. */
function pythonTuple(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}

/** The autograd node's class name, e.g. 'MulBackward0' (PyTorch keeps the part after the last '::'). */
function gradFnName(gradFn: unknown): string | null {
  if (gradFn === null || gradFn === undefined) return null;
  const node = gradFn as { name?: unknown };
  const name = typeof node.name === 'function' ? String((node.name as () => unknown).call(gradFn)) : String(node.constructor?.name);
  return name.split('::').pop() ?? name;
}

function suffixesOf(t: Tensor): string[] {
  const suffixes: string[] = [];
  if (t.numel() === 0) {
    // No element shows the shape or the dtype: print the shape unless it is (0,), and
    // any dtype but the default float.
    if (t.dim() !== 1) suffixes.push(`size=${pythonTuple(t.shape)}`);
    if (t.dtype !== float32) suffixes.push(`dtype=${t.dtype}`);
  } else if (!DEFAULT_DTYPES.has(t.dtype)) {
    suffixes.push(`dtype=${t.dtype}`);
  }
  const name = gradFnName(t.gradFn);
  if (name !== null) suffixes.push(`grad_fn=<${name}>`);
  else if (t.requiresGrad) suffixes.push('requires_grad=True');
  return suffixes;
}

/**
 * torch._tensor_str._add_suffixes: each suffix follows `, ` on the last line, or starts a
 * new line at the prefix's indent when it would pass linewidth. PyTorch's running line
 * length counts two more than the characters on the last line; that is matched as is.
 */
function addSuffixes(text: string, suffixes: readonly string[], indent: number): string {
  let out = text;
  let lastLineLength = text.length - text.lastIndexOf('\n') + 1;
  for (const suffix of suffixes) {
    if (lastLineLength + suffix.length + 2 > printOptions.linewidth) {
      out += `,\n${' '.repeat(indent)}${suffix}`;
      lastLineLength = indent + suffix.length;
    } else {
      out += `, ${suffix}`;
      lastLineLength += suffix.length + 2;
    }
  }
  return `${out})`;
}

// ---- entry points --------------------------------------------------------------------------

/** `str(t)` of PyTorch 1.13. */
export function formatTensor(t: Tensor): string {
  const prefix = 'tensor(';
  const indent = prefix.length;
  const contents = t.numel() === 0 ? '[]' : renderContents(t, indent);
  return addSuffixes(prefix + contents, suffixesOf(t), indent);
}

Object.defineProperty(Tensor.prototype, 'toString', {
  value: function toString(this: Tensor): string {
    return formatTensor(this);
  },
  writable: true,
  configurable: true,
  enumerable: false,
});

// console.log and util.inspect print the same text as String(t).
Object.defineProperty(Tensor.prototype, Symbol.for('nodejs.util.inspect.custom'), {
  value: function inspect(this: Tensor): string {
    return formatTensor(this);
  },
  writable: true,
  configurable: true,
  enumerable: false,
});
