/**
 * Preview latency (issue 15): on a copy of the three real kits, `kitess preview` running, each save style of
 * bench/saves.ts is applied to one fiche several times, and the time is measured from the save to
 *   - the fiche's new PDF offered to the preview page (the page reloads at that moment),
 *   - the fiche's new version on screen: a preview page showing the fiche, open in a Chromium of its own (as the
 *     editor's browser would be), has reloaded and drawn the page being read,
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
/** `--json` (npm run bench): one save style (in place), the times printed as one JSON line. */
const JSON_OUT = process.argv.includes('--json');
const STYLES = JSON_OUT ? Object.entries(SAVE_STYLES).slice(0, 1) : Object.entries(SAVE_STYLES);
const all = { fiche: [] as number[], screen: [] as number[], booklet: [] as number[], done: [] as number[] };

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
      // Resolved in the page (the clock read there) once a newer version of the fiche is drawn.
      const onScreen = viewer.waitForFunction((v) => document.body.dataset.rendu === 'oui' && Number(document.body.dataset.version) > v && Date.now(), { polling: 'mutation', timeout: 300_000 }, shown);
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
      fiche.push(f - savedAt);
      screen.push(Number(await (await onScreen).jsonValue()) - savedClock);
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

if (JSON_OUT) process.stdout.write(`${JSON.stringify({ preview: { first, ...all } })}\n`);
else process.stdout.write(
  [
    `Aperçu des trois kits (${os.availableParallelism()} cœurs, charge moyenne ${loadBefore} au début, ${load()} à la fin), fiche ${KIT}/${FICHE}.md ; première construction complète : ${s(first)}.`,
    '',
    '| façon d’enregistrer | saves | → fiche offerte à la page, médiane (min–max) | → fiche à l’écran, médiane (min–max) | → livret à jour, médiane (min–max) | → construction finie, médiane |',
    '|---|---|---|---|---|---|',
    ...rows,
    '',
  ].join('\n'),
);
