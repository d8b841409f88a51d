import type { Root } from 'mdast';
import type { VFile } from 'vfile';
import { visit } from 'unist-util-visit';
import { diagnose } from './diagnose.js';
import { textMatches } from './source-text.js';

/**
 * Finds Markdown that did not take and would print as it is: an image or a link whose address has spaces
 * (`![Carte](Carte des lieux.svg)`), a `**` never closed, a note call `[^1]` without its note; and a note
 * written but never called, which Markdown drops from the fiche.
 */
export default function remarkLiteralMarkup() {
  return (tree: Root, file: VFile) => {
    for (const { match, position } of textMatches(tree, file, /(!?)\[([^\]\n]*)\]\s*\(([^)\n]*)\)/g)) {
      const [written, bang, , target = ''] = match;
      const address = target.trim().replace(/\s+"[^"]*"?$/, '');
      const at = { type: 'text', position };
      const spaced = /\s/.test(address);
      if (bang) {
        const name = address.split('/').pop()!;
        const wanted = name.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/\s+/g, '-');
        const message = spaced
          ? `image « ${address} » non lue, nom de fichier avec des espaces : un nom sans espaces est attendu (renommez le fichier, ex. « ${wanted} », et écrivez « ![…](${wanted}) »)`
          : `image « ${written} » non lue, imprimée telle quelle : « ![texte alternatif](fichier.svg) » est attendu, sans espace entre « ] » et « ( »`;
        diagnose(file, at, message, 'image-illisible');
      } else {
        const message = spaced
          ? `lien « ${written} » non lu, adresse avec des espaces : une adresse sans espaces est attendue (remplacez chaque espace par « %20 »)`
          : `lien « ${written} » non lu, imprimé tel quel : « [texte](https://…) » est attendu, sans espace entre « ] » et « ( »`;
        diagnose(file, at, message, 'lien-illisible');
      }
    }
    for (const { position } of textMatches(tree, file, /\*\*/g)) {
      diagnose(file, { type: 'text', position }, '« ** » sans fermeture, imprimé tel quel : le gras s’écrit « **texte** », les deux « ** » dans le même paragraphe', 'gras-non-ferme', 'avertissement');
    }
    for (const { match, position } of textMatches(tree, file, /\[\^([^\]\s]+)\]/g)) {
      const call = `[^${match[1]}]`;
      diagnose(file, { type: 'text', position }, `appel de note « ${call} » sans note, imprimé tel quel : une ligne « ${call}: texte de la note » est attendue`, 'note-introuvable', 'avertissement');
    }
    const called = new Set<string>();
    visit(tree, 'footnoteReference', (node) => {
      called.add(node.identifier);
    });
    visit(tree, 'footnoteDefinition', (node) => {
      if (!called.has(node.identifier)) {
        const call = `[^${node.label ?? node.identifier}]`;
        diagnose(file, node, `note « ${call} » jamais appelée, donc pas imprimée : un appel « ${call} » est attendu dans le texte`, 'note-sans-appel', 'avertissement');
      }
    });
  };
}
