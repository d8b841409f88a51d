import type { Root } from 'mdast';
import { toString } from 'mdast-util-to-string';
import type { VFile } from 'vfile';
import { visit } from 'unist-util-visit';
import type { FicheRef } from '../model.js';
import { diagnose } from './diagnose.js';

/** Turns `:fiche[N]` into a link placeholder the render stage fills; records each reference with its place. */
export default function remarkFicheRefs() {
  return (tree: Root, file: VFile) => {
    const refs: FicheRef[] = [];
    visit(tree, 'textDirective', (node) => {
      if (node.name !== 'fiche') return;
      const label = toString(node).trim();
      const start = node.position?.start ?? { line: 1, column: 1 };
      if (!/^\d{1,2}$/.test(label)) {
        diagnose(file, node, `renvoi « :fiche[${label}] » illisible : un numéro de fiche est attendu, ex. « :fiche[12] »`, 'renvoi-illisible');
        return;
      }
      const number = Number(label);
      if (number === file.data.ficheNumber) {
        diagnose(file, node, `renvoi « :fiche[${label}] » vers la fiche elle-même : un renvoi vers une autre fiche du kit est attendu`, 'renvoi-vers-soi', 'avertissement');
      }
      refs.push({ number, line: start.line, column: start.column });
      node.children = [];
      node.data = { hName: 'a', hProperties: { className: ['fiche-ref'], dataFiche: number } };
    });
    file.data.ficheRefs = refs;
  };
}

declare module 'vfile' {
  interface DataMap {
    ficheRefs: FicheRef[];
  }
}
