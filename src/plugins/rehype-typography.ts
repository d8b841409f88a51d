import type { Element, Root } from 'hast';
import { visitParents } from 'unist-util-visit-parents';
import { frenchTypography } from '../text/typography.js';

// Drawings set their own text (see design/svg.ts).
const SKIP = new Set(['code', 'pre', 'kbd', 'samp', 'script', 'style', 'svg']);

/** Applies French typography to every text node, never inside code or to URLs. */
export default function rehypeTypography() {
  return (tree: Root) => {
    visitParents(tree, 'text', (node, ancestors) => {
      if (ancestors.some((a) => a.type === 'element' && SKIP.has((a as Element).tagName))) return;
      node.value = frenchTypography(node.value);
    });
  };
}
