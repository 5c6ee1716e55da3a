/** Numbers and booleans spelled as Python's repr does, for PyTorch-identical reprs and messages. */

/** A number as Python's repr of a float prints it (1.0, 0.5, 1e-05, 1.3e-06). */
export function pyFloat(v: number): string {
  if (!Number.isFinite(v)) return Number.isNaN(v) ? 'nan' : v > 0 ? 'inf' : '-inf';
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-4 || a >= 1e16)) return v.toExponential().replace(/e([+-])(\d)$/, 'e$10$2');
  return Number.isInteger(v) ? v.toFixed(1) : String(v);
}

export const pyBool = (v: boolean): string => (v ? 'True' : 'False');
