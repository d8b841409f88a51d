import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Folder of the test fixtures. */
export const FIXTURES = path.resolve(import.meta.dirname, '../fixtures');

/** A fresh temporary folder. */
export function tempDir(prefix = 'kitess-test-'): string {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Copies a fixture's sheets folder into a temporary folder, so a test can change it. */
export function copySheets(fixture: string): string {
  const dir = tempDir();
  cpSync(path.join(FIXTURES, fixture, 'sheets'), path.join(dir, 'sheets'), { recursive: true });
  return path.join(dir, 'sheets');
}

/** Replaces text in a file of a copied fixture. */
export function edit(file: string, from: string | RegExp, to: string): void {
  const text = readFileSync(file, 'utf8');
  const next = text.replace(from, to);
  if (next === text) throw new Error(`edit: « ${String(from)} » not found in ${file}`);
  writeFileSync(file, next);
}
