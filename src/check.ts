import os from 'node:os';
import path from 'node:path';
import { readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { lazyBrowser, type BrowserHandle } from './browser.js';
import { budgetDiagnostic, budgetOf } from './budget.js';
import { AbortedError, BrowserError, type Diagnostic } from './errors.js';
import { mapLimit, Printer } from './pipeline/print.js';
import { renderFicheBody } from './pipeline/render.js';
import { countPages } from './pdf/pages.js';
import { prepareKits, selectKits } from './prepare.js';
import { decodeSource, repairToUtf8 } from './text/encoding.js';
import { FICHE_FILE } from './pipeline/load.js';

/** What `kitess check` is asked to do. */
export interface CheckOptions {
  sheetsDir: string;
  kits?: string[];
  /**
   * Also print every fiche to check its page budget. The command line does by default (`--sans-pages` skips it);
   * the API does only when asked, so that callers checking sources alone start no browser.
   */
  pages?: boolean;
  /** Convert the sources that are not UTF-8 (read as Windows-1252) before checking them. */
  convertUtf8?: boolean;
  browserPath?: string;
  concurrency?: number;
  signal?: AbortSignal;
}

/** A source converted to UTF-8 by `--convertir-utf8`, and the lines that changed. */
export interface Converted {
  file: string;
  lines: number[];
}

/** Everything `check` found, and the page counts when the fiches were printed. */
export interface CheckResult {
  diagnostics: Diagnostic[];
  pages: { kit: string; number: number; file: string; pages: number; budget: number }[];
  /** Whether the page budgets were checked; when they could not be, `pagesSkipped` says why. */
  pagesChecked: boolean;
  pagesSkipped?: string;
  converted: Converted[];
}

/** Rewrites in UTF-8 the kit.yml and fiche files of the kits that are not UTF-8. */
async function convertSources(sheetsDir: string, ids: string[]): Promise<Converted[]> {
  const converted: Converted[] = [];
  for (const id of ids) {
    const dir = path.resolve(sheetsDir, id);
    for (const name of (await readdir(dir)).sort()) {
      if (name !== 'kit.yml' && !FICHE_FILE.test(name)) continue;
      const file = path.join(dir, name);
      const bytes = await readFile(file);
      if (!decodeSource(bytes).bad) continue;
      const { text, lines } = repairToUtf8(bytes);
      const tmp = `${file}.kitess-utf8`;
      await writeFile(tmp, text);
      await rename(tmp, file);
      const shown = path.relative(process.cwd(), file);
      converted.push({ file: shown.startsWith('..') ? file : shown, lines });
    }
  }
  return converted;
}

/** What an interrupted check says (Ctrl-C, SIGTERM, SIGHUP): it wrote nothing, so there is nothing else to tell. */
const INTERRUPTED = 'Vérification interrompue : aucun rapport n’a été produit.';

/**
 * Validates everything the build would, without writing anything; with `pages`, prints every fiche to count its
 * pages. Interrupted (`signal`), it stops at once, its own browser closed, with an AbortedError of its own.
 */
export async function check(options: CheckOptions, deps: { browser?: BrowserHandle } = {}): Promise<CheckResult> {
  try {
    return await checkSources(options, deps);
  } catch (error) {
    // The printer's interruption speaks of a build: the check says its own.
    if (options.signal?.aborted) throw new AbortedError(INTERRUPTED);
    throw error;
  }
}

async function checkSources(options: CheckOptions, deps: { browser?: BrowserHandle }): Promise<CheckResult> {
  const { signal } = options;
  const ids = await selectKits(options.sheetsDir, options.kits);
  const converted = options.convertUtf8 ? await convertSources(options.sheetsDir, ids) : [];
  const { kits, diagnostics } = await prepareKits(options.sheetsDir, ids, undefined, undefined, undefined, signal);
  if (signal?.aborted) throw new AbortedError(INTERRUPTED);
  const pages: CheckResult['pages'] = [];
  const result = (pagesChecked: boolean, pagesSkipped?: string): CheckResult => ({ diagnostics, pages, pagesChecked, ...(pagesSkipped ? { pagesSkipped } : {}), converted });
  if (!options.pages) return result(false);
  // Sources with errors are not laid out: the budget is checked once they are fixed.
  if (diagnostics.some((d) => d.severity === 'erreur')) return result(false);
  // Its own browser (not an injected one) is closed as soon as the check is interrupted: the prints in flight end
  // now, not in turn.
  const browser = lazyBrowser(deps.browser, options.browserPath, signal);
  let handle: BrowserHandle;
  try {
    handle = await browser.get();
  } catch (error) {
    await browser.close();
    // Without a browser, the sources are still checked; the budget is not, and the report says why.
    if (error instanceof BrowserError && !options.browserPath) return result(false, error.message);
    throw error;
  }
  try {
    if (signal?.aborted) throw new AbortedError(INTERRUPTED);
    const jobs = kits.flatMap((kit) => kit.fiches.map((fiche) => ({ kit, fiche })));
    const concurrency = options.concurrency ?? Math.max(2, os.availableParallelism());
    // A fiche's body has the pages of its PDF: the running header and footer are drawn in its margins.
    const printer = new Printer(handle.browser, concurrency);
    const printed = await mapLimit(jobs, concurrency, async ({ kit, fiche }) => {
      const bytes = await printer.print(renderFicheBody(kit, fiche), { signal, outline: false });
      return { pages: await countPages(bytes) };
    }).finally(() => printer.close());
    printed.forEach((p, i) => {
      const { kit, fiche } = jobs[i]!;
      pages.push({ kit: kit.id, number: fiche.number, file: fiche.source.path, pages: p.pages, budget: budgetOf(kit, fiche) });
      const over = budgetDiagnostic(kit, fiche, p.pages);
      if (over) diagnostics.push(over);
    });
  } finally {
    await browser.close();
  }
  return result(true);
}
