import path from 'node:path';
import { watch } from 'chokidar';

/**
 * Files editors and tools leave beside the one being saved: vim's swap and backup files and its `4913` probe,
 * Emacs's `#file#` and `.#file` locks, gedit's `.goutputstream-*`, sed's `sedXXXXXX`, `~` backups, `.tmp` files.
 * They are not sources: changes to them start no rebuild (the real file's change that follows does).
 */
export function isEditorNoise(file: string): boolean {
  const name = path.basename(file);
  return (
    name.startsWith('.') ||
    name.endsWith('~') ||
    /^#.*#$/.test(name) ||
    /\.(swp|swx|swo|tmp|bak|crswap)$/i.test(name) ||
    name === '4913' ||
    /^sed[A-Za-z0-9]{6}$/.test(name)
  );
}

/** A running watch over source folders. */
export interface SourceWatch {
  close(): Promise<void>;
}

/**
 * Watches folders (sheets, templates) with chokidar and reports, after a short quiet time, the files that
 * changed: in-place writes, write-then-rename (`atomic`), files added or removed, several at once. Resolves
 * once the first scan is done, so that every change made after it is seen.
 */
export async function watchSources(dirs: string[], onChange: (files: string[]) => void, options: { quietMs?: number; ignore?: string[] } = {}): Promise<SourceWatch> {
  const quietMs = options.quietMs ?? 80;
  const ignore = (options.ignore ?? []).map((d) => path.resolve(d));
  const watcher = watch(dirs, {
    ignoreInitial: true,
    atomic: true,
    ignored: (file) => {
      const abs = path.resolve(file);
      if (ignore.some((d) => abs === d || abs.startsWith(d + path.sep))) return true;
      // The watched roots themselves are never noise, whatever their name.
      return !dirs.some((d) => path.resolve(d) === abs) && isEditorNoise(abs);
    },
  });
  let changed = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    const files = [...changed];
    changed = new Set();
    if (files.length > 0) onChange(files);
  };
  watcher.on('all', (_event, file) => {
    changed.add(path.resolve(file));
    clearTimeout(timer);
    timer = setTimeout(flush, quietMs);
  });
  await new Promise<void>((resolve, reject) => {
    watcher.once('ready', () => resolve());
    watcher.once('error', reject);
  });
  // Later errors (a folder removed while being read) must not stop the preview: the next change rebuilds.
  watcher.on('error', () => undefined);
  return {
    async close() {
      clearTimeout(timer);
      await watcher.close();
    },
  };
}
