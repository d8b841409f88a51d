import type { Element, Root } from 'hast';
import { visitParents } from 'unist-util-visit-parents';
import { hyphenateFrench } from '../text/hyphenation.js';

const BODY = new Set(['p', 'li', 'td', 'dd', 'blockquote']);
const NEVER = new Set(['a', 'code', 'pre', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'th', 'figcaption']);
const TITLE_CLASSES = ['box-kicker', 'box-title'];

function isTitle(el: Element): boolean {
  const cls = el.properties.className;
  return Array.isArray(cls) && cls.some((c) => TITLE_CLASSES.includes(String(c)));
}

/** Inserts French soft hyphens into body text only: not titles, links, code or figures. */
export default function rehypeHyphenate() {
  return (tree: Root) => {
    visitParents(tree, 'text', (node, ancestors) => {
      const elements = ancestors.filter((a): a is Element => a.type === 'element');
      if (!elements.some((e) => BODY.has(e.tagName))) return;
      if (elements.some((e) => NEVER.has(e.tagName) || isTitle(e))) return;
      node.value = hyphenateFrench(node.value);
    });
  };
}
