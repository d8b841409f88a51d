/** Numbers and tables the French way, for bench/results.md. */
import { execFileSync } from 'node:child_process';

export const GIB = 1024 ** 3;
export const MIB = 1024 ** 2;

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** A number the French way: decimal comma, narrow no-break space between thousands. */
export function fr(n: number, digits = 2): string {
  return n.toLocaleString('fr-FR', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export const seconds = (ms: number) => `${fr(ms / 1000)} s`;
export const mib = (bytes: number) => `${fr(bytes / MIB, 0)} Mio`;
export const mark = (ok: boolean) => (ok ? '✅ atteint' : '❌ non atteint');

export function table(head: string[], rows: string[][]): string {
  return [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

export function chromiumVersion(executable: string): string {
  try {
    return execFileSync(executable, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return 'inconnue';
  }
}
