import type { Parent, Root } from 'mdast';
import type { Node, Point } from 'unist';
import type { VFile } from 'vfile';
import { location } from 'vfile-location';
import { visit } from 'unist-util-visit';

/** A piece of a fiche's source that Markdown left as plain text, and where it is. */
export interface TextMatch {
  match: RegExpMatchArray;
  /** Offset of the match in the file. */
  offset: number;
  position: { start: Point; end: Point };
}

/** Whether a child keeps its source as printed text: plain text, or an address GFM turned into a link as it is. */
function literal(node: Node, source: string): boolean {
  if (node.type === 'text') return true;
  if (node.type !== 'link' || node.position?.start.offset === undefined) return false;
  return !/^[[<]/.test(source.charAt(node.position.start.offset));
}

/**
 * Every match of `pattern` (global) in the source of the fiche's plain text — what Markdown did not read as markup
 * and will print as it is — in the order of the file. Within a paragraph, heading or cell, the text and the bare
 * addresses GFM made links of are searched together; code, parsed links, images and other markup are not searched.
 */
export function textMatches(tree: Root, file: VFile, pattern: RegExp): TextMatch[] {
  const source = String(file.value);
  const place = location(file);
  const found: TextMatch[] = [];
  visit(tree, (parent) => {
    const children = (parent as Parent).children;
    if (!children?.some((c) => c.type === 'text')) return;
    const from = children[0]!.position?.start.offset;
    const to = children[children.length - 1]!.position?.end.offset;
    if (from === undefined || to === undefined) return;
    // Everything but the literal text is blanked out with line breaks, which no pattern here crosses.
    const masked = Array.from({ length: to - from }, () => '\n');
    for (const child of children) {
      const start = child.position?.start.offset;
      const end = child.position?.end.offset;
      if (start === undefined || end === undefined || !literal(child, source)) continue;
      for (let i = start; i < end; i++) masked[i - from] = source[i]!;
    }
    for (const match of masked.join('').matchAll(pattern)) {
      const offset = from + match.index;
      found.push({ match, offset, position: { start: place.toPoint(offset)!, end: place.toPoint(offset + match[0].length)! } });
    }
  });
  return found.sort((a, b) => a.offset - b.offset);
}
