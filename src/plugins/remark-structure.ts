import { readdirSync } from 'node:fs';
import path from 'node:path';
import type { Root } from 'mdast';
import type { VFile } from 'vfile';
import { visit } from 'unist-util-visit';
import { FICHE_FILE, fileNumber } from '../pipeline/load.js';
import { diagnose } from './diagnose.js';

/** An address with a scheme (`https:`, `mailto:`…): anything else is a path to a file, dead once printed. */
const SCHEME = /^[a-z][a-z0-9+.-]*:/i;

/** The fiche files of the kit's folder, by their number (the one their name gives). */
function ficheFiles(kitDir: string): Map<number, string> {
  let names: string[] = [];
  try {
    names = readdirSync(kitDir);
  } catch {
    // A fiche parsed from text alone (tests) has no folder: no fiche file to name.
  }
  return new Map(names.filter((n) => FICHE_FILE.test(n)).map((n) => [fileNumber(n), n]));
}

/**
 * Why a link without a scheme (`09-foncier.md`, `guide.pdf`) is wrong, and what is expected instead: a PDF or a
 * web page cannot follow it. A link to a fiche's file becomes `:fiche[N]`, N from the file's name.
 */
function fileLinkMessage(url: string, kitDir: string): string {
  const target = url.split(/[?#]/)[0]!;
  const name = path.posix.basename(target);
  // Only a file beside the fiche (`09-foncier.md`, `./09-foncier.md`) is taken for one of the kit's fiches.
  const beside = path.posix.normalize(path.posix.dirname(target)) === '.';
  let decoded = name;
  try {
    decoded = decodeURIComponent(name);
  } catch {
    // A lone « % » is not an escape: keep the name as written.
  }
  const files = ficheFiles(kitDir);
  const fiche = beside ? FICHE_FILE.exec(decoded) : null;
  const refSyntax = 'un renvoi « :fiche[N] » est attendu, N le numéro de la fiche';
  if (fiche) {
    const number = Number(fiche[1]);
    if (files.get(number) === decoded) {
      return `lien « ${url} » vers le fichier d'une fiche, mort dans le livret et les PDF : le renvoi « :fiche[${number}] » est attendu (il donne le titre de la fiche ${number} et le lien vers sa page)`;
    }
    const same = files.get(number);
    const hint = same ? ` ; la fiche ${number} du kit est « ${same} », son renvoi « :fiche[${number}] »` : '';
    return `lien « ${url} » vers un fichier introuvable, aucune fiche « ${decoded} » dans le kit : pour renvoyer à une fiche, ${refSyntax}${hint}`;
  }
  return `lien « ${url} » vers un fichier, mort dans le livret et les PDF : une adresse web complète en https:// est attendue, ou, pour renvoyer à une fiche, ${refSyntax}`;
}

/**
 * Checks the outline and links of a fiche body: no `#` title, no skipped heading level, no text indented into code,
 * no link to a file (`09-foncier.md`: `:fiche[9]` is the cross-reference), https links — except links to a source the frontmatter marks `http-seulement: oui` (`file.data.httpOnly`).
 */
export default function remarkStructure() {
  return (tree: Root, file: VFile) => {
    // Reference-style links (`[site][s]` with `[s]: http://…`) are checked at the link, with their definition's address.
    const definitions = new Map<string, string>();
    visit(tree, 'definition', (node) => {
      if (!definitions.has(node.identifier)) definitions.set(node.identifier, node.url);
    });
    let previous = 1;
    visit(tree, (node) => {
      if (node.type === 'heading') {
        if (node.depth === 1) {
          diagnose(file, node, "titre de niveau « # » dans le corps : le titre vient de l'en-tête, le corps commence au niveau « ## »", 'titre-niveau-1');
        } else if (node.depth > previous + 1) {
          const want = '#'.repeat(previous + 1);
          diagnose(file, node, `niveau de titre sauté : « ${'#'.repeat(node.depth)} » après « ${'#'.repeat(previous)} », « ${want} » est attendu`, 'titre-saute');
        }
        previous = node.depth;
      }
      const url = node.type === 'link' ? node.url : node.type === 'linkReference' ? definitions.get(node.identifier) : undefined;
      if (url !== undefined && /^www\./i.test(url)) {
        diagnose(file, node, `lien « ${url} » incomplet : l’adresse « https://${url} » est attendue`, 'lien-incomplet');
      } else if (url !== undefined && url !== '' && !SCHEME.test(url) && !url.startsWith('#')) {
        diagnose(file, node, fileLinkMessage(url, path.dirname(file.path)), 'lien-fichier');
      } else if (url !== undefined && !/^https:\/\//.test(url) && !url.startsWith('#') && !url.startsWith('mailto:') && !file.data.httpOnly?.includes(url)) {
        diagnose(file, node, `lien « ${url} » non sécurisé : une adresse en https:// est attendue`, 'lien-non-https', 'avertissement');
      }
      if (node.type === 'code' && !/^[ \t]*(```|~~~)/.test(String(file.value).slice(node.position?.start.offset ?? 0))) {
        const tab = /^\t/.test(String(file.value).split('\n')[(node.position?.start.line ?? 1) - 1] ?? '');
        diagnose(file, node, `texte indenté (${tab ? 'tabulation' : 'quatre espaces'} en début de ligne) imprimé comme du code, en police à chasse fixe : un paragraphe qui commence en début de ligne est attendu`, 'texte-indente');
      }
      if (node.type === 'html') {
        diagnose(file, node, 'HTML brut ignoré : utilisez la syntaxe Markdown ou un encadré', 'html-brut');
      }
    });
  };
}

declare module 'vfile' {
  interface DataMap {
    /** Source addresses the fiche accepts without https (`http-seulement: oui`). */
    httpOnly: string[];
  }
}
