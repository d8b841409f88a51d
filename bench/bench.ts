/**
 * kitess bench (issues 8 and 16): times the real CLI on the three real kits and compares it with plain Puppeteer
 * floors that print the same PDFs, each from its final HTML.
 *
 *   npm run bench                 3 runs per scenario
 *   npm run bench -- --runs 5     or KITESS_BENCH_RUNS=5 npm run bench
 *
 * Scenarios (each one a child process, timed from spawn to exit):
 *   clean      `kitess build --out <fresh tmp> --sheets sheets --timings`, no output folder, no cache
 *   noaccess   the same without the accessibility stage (a switch only the bench uses): what the stage costs
 *   nochange   the same command again on the same output folder
 *   onefiche   on a copy of sheets/ already built once: one sentence of one fiche edited, then rebuilt
 *   floor      bench/floor.ts, `reuse`: one browser, a reused tab per worker, fonts loaded once, every PDF printed
 *              once from its HTML; `newtab`: a new tab and page load per PDF (the floor of issue 8)
 *   preview    bench/preview.ts: `kitess preview` running, one fiche saved, time until its new PDF is offered and
 *              until a preview page showing it has drawn it
 *   scale      10 kits × 25 fiches generated from sheets/communes (bench/scale.ts), built clean
 * Clean builds and floors alternate, so that their ratio compares runs made side by side.
 *
 * For each run: wall time, peak memory of the whole process tree (RSS and PSS, sampled from /proc), CPU time of
 * the tree, pages produced, Chromium launched or not. Missed targets are reported, not errors: the exit code is
 * 0 unless something crashed.
 */
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PDFDocument } from 'pdf-lib';
import { resolveBrowser } from '../src/browser.js';
import { readOutline } from '../src/pipeline/assemble.js';
import type { FloorConfig, FloorReport } from './floor.js';
import { Crash, killRunning, measure, quiet, QUIET_BUDGET_MS, ROOT, SAMPLE_MS, PSS_EVERY, type Run } from './measure.js';
import { chromiumVersion, fr, GIB, mark, median, mib, seconds, table } from './report.js';
import { generateKits } from './scale.js';

const BIN = path.join(ROOT, 'bin', 'kitess.js');
const FLOOR = path.join(ROOT, 'build', 'bench', 'floor.js');
const PREVIEW = path.join(ROOT, 'build', 'bench', 'preview.js');
const SHEETS = path.join(ROOT, 'sheets');
const RESULTS = path.join(ROOT, 'bench', 'results.md');
/** Name of the incremental-build cache folder (removed before every clean build, from the project and the output). */
const CACHE_DIR = '.kitess-cache';
/** The fiche whose text the one-fiche scenario edits (in a copy of sheets/). */
const EDITED_FICHE = path.join('communes', '05-animer-son-territoire.md');
const CONCURRENCY = Math.max(2, os.availableParallelism());
const SCALE = { kits: 10, fiches: 25 };

type ScenarioId = 'clean' | 'noaccess' | 'nochange' | 'onefiche' | 'floor' | 'floorPieces' | 'floorGrouped' | 'floorOld' | 'scale';
type FloorId = 'floor' | 'floorPieces' | 'floorGrouped' | 'floorOld';

const LABELS: Record<ScenarioId, string> = {
  clean: 'Construction complète (sans dist/ ni cache)',
  noaccess: "Construction complète sans l'étape d'accessibilité (mesure seulement)",
  nochange: 'Reconstruction sans changement',
  onefiche: "Reconstruction après modification d'une fiche",
  floor: 'Plancher : Puppeteer seul, un onglet réutilisé par tâche, polices chargées une fois',
  floorPieces: "Impression seule des pages distinctes (corps des fiches, pages propres des livrets), même méthode que le plancher : sans passe d'accessibilité, assemblage ni édition web",
  floorGrouped:
    "Impression groupée des pages distinctes : les mêmes pages, mais les corps des fiches d'un kit imprimés en un document par tâche au lieu d'un par fiche ; sans passe d'accessibilité, assemblage ni édition web",
  floorOld: 'Ancien plancher (issue 8) : un onglet et un chargement de page par PDF',
  scale: `Passage à l'échelle : ${SCALE.kits} kits × ${SCALE.fiches} fiches, construction complète`,
};

interface ManifestLike {
  kits: { id: string; booklet: { path: string; pages: number }; fiches: { number: number; pages: number }[] }[];
}

async function readManifest(outDir: string): Promise<ManifestLike> {
  return JSON.parse(await readFile(path.join(outDir, 'manifest.json'), 'utf8')) as ManifestLike;
}

function manifestPages(manifest: ManifestLike): number {
  return manifest.kits.reduce((sum, k) => sum + k.booklet.pages + k.fiches.reduce((s, f) => s + f.pages, 0), 0);
}

async function removeCaches(...dirs: string[]): Promise<void> {
  for (const dir of [ROOT, ...dirs]) await rm(path.join(dir, CACHE_DIR), { recursive: true, force: true });
}

/** One stage's time from the `--timings` table of a run, in ms (0 when absent). */
function stageMs(run: Pick<Run, 'stdout'>, stage: string): number {
  const m = new RegExp(`^\\s*${stage}\\s+([\\d.]+) s`, 'm').exec(run.stdout);
  return m ? Number(m[1]) * 1000 : 0;
}

/** The stage table `--timings` printed, from its heading on. */
function timingsOf(run: Pick<Run, 'stdout'>): string {
  const at = run.stdout.indexOf('Temps par étape');
  return at >= 0 ? run.stdout.slice(at).trim() : '(tableau --timings absent de la sortie)';
}

async function cliRun(outDir: string, sheetsDir: string, env: Record<string, string> = {}): Promise<Run> {
  const run = await measure([BIN, 'build', '--out', outDir, '--sheets', sheetsDir, '--timings'], env);
  return { ...run, pages: manifestPages(await readManifest(outDir)) };
}

/** The final start pages of the fiches in each booklet, read back from the bookmarks the build wrote. */
async function floorInputs(outDir: string): Promise<Pick<FloorConfig, 'starts' | 'fiches'>> {
  const manifest = await readManifest(outDir);
  const starts: FloorConfig['starts'] = {};
  const fiches: FloorConfig['fiches'] = {};
  for (const kit of manifest.kits) {
    fiches[kit.id] = kit.fiches.map((f) => f.number);
    const pdf = await PDFDocument.load(await readFile(path.join(outDir, kit.booklet.path)), { updateMetadata: false });
    starts[kit.id] = readOutline(pdf).flatMap((entry) => {
      const m = /^Fiche (\d+) /.exec(entry.title);
      return m && entry.pageIndex >= 0 ? [[Number(m[1]), entry.pageIndex + 1] as [number, number]] : [];
    });
  }
  return { starts, fiches };
}

async function countPdfPages(dir: string): Promise<number> {
  let pages = 0;
  for (const name of (await readdir(dir)).filter((n) => n.endsWith('.pdf'))) {
    pages += (await PDFDocument.load(await readFile(path.join(dir, name)), { updateMetadata: false })).getPageCount();
  }
  return pages;
}

/** Changes the first sentence of the fiche's first plain paragraph, differently at each run. */
async function editFiche(sheetsDir: string, run: number): Promise<string> {
  const file = path.join(sheetsDir, EDITED_FICHE);
  const text = await readFile(file, 'utf8');
  const bodyStart = text.indexOf('\n---', 3) + 4;
  const lines = text.slice(bodyStart).split('\n');
  const i = lines.findIndex((l) => /^\p{Lu}/u.test(l) && l.length > 60 && /\.(\s|$)/.test(l));
  if (bodyStart < 4 || i < 0) throw new Crash(`aucune phrase à modifier dans ${EDITED_FICHE}`);
  const line = lines[i]!.replace(/ \(passage \d+ du banc\)\./, '.');
  const end = line.search(/\.(\s|$)/);
  const sentence = `${line.slice(0, end)} (passage ${run} du banc).`;
  lines[i] = sentence + line.slice(end + 1);
  await writeFile(file, text.slice(0, bodyStart) + lines.join('\n'));
  return sentence;
}

function parseRuns(argv: string[]): number {
  const i = argv.indexOf('--runs');
  const raw = i >= 0 ? argv[i + 1] : (argv.find((a) => a.startsWith('--runs='))?.slice(7) ?? process.env.KITESS_BENCH_RUNS);
  if (raw === undefined) return 3;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) {
    process.stderr.write(`bench : --runs attend un entier positif, trouvé « ${raw} »\n`);
    process.exit(2);
  }
  return n;
}

/** The preview scenario's medians, as bench/preview.ts --json reports them. */
interface PreviewReport {
  first: number;
  fiche: number[];
  /** Save → the fiche's new version drawn in a preview page open in another Chromium. */
  screen: number[];
  booklet: number[];
  done: number[];
}

async function main(): Promise<void> {
  const runs = parseRuns(process.argv.slice(2));
  const began = performance.now();
  const date = new Date();
  const browser = resolveBrowser();
  const loadBefore = os.loadavg();
  const loads: number[] = [];
  const cacheExisted = existsSync(path.join(ROOT, CACHE_DIR));
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'kitess-bench-'));
  const results: Record<ScenarioId, Run[]> = { clean: [], noaccess: [], nochange: [], onefiche: [], floor: [], floorPieces: [], floorGrouped: [], floorOld: [], scale: [] };
  const floorReports: Record<FloorId, FloorReport[]> = { floor: [], floorPieces: [], floorGrouped: [], floorOld: [] };
  let timingsTable = '';
  let oneFicheTimings = '';
  const accessMs: number[] = [];
  let floorInput: Pick<FloorConfig, 'starts' | 'fiches'> | undefined;
  let editedSentence = '';
  let preview: PreviewReport | undefined;
  const steps = runs * 8 + runs + 2 + 1;
  let step = 0;
  const progress = (label: string, run?: Run | string) => {
    loads.push(os.loadavg()[0]!);
    const detail = typeof run === 'string' ? run : run ? `${seconds(run.wallMs)}, ${mib(run.peakPss)} PSS, ${run.pages} pages` : '';
    process.stderr.write(`[${String(++step).padStart(2)}/${steps}] ${label}${detail ? ` : ${detail}` : ''}\n`);
  };
  const floorModes: Record<FloorId, FloorConfig['mode']> = { floor: 'reuse', floorPieces: 'pieces', floorGrouped: 'grouped', floorOld: 'newtab' };
  const floorRun = async (id: FloorId, i: number) => {
    const out = path.join(tmp, `${id}-${i}`);
    const config: FloorConfig = { mode: floorModes[id], sheetsDir: SHEETS, outDir: out, ...floorInput!, concurrency: CONCURRENCY };
    const configPath = path.join(tmp, `${id}-${i}.json`);
    await writeFile(configPath, JSON.stringify(config));
    const run = await measure([FLOOR, configPath]);
    const line = run.stdout.split('\n').find((l) => l.startsWith('{"floor"'));
    if (line) floorReports[id].push((JSON.parse(line) as { floor: FloorReport }).floor);
    const measured = { ...run, pages: await countPdfPages(out) };
    results[id].push(measured);
    progress(`${LABELS[id]}, passe ${i}`, measured);
    await rm(out, { recursive: true, force: true });
  };

  process.stderr.write(`Banc d'essai kitess : ${runs} passe${runs > 1 ? 's' : ''} par scénario, concurrence ${CONCURRENCY}, dossier temporaire ${tmp}\n`);
  try {
    // Clean builds, floors and the build without the accessibility stage, interleaved: ratios of runs side by side.
    for (let i = 1; i <= runs; i++) {
      const out = path.join(tmp, `clean-${i}`, 'dist');
      await removeCaches(out);
      const clean = await cliRun(out, SHEETS);
      results.clean.push(clean);
      accessMs.push(stageMs(clean, 'access'));
      progress(`${LABELS.clean}, passe ${i}`, clean);
      if (i === 1) {
        timingsTable = timingsOf(clean);
        floorInput = await floorInputs(out);
      }
      await floorRun('floor', i);
      await floorRun('floorPieces', i);
      await floorRun('floorGrouped', i);
      const bare = path.join(tmp, `noaccess-${i}`, 'dist');
      await removeCaches(bare);
      const noaccess = await cliRun(bare, SHEETS, { KITESS_BENCH_WITHOUT_ACCESS: '1' });
      results.noaccess.push(noaccess);
      progress(`${LABELS.noaccess}, passe ${i}`, noaccess);
      await rm(path.join(tmp, `noaccess-${i}`), { recursive: true, force: true });
      const nochange = await cliRun(out, SHEETS);
      results.nochange.push(nochange);
      progress(`${LABELS.nochange}, passe ${i}`, nochange);
      await floorRun('floorOld', i);
      await rm(path.join(tmp, `clean-${i}`), { recursive: true, force: true });
    }

    // One fiche changed: a copy of sheets/ built once (not timed), then one sentence edited before each timed run.
    const sheetsCopy = path.join(tmp, 'sheets');
    const editOut = path.join(tmp, 'edit', 'dist');
    await cp(SHEETS, sheetsCopy, { recursive: true });
    await cliRun(editOut, sheetsCopy);
    progress('Construction initiale de la copie des fiches (non chronométrée)');
    for (let i = 1; i <= runs; i++) {
      editedSentence = await editFiche(sheetsCopy, i);
      const run = await cliRun(editOut, sheetsCopy);
      results.onefiche.push(run);
      oneFicheTimings = timingsOf(run);
      progress(`${LABELS.onefiche}, passe ${i}`, run);
    }

    // The preview: save → the fiche's new PDF offered to the page.
    const p = await measure([PREVIEW, '--runs', String(Math.max(3, runs)), '--json']);
    const line = p.stdout.split('\n').find((l) => l.startsWith('{"preview"'));
    if (!line) throw new Crash(`l'aperçu n'a rien mesuré :\n${p.stdout.slice(-2000)}`);
    preview = (JSON.parse(line) as { preview: PreviewReport }).preview;
    progress("Aperçu : enregistrement → fiche à jour dans l'aperçu", `médiane ${seconds(median(preview.screen))} à l'écran, ${seconds(median(preview.fiche))} offerte`);

    // Scale: many kits generated from a real one, built clean (twice: time per page and memory, side by side).
    const generated = path.join(tmp, 'scale', 'sheets');
    await generateKits(SHEETS, generated, SCALE.kits, SCALE.fiches);
    for (let i = 1; i <= 2; i++) {
      const out = path.join(tmp, 'scale', `dist-${i}`);
      const run = await cliRun(out, generated);
      results.scale.push(run);
      progress(`${LABELS.scale}, passe ${i}`, run);
      await rm(out, { recursive: true, force: true });
    }
  } catch (error) {
    await rm(tmp, { recursive: true, force: true });
    if (!cacheExisted) await rm(path.join(ROOT, CACHE_DIR), { recursive: true, force: true });
    throw error;
  }
  await rm(tmp, { recursive: true, force: true });
  if (!cacheExisted) await rm(path.join(ROOT, CACHE_DIR), { recursive: true, force: true });
  const loadAfter = os.loadavg();

  // ---- figures
  const wall = (id: ScenarioId) => median(results[id].map((r) => r.wallMs));
  const cpu = (id: ScenarioId) => median(results[id].map((r) => r.cpuMs));
  const clean = wall('clean');
  const floor = wall('floor');
  const ratio = clean / floor;
  const pairRatios = results.clean.map((r, i) => r.wallMs / results.floor[i]!.wallMs);
  const share = wall('onefiche') / clean;
  const accessCost = Math.max(0, clean - wall('noaccess'));
  const nochangeLaunched = results.nochange.filter((r) => r.chromium).length;
  const cliRuns = (['clean', 'nochange', 'onefiche', 'scale'] as const).flatMap((id) => results[id]);
  const peakPss = Math.max(...cliRuns.map((r) => r.peakPss));
  const perPage = (id: ScenarioId) => wall(id) / median(results[id].map((r) => r.pages));
  const scalePerPage = perPage('scale') / perPage('clean');
  const pssClean = Math.max(...results.clean.map((r) => r.peakPss));
  const pssScale = Math.max(...results.scale.map((r) => r.peakPss));
  const previewFiche = median(preview!.fiche);
  const previewScreen = median(preview!.screen);
  const previewBooklet = median(preview!.booklet);
  const foreign = (Object.keys(results) as ScenarioId[]).flatMap((id) => results[id]).filter((r) => r.foreignChromium).length;
  const totalRuns = (Object.keys(results) as ScenarioId[]).reduce((s, id) => s + results[id].length, 0);

  const rows = (Object.keys(LABELS) as ScenarioId[]).map((id) => {
    const rs = results[id];
    const w = rs.map((r) => r.wallMs);
    const pages = median(rs.map((r) => r.pages));
    const launched = rs.filter((r) => r.chromium).length;
    return [
      LABELS[id],
      seconds(median(w)),
      seconds(Math.min(...w)),
      seconds(Math.max(...w)),
      mib(Math.max(...rs.map((r) => r.peakRss))),
      mib(Math.max(...rs.map((r) => r.peakPss))),
      seconds(cpu(id)),
      String(pages),
      fr(pages / (median(w) / 1000), 1),
      launched === 0 ? 'non' : `oui (${launched}/${rs.length})`,
    ];
  });
  // The preview's rows: times only (the preview's browser was already running; memory is not measured there).
  const previewRow = (label: string, mid: number, all: number[]) => [label, seconds(mid), seconds(Math.min(...all)), seconds(Math.max(...all)), '–', '–', '–', '–', '–', 'déjà lancé'];
  rows.push(previewRow("Aperçu : enregistrement d'une fiche → sa nouvelle version offerte à la page", previewFiche, preview!.fiche));
  rows.push(previewRow("Aperçu : enregistrement d'une fiche → sa nouvelle version à l'écran (page d'aperçu redessinée sur place)", previewScreen, preview!.screen));
  rows.push(previewRow("Aperçu : enregistrement d'une fiche → sa fiche et son livret à jour (processus de l'aperçu déjà lancé)", previewBooklet, preview!.booklet));
  const resultsTable = table(['Scénario', 'Médiane', 'Min', 'Max', 'Pic mémoire RSS', 'Pic mémoire PSS', 'CPU (médiane)', 'Pages', 'Pages/s', 'Chromium lancé'], rows);
  const targets = table(
    ['Objectif (issue 16)', 'Mesure', 'Résultat'],
    [
      ['1. Plancher honnête : un onglet réutilisé par tâche, polices chargées une fois, chaque PDF imprimé une fois', `${seconds(floor)} (ancien plancher : ${seconds(wall('floorOld'))})`, 'mesuré'],
      [
        '2. Construction complète ≤ 0,6 × ce plancher',
        `${fr(ratio)} × (${seconds(clean)} / ${seconds(floor)}) ; passe par passe : ${pairRatios.map((r) => fr(r)).join(' ; ')} ; en CPU : ${fr(cpu('clean') / cpu('floor'))} ; l'impression seule des pages distinctes prend déjà ${fr(wall('floorPieces') / floor)} × le plancher (${seconds(wall('floorPieces'))}), ${fr(wall('floorGrouped') / floor)} × groupée (${seconds(wall('floorGrouped'))}) ; budget CPU de ${os.availableParallelism()} cœurs × 0,6 × plancher = ${seconds(os.availableParallelism() * 0.6 * floor)}, contre ${seconds(cpu('floorGrouped'))} de CPU pour l'impression groupée seule et ${seconds(median(accessMs))} pour les passes d'accessibilité`,
        mark(ratio <= 0.6),
      ],
      ["3. Une fiche modifiée, `kitess build` (processus neuf) : sa fiche et son livret à jour en ≤ 10 % de la construction complète", `${fr(share * 100, 0)} % (${seconds(wall('onefiche'))} / ${seconds(clean)})`, mark(share <= 0.1)],
      [
        "3. Une fiche modifiée, dans l'aperçu (processus déjà lancé, sans l'édition web) : sa fiche et son livret à jour en ≤ 10 % de la construction complète",
        `${fr((previewBooklet / clean) * 100, 0)} % (${seconds(previewBooklet)} / ${seconds(clean)})`,
        mark(previewBooklet / clean <= 0.1),
      ],
      ["3. Aperçu : la fiche modifiée à l'écran ≤ 0,5 s après l'enregistrement", `${seconds(previewScreen)} à l'écran, ${seconds(previewFiche)} offerte à la page (médianes de ${preview!.screen.length} enregistrements)`, mark(previewScreen <= 500)],
      [
        '4. Sans changement < 0,3 s, sans navigateur',
        `${seconds(wall('nochange'))}, Chromium ${nochangeLaunched === 0 ? 'non lancé' : `lancé (${nochangeLaunched}/${results.nochange.length} passes)`}`,
        mark(wall('nochange') < 300 && nochangeLaunched === 0),
      ],
      ['4. Pic mémoire ≤ 1 Gio (PSS, tout l’arbre de processus)', `${fr(peakPss / GIB)} Gio (${mib(peakPss)})`, mark(peakPss <= GIB)],
      [
        `5. Échelle (${SCALE.kits} × ${SCALE.fiches}) : temps par page à 20 % près de celui des trois kits`,
        `${fr(perPage('scale'))} ms/page contre ${fr(perPage('clean'))} ms/page (× ${fr(scalePerPage)})`,
        mark(scalePerPage <= 1.2),
      ],
      [`5. Échelle : mémoire qui ne croît pas avec le nombre de kits`, `pic PSS ${mib(pssScale)} pour ${SCALE.kits} kits contre ${mib(pssClean)} pour 3`, mark(pssScale <= pssClean * 1.15)],
      [
        "6. Étape d'accessibilité ≤ 15 % de la construction complète",
        `${fr((accessCost / clean) * 100, 0)} % (${seconds(clean)} − ${seconds(wall('noaccess'))} sans elle = ${seconds(accessCost)} ; somme de ses passes dans --timings : ${seconds(median(accessMs))})`,
        mark(accessCost / clean <= 0.15),
      ],
    ],
  );
  const fl = floorReports.floor;
  const fp = floorReports.floorPieces;
  const fg = floorReports.floorGrouped;
  const fo = floorReports.floorOld;
  const cpus = os.cpus();
  const machine = [
    `- Date : ${date.toLocaleString('fr-FR', { dateStyle: 'full', timeStyle: 'short' })}`,
    `- Machine : ${os.availableParallelism()} cœurs (${cpus[0]?.model.trim() ?? 'processeur inconnu'}), ${fr(os.totalmem() / GIB, 1)} Gio de mémoire, ${os.type()} ${os.release()}`,
    `- Node : ${process.version} · Chromium : ${chromiumVersion(browser.executablePath)} (${browser.executablePath}, ${fl[0]?.browserVersion ?? 'version inconnue'})`,
    `- ${runs} passe${runs > 1 ? 's' : ''} par scénario, impression de ${CONCURRENCY} documents à la fois · charge moyenne (1 min) ${fr(loadBefore[0]!)} au début, ${fr(loadAfter[0]!)} à la fin, entre ${fr(Math.min(...loads))} et ${fr(Math.max(...loads))} pendant les mesures`,
    `- Durée totale du banc : ${fr((performance.now() - began) / 60000, 1)} min`,
  ].join('\n');
  const notes = [
    `- Plancher : médiane ${seconds(floor)}, dont ${seconds(median(fl.map((f) => f.prepMs)))} de préparation (démarrage de Node, imports, prepareKits, rendu HTML) et ${seconds(median(fl.map((f) => f.printMs)))} d'impression (lancement de Chromium → fermeture, ${fl[0]?.documents ?? '?'} documents). Ancien plancher : ${seconds(median(fo.map((f) => f.prepMs)))} + ${seconds(median(fo.map((f) => f.printMs)))}.`,
    `- Impression seule des pages distinctes : ${seconds(median(fp.map((f) => f.prepMs)))} de préparation et ${seconds(median(fp.map((f) => f.printMs)))} d'impression (${fp[0]?.documents ?? '?'} documents, ${median(results.floorPieces.map((r) => r.pages))} pages) : ce que coûte à elle seule l'impression telle que kitess la fait, sans rien d'autre. Groupée : ${seconds(median(fg.map((f) => f.prepMs)))} de préparation et ${seconds(median(fg.map((f) => f.printMs)))} d'impression (${fg[0]?.documents ?? '?'} documents, ${median(results.floorGrouped.map((r) => r.pages))} pages).`,
    `- Pages imprimées : le plancher imprime ${median(results.floor.map((r) => r.pages))} pages ; kitess en imprime une seule fois chaque page distincte (corps des fiches, pages propres des livrets) et assemble les ${median(results.clean.map((r) => r.pages))} pages de ses PDF.`,
    `- Aperçu : première construction complète ${seconds(preview!.first)} ; livret à jour ${seconds(median(preview!.booklet))}, construction finie ${seconds(median(preview!.done))} après l'enregistrement (médianes).`,
    foreign > 0
      ? `- ⚠ Un Chromium étranger au banc (tests lancés par quelqu'un d'autre ?) tournait pendant ${foreign} mesure${foreign > 1 ? 's' : ''} sur ${totalRuns} : ces temps en sont gonflés.`
      : '- Aucun autre Chromium ne tournait sur la machine pendant les mesures.',
    `- Attente d'une machine calme avant les passes (aucun autre Chromium, ${QUIET_BUDGET_MS / 1000} s au plus en tout) : ${seconds(quiet.waitedMs)}${quiet.waitedMs >= QUIET_BUDGET_MS ? ', budget épuisé' : ''}.`,
    `- Phrase modifiée (${EDITED_FICHE}, copie temporaire) : « ${editedSentence} »`,
  ].join('\n');
  const method = [
    "- Chaque scénario lance la vraie commande (`node bin/kitess.js build --out <dossier temporaire> --sheets <dossier> --timings`) dans un processus enfant, chronométré du lancement à la sortie. Les planchers sont `node build/bench/floor.js` (bench/floor.ts) : mêmes documents HTML finals que les PDF publiés (prepareKits + renderFiche/renderBooklet, pagination finale des livrets relue dans la construction complète), un seul Chromium, mêmes options de lancement et de page.pdf, même concurrence, sans pdf-lib, sans deuxième passe ni publication ; leur temps compte la préparation des documents comme celui de kitess. L'impression seule des pages distinctes est le même programme, qui ne rend que le corps de chaque fiche (renderFicheBody) et les pages propres de chaque livret (renderFrame), comme kitess les imprime ; l'impression groupée imprime les mêmes pages, les corps des fiches d'un kit réunis en autant de documents que de tâches, chacun commençant sur une nouvelle page.",
    `- Construction complète : dossier de sortie neuf, dossiers \`${CACHE_DIR}\` supprimés (racine du projet et dossier de sortie). Sans changement : même commande sur le même dossier. Une fiche : copie de sheets/ construite une fois (non chronométrée), puis une phrase différente à chaque passe.`,
    "- Aperçu : `node build/bench/preview.js --json` lance l'aperçu sur une copie des trois kits, enregistre une fiche (écriture sur place) et mesure le temps jusqu'à ce que sa nouvelle version soit offerte à la page (la page la charge à ce moment), puis jusqu'à ce qu'une page d'aperçu de la fiche, ouverte dans un autre Chromium (celui de l'éditeur), l'ait dessinée sur place, sans rechargement (horloge écrite par la page dans data-rendu-a).",
    `- Échelle : ${SCALE.kits} kits générés depuis sheets/communes (bench/scale.ts), ${SCALE.fiches} fiches chacun ; temps par page comparé à celui de la construction complète des trois kits ; pic de PSS comparé.`,
    `- Mémoire : RSS et PSS de tout l'arbre de processus (Node et Chromium), relues dans /proc toutes les ${SAMPLE_MS} ms (PSS toutes les ${SAMPLE_MS * PSS_EVERY} ms) ; la PSS partage entre processus les pages communes : c'est l'empreinte réelle, que juge l'objectif.`,
    "- CPU : temps utilisateur + système de tout l'arbre (compté par le noyau à la fin des processus). Pages : pages des livrets et des fiches du manifest.json ; pour les planchers, pages des PDF comptées avec pdf-lib après la mesure.",
    "- Étape d'accessibilité : la construction complète moins la même construction sans elle (variable `KITESS_BENCH_WITHOUT_ACCESS=1`, que seul le banc emploie ; passes alternées), rapportée à la construction complète.",
  ].join('\n');

  const markdown = [
    "# Banc d'essai kitess",
    '',
    "Produit par `npm run bench` (bench/bench.ts). Les objectifs manqués sont signalés, pas traités comme des erreurs.",
    '',
    machine,
    '',
    '## Résultats',
    '',
    resultsTable,
    '',
    '## Objectifs',
    '',
    targets,
    '',
    '## Temps par étape (`--timings`)',
    '',
    'Les étapes qui se chevauchent (impressions simultanées, passe d’accessibilité dans son fil) sont comptées chacune en entier : la somme peut dépasser le temps réel.',
    '',
    'Construction complète, passe 1 :',
    '',
    '```',
    timingsTable,
    '```',
    '',
    `Reconstruction après modification d'une fiche, passe ${runs} :`,
    '',
    '```',
    oneFicheTimings,
    '```',
    '',
    '## Remarques',
    '',
    notes,
    '',
    '## Méthode',
    '',
    method,
    '',
  ].join('\n');
  await mkdir(path.dirname(RESULTS), { recursive: true });
  await writeFile(RESULTS, markdown);
  process.stdout.write(`\n${markdown}\nRésultats écrits dans ${path.relative(process.cwd(), RESULTS)}\n`);
}

process.on('SIGINT', () => {
  killRunning();
  process.stderr.write('\nbench interrompu.\n');
  process.exit(130);
});
try {
  await main();
} catch (error) {
  process.stderr.write(`bench : ${error instanceof Crash ? error.message : ((error as Error)?.stack ?? String(error))}\n`);
  process.exit(1);
}
