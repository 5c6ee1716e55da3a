/**
 * The profiler's summary table, laid out as PyTorch 1.13's `_build_table`
 * (torch/autograd/profiler_util.py): right-aligned columns separated by two spaces, the
 * name column as wide as the longest key + 4 (at most 55, longer names cut to 52 + '...'),
 * 12 characters for the others, dashed rules, and the "Self CPU time total" footer.
 */

/** One row: a key-averaged group of events (or one event). Times are in microseconds. */
export interface TableRow {
  key: string;
  count: number;
  selfCpuTimeTotal: number;
  cpuTimeTotal: number;
  /** null when shapes were not grouped on (no Input Shapes column then). */
  inputShapes: number[][] | null;
}

export type SortKey =
  | 'self_cpu_time_total' | 'cpu_time_total' | 'cpu_time' | 'count'
  | 'selfCpuTimeTotal' | 'cpuTimeTotal' | 'cpuTime';

export interface TableOptions {
  /** Sort descending by this column (PyTorch's names, or camelCase). Unsorted by default. */
  sortBy?: SortKey;
  /** Print at most this many rows (default 100, as PyTorch; -1 for all). */
  rowLimit?: number;
  /** Width limits, as PyTorch's max_name_column_width / max_shapes_column_width. */
  maxNameColumnWidth?: number;
  maxShapesColumnWidth?: number;
  /** A line printed above the table between '=' rules. */
  header?: string;
}

const SORT_VALUE: Record<SortKey, (r: TableRow) => number> = {
  self_cpu_time_total: (r) => r.selfCpuTimeTotal,
  selfCpuTimeTotal: (r) => r.selfCpuTimeTotal,
  cpu_time_total: (r) => r.cpuTimeTotal,
  cpuTimeTotal: (r) => r.cpuTimeTotal,
  cpu_time: (r) => r.cpuTimeTotal / r.count,
  cpuTime: (r) => r.cpuTimeTotal / r.count,
  count: (r) => r.count,
};

/** PyTorch's _format_time: microseconds as us / ms / s with 3 decimals. */
export function formatTime(us: number): string {
  if (us >= 1e6) return `${(us / 1e6).toFixed(3)}s`;
  if (us >= 1e3) return `${(us / 1e3).toFixed(3)}ms`;
  return `${us.toFixed(3)}us`;
}

/** PyTorch's _format_time_share: a percentage with 2 decimals, "NaN" of a zero total. */
export function formatTimeShare(us: number, totalUs: number): string {
  if (totalUs === 0) return 'NaN';
  return `${((us * 100) / totalUs).toFixed(2)}%`;
}

/** Python's str() of a list of shapes: [[2, 3], []]. */
export function shapesToString(shapes: readonly (readonly number[])[]): string {
  return `[${shapes.map((s) => `[${s.join(', ')}]`).join(', ')}]`;
}

export function buildTable(rows: readonly TableRow[], opts: TableOptions = {}): string {
  if (rows.length === 0) return '';
  const rowLimit = opts.rowLimit ?? 100;
  const maxName = opts.maxNameColumnWidth ?? 55;
  const maxShapes = opts.maxShapesColumnWidth ?? 80;
  const hasShapes = rows.some((r) => r.inputShapes !== null && r.inputShapes.length > 0);
  const shapeText = (r: TableRow) => (r.inputShapes === null ? '' : shapesToString(r.inputShapes));

  let sorted = rows;
  if (opts.sortBy !== undefined) {
    const value = SORT_VALUE[opts.sortBy];
    if (!value) throw new Error(`unknown sortBy key '${String(opts.sortBy)}'`);
    sorted = [...rows].sort((a, b) => value(b) - value(a)); // stable, as Python's sorted
  }

  const nameWidth = Math.min(Math.max(...rows.map((r) => r.key.length)) + 4, maxName);
  const shapesWidth = Math.min(Math.max(...rows.map((r) => shapeText(r).length)) + 4, maxShapes);
  const headers = ['Name', 'Self CPU %', 'Self CPU', 'CPU total %', 'CPU total', 'CPU time avg', '# of Calls'];
  const widths = [nameWidth, ...headers.slice(1).map(() => 12)];
  if (hasShapes) {
    headers.push('Input Shapes');
    widths.push(shapesWidth);
  }
  const SPACING = '  ';
  const formatRow = (values: readonly (string | number)[]) =>
    values.map((v, i) => String(v).padStart(widths[i]) + SPACING).join('');
  const rule = widths.map((w) => '-'.repeat(w) + SPACING).join('');
  const lineLength = widths.reduce((n, w) => n + w + SPACING.length, -SPACING.length);

  // Percentages are of the summed self time of every row, printed or not.
  const totalSelf = rows.reduce((n, r) => n + r.selfCpuTimeTotal, 0);
  const lines: string[] = [];
  if (opts.header !== undefined) lines.push('='.repeat(lineLength), opts.header);
  lines.push(rule, formatRow(headers), rule);
  // A negative limit prints every row (PyTorch's row_limit=-1).
  for (const r of rowLimit < 0 ? sorted : sorted.slice(0, rowLimit)) {
    const name = r.key.length >= maxName - 3 ? `${r.key.slice(0, maxName - 3)}...` : r.key;
    const values: (string | number)[] = [
      name,
      formatTimeShare(r.selfCpuTimeTotal, totalSelf),
      formatTime(r.selfCpuTimeTotal),
      formatTimeShare(r.cpuTimeTotal, totalSelf),
      formatTime(r.cpuTimeTotal),
      formatTime(r.cpuTimeTotal / r.count),
      r.count,
    ];
    if (hasShapes) values.push(shapeText(r).slice(0, shapesWidth));
    lines.push(formatRow(values));
  }
  lines.push(rule, `Self CPU time total: ${formatTime(totalSelf)}`);
  return lines.map((l) => `${l}\n`).join('');
}
