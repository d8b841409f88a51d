/**
 * kitess bench (issue 8): times the real CLI on the three real kits and compares it with a bare Puppeteer
 * "floor" that prints the same final HTML documents.
 *
 *   npm run bench                 3 runs per scenario
 *   npm run bench -- --runs 5     or KITESS_BENCH_RUNS=5 npm run bench
 *
 * Scenarios (each one a child process, timed from spawn to exit):
 *   clean      `kitess build --out <fresh tmp> --sheets sheets --timings`, no output folder, no cache
 *   nochange   the same command again on the same output folder
 *   onefiche   on a copy of sheets/ already built once: one sentence of one fiche edited, then rebuilt
 *   floor      `node build/bench/bench.js --floor <config>`: prepareKits + renderFiche/renderBooklet, then one
 *              Chromium prints every document with page.pdf (same flags, concurrency, interception and options)
 *
 * For each run: wall time, peak memory of the whole process tree (sum of RSS of the child and all its
 * descendants, sampled from /proc every 50 ms), CPU time of the tree, pages produced, Chromium launched or not.
 * Missed targets are reported, not errors: the exit code is 0 unless something crashed.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PDFDocument } from 'pdf-lib';
import puppeteer, { type Browser } from 'puppeteer';
import { CHROMIUM_FLAGS, resolveBrowser } from '../src/browser.js';
import { readOutline } from '../src/pipeline/assemble.js';
import { serveRequest } from '../src/pipeline/print.js';
import { DOC_ORIGIN, renderBooklet, renderFiche, type RenderedDoc } from '../src/pipeline/render.js';
import { prepareKits, selectKits } from '../src/prepare.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
/** Project root: build/bench/bench.js → ../.. */
const ROOT = path.resolve(HERE, '../..');
const SELF = fileURLToPath(import.meta.url);
const BIN = path.join(ROOT, 'bin', 'kitess.js');
const SHEETS = path.join(ROOT, 'sheets');
const RESULTS = path.join(ROOT, 'bench', 'results.md');
/** Name of the incremental-build cache folder, should one exist (removed before every clean build). */
const CACHE_DIR = '.kitess-cache';
/** The fiche whose text the one-fiche scenario edits (in a copy of sheets/). */
const EDITED_FICHE = path.join('communes', '05-animer-son-territoire.md');
const SAMPLE_MS = 50;
/** A run taking longer than this is a hang: stopped, and the bench fails. */
const RUN_TIMEOUT_MS = 240_000;
/** Longest time the whole bench waits, before runs, for someone else's Chromium to finish. */
const QUIET_BUDGET_MS = 30_000;
/** PSS (smaps_rollup) is dearer to read than RSS: every PSS_EVERY samples only. */
const PSS_EVERY = 5;
const CONCURRENCY = Math.max(2, os.availableParallelism());
const GIB = 1024 ** 3;
const MIB = 1024 ** 2;

// ---------------------------------------------------------------------------------------------------------
// Floor: a bare Puppeteer script, run as its own child process (`bench.js --floor <config.json>`).
// ---------------------------------------------------------------------------------------------------------

interface FloorConfig {
  sheetsDir: string;
  outDir: string;
  /** Final start page of each fiche in each booklet, as the clean build found them: kit id → [number, page][]. */
  starts: Record<string, [number, number][]>;
  /** The fiches the clean build published (its manifest), per kit: the floor prints exactly those. */
  fiches: Record<string, number[]>;
  concurrency: number;
}

interface FloorReport {
  /** From process start to every HTML document rendered (Node start-up, imports, prepareKits, render). */
  prepMs: number;
  /** From browser launch to browser closed (every document printed and written). */
  printMs: number;
  documents: number;
  browserVersion: string;
}


async function printBare(browser: Browser, doc: RenderedDoc): Promise<Uint8Array> {
  const page = await browser.newPage();
  try {
    await page.setRequestInterception(true);
    page.on('request', (request) => {
      serveRequest(request, doc).catch(() => undefined);
    });
    await page.goto(`${DOC_ORIGIN}/document.html`, { waitUntil: 'load' });
    // Same options as printPdf (outline is on for fiches and booklets alike); page.pdf waits for fonts itself.
    return await page.pdf({ printBackground: true, preferCSSPageSize: true, outline: true, tagged: true, timeout: 120_000 });
  } finally {
    await page.close();
  }
}

async function floorMain(configPath: string): Promise<void> {
  const config = JSON.parse(await readFile(configPath, 'utf8')) as FloorConfig;
  const ids = await selectKits(config.sheetsDir);
  const prepared = await prepareKits(config.sheetsDir, ids);
  const kits = prepared.kits
    .filter((kit) => config.fiches[kit.id])
    .map((kit) => ({ ...kit, fiches: kit.fiches.filter((f) => config.fiches[kit.id]!.includes(f.number)) }));
  const docs: RenderedDoc[] = [];
  for (const kit of kits) for (const fiche of kit.fiches) docs.push(renderFiche(kit, fiche));
  for (const kit of kits) docs.push(renderBooklet(kit, new Map(config.starts[kit.id] ?? [])));
  const prepMs = performance.now();

  const args = [...CHROMIUM_FLAGS];
  if (process.getuid?.() === 0) args.push('--no-sandbox');
  const browser = await puppeteer.launch({ executablePath: resolveBrowser().executablePath, headless: true, args });
  const browserVersion = await browser.version();
  await mkdir(config.outDir, { recursive: true });
  let next = 0;
  const worker = async () => {
    while (next < docs.length) {
      const i = next++;
      const bytes = await printBare(browser, docs[i]!);
      await writeFile(path.join(config.outDir, `${String(i).padStart(3, '0')}.pdf`), bytes);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(config.concurrency, docs.length) }, worker));
  } finally {
    await browser.close();
  }
  const report: FloorReport = { prepMs, printMs: performance.now() - prepMs, documents: docs.length, browserVersion };
  process.stdout.write(`${JSON.stringify({ floor: report })}\n`);
}

// ---------------------------------------------------------------------------------------------------------
// Process-tree sampling from /proc.
// ---------------------------------------------------------------------------------------------------------

function getconf(name: string, fallback: number): number {
  try {
    const n = Number(execFileSync('getconf', [name], { encoding: 'utf8' }).trim());
    return Number.isFinite(n) && n > 0 ? n : fallback;
  } catch {
    return fallback;
  }
}

const PAGE_SIZE = getconf('PAGESIZE', 4096);
const CLK_TCK = getconf('CLK_TCK', 100);
/** Chromium, Chrome or chrome-headless-shell, by process name. */
const CHROMIUM_RE = /chrom|headless/i;

interface Proc {
  pid: number;
  ppid: number;
  comm: string;
  rss: number;
}

/** The fields after the command name of /proc/<pid>/stat (index 0 is field 3, "state"). */
function statFields(text: string): { comm: string; rest: string[] } {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  return { comm: text.slice(open + 1, close), rest: text.slice(close + 2).split(' ') };
}

function readProcs(): Proc[] {
  const procs: Proc[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let text: string;
    try {
      text = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // gone meanwhile
    }
    const { comm, rest } = statFields(text);
    procs.push({ pid: Number(entry), ppid: Number(rest[1]), comm, rss: Number(rest[21]) * PAGE_SIZE });
  }
  return procs;
}

/** CPU time (ms) of the children this process has waited for, their own reaped descendants included. */
function reapedChildrenCpuMs(): number {
  const { rest } = statFields(readFileSync('/proc/self/stat', 'utf8'));
  return ((Number(rest[13]) + Number(rest[14])) * 1000) / CLK_TCK;
}

/** Samples a process tree every SAMPLE_MS: peak summed RSS, whether Chromium ran in it, and outside it. */
class TreeSampler {
  peakRss = 0;
  peakPss = 0;
  private samples = 0;
  chromium = false;
  foreignChromium = false;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly root: number) {
    this.sample();
    this.timer = setInterval(() => this.sample(), SAMPLE_MS);
  }

  sample(): void {
    const procs = readProcs();
    const children = new Map<number, Proc[]>();
    for (const p of procs) {
      const list = children.get(p.ppid);
      if (list) list.push(p);
      else children.set(p.ppid, [p]);
    }
    const tree = new Set<number>();
    let rss = 0;
    const stack = procs.filter((p) => p.pid === this.root);
    while (stack.length > 0) {
      const p = stack.pop()!;
      if (tree.has(p.pid)) continue;
      tree.add(p.pid);
      rss += p.rss;
      if (CHROMIUM_RE.test(p.comm)) this.chromium = true;
      stack.push(...(children.get(p.pid) ?? []));
    }
    // Someone else's Chromium (tests run by another developer…) competes for the same cores.
    if (procs.some((p) => !tree.has(p.pid) && CHROMIUM_RE.test(p.comm) && !/crashpad/i.test(p.comm))) this.foreignChromium = true;
    this.peakRss = Math.max(this.peakRss, rss);
    // Every sample for the first half second (short runs), then every PSS_EVERY samples.
    if (this.samples < 10 || this.samples % PSS_EVERY === 0) {
      let pss = 0;
      for (const pid of tree) {
        try {
          pss += Number(/^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))?.[1] ?? 0) * 1024;
        } catch {
          // gone meanwhile
        }
      }
      this.peakPss = Math.max(this.peakPss, pss);
    }
    this.samples++;
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

/** Chromium processes running on the machine that the bench did not start (none of its own runs then). */
function foreignChromiumCount(): number {
  return readProcs().filter((p) => CHROMIUM_RE.test(p.comm) && !/crashpad/i.test(p.comm)).length;
}

/** Waits, within what is left of QUIET_BUDGET_MS, until no other Chromium runs on the machine. */
class QuietWaiter {
  waitedMs = 0;

  async wait(): Promise<void> {
    while (this.waitedMs < QUIET_BUDGET_MS && foreignChromiumCount() > 0) {
      await new Promise((r) => setTimeout(r, 1000));
      this.waitedMs += 1000;
    }
  }
}

const quiet = new QuietWaiter();

// ---------------------------------------------------------------------------------------------------------
// Runs.
// ---------------------------------------------------------------------------------------------------------

type ScenarioId = 'clean' | 'noaccess' | 'nochange' | 'onefiche' | 'floor';

interface Run {
  wallMs: number;
  peakRss: number;
  peakPss: number;
  cpuMs: number;
  pages: number;
  chromium: boolean;
  foreignChromium: boolean;
  stdout: string;
}

class Crash extends Error {}

/** Runs `node <args>` from the project root, timed from spawn to exit, its process tree sampled meanwhile. */
/** Process group of the child being measured, killed on timeout or when the bench is interrupted. */
let running: number | undefined;

function killRunning(): void {
  if (running === undefined) return;
  try {
    process.kill(-running, 'SIGKILL');
  } catch {
    // already gone
  }
}

/** A path as typed on the command line: relative inside the project, absolute elsewhere. */
function shown(p: string): string {
  if (!path.isAbsolute(p)) return p;
  const rel = path.relative(ROOT, p);
  return rel && !rel.startsWith('..') ? rel : p;
}

/** Runs `node <args>` from the project root, timed from spawn to exit, its process tree sampled meanwhile. */
async function measure(args: string[], env: Record<string, string> = {}): Promise<Omit<Run, 'pages'>> {
  await quiet.wait();
  const cpuBefore = reapedChildrenCpuMs();
  const start = performance.now();
  // Own process group, so that a hung build can be stopped with every Chromium it started.
  const child = spawn(process.execPath, args, { cwd: ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1', ...env } });
  running = child.pid;
  const sampler = new TreeSampler(child.pid!);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    killRunning();
  }, RUN_TIMEOUT_MS);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (c, s) => resolve([c, s]));
  }).finally(() => {
    clearTimeout(timer);
    sampler.stop();
    running = undefined;
  });
  const wallMs = performance.now() - start;
  if (code !== 0) {
    const command = `node ${args.map(shown).join(' ')}`;
    const why = timedOut
      ? `n'a pas fini en ${RUN_TIMEOUT_MS / 1000} s et a été arrêtée`
      : signal
        ? `a été arrêtée par le signal ${signal} après ${seconds(wallMs)}`
        : `a échoué (code ${code})`;
    const tail = `${stdout}\n${stderr}`.trim().split('\n').slice(-15).join('\n');
    throw new Crash(`la commande « ${command} » ${why} :\n${tail}`);
  }
  return { wallMs, peakRss: sampler.peakRss, peakPss: sampler.peakPss, cpuMs: reapedChildrenCpuMs() - cpuBefore, chromium: sampler.chromium, foreignChromium: sampler.foreignChromium, stdout };
}

interface ManifestLike {
  kits: { id: string; booklet: { path: string; pages: number }; fiches: { number: number; pages: number }[] }[];
}

async function readManifest(outDir: string): Promise<ManifestLike> {
  return JSON.parse(await readFile(path.join(outDir, 'manifest.json'), 'utf8')) as ManifestLike;
}

function manifestPages(manifest: ManifestLike): number {
  return manifest.kits.reduce((sum, k) => sum + k.booklet.pages + k.fiches.reduce((s, f) => s + f.pages, 0), 0);
}

function buildArgs(outDir: string, sheetsDir: string): string[] {
  return [BIN, 'build', '--out', outDir, '--sheets', sheetsDir, '--timings'];
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
  const run = await measure(buildArgs(outDir, sheetsDir), env);
  return { ...run, pages: manifestPages(await readManifest(outDir)) };
}

interface BookletCheck {
  kit: string;
  /** Whether the start pages predicted from the fiches' own lengths were the final ones (a single booklet print). */
  predicted: boolean;
}

/** The final start pages of the fiches in each booklet, read back from the bookmarks the build wrote. */
async function floorInputs(outDir: string): Promise<{ starts: FloorConfig['starts']; fiches: FloorConfig['fiches']; checks: BookletCheck[] }> {
  const manifest = await readManifest(outDir);
  const starts: FloorConfig['starts'] = {};
  const fiches: FloorConfig['fiches'] = {};
  const checks: BookletCheck[] = [];
  for (const kit of manifest.kits) {
    fiches[kit.id] = kit.fiches.map((f) => f.number);
    const pdf = await PDFDocument.load(await readFile(path.join(outDir, kit.booklet.path)), { updateMetadata: false });
    const found: [number, number][] = [];
    for (const entry of readOutline(pdf)) {
      const m = /^Fiche (\d+) /.exec(entry.title);
      if (m && entry.pageIndex >= 0) found.push([Number(m[1]), entry.pageIndex + 1]);
    }
    // What build.ts predicts before its first booklet print: cover, édito, contents, then the fiches' lengths.
    let page = 4;
    const predicted = [...kit.fiches].sort((a, b) => a.number - b.number).map((f): [number, number] => [f.number, (page += f.pages) - f.pages]);
    if (found.length !== kit.fiches.length) {
      process.stderr.write(`  (livret ${kit.id} : signets des fiches illisibles, pagination prédite utilisée pour le plancher)\n`);
      starts[kit.id] = predicted;
      checks.push({ kit: kit.id, predicted: true });
      continue;
    }
    starts[kit.id] = found;
    const final = new Map(found);
    checks.push({ kit: kit.id, predicted: predicted.every(([n, p]) => final.get(n) === p) });
  }
  return { starts, fiches, checks };
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

// ---------------------------------------------------------------------------------------------------------
// Report.
// ---------------------------------------------------------------------------------------------------------

const LABELS: Record<ScenarioId, string> = {
  clean: 'Construction complète (sans dist/ ni cache)',
  noaccess: "Construction complète sans l'étape d'accessibilité (mesure seulement)",
  nochange: 'Reconstruction sans changement',
  onefiche: "Reconstruction après modification d'une fiche",
  floor: 'Plancher (Puppeteer seul, mêmes documents)',
};

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** A number the French way: decimal comma, narrow no-break space between thousands. */
function fr(n: number, digits = 2): string {
  return n.toLocaleString('fr-FR', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

const seconds = (ms: number) => `${fr(ms / 1000)} s`;
const mib = (bytes: number) => `${fr(bytes / MIB, 0)} Mio`;
const mark = (ok: boolean) => (ok ? '✅ atteint' : '❌ non atteint');

function table(head: string[], rows: string[][]): string {
  return [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

function chromiumVersion(executable: string): string {
  try {
    return execFileSync(executable, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return 'inconnue';
  }
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

async function main(): Promise<void> {
  const runs = parseRuns(process.argv.slice(2));
  const began = performance.now();
  const date = new Date();
  const browser = resolveBrowser();
  const loadBefore = os.loadavg();
  const cacheExisted = existsSync(path.join(ROOT, CACHE_DIR));
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'kitess-bench-'));
  const results: Record<ScenarioId, Run[]> = { clean: [], noaccess: [], nochange: [], onefiche: [], floor: [] };
  const floorReports: FloorReport[] = [];
  let timingsTable = '';
  let oneFicheTimings = '';
  // Seconds the accessibility pass took in each clean build (its --timings line; concurrent passes add up).
  const accessMs: number[] = [];
  let checks: BookletCheck[] = [];
  let floorInput: Pick<FloorConfig, 'starts' | 'fiches'> | undefined;
  let editedSentence = '';
  const steps = runs * 5 + 1;
  let step = 0;
  const progress = (label: string, run?: Run | string) => {
    const detail = typeof run === 'string' ? run : run ? `${seconds(run.wallMs)}, ${mib(run.peakRss)}, ${run.pages} pages` : '';
    process.stderr.write(`[${String(++step).padStart(2)}/${steps}] ${label}${detail ? ` : ${detail}` : ''}\n`);
  };

  process.stderr.write(`Banc d'essai kitess : ${runs} passe${runs > 1 ? 's' : ''} par scénario, concurrence ${CONCURRENCY}, dossier temporaire ${tmp}\n`);
  try {
    // Clean, no-change and floor, interleaved so that the clean/floor ratio compares runs made side by side.
    for (let i = 1; i <= runs; i++) {
      const out = path.join(tmp, `clean-${i}`, 'dist');
      await removeCaches(out);
      const clean = await cliRun(out, SHEETS);
      results.clean.push(clean);
      accessMs.push(stageMs(clean, 'access'));
      progress(`${LABELS.clean}, passe ${i}`, clean);
      if (i === 1) {
        timingsTable = timingsOf(clean);
        const found = await floorInputs(out);
        floorInput = { starts: found.starts, fiches: found.fiches };
        checks = found.checks;
      }

      // The same clean build without the accessibility stage (a switch only the bench uses): what the stage costs.
      const bare = path.join(tmp, `noaccess-${i}`, 'dist');
      await removeCaches(bare);
      const noaccess = await cliRun(bare, SHEETS, { KITESS_BENCH_WITHOUT_ACCESS: '1' });
      results.noaccess.push(noaccess);
      progress(`${LABELS.noaccess}, passe ${i}`, noaccess);
      await rm(path.join(tmp, `noaccess-${i}`), { recursive: true, force: true });

      const nochange = await cliRun(out, SHEETS);
      results.nochange.push(nochange);
      progress(`${LABELS.nochange}, passe ${i}`, nochange);

      const floorOut = path.join(tmp, `floor-${i}`);
      const config: FloorConfig = { sheetsDir: SHEETS, outDir: floorOut, ...floorInput!, concurrency: CONCURRENCY };
      const configPath = path.join(tmp, `floor-${i}.json`);
      await writeFile(configPath, JSON.stringify(config));
      const floor = await measure([SELF, '--floor', configPath]);
      const line = floor.stdout.split('\n').find((l) => l.startsWith('{"floor"'));
      if (line) floorReports.push((JSON.parse(line) as { floor: FloorReport }).floor);
      const floorRun = { ...floor, pages: await countPdfPages(floorOut) };
      results.floor.push(floorRun);
      progress(`${LABELS.floor}, passe ${i}`, floorRun);
      await rm(path.join(tmp, `clean-${i}`), { recursive: true, force: true });
      await rm(floorOut, { recursive: true, force: true });
    }

    // One fiche changed: a copy of sheets/ built once (not timed), then one sentence edited before each timed run.
    // Each run writes a different sentence, so that every timed build sees a real change since the previous one.
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
  const clean = wall('clean');
  const floor = wall('floor');
  const nochange = wall('nochange');
  const onefiche = wall('onefiche');
  const ratio = clean / floor;
  const cpuRatio = median(results.clean.map((r) => r.cpuMs)) / median(results.floor.map((r) => r.cpuMs));
  const pairRatios = results.clean.map((r, i) => r.wallMs / results.floor[i]!.wallMs);
  const share = onefiche / clean;
  // What the accessibility stage adds to a clean build: the same build without it, run side by side.
  const accessCost = Math.max(0, clean - wall('noaccess'));
  const nochangeLaunched = results.nochange.filter((r) => r.chromium).length;
  const cliRuns = (['clean', 'nochange', 'onefiche'] as const).flatMap((id) => results[id]);
  const peak = Math.max(...cliRuns.map((r) => r.peakRss));
  const peakPss = Math.max(...cliRuns.map((r) => r.peakPss));
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
      seconds(median(rs.map((r) => r.cpuMs))),
      String(pages),
      fr(pages / (median(w) / 1000), 1),
      launched === 0 ? 'non' : `oui (${launched}/${rs.length})`,
    ];
  });
  const resultsTable = table(
    ['Scénario', 'Médiane', 'Min', 'Max', 'Pic mémoire RSS', 'Pic mémoire PSS', 'CPU (médiane)', 'Pages (manifest)', 'Pages/s', 'Chromium lancé'],
    rows,
  );
  const targets = table(
    ['Objectif', 'Mesure', 'Résultat'],
    [
      ['Construction complète ≤ 1,3 × plancher', `${fr(ratio)} × (${seconds(clean)} / ${seconds(floor)})`, mark(ratio <= 1.3)],
      [
        'Reconstruction sans changement < 1 s, sans lancer Chromium',
        `${seconds(nochange)}, Chromium ${nochangeLaunched === 0 ? 'non lancé' : `lancé (${nochangeLaunched}/${results.nochange.length} passes)`}`,
        mark(nochange < 1000 && nochangeLaunched === 0),
      ],
      ["Reconstruction d'une fiche ≤ 25 % de la construction complète", `${fr(share * 100, 0)} % (${seconds(onefiche)} / ${seconds(clean)})`, mark(share <= 0.25)],
      [
        "Étape d'accessibilité ≤ 15 % de la construction complète",
        `${fr((accessCost / clean) * 100, 0)} % (${seconds(clean)} − ${seconds(wall('noaccess'))} sans elle = ${seconds(accessCost)} ; somme de ses passes dans --timings : ${seconds(median(accessMs))})`,
        mark(accessCost / clean <= 0.15),
      ],
      ['Pic mémoire < 1,5 Gio (somme des RSS)', `${fr(peak / GIB)} Gio (${mib(peak)}) ; en PSS : ${fr(peakPss / GIB)} Gio`, mark(peak < 1.5 * GIB)],
    ],
  );
  const floorPrep = median(floorReports.map((f) => f.prepMs));
  const floorPrint = median(floorReports.map((f) => f.printMs));
  const pagesMismatch = median(results.floor.map((r) => r.pages)) !== median(results.clean.map((r) => r.pages));
  const cpus = os.cpus();
  const machine = [
    `- Date : ${date.toLocaleString('fr-FR', { dateStyle: 'full', timeStyle: 'short' })}`,
    `- Machine : ${os.availableParallelism()} cœurs (${cpus[0]?.model.trim() ?? 'processeur inconnu'}), ${fr(os.totalmem() / GIB, 1)} Gio de mémoire, ${os.type()} ${os.release()}`,
    `- Node : ${process.version} · Chromium : ${chromiumVersion(browser.executablePath)} (${browser.executablePath}, ${floorReports[0]?.browserVersion ?? 'version inconnue'})`,
    `- ${runs} passe${runs > 1 ? 's' : ''} par scénario, impression de ${CONCURRENCY} pages à la fois · charge moyenne (1 min) ${fr(loadBefore[0]!)} au début, ${fr(loadAfter[0]!)} à la fin`,
    `- Durée totale du banc : ${fr((performance.now() - began) / 60000, 1)} min`,
  ].join('\n');
  const notes = [
    `- Plancher : médiane ${seconds(floor)} ; médianes de ses deux phases : ${seconds(floorPrep)} de préparation (démarrage de Node, imports, prepareKits, rendu HTML), ${seconds(floorPrint)} d'impression (lancement de Chromium → fermeture, ${floorReports[0]?.documents ?? '?'} documents).`,
    `- Construction complète / plancher, passe par passe : ${pairRatios.map((r) => fr(r)).join(' ; ')} ; en temps CPU (médianes) : ${fr(cpuRatio)}, chiffre moins sensible que le temps réel à la charge de la machine.`,
    `- Pagination des livrets (passe 1) : ${checks.map((c) => `${c.kit} ${c.predicted ? 'prédite juste (une impression)' : 'prédite fausse (au moins deux impressions)'}`).join(', ')}.`,
    pagesMismatch ? '- ⚠ Le plancher et la construction complète ne produisent pas le même nombre de pages : à vérifier.' : '- Le plancher produit exactement autant de pages que la construction complète.',
    foreign > 0
      ? `- ⚠ Un Chromium étranger au banc (tests lancés par quelqu'un d'autre ?) tournait pendant ${foreign} mesure${foreign > 1 ? 's' : ''} sur ${totalRuns} : ces temps en sont gonflés.`
      : '- Aucun autre Chromium ne tournait sur la machine pendant les mesures.',
    `- Attente d'une machine calme avant les passes (aucun autre Chromium, ${QUIET_BUDGET_MS / 1000} s au plus en tout) : ${seconds(quiet.waitedMs)}${quiet.waitedMs >= QUIET_BUDGET_MS ? ', budget épuisé' : ''}.`,
    `- Phrase modifiée (${EDITED_FICHE}, copie temporaire) : « ${editedSentence} »`,
  ].join('\n');
  const method = [
    "- Chaque scénario lance la vraie commande (`node bin/kitess.js build --out <dossier temporaire> --sheets <dossier> --timings`) dans un processus enfant, chronométré du lancement à la sortie ; le plancher est `node build/bench/bench.js --floor` : mêmes documents HTML finals (prepareKits + renderFiche/renderBooklet, pagination finale des livrets relue dans la construction complète), un seul Chromium, mêmes options de lancement, même interception des requêtes, même page.pdf, même concurrence, sans pdf-lib, sans deuxième passe ni publication.",
    `- Construction complète : dossier de sortie neuf (les clés \`inputs\` de son manifest.json sont ce que l'incrémental relit), dossiers \`${CACHE_DIR}\` supprimés s'il y en a (racine du projet et dossier de sortie). Sans changement : même commande sur le même dossier de sortie. Une fiche : copie de sheets/ construite une fois (non chronométrée), puis une phrase différente à chaque passe.`,
    `- Mémoire : somme des RSS du processus et de tous ses descendants (Node + tous les processus Chromium), relue dans /proc toutes les ${SAMPLE_MS} ms ; maximum des passes (c'est elle que juge l'objectif). La somme des RSS compte autant de fois qu'il y a de processus les pages partagées (code de Chromium, polices…) : c'est un majorant. La colonne PSS (somme des Pss de /proc/<pid>/smaps_rollup, relue toutes les ${SAMPLE_MS * PSS_EVERY} ms) partage ces pages entre processus : c'est l'empreinte réelle. Les chrome_crashpad_handler (rattachés à init, ~4 Mio chacun) ne sont pas comptés.`,
    '- CPU : temps utilisateur + système de tout l\'arbre (compté par le noyau à la fin des processus). Pages : somme des pages des livrets et des fiches du manifest.json (pour les reconstructions, les PDF repris tels quels comptent aussi) ; pour le plancher, pages des PDF comptées avec pdf-lib après la mesure. Pages/s : ces pages divisées par la médiane.',
    '- « Chromium lancé » : un processus chromium/chrome a été vu parmi les descendants pendant la passe.',
    "- Étape d'accessibilité : son coût est la différence entre la construction complète et la même construction sans elle (variable `KITESS_BENCH_WITHOUT_ACCESS=1`, que seul le banc emploie ; passes alternées avec les constructions complètes), rapportée à la construction complète. La somme de ses passes dans `--timings` est donnée aussi : elles tournent dans des fils d'exécution à part pendant que Chromium imprime, et cette somme majore ce qu'elles ajoutent au temps réel.",
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
    'Les étapes qui se chevauchent (impressions simultanées) sont comptées chacune en entier : la somme peut dépasser le temps réel.',
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
  await writeFile(RESULTS, markdown);
  process.stdout.write(`\n${markdown}\nRésultats écrits dans ${path.relative(process.cwd(), RESULTS)}\n`);
}

if (process.argv[2] === '--floor') {
  await floorMain(process.argv[3]!);
} else {
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
}
