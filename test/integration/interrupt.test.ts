import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { removeStaleProfiles } from '../../src/browser.js';
import { removeStaleStaging, STAGING_MARKER } from '../../src/pipeline/publish.js';
import { runCli } from '../helpers/cli.js';
import { copySheets, tempDir } from '../helpers/fixtures.js';

const BIN = path.resolve(import.meta.dirname, '../../bin/kitess.js');

/** Every process whose ancestors include `root`, read from /proc. */
function descendants(root: number): number[] {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // the process ended while we read
    }
  }
  const found: number[] = [];
  const walk = (pid: number) => {
    for (const [child, parent] of parents) if (parent === pid) found.push(child), walk(child);
  };
  walk(root);
  return found;
}

const alive = (pid: number) => existsSync(`/proc/${pid}`) && !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');

describe('Ctrl-C during a build', () => {
  it('closes Chromium, exits 130 and writes nothing (issue 2)', async () => {
    const sheets = copySheets('pipeline');
    const out = path.join(path.dirname(sheets), 'dist');
    const child = spawn(process.execPath, [BIN, 'build', '--sheets', sheets, '--out', out, '--as-of', '2026-06-01'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    let browsers: number[] = [];
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      browsers = descendants(child.pid!).filter((pid) => {
        try {
          return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('kitess-chromium-');
        } catch {
          return false;
        }
      });
      if (browsers.length > 0) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(browsers.length).toBeGreaterThan(0);
    child.kill('SIGINT');
    const code = await exited;
    expect(code).toBe(130);
    // No output folder before: the message says nothing was written (not « dist/ est resté tel quel »).
    expect(stderr).toContain('Construction interrompue : rien n’a été écrit.');
    await new Promise((r) => setTimeout(r, 500));
    expect(browsers.filter(alive)).toEqual([]);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(path.dirname(out)).filter((n) => n.startsWith('dist.'))).toEqual([]);
  });
});

/** Starts a build and resolves once its Chromium runs, with the browser's processes and a way to wait for the exit. */
async function buildWithBrowser(env: Record<string, string> = {}) {
  const sheets = copySheets('pipeline');
  const out = path.join(path.dirname(sheets), 'dist');
  const child = spawn(process.execPath, [BIN, 'build', '--sheets', sheets, '--out', out, '--as-of', '2026-06-01'], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  let browsers: number[] = [];
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline && browsers.length === 0) {
    browsers = descendants(child.pid!).filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('kitess-chromium-');
      } catch {
        return false;
      }
    });
    await new Promise((r) => setTimeout(r, 20));
  }
  // Let Chromium start its renderers too, so that they are checked as well.
  await new Promise((r) => setTimeout(r, 300));
  browsers = [...new Set([...browsers, ...descendants(child.pid!)])];
  return { child, out, exited, browsers, stderr: () => stderr };
}

/** Waits until none of the processes is alive, or the time is up; returns those still alive. */
async function waitDead(pids: number[], ms = 10_000): Promise<number[]> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline && pids.some(alive)) await new Promise((r) => setTimeout(r, 50));
  return pids.filter(alive);
}

describe('Chromium never outlives kitess (issue 13)', () => {
  it('SIGHUP (terminal closed) stops the build like Ctrl-C: Chromium closed, its profile removed, nothing written', async () => {
    const tmp = tempDir('kitess-hup-');
    const run = await buildWithBrowser({ TMPDIR: tmp });
    expect(run.browsers.length).toBeGreaterThan(0);
    run.child.kill('SIGHUP');
    const { code } = await run.exited;
    expect(code).toBe(130);
    expect(await waitDead(run.browsers)).toEqual([]);
    expect(readdirSync(tmp).filter((n) => n.startsWith('kitess-chromium-'))).toEqual([]);
    expect(existsSync(run.out)).toBe(false);
  });

  it('SIGKILL (out-of-memory killer): Chromium exits with kitess, and the next run removes the profile left behind', async () => {
    const tmp = tempDir('kitess-kill-');
    const run = await buildWithBrowser({ TMPDIR: tmp });
    expect(run.browsers.length).toBeGreaterThan(0);
    run.child.kill('SIGKILL');
    expect((await run.exited).signal).toBe('SIGKILL');
    expect(await waitDead(run.browsers)).toEqual([]);
    // SIGKILL cannot be caught: the profile folder stays until the next run that starts a browser.
    const left = readdirSync(tmp).filter((n) => n.startsWith('kitess-chromium-'));
    expect(left).toHaveLength(1);
    const root = path.resolve(import.meta.dirname, '../..');
    const next = runCli(['check', '--sheets', 'test/fixtures/pipeline/sheets'], root, { TMPDIR: tmp });
    expect(next.code).toBe(0);
    expect(readdirSync(tmp).filter((n) => n.startsWith('kitess-chromium-'))).toEqual([]);
  });
});

describe('removeStaleProfiles (issue 13)', () => {
  it('removes only kitess’s profile folders that no live process owns', async () => {
    const tmp = tempDir('kitess-profiles-');
    const make = (name: string) => {
      mkdirSync(path.join(tmp, name));
      return name;
    };
    const dead = make('kitess-chromium-999999999-aaaaaa');
    const mine = make(`kitess-chromium-${process.pid}-bbbbbb`);
    // A folder of a dead kitess still held by a live Chromium (its lock names a live pid): kept.
    const held = make('kitess-chromium-999999998-cccccc');
    symlinkSync(`machine-${process.pid}`, path.join(tmp, held, 'SingletonLock'));
    // An older name without a pid, just made: kept (it may be a run starting now).
    const recent = make('kitess-chromium-dddddd');
    const other = make('chromium-profile-eeeeee');
    const removed = await removeStaleProfiles(tmp);
    expect(removed).toEqual([path.join(tmp, dead)]);
    expect(readdirSync(tmp).sort()).toEqual([held, recent, mine, other].sort());
  });
});

/** The Chromium processes among `root`'s descendants (their command line names kitess's profile folder). */
function chromiums(root: number): number[] {
  return descendants(root).filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('kitess-chromium-');
    } catch {
      return false;
    }
  });
}

describe('Ctrl-C during the preview’s first build (session 6)', () => {
  it.each(['SIGINT', 'SIGTERM'] as const)('%s stops the build at once: exit 130, no Chromium left, the output folder as it was', async (signal) => {
    const sheets = copySheets('pipeline');
    const out = path.join(path.dirname(sheets), 'apercu');
    const child = spawn(process.execPath, [BIN, 'preview', '--port', '0', '--sheets', sheets, '--out', out], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    // The first build is printing its fiches.
    const deadline = Date.now() + 60_000;
    while (!/^Impression de \d+ fiches…$/m.test(stderr) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(stderr).toMatch(/^Impression de \d+ fiches…$/m);
    const browsers = [...new Set([...chromiums(child.pid!), ...descendants(child.pid!)])];
    expect(browsers.length).toBeGreaterThan(0);
    child.kill(signal);
    const code = await exited;
    expect(code).toBe(130);
    // Stopped, not finished: no second Ctrl-C was needed, and the build did not go on to its end.
    expect(stderr).not.toContain('À jour');
    expect(stderr).toContain(`kitess : Construction de l’aperçu interrompue : le dossier ${out} est resté tel quel.`);
    expect(await waitDead(browsers)).toEqual([]);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(path.dirname(out)).filter((n) => n.startsWith('apercu'))).toEqual([]);
  });
});

describe('Ctrl-C during check (session 6)', () => {
  it('says the check was interrupted, not a build, exits 130 and leaves no Chromium', async () => {
    const sheets = copySheets('pipeline');
    const child = spawn(process.execPath, [BIN, 'check', '--sheets', sheets], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    let stderr = '';
    let stdout = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.stdout.on('data', (d) => (stdout += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    let browsers: number[] = [];
    const deadline = Date.now() + 60_000;
    while (browsers.length === 0 && Date.now() < deadline) {
      browsers = chromiums(child.pid!);
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(browsers.length).toBeGreaterThan(0);
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(stderr).toContain('kitess : Vérification interrompue : aucun rapport n’a été produit.');
    expect(stderr).not.toContain('Construction');
    expect(stdout).toBe('');
    expect(await waitDead([...browsers, ...descendants(child.pid!)])).toEqual([]);
  });
});

describe('staging folders left by a killed build (session 6)', () => {
  /** A folder beside the output folder, with kitess's marker naming `pid`, `stamp` and this machine when `mark` is given. */
  const make = (parent: string, name: string, mark?: { pid: number; stamp: string; host?: string }) => {
    mkdirSync(path.join(parent, name, 'communes'), { recursive: true });
    writeFileSync(path.join(parent, name, 'communes', 'kit.pdf'), '%PDF-1.7 partial');
    if (mark) writeFileSync(path.join(parent, name, STAGING_MARKER), JSON.stringify({ kitess: 'staging', host: os.hostname(), ...mark }));
    return name;
  };

  it('removes only kitess’s own (name and marker agree) whose process is dead', async () => {
    const parent = tempDir('kitess-staging-');
    const dead = make(parent, 'dist.tmp-999999999-1796012891357', { pid: 999999999, stamp: '999999999-1796012891357' });
    const unmarked = make(parent, 'dist.tmp-999999998-1796012891357');
    const live = make(parent, `dist.tmp-${process.pid}-1796012891357`, { pid: process.pid, stamp: `${process.pid}-1796012891357` });
    const disagrees = make(parent, 'dist.tmp-999999997-1796012891357', { pid: 999999996, stamp: '999999996-1796012891357' });
    const otherOutput = make(parent, 'web.tmp-999999999-1796012891357', { pid: 999999999, stamp: '999999999-1796012891357' });
    const otherName = make(parent, 'dist.tmp-ancien', { pid: 999999999, stamp: 'ancien' });
    // A build of another machine (or container) sharing the folder: its pid means nothing here.
    const otherHost = make(parent, 'dist.tmp-999999995-1796012891357', { pid: 999999995, stamp: '999999995-1796012891357', host: `${os.hostname()}-autre` });
    expect(await removeStaleStaging(path.join(parent, 'dist'))).toEqual([path.join(parent, dead)]);
    expect(readdirSync(parent).sort()).toEqual([unmarked, live, disagrees, otherOutput, otherName, otherHost].sort());
  });

  it('the next build removes the one a SIGKILL left, keeps a folder without the marker, and writes no marker into dist/', () => {
    const sheets = copySheets('pipeline');
    const parent = path.dirname(sheets);
    const out = path.join(parent, 'dist');
    const left = make(parent, 'dist.tmp-999999999-1796012891357', { pid: 999999999, stamp: '999999999-1796012891357' });
    const foreign = make(parent, 'dist.tmp-999999998-1796012891357');
    const r = runCli(['build', '--sheets', sheets, '--out', out, '--as-of', '2026-06-01', '-q']);
    expect(r.code).toBe(0);
    expect(existsSync(path.join(parent, left))).toBe(false);
    expect(readFileSync(path.join(parent, foreign, 'communes', 'kit.pdf'), 'utf8')).toBe('%PDF-1.7 partial');
    expect(readdirSync(parent).filter((n) => n.startsWith('dist')).sort()).toEqual(['dist', foreign]);
    expect(existsSync(path.join(out, STAGING_MARKER))).toBe(false);
    expect(existsSync(path.join(out, 'manifest.json'))).toBe(true);
  });
});
