import type { Element, ElementContent, Root } from 'hast';
import { h } from 'hastscript';
import { toString } from 'hast-util-to-string';
import { visit } from 'unist-util-visit';
import { textWidth } from '../design/fonts.js';

function hasClass(node: Element, name: string): boolean {
  const cls = node.properties.className;
  return Array.isArray(cls) && cls.includes(name);
}

/** Width (points) above which a figure is set smaller so that it does not break over lines at full size. */
const WIDE = 130;
const FULL_SIZE = 21;

/**
 * Splits one key figure (« **1 417** sociétés … (2024) ») into its value — the first bold run, with at most a
 * short lead-in such as « Environ » — and its label; undefined when the item does not start that way.
 */
function splitFigure(li: Element): { value: ElementContent[]; label: ElementContent[]; wide: boolean } | undefined {
  const only = li.children.filter((c) => !(c.type === 'text' && c.value.trim() === ''));
  const inline = only.length === 1 && only[0]!.type === 'element' && only[0]!.tagName === 'p' ? only[0]!.children : li.children;
  const index = inline.findIndex((c) => c.type === 'element' && c.tagName === 'strong');
  if (index < 0) return undefined;
  const lead = inline.slice(0, index);
  const leadText = lead.map((c) => (c.type === 'text' ? c.value : '\u0000')).join('');
  if (leadText.includes('\u0000') || /[,;:.()]/.test(leadText) || leadText.trim().split(/\s+/).filter(Boolean).length > 3) return undefined;
  // The year of the data ends the figure, in parentheses: « (2024) », « (données 2023) », « (en vigueur) ».
  if (!/\((?:[^()]*\b(?:19|20)\d{2}\b[^()]*|en vigueur)\)[\s.;]*$/.test(toString({ type: 'root', children: inline }))) return undefined;
  const strong = inline[index] as Element;
  const rest = structuredClone(inline.slice(index + 1));
  const first = rest[0];
  if (first?.type === 'text') first.value = first.value.replace(/^\s+/, '');
  const value: ElementContent[] = [...(leadText.trim() ? [{ type: 'text' as const, value: `${leadText.trim()} ` }] : []), strong];
  return { value, label: rest, wide: textWidth(toString(strong), FULL_SIZE, 700) > WIDE };
}

/**
 * Sets the figures of the `chiffres-cles` boxes large: when every item of a list starts with its number in bold
 * and ends with the year of its data in parentheses, each becomes the number, big, over its label, and the list a
 * row of figures. The text and its order do not change (a screen reader or a search reads « 1 417 sociétés
 * coopératives… (2024) » as written); a list written otherwise keeps its ordinary layout.
 */
export default function rehypeKeyFigures() {
  return (tree: Root) => {
    visit(tree, 'element', (box) => {
      if (box.tagName !== 'aside' || !hasClass(box, 'box-chiffres-cles')) return;
      for (const list of box.children) {
        if (list.type !== 'element' || (list.tagName !== 'ul' && list.tagName !== 'ol')) continue;
        const items = list.children.filter((c): c is Element => c.type === 'element' && c.tagName === 'li');
        const figures = items.map(splitFigure);
        // All or nothing: a list where one item is a sentence keeps its ordinary layout.
        if (items.length === 0 || figures.some((f) => !f)) continue;
        items.forEach((li, i) => {
          const figure = figures[i]!;
          li.properties.className = ['key-figure'];
          li.children = [
            h(`span.key-figure-value${figure.wide ? '.key-figure-wide' : ''}`, figure.value),
            { type: 'text', value: ' ' },
            h('span.key-figure-label', figure.label),
          ];
        });
        list.properties.className = ['key-figures', `key-figures-${Math.min(items.length, 6)}`];
      }
    });
  };
}
