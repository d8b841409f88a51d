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

const UTF8 = new TextDecoder('utf-8', { fatal: true });
const UTF8_LENIENT = new TextDecoder('utf-8');

/**
 * Reads a source as UTF-8. A byte-order mark (Windows Notepad writes one) is dropped; bytes that are not UTF-8
 * (a file saved in Windows-1252 or Latin-1) give an `encodage` error at the first one, never a silent « � ».
 */
async function readSource(absPath: string): Promise<{ source: SourceFile; diagnostics: Diagnostic[] }> {
  let bytes = await readFile(absPath);
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
  const source = { path: displayPath(absPath), absPath, text: '' };
  try {
    source.text = UTF8.decode(bytes);
    return { source, diagnostics: [] };
  } catch {
    source.text = UTF8_LENIENT.decode(bytes);
    const at = source.text.indexOf('\uFFFD');
    const before = source.text.slice(0, at).split('\n');
    // The first byte that is not UTF-8: where the decoded text first shows U+FFFD.
    const offset = Buffer.byteLength(source.text.slice(0, at), 'utf8');
    const byte = bytes[offset]!.toString(16).toUpperCase().padStart(2, '0');
    return {
      source,
      diagnostics: [
        {
          file: source.path,
          line: before.length,
          column: before[before.length - 1]!.length + 1,
          severity: 'erreur',
          message: `octet 0x${byte} illisible en UTF-8 (fichier enregistré en Windows-1252 ou Latin-1 ?) : un fichier en UTF-8 est attendu, à choisir à l'enregistrement dans l'éditeur`,
          rule: 'encodage',
        },
      ],
    };
  }
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
    const read = await readSource(path.join(dir, name));
    diagnostics.push(...read.diagnostics);
    sheets.push(read.source);
  }
  const config = await readSource(path.join(dir, 'kit.yml'));
  diagnostics.push(...config.diagnostics);
  return { source: { id, dir, config: config.source, sheets }, diagnostics };
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
