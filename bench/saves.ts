import { execFileSync } from 'node:child_process';
import { readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** A way of saving a file: given the file and how its text changes. */
export type Save = (file: string, change: (text: string) => string) => void;

/**
 * The ways editors and tools save a file, as the file system sees them (issue 15):
 * - in place: the file truncated and written again, same inode (VS Code, Notepad++, nano);
 * - write then rename: a temporary file beside it renamed over it (gedit, LibreOffice, git pull);
 * - `sed -i`: sed's own temporary file renamed over it;
 * - vim: a swap file, the `4913` probe, the file renamed to a `~` backup, written anew, the backup removed.
 */
export const SAVE_STYLES: Record<string, Save> = {
  'écriture sur place': (file, change) => writeFileSync(file, change(readFileSync(file, 'utf8'))),
  'écriture puis renommage': (file, change) => {
    const tmp = path.join(path.dirname(file), `.goutputstream-${Math.random().toString(36).slice(2, 8)}`);
    writeFileSync(tmp, change(readFileSync(file, 'utf8')));
    renameSync(tmp, file);
  },
  'sed -i': (file, change) => {
    const next = change(readFileSync(file, 'utf8'));
    const line = next.split('\n').find((l) => l.startsWith('Repère de test'))!;
    execFileSync('sed', ['-i', `s/^Repère de test : .*$/${line}/`, file]);
  },
  'vim (fichier d’échange)': (file, change) => {
    const dir = path.dirname(file);
    const swap = path.join(dir, `.${path.basename(file)}.swp`);
    writeFileSync(swap, 'b0VIM 9.1');
    const probe = path.join(dir, '4913');
    writeFileSync(probe, '');
    unlinkSync(probe);
    const next = change(readFileSync(file, 'utf8'));
    renameSync(file, `${file}~`);
    writeFileSync(file, next);
    unlinkSync(`${file}~`);
    unlinkSync(swap);
  },
};

/** Appends (or replaces) the paragraph « Repère de test : N » that the save tests change. */
export function setMarker(file: string, n: number, write: (file: string, text: string) => void): void {
  const text = readFileSync(file, 'utf8');
  write(file, /Repère de test : \d+/.test(text) ? text.replace(/Repère de test : \d+/, `Repère de test : ${n}`) : `${text.trimEnd()}\n\nRepère de test : ${n}\n`);
}
