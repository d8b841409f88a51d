import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { UsageError, type Diagnostic } from '../errors.js';
import type { KitSource, SourceFile } from '../model.js';
import { decodeSource } from '../text/encoding.js';

/** File names a fiche may have: two digits, a dash, a lowercase slug. */
export const FICHE_FILE = /^(\d{2})-([a-z0-9]+(?:-[a-z0-9]+)*)\.md$/;

/** The number a fiche's file name gives it (`06-commande-publique.md`, or its path: 6); NaN for a name without one. */
export function fileNumber(file: string): number {
  return Number(path.basename(file).slice(0, 2));
}

function displayPath(absPath: string): string {
  const rel = path.relative(process.cwd(), absPath);
  return rel.startsWith('..') ? absPath : rel;
}

/** Reads a source as UTF-8; a file that is not UTF-8 gives an error at its first stray byte, saying how to fix it. */
async function readSource(absPath: string, diagnostics: Diagnostic[]): Promise<SourceFile> {
  const { text, bad } = decodeSource(await readFile(absPath));
  const file: SourceFile = { path: displayPath(absPath), absPath, text };
  if (bad) {
    const hex = bad.byte.toString(16).toUpperCase().padStart(2, '0');
    const more = bad.count > 1 ? ` (et ${bad.count - 1} autre${bad.count > 2 ? 's' : ''} plus loin)` : '';
    diagnostics.push({
      file: file.path,
      line: bad.line,
      column: bad.column,
      severity: 'erreur',
      message:
        `fichier non enregistré en UTF-8 : le « ${bad.char} » de « ${bad.word} » est l'octet 0x${hex} de Latin-1${more}, UTF-8 est attendu ; ` +
        'enregistrez le fichier en UTF-8 (Bloc-notes : Enregistrer sous, Encodage « UTF-8 » ; LibreOffice : Jeu de caractères « Unicode (UTF-8) ») ' +
        'ou lancez « kitess check --convertir-utf8 »',
      rule: 'encodage',
    });
  }
  return file;
}

/** A file of a kit's folder that looks meant as a fiche but is left out, and why. */
export interface StrayFile {
  /** Path shown in messages. */
  file: string;
  /** Why it is left out and what is expected, in French. */
  reason: string;
}

const IGNORED = /^(kit\.yml|\..*|.*~|.*\.(svg|png|jpe?g|webp|gif))$/i;
const TEXT_EXTENSIONS = /\.(md|markdown|mdown|mkdn?|txt|text)$/i;
const OFFICE_EXTENSIONS = /\.(docx?|odt|rtf|pages)$/i;

/** Why a file of a kit's folder that is not `NN-nom.md` would be taken for a fiche, or nothing if it would not. */
function strayReason(name: string): string | undefined {
  if (IGNORED.test(name) || FICHE_FILE.test(name)) return undefined;
  const ext = path.extname(name);
  const base = name.slice(0, name.length - ext.length).replace(/\.md$/i, '');
  const wanted = `${base.toLowerCase()}.md`;
  const rename = FICHE_FILE.test(wanted) ? ` (renommez-le « ${wanted} »)` : ' (« NN-nom-court.md » est attendu)';
  // A wrongly named `.md` file is a fiche with a bad name: the error `nom-de-fichier` says so.
  if (ext === '.md') return undefined;
  if (/^\.md$/i.test(ext)) return `extension « ${ext} », « .md » en minuscules est attendu${rename}`;
  if (TEXT_EXTENSIONS.test(name)) return `extension « ${ext} », une fiche est un fichier « .md »${rename}`;
  if (OFFICE_EXTENSIONS.test(name)) return `document « ${ext} », une fiche est un fichier texte « .md » (copiez son texte dans « ${FICHE_FILE.test(wanted) ? wanted : 'NN-nom-court.md'} »)`;
  return undefined;
}

/** The files of a kit's folder that look like fiches but are not read as such (`24-logement.MD`, `.txt`, `.docx`). */
export async function strayFiles(kitDir: string): Promise<StrayFile[]> {
  const names = (await readdir(kitDir)).sort();
  const stray: StrayFile[] = [];
  for (const name of names) {
    const reason = strayReason(name);
    if (reason && (await stat(path.join(kitDir, name))).isFile()) stray.push({ file: displayPath(path.join(kitDir, name)), reason });
  }
  return stray;
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
  for (const stray of await strayFiles(dir)) {
    diagnostics.push({ file: stray.file, line: 1, column: 1, severity: 'avertissement', message: `fichier « ${path.basename(stray.file)} » laissé de côté : ${stray.reason}`, rule: 'fichier-ignore' });
  }
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
    sheets.push(await readSource(path.join(dir, name), diagnostics));
  }
  const config = await readSource(path.join(dir, 'kit.yml'), diagnostics);
  return { source: { id, dir, config, sheets }, diagnostics };
}

/** Resolves the kits a command targets: the one named, or all of them. */
export async function selectKits(sheetsDir: string, requested?: string[]): Promise<string[]> {
  const folder = await stat(sheetsDir).catch(() => undefined);
  if (!folder) throw new UsageError(`dossier des kits « ${displayPath(sheetsDir)} » introuvable : un dossier contenant un sous-dossier par kit est attendu (option --sheets)`);
  if (!folder.isDirectory()) throw new UsageError(`« ${displayPath(sheetsDir)} » n'est pas un dossier : le dossier des kits est attendu (option --sheets)`);
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
