import type { Root } from 'hast';
import type { VFile } from 'vfile';
import { visit } from 'unist-util-visit';

/** Prefixes every id and in-page link of a fiche with `f<N>-`, so fiches can share one booklet. */
export default function rehypeScopeIds() {
  return (tree: Root, file: VFile) => {
    const prefix = `f${file.data.ficheNumber ?? 0}-`;
    visit(tree, 'element', (node) => {
      const p = node.properties;
      if (typeof p.id === 'string') p.id = prefix + p.id;
      if (typeof p.href === 'string' && p.href.startsWith('#')) p.href = `#${prefix}${p.href.slice(1)}`;
      if (Array.isArray(p.ariaDescribedBy)) p.ariaDescribedBy = p.ariaDescribedBy.map((v) => prefix + String(v));
    });
  };
}

declare module 'vfile' {
  interface DataMap {
    ficheNumber: number;
  }
}
