/**
 * The bench's measurements: a command run in a child process, timed from spawn to exit, its whole process tree
 * sampled from /proc meanwhile (peak RSS and PSS, Chromium seen or not, someone else's Chromium running), its CPU
 * time counted by the kernel.
 */
import { execFileSync, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { seconds } from './report.js';

/** Project root: build/bench/measure.js → ../.. */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const SAMPLE_MS = 50;
/** A run taking longer than this is a hang: stopped, and the bench fails. */
export const RUN_TIMEOUT_MS = 600_000;
/** Longest time the whole bench waits, before runs, for someone else's Chromium to finish. */
export const QUIET_BUDGET_MS = 30_000;
/** PSS (smaps_rollup) is dearer to read than RSS: every PSS_EVERY samples only. */
export const PSS_EVERY = 5;

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
export const CHROMIUM_RE = /chrom|headless/i;

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
    // A zombie (exited, waiting for its parent — here often PID 1, for Chromium's zygotes — to reap it) neither runs
    // nor holds memory: not a process the bench waits for or counts.
    if (rest[0] === 'Z') continue;
    procs.push({ pid: Number(entry), ppid: Number(rest[1]), comm, rss: Number(rest[21]) * PAGE_SIZE });
  }
  return procs;
}

/** A process and its descendants, found in one reading of /proc (none when the process is gone). */
export function processTree(root: number, procs: Proc[] = readProcs()): Proc[] {
  const children = new Map<number, Proc[]>();
  for (const p of procs) {
    const list = children.get(p.ppid);
    if (list) list.push(p);
    else children.set(p.ppid, [p]);
  }
  const tree: Proc[] = [];
  const seen = new Set<number>();
  const stack = procs.filter((p) => p.pid === root);
  while (stack.length > 0) {
    const p = stack.pop()!;
    if (seen.has(p.pid)) continue;
    seen.add(p.pid);
    tree.push(p);
    stack.push(...(children.get(p.pid) ?? []));
  }
  return tree;
}

/** A process's PSS and USS (private pages only: unlike PSS, not lowered when other processes map the same libraries), in bytes; 0 once it is gone. */
export function memoryOf(pid: number): { pss: number; uss: number } {
  try {
    const text = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? 0) * 1024;
    return { pss: kb('Pss'), uss: kb('Private_Clean') + kb('Private_Dirty') };
  } catch {
    return { pss: 0, uss: 0 };
  }
}

/** CPU time (ms) of the children this process has waited for, their own reaped descendants included. */
export function reapedChildrenCpuMs(): number {
  const { rest } = statFields(readFileSync('/proc/self/stat', 'utf8'));
  return ((Number(rest[13]) + Number(rest[14])) * 1000) / CLK_TCK;
}

/**
 * Every process seen in a measured tree. Chromium's helper processes (zygotes) outlive their browser by a moment
 * and, orphaned, leave its tree: they are the bench's own, not another user's Chromium.
 */
const ownPids = new Set<number>();

/** Samples a process tree every SAMPLE_MS: peak summed RSS, whether Chromium ran in it, and outside it. */
export class TreeSampler {
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
    const members = processTree(this.root, procs);
    const tree = new Set(members.map((p) => p.pid));
    let rss = 0;
    for (const p of members) {
      ownPids.add(p.pid);
      rss += p.rss;
      if (CHROMIUM_RE.test(p.comm)) this.chromium = true;
    }
    // Someone else's Chromium (tests run by another developer…) competes for the same cores.
    if (procs.some((p) => !ownPids.has(p.pid) && CHROMIUM_RE.test(p.comm) && !/crashpad/i.test(p.comm))) this.foreignChromium = true;
    this.peakRss = Math.max(this.peakRss, rss);
    // Every sample for the first half second (short runs), then every PSS_EVERY samples.
    if (this.samples < 10 || this.samples % PSS_EVERY === 0) {
      let pss = 0;
      for (const pid of tree) pss += memoryOf(pid).pss;
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
  return readProcs().filter((p) => !ownPids.has(p.pid) && CHROMIUM_RE.test(p.comm) && !/crashpad/i.test(p.comm)).length;
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

/** The one waiter of a bench run. */
export const quiet = new QuietWaiter();

/** One measured run. */
export interface Run {
  wallMs: number;
  peakRss: number;
  peakPss: number;
  cpuMs: number;
  pages: number;
  chromium: boolean;
  foreignChromium: boolean;
  stdout: string;
}

/** A run that failed: the bench stops with its message. */
export class Crash extends Error {}

/** Process group of the child being measured, killed on timeout or when the bench is interrupted. */
let running: number | undefined;

export function killRunning(): void {
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
export async function measure(args: string[], env: Record<string, string> = {}): Promise<Omit<Run, 'pages'>> {
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

