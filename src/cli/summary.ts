import path from 'node:path';
import type { BuildResult } from '../build.js';
import type { LeftOut } from '../build-events.js';
import type { Diagnostic } from '../errors.js';
import type { Manifest } from '../pipeline/publish.js';
import { formatDiagnostic, sortDiagnostics } from '../report.js';
import { plural, seconds, type Colors } from './progress.js';

/** Why a source was left out, in French, with what to do to include it. */
export function leftOutReason(l: LeftOut, asOf: string): string {
  switch (l.reason) {
    case 'brouillon':
      return 'brouillon (statut: brouillon), incluse avec --drafts';
    case 'à paraître':
      return `pas encore parue : publication le ${l.published}, construction à la date du ${asOf} (--as-of)`;
    case 'nom-de-fichier':
      return 'fichier ignoré : son nom ne suit pas « NN-nom-court.md »';
    case 'fichier-ignore':
      return `fichier ignoré : ${l.detail ?? 'ce n’est pas un fichier « .md »'}`;
  }
}

/** Diagnostics with the errors first, then the warnings, each by file, line and column. */
export function errorsFirst(diagnostics: Diagnostic[]): Diagnostic[] {
  const sorted = sortDiagnostics(diagnostics);
  return [...sorted.filter((d) => d.severity === 'erreur'), ...sorted.filter((d) => d.severity !== 'erreur')];
}

/** « 0 erreur, 3 avertissements »: the errors counted first. */
export function countLine(diagnostics: Diagnostic[]): string {
  const errors = diagnostics.filter((d) => d.severity === 'erreur').length;
  return `${plural(errors, 'erreur')}, ${plural(diagnostics.length - errors, 'avertissement')}`;
}

/** What the summary is made from. */
export interface SummaryInput {
  result: BuildResult;
  /** The manifest the build left (for the zips). */
  manifest: Manifest | undefined;
  outDir: string;
  elapsedMs: number;
}

/**
 * The build's closing summary, in French: what was built (fiches, booklets, print-shop files, zips), what was
 * left out and why, the warnings (errors first) and the time taken.
 */
export function formatBuildSummary({ result, manifest, outDir, elapsedMs }: SummaryInput, c: Colors): string {
  const rel = path.relative(process.cwd(), outDir);
  const out = `${rel.startsWith('..') ? outDir : rel || '.'}/`;
  const isPrinted = new Set(result.printed);
  const lines: string[] = [];
  const kits = result.kits;
  const fiches = kits.flatMap((k) => k.fiches);
  const printedFiches = fiches.filter((f) => isPrinted.has(f.path)).length;
  if (result.printed.length === 0) {
    lines.push(`${c.green('✓')} Rien à réimprimer : ${out} est à jour (${seconds(elapsedMs)}).`);
  } else {
    lines.push(`${c.green('✓')} ${c.bold(`Construit en ${seconds(elapsedMs)}`)}, dans ${out} :`);
  }
  const reused = (n: number) => (n > 0 ? c.dim(`, ${plural(n, 'reprise')} telle${n >= 2 ? 's' : ''} quelle${n >= 2 ? 's' : ''}`) : '');
  lines.push(`  Fiches : ${fiches.length}${fiches.length ? ` (${plural(printedFiches, 'imprimée', 'imprimées')}${reused(fiches.length - printedFiches)})` : ''}`);
  lines.push(
    `  Livrets : ${kits
      .map((k) => `${k.booklet.path} (${plural(k.booklet.pages, 'page')}${isPrinted.has(k.booklet.path) ? ', imprimé' : c.dim(', repris tel quel')})`)
      .join(', ')}`,
  );
  const printShop = kits.flatMap((k) => (k.print ? [k.print.booklet.path, k.print.pdfx.path] : []));
  if (printShop.length > 0) lines.push(`  Imprimeur : ${printShop.join(', ')}`);
  const zips = [...(manifest?.kits ?? []).filter((k) => kits.some((b) => b.id === k.id)).flatMap((k) => (k.zip ? [k.zip.path] : [])), ...(manifest?.zip ? [manifest.zip.path] : [])];
  if (zips.length > 0) lines.push(`  Archives : ${zips.join(', ')}`);
  if (result.leftOut.length > 0) {
    lines.push(`  ${c.yellow(`Laissé${result.leftOut.length >= 2 ? 's' : ''} de côté`)} (${result.leftOut.length}) :`);
    for (const l of result.leftOut) {
      const what = l.number !== undefined ? `fiche ${l.number} « ${l.title} »` : path.basename(l.file);
      lines.push(`    ${l.file}  ${what} : ${leftOutReason(l, result.asOf)}`);
    }
  }
  const diagnostics = errorsFirst(result.warnings);
  if (diagnostics.length > 0) {
    const errors = diagnostics.some((d) => d.severity === 'erreur');
    lines.push('', ...diagnostics.map(formatDiagnostic), '', `${errors ? c.red('✗') : c.yellow('⚠')} ${countLine(diagnostics)}`);
  }
  return lines.join('\n');
}

/** Reads the manifest the build left and writes the summary on stdout. */
export async function writeBuildSummary(result: BuildResult, outDir: string, startedAt: number): Promise<void> {
  const { readManifest } = await import('../pipeline/publish.js');
  const { colorsFor } = await import('./progress.js');
  const summary = formatBuildSummary({ result, manifest: await readManifest(outDir), outDir, elapsedMs: performance.now() - startedAt }, colorsFor(process.stdout));
  process.stdout.write(`${summary}\n`);
}
