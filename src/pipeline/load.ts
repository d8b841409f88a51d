import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { UsageError, type Diagnostic } from '../errors.js';
import type { KitSource, SourceFile } from '../model.js';

/** File names a fiche may have: two digits, a dash, a lowercase slug. */
export const FICHE_FILE = /^(\d{2})-([a-z0-9]+(?:-[a-z0-9]+)*)\.md$/;

function displayPath(absPath: string): string {
  const rel = path.relative(process.cwd(), absPath);
  return rel.startsWith('..') ? absPath : rel;
}

async function readSource(absPath: string): Promise<SourceFile> {
  return { path: displayPath(absPath), absPath, text: await readFile(absPath, 'utf8') };
}

/** Lists the kits present in the sheets folder (sub-folders holding a kit.yml). */
export async function listKits(sheetsDir: string): Promise<string[]> {
  const entries = await readdir(sheetsDir, { withFileTypes: true });
  const kits: string[] = [];
  for (const e of entries) {
    if (!e.isDirectory()) continue;
    const files = await readdir(path.join(sheetsDir, e.name));
    if (files.includes('kit.yml')) kits.push(e.name);
  }
  return kits.sort();
}

/** Reads a kit's kit.yml and its fiche files; misnamed Markdown files become diagnostics. */
export async function loadKit(sheetsDir: string, id: string): Promise<{ source: KitSource; diagnostics: Diagnostic[] }> {
  const dir = path.resolve(sheetsDir, id);
  const names = (await readdir(dir)).sort();
  const diagnostics: Diagnostic[] = [];
  const sheets: SourceFile[] = [];
  for (const name of names) {
    if (!name.endsWith('.md')) continue;
    if (!FICHE_FILE.test(name)) {
      diagnostics.push({
        file: displayPath(path.join(dir, name)),
        line: 1,
        column: 1,
        severity: 'erreur',
        message: `nom de fichier « ${name} » inattendu : « NN-nom-court.md » est attendu (ex. « 07-commande-publique.md »)`,
        rule: 'nom-de-fichier',
      });
      continue;
    }
    sheets.push(await readSource(path.join(dir, name)));
  }
  const config = await readSource(path.join(dir, 'kit.yml'));
  return { source: { id, dir, config, sheets }, diagnostics };
}

/** Resolves the kits a command targets: the one named, or all of them. */
export async function selectKits(sheetsDir: string, requested?: string[]): Promise<string[]> {
  const available = await listKits(sheetsDir).catch(() => [] as string[]);
  if (!requested || requested.length === 0) {
    if (available.length === 0) throw new UsageError(`aucun kit dans ${sheetsDir} : un dossier contenant kit.yml est attendu`);
    return available;
  }
  for (const id of requested) {
    if (!available.includes(id)) {
      throw new UsageError(`kit « ${id} » inconnu : ${available.length ? available.map((k) => `« ${k} »`).join(', ') : 'aucun kit'} attendu`);
    }
  }
  return requested;
}
