/**
 * Web edition bench (issue 18): what the web edition adds to a build of the three real kits, and what it weighs.
 *
 *   npm run bench:web               3 runs
 *   npm run bench:web -- --runs 5
 *
 * Builds the three kits once (timed, with the web edition), then times, in this process, the two steps the web
 * edition adds — its pages (makeWebEdition: every fiche's and kit's page, charts drawn again) and its search index
 * (sharedWebFiles: stylesheet, fonts, Pagefind's index of every page) — from nothing each time, as a clean build
 * does. The first run of the pages includes loading Vega for the charts. Writes bench/web-results.md.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from '../src/build.js';
import { launchBrowser, resolveBrowser } from '../src/browser.js';
import type { Manifest } from '../src/pipeline/publish.js';
import { prepareKits } from '../src/prepare.js';
import { publishedKit, today } from '../src/schedule.js';
import { makeWebEdition } from '../src/web/edition.js';
import { sharedWebFiles } from '../src/web/site.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SHEETS = path.join(ROOT, 'sheets');
const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 3;
const s = (ms: number) => `${(ms / 1000).toFixed(2).replace('.', ',')} s`;
const ko = (bytes: number) => `${Math.round(bytes / 1024).toLocaleString('fr-FR')} Ko`;
const load = () => os.loadavg().map((l) => l.toFixed(1).replace('.', ',')).join(' / ');

const work = await mkdtemp(path.join(os.tmpdir(), 'kitess-bench-web-'));
try {
  const dist = path.join(work, 'dist');
  const loadBefore = load();
  const handle = await launchBrowser(resolveBrowser());
  let buildMs: number;
  try {
    const start = performance.now();
    await build({ sheetsDir: SHEETS, outDir: dist, force: true }, { browser: handle });
    buildMs = performance.now() - start;
  } finally {
    await handle.close();
  }
  const manifest: Manifest = JSON.parse(readFileSync(path.join(dist, 'manifest.json'), 'utf8'));
  const prepared = await prepareKits(SHEETS, manifest.kits.map((k) => k.id));
  const kits = prepared.kits.map((k) => publishedKit(k, today(), false));
  // The manifest as the build had it before the web edition: no page to take over.
  const printed = manifest.kits.map((k) => ({ ...k, web: undefined, fiches: k.fiches.map((f) => ({ ...f, web: undefined })) }));
  const runs: { pages: number; search: number }[] = [];
  let sizes = { pages: 0, pageFiles: 0, index: 0, indexFiles: 0, shared: 0 };
  for (let i = 0; i < RUNS; i++) {
    let start = performance.now();
    const web = await makeWebEdition(kits, printed, undefined, dist);
    const pages = performance.now() - start;
    start = performance.now();
    const shared = await sharedWebFiles(dist, manifest, undefined);
    const search = performance.now() - start;
    runs.push({ pages, search });
    const index = shared.files.filter((f) => f.path.startsWith('pagefind/'));
    sizes = {
      pages: web.files.reduce((n, f) => n + f.bytes.byteLength, 0),
      pageFiles: web.files.length,
      index: index.reduce((n, f) => n + f.bytes.byteLength, 0),
      indexFiles: index.length,
      shared: shared.files.filter((f) => !f.path.startsWith('pagefind/')).reduce((n, f) => n + f.bytes.byteLength, 0),
    };
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const fiches = manifest.kits.reduce((n, k) => n + k.fiches.length, 0);
  const report = `# Édition web : temps et poids (npm run bench:web)

Mesuré le ${today()} sur cette machine (${os.availableParallelism()} cœurs ; charge moyenne 1 / 5 / 15 min : ${loadBefore} avant, ${load()} après).
Les trois kits de \`sheets/\` (${fiches} fiches).

| | temps |
|---|---|
| construction complète (\`build --force\`, édition web comprise) | ${s(buildMs)} |
| pages web (${sizes.pageFiles} fichiers : une page par fiche et par kit, couleurs, images), 1re fois, Vega compris | ${s(runs[0]!.pages)} |
| pages web, médiane de ${RUNS} | ${s(median(runs.map((r) => r.pages)))} |
| index de recherche Pagefind et fichiers communs, médiane de ${RUNS} | ${s(median(runs.map((r) => r.search)))} |
| **ajouté à une construction complète** (pages 1re fois + index) | **${s(runs[0]!.pages + median(runs.map((r) => r.search)))}** |

| | poids |
|---|---|
| pages web (${sizes.pageFiles} fichiers) | ${ko(sizes.pages)} |
| index de recherche (${sizes.indexFiles} fichiers de \`pagefind/\`) | ${ko(sizes.index)} |
| feuille de style, script de recherche, polices | ${ko(sizes.shared)} |
| **édition web** | **${ko(sizes.pages + sizes.index + sizes.shared)}** |

Une construction incrémentale ne refait que les pages dont les entrées ont changé, et l'index seulement si une page a changé.
`;
  writeFileSync(path.join(ROOT, 'bench', 'web-results.md'), report);
  console.log(report);
} finally {
  await rm(work, { recursive: true, force: true });
}
