/**
 * Preview latency (issue 15): on a copy of the three real kits, `kitess preview` running, each save style of
 * bench/saves.ts is applied to one fiche several times, and the time is measured from the save to
 *   - the fiche's new PDF offered to the preview page (the page starts loading it at that moment),
 *   - the fiche's new version on screen: a preview page showing the fiche, open in a Chromium of its own (as the
 *     editor's browser would be), has drawn the new version's page being read (in place: the clock the page sets
 *     in `data-rendu-a` when it swaps it in; a page that reloads instead is counted too, and its reloads told),
 *   - the kit's booklet printed again,
 *   - the build ended (files published, every page up to date).
 * A measurement, not a test: targets are read by people, nothing fails on a slow run.
 *
 *   npm run bench:preview               3 saves per style
 *   npm run bench:preview -- --runs 5
 */
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchBrowser, resolveBrowser } from '../src/browser.js';
import { startPreview, type PreviewEvent } from '../src/preview/server.js';
import { SAVE_STYLES, setMarker } from './saves.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const KIT = 'communes';
const FICHE = '05-animer-son-territoire';
const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 3;
/**
 * `--json` (npm run bench): one save style (in place), the times printed as one JSON line,
 * `{"preview":{"first":ms,"fiche":[ms…],"screen":[ms…],"booklet":[ms…],"done":[ms…],"reloads":n}}`: the first
 * build, then per save the fiche offered, on screen, the booklet updated and the build finished (files published)
 * — the last two are the one-fiche rebuild inside the preview's running process — and how many times the page
 * reloaded instead of redrawing in place.
 */
const JSON_OUT = process.argv.includes('--json');
const STYLES = JSON_OUT ? Object.entries(SAVE_STYLES).slice(0, 1) : Object.entries(SAVE_STYLES);
const all = { fiche: [] as number[], screen: [] as number[], booklet: [] as number[], done: [] as number[] };
/**
 * Where the time to the screen goes, per save (ms, every clock brought to the wall clock): save → change seen by
 * the watcher, → fiche offered, → the page asks for the PDF, → PDF received, → drawn and swapped in.
 */
const steps = { seen: [] as number[], offered: [] as number[], asked: [] as number[], received: [] as number[], drawn: [] as number[] };
const wall = (at: number) => performance.timeOrigin + at;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const s = (ms: number) => `${(ms / 1000).toFixed(2).replace('.', ',')} s`;

const load = () => os.loadavg()[0]!.toFixed(1).replace('.', ',');
const loadBefore = load();
const work = await mkdtemp(path.join(os.tmpdir(), 'kitess-bench-preview-'));
const sheets = path.join(work, 'sheets');
await cp(path.join(ROOT, 'sheets'), sheets, { recursive: true });
const source = path.join(sheets, KIT, `${FICHE}.md`);
setMarker(source, 0, writeFileSync);
const events: PreviewEvent[] = [];
const firstStart = performance.now();
const server = await startPreview({ sheetsDir: sheets, outDir: path.join(work, 'apercu'), port: 0, quiet: true, drafts: true, onEvent: (e) => events.push(e) });
await server.ready;
const first = performance.now() - firstStart;
// The editor's browser, showing the fiche being edited.
const reader = await launchBrowser(resolveBrowser());
const viewer = await reader.browser.newPage();
await viewer.setViewport({ width: 1000, height: 800 });
await viewer.goto(new URL(`/apercu?f=${encodeURIComponent(`${KIT}/fiches/${FICHE}.pdf`)}`, server.url).href);
await viewer.waitForFunction(() => document.body.dataset.rendu === 'oui', { timeout: 60_000 });
let reloads = 0;
viewer.on('load', () => reloads++);
const booklet = events.find((e): e is Extract<PreviewEvent, { type: 'pdf' }> => e.type === 'pdf' && e.path.startsWith(`${KIT}/`) && !e.path.includes('/fiches/'))!.path;

const waitFor = async (test: () => boolean) => {
  const deadline = Date.now() + 300_000;
  while (!test()) {
    if (Date.now() > deadline) throw new Error('no rebuild after a save');
    await new Promise((r) => setTimeout(r, 20));
  }
};

const rows: string[] = [];
let marker = 0;
try {
  for (const [style, save] of STYLES) {
    const fiche: number[] = [];
    const screen: number[] = [];
    const book: number[] = [];
    const done: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      marker++;
      const seen = events.length;
      const shown = Number(await viewer.evaluate(() => document.body.dataset.version));
      // Resolved with the page's clock once a newer version of the fiche is drawn: the time the page wrote when it
      // swapped the new drawing in, or (a page that reloads and does not write it) the time the poll saw it.
      const onScreen = viewer.waitForFunction(
        (v) => document.body.dataset.rendu === 'oui' && Number(document.body.dataset.version) > v && (Number(document.body.dataset.renduA) || Date.now()),
        { polling: 'mutation', timeout: 300_000 },
        shown,
      );
      const savedAt = performance.now();
      const savedClock = Date.now();
      save(source, (text) => text.replace(/Repère de test : \d+/, `Repère de test : ${marker}`));
      const after = () => events.slice(seen);
      await waitFor(() => after().some((e) => e.type === 'built'));
      const pdfAt = (p: string) => after().find((e) => e.type === 'pdf' && e.path === p)?.at;
      const f = pdfAt(`${KIT}/fiches/${FICHE}.pdf`);
      const b = pdfAt(booklet);
      const end = after().find((e) => e.type === 'built')!;
      if (!f || !b || !end.ok) throw new Error(`${style}: the save gave no new fiche or booklet`);
      const drawnClock = Number(await (await onScreen).jsonValue());
      fiche.push(f - savedAt);
      screen.push(drawnClock - savedClock);
      // The page's request for the new version of the PDF, read from its resource timings.
      const version = await viewer.evaluate(() => document.body.dataset.version!);
      const request = await viewer.evaluate((v) => {
        const r = performance.getEntriesByType('resource').find((e) => e.name.includes('/fichiers/') && new URL(e.name).searchParams.get('v') === v) as PerformanceResourceTiming | undefined;
        performance.clearResourceTimings();
        return r && { start: performance.timeOrigin + r.startTime, end: performance.timeOrigin + r.responseEnd };
      }, version);
      const change = after().find((e) => e.type === 'change');
      if (change && request) {
        steps.seen.push(wall(change.at) - savedClock);
        steps.offered.push(wall(f) - wall(change.at));
        steps.asked.push(request.start - wall(f));
        steps.received.push(request.end - request.start);
        steps.drawn.push(drawnClock - request.end);
      }
      book.push(b - savedAt);
      done.push(end.at - savedAt);
    }
    all.fiche.push(...fiche);
    all.screen.push(...screen);
    all.booklet.push(...book);
    all.done.push(...done);
    rows.push(`| ${style} | ${RUNS} | ${s(median(fiche))} (${s(Math.min(...fiche))}–${s(Math.max(...fiche))}) | ${s(median(screen))} (${s(Math.min(...screen))}–${s(Math.max(...screen))}) | ${s(median(book))} (${s(Math.min(...book))}–${s(Math.max(...book))}) | ${s(median(done))} |`);
  }
} finally {
  await viewer.close();
  await reader.close();
  await server.close();
  await rm(work, { recursive: true, force: true });
}

if (JSON_OUT) process.stdout.write(`${JSON.stringify({ preview: { first, ...all, reloads } })}\n`);
else process.stdout.write(
  [
    `Aperçu des trois kits (${os.availableParallelism()} cœurs, charge moyenne ${loadBefore} au début, ${load()} à la fin), fiche ${KIT}/${FICHE}.md ; première construction complète : ${s(first)}.`,
    '',
    '| façon d’enregistrer | enregistrements | → fiche offerte à la page, médiane (min–max) | → fiche à l’écran (redessinée sur place), médiane (min–max) | → livret à jour, médiane (min–max) | → construction finie, médiane |',
    '|---|---|---|---|---|---|',
    ...rows,
    '',
    `Rechargements de la page d’aperçu pendant la mesure : ${reloads} (0 : chaque nouvelle version a été dessinée sans recharger la page).`,
    ...(steps.seen.length
      ? [
          `D’où vient le temps jusqu’à l’écran (médianes de ${steps.seen.length} enregistrements) : enregistrement → vu par l’aperçu ${s(median(steps.seen))} ; ` +
            `→ fiche imprimée et offerte ${s(median(steps.offered))} ; → PDF demandé par la page ${s(median(steps.asked))} ; ` +
            `→ PDF reçu ${s(median(steps.received))} ; → lu et dessiné ${s(median(steps.drawn))}.`,
        ]
      : []),
    '',
  ].join('\n'),
);
