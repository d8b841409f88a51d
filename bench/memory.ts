/**
 * Where a build's memory is (issue 16): `node build/bench/memory.js [--runs N] [--only scale|clean] [--compare <bin>]`
 * builds the three kits and the scale scenario (bench/scale.ts) clean, alternated, and samples each process of the
 * build's tree from /proc every 100 ms: PSS of the Node process (main thread and accessibility thread), of
 * Chromium's browser process and of its renderers and other helpers. Prints, per run, the peak of the whole tree
 * and how it splits at that moment, the peak of each part, and the Node process's PSS over time. `--compare` runs
 * another kitess (e.g. a checkout of main: `<dir>/bin/kitess.js`) before each run of this one, side by side.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CHROMIUM_RE, memoryOf, processTree, reapedChildrenCpuMs, ROOT } from './measure.js';
import { generateKits } from './scale.js';

const SAMPLE_MS = 100;
const BIN = path.join(ROOT, 'bin', 'kitess.js');
const MiB = 1024 * 1024;

type Part = 'node' | 'browser' | 'renderer' | 'other';

function partOf(pid: number, root: number, cmdline: string): Part {
  if (pid === root) return 'node';
  if (!CHROMIUM_RE.test(cmdline)) return 'other';
  if (/--type=renderer/.test(cmdline)) return 'renderer';
  if (/--type=/.test(cmdline)) return 'other';
  return 'browser';
}

interface Sample {
  t: number;
  parts: Record<Part, number>;
  renderers: number;
  total: number;
  uss: number;
}

async function run(bin: string, sheets: string, out: string): Promise<{ wallMs: number; cpuMs: number; samples: Sample[] }> {
  const start = performance.now();
  const cpuBefore = reapedChildrenCpuMs();
  const child = spawn(process.execPath, [bin, 'build', '--out', out, '--sheets', sheets], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const samples: Sample[] = [];
  const cmdlines = new Map<number, string>();
  const timer = setInterval(() => {
    const parts: Record<Part, number> = { node: 0, browser: 0, renderer: 0, other: 0 };
    let renderers = 0;
    let uss = 0;
    for (const { pid } of processTree(child.pid!)) {
      if (!cmdlines.has(pid)) {
        try {
          cmdlines.set(pid, readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' '));
        } catch {
          continue;
        }
      }
      const part = partOf(pid, child.pid!, cmdlines.get(pid)!);
      if (part === 'renderer') renderers++;
      const m = memoryOf(pid);
      parts[part] += m.pss;
      uss += m.uss;
    }
    samples.push({ t: performance.now() - start, parts, renderers, total: parts.node + parts.browser + parts.renderer + parts.other, uss });
  }, SAMPLE_MS);
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  clearInterval(timer);
  if (code !== 0) throw new Error(`build failed (${code}): ${stderr.slice(-2000)}`);
  return { wallMs: performance.now() - start, cpuMs: reapedChildrenCpuMs() - cpuBefore, samples };
}

function report(name: string, r: { wallMs: number; cpuMs: number; samples: Sample[] }): void {
  const mib = (b: number) => (b / MiB).toFixed(0).padStart(5);
  const peak = r.samples.reduce((a, b) => (b.total > a.total ? b : a));
  const max = (p: Part) => Math.max(...r.samples.map((s) => s.parts[p]));
  const peakUss = Math.max(...r.samples.map((s) => s.uss));
  console.log(
    `${name.padEnd(12)} ${(r.wallMs / 1000).toFixed(2)} s (CPU ${(r.cpuMs / 1000).toFixed(2)} s)  peak ${mib(peak.total)} MiB at ${(peak.t / 1000).toFixed(1)} s = node ${mib(peak.parts.node)} + browser ${mib(peak.parts.browser)} + renderers(${peak.renderers}) ${mib(peak.parts.renderer)} + other ${mib(peak.parts.other)}` +
      `  | maxima: node ${mib(max('node'))} browser ${mib(max('browser'))} renderers ${mib(max('renderer'))} other ${mib(max('other'))} | peak USS ${mib(peakUss)}`,
  );
  const step = Math.max(1, Math.floor(r.samples.length / 12));
  console.log(`       node over time: ${r.samples.filter((_, i) => i % step === 0).map((s) => `${(s.t / 1000).toFixed(0)}s:${(s.parts.node / MiB).toFixed(0)}`).join(' ')}`);
  console.log(`       chromium over time: ${r.samples.filter((_, i) => i % step === 0).map((s) => `${(s.t / 1000).toFixed(0)}s:${((s.parts.browser + s.parts.renderer + s.parts.other) / MiB).toFixed(0)}`).join(' ')}`);
}

const args = process.argv.slice(2);
const runs = Number(args[args.indexOf('--runs') + 1]) || 2;
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
const others = args.flatMap((a, i) => (a === '--compare' ? [path.resolve(args[i + 1]!)] : []));
const bins: [string, string][] = [...others.map((bin, i): [string, string] => [`autre${others.length > 1 ? i + 1 : ''}`, bin]), ['ici', BIN]];
const tmp = await mkdtemp(path.join(os.tmpdir(), 'kitess-memory-'));
try {
  const scaleSheets = path.join(tmp, 'scale-sheets');
  if (only !== 'clean') await generateKits(path.join(ROOT, 'sheets'), scaleSheets, 10, 25);
  for (let i = 1; i <= runs; i++) {
    for (const [name, sheets] of [['clean', path.join(ROOT, 'sheets')], ['scale', scaleSheets]] as const) {
      if (only && only !== name) continue;
      for (const [which, bin] of bins) {
        const out = path.join(tmp, `${name}-${i}`, 'dist');
        report(`${name} ${which}`, await run(bin, sheets, out));
        await rm(path.dirname(out), { recursive: true, force: true });
      }
    }
  }
} finally {
  await rm(tmp, { recursive: true, force: true });
}
