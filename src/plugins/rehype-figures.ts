import type { Element, Root } from 'hast';
import { h } from 'hastscript';
import { visit } from 'unist-util-visit';

/** Wraps an image alone in its paragraph into a figure; its Markdown title becomes the caption. */
export default function rehypeFigures() {
  return (tree: Root) => {
    visit(tree, 'element', (node, index, parent) => {
      if (node.tagName !== 'p' || !parent || index === undefined) return;
      const kids = node.children.filter((c) => !(c.type === 'text' && c.value.trim() === ''));
      if (kids.length !== 1 || kids[0]!.type !== 'element' || kids[0]!.tagName !== 'img') return;
      const img = kids[0] as Element;
      const caption = typeof img.properties.title === 'string' ? img.properties.title : undefined;
      delete img.properties.title;
      // role=group: Chromium tags it Div > Figure (the image, with its Alt) + Caption, not Figure > Figure.
      parent.children[index] = h('figure.figure', { role: 'group' }, [img, caption ? h('figcaption', caption) : null]);
    });
  };
}
