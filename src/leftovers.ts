import type { Stats } from 'node:fs';
import { lstat, readdir, rm } from 'node:fs/promises';
import path from 'node:path';

/** Whether a process runs (or exists at all: a process of another user counts as alive, so what it holds is kept). */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the folders that runs of kitess killed by SIGKILL (which cannot be caught) left in `parent`: of those whose
 * name starts with `prefix`, only this user's folders (not links), and only those `abandoned` says no live process
 * owns. A folder that `abandoned` cannot judge (it throws), gone meanwhile, or that cannot be removed, is left as it
 * is. Returns the folders removed.
 */
export async function removeAbandoned(parent: string, prefix: string, abandoned: (dir: string, name: string, info: Stats) => Promise<boolean>): Promise<string[]> {
  const removed: string[] = [];
  let names: string[];
  try {
    names = await readdir(parent);
  } catch {
    return removed;
  }
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const dir = path.join(parent, name);
    try {
      const info = await lstat(dir);
      if (!info.isDirectory() || info.uid !== process.getuid?.() || !(await abandoned(dir, name, info))) continue;
      await rm(dir, { recursive: true, force: true });
      removed.push(dir);
    } catch {
      // Gone meanwhile, unreadable, or not provably kitess's: left as it is.
    }
  }
  return removed;
}
