import type { Root } from 'mdast';
import type { VFile } from 'vfile';
import { visit } from 'unist-util-visit';
import type { Place } from '../model.js';

/**
 * Turns `::schema-competences` into a placeholder the render stage fills with the kit's competences diagram
 * (drawn from competences.yml, which the fiche does not see); records where the fiche asks for it.
 */
export default function remarkDiagrams() {
  return (tree: Root, file: VFile) => {
    const places: Place[] = [];
    visit(tree, 'leafDirective', (node) => {
      if (node.name !== 'schema-competences') return;
      const start = node.position?.start ?? { line: 1, column: 1 };
      places.push({ line: start.line, column: start.column });
      node.children = [];
      node.data = { hName: 'div', hProperties: { className: ['schema-competences'] } };
    });
    file.data.diagrams = places;
  };
}

declare module 'vfile' {
  interface DataMap {
    diagrams: Place[];
  }
}
