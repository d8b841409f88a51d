import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { copySheets } from '../helpers/fixtures.js';

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
    expect(stderr).toContain('interrompue');
    await new Promise((r) => setTimeout(r, 500));
    expect(browsers.filter(alive)).toEqual([]);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(path.dirname(out)).filter((n) => n.startsWith('dist.'))).toEqual([]);
  });
});
