import type { Element, ElementContent, Root, Text } from 'hast';
import { visitParents } from 'unist-util-visit-parents';

/**
 * The bundled fonts have no glyph for the narrow no-break space (U+202F), and Chromium would fall back to a
 * system font for it. Each run of text glued by U+202F is printed as an unbreakable span where the narrow
 * space becomes a thin space (U+2009), which the fonts have.
 */
export default function rehypeNowrapSpaces() {
  return (tree: Root) => {
    const edits: { parent: Element | Root; node: Text }[] = [];
    visitParents(tree, 'text', (node, ancestors) => {
      if (!node.value.includes('\u202F')) return;
      if (ancestors.some((a) => a.type === 'element' && ['head', 'style', 'title', 'script', 'svg'].includes(a.tagName))) return;
      edits.push({ parent: ancestors[ancestors.length - 1] as Element | Root, node });
    });
    for (const { parent, node } of edits) {
      const parts: ElementContent[] = [];
      let last = 0;
      for (const m of node.value.matchAll(/[^\s\u202F]*(?:\u202F[^\s\u202F]*)+/g)) {
        if (m.index! > last) parts.push({ type: 'text', value: node.value.slice(last, m.index) });
        parts.push({
          type: 'element',
          tagName: 'span',
          properties: { className: ['nowrap'] },
          children: [{ type: 'text', value: m[0].replace(/\u202F/g, '\u2009') }],
        });
        last = m.index! + m[0].length;
      }
      if (last < node.value.length) parts.push({ type: 'text', value: node.value.slice(last) });
      const index = parent.children.indexOf(node);
      parent.children.splice(index, 1, ...parts);
    }
  };
}
