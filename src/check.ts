import os from 'node:os';
import { launchBrowser, resolveBrowser, type BrowserHandle } from './browser.js';
import { printFiche } from './rebuild.js';
import type { Diagnostic } from './errors.js';
import { mapLimit } from './pipeline/print.js';
import { prepareKits, selectKits } from './prepare.js';
import { Timings } from './timings.js';

/** What `kitess check` is asked to do. */
export interface CheckOptions {
  sheetsDir: string;
  kits?: string[];
  /** Also print every fiche and report those over their page budget. */
  pages?: boolean;
  browserPath?: string;
  concurrency?: number;
  signal?: AbortSignal;
}

/** Everything `check` found, and the page counts when --pages was asked. */
export interface CheckResult {
  diagnostics: Diagnostic[];
  pages: { kit: string; number: number; file: string; pages: number; budget: number }[];
}

/** Validates everything the build would, without writing anything; with `pages`, prints to count pages. */
export async function check(options: CheckOptions, deps: { browser?: BrowserHandle } = {}): Promise<CheckResult> {
  const ids = await selectKits(options.sheetsDir, options.kits);
  const { kits, diagnostics } = await prepareKits(options.sheetsDir, ids);
  const pages: CheckResult['pages'] = [];
  if (!options.pages || diagnostics.some((d) => d.severity === 'erreur')) return { diagnostics, pages };
  const handle = deps.browser ?? (await launchBrowser(resolveBrowser(options.browserPath)));
  try {
    const timings = new Timings();
    const jobs = kits.flatMap((kit) => kit.fiches.map((fiche) => ({ kit, fiche })));
    const concurrency = options.concurrency ?? Math.max(2, os.availableParallelism());
    const printed = await mapLimit(jobs, concurrency, ({ kit, fiche }) => printFiche(handle, kit, fiche, timings, options.signal));
    printed.forEach((p, i) => {
      const { kit, fiche } = jobs[i]!;
      const budget = fiche.meta.budget ?? kit.config.budget;
      pages.push({ kit: kit.id, number: fiche.number, file: fiche.source.path, pages: p.pages, budget });
      if (p.pages > budget) {
        const field = fiche.meta.budget ? 'budget' : 'number';
        diagnostics.push({
          file: fiche.source.path,
          ...fiche.placeOf(field),
          severity: 'erreur',
          message: `fiche de ${p.pages} pages imprimées : ${budget} au plus ${budget > 1 ? 'sont attendues' : 'est attendue'} (budget ${fiche.meta.budget ? 'de la fiche' : 'du kit'})`,
          rule: 'pages-hors-budget',
        });
      }
    });
  } finally {
    if (!deps.browser) await handle.close();
  }
  return { diagnostics, pages };
}
