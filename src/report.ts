import type { Diagnostic } from './errors.js';

/** Sorts diagnostics by file, line and column, so reports read top to bottom. */
export function sortDiagnostics(diagnostics: Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort(
    (a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column,
  );
}

/** One line per diagnostic: `file:line:col  erreur  message  (rule)`. */
export function formatDiagnostic(d: Diagnostic): string {
  return `${d.file}:${d.line}:${d.column}  ${d.severity}  ${d.message}  (${d.rule})`;
}

/** The summary line with counts, in French. */
export function formatSummary(diagnostics: Diagnostic[]): string {
  const errors = diagnostics.filter((d) => d.severity === 'erreur').length;
  const warnings = diagnostics.length - errors;
  const plural = (n: number, word: string) => `${n} ${word}${n > 1 ? 's' : ''}`;
  if (diagnostics.length === 0) return '✓ aucun problème trouvé';
  return `${errors > 0 ? '✗' : '⚠'} ${plural(errors, 'erreur')}, ${plural(warnings, 'avertissement')}`;
}

/** The whole human report: sorted messages then the summary. */
export function formatReport(diagnostics: Diagnostic[]): string {
  return [...sortDiagnostics(diagnostics).map(formatDiagnostic), '', formatSummary(diagnostics)].join('\n');
}
