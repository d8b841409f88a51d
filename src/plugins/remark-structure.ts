import type { Root } from 'mdast';
import type { VFile } from 'vfile';
import { visit } from 'unist-util-visit';
import { diagnose } from './diagnose.js';

/**
 * Checks the outline and links of a fiche body: no `#` title, no skipped heading level, no text indented into code,
 * https links — except links to a source the frontmatter marks `http-seulement: oui` (`file.data.httpOnly`).
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
