import type { Root } from 'mdast';
import type { Point } from 'unist';
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

/**
 * Every match of `pattern` (global) in the source of the fiche's text nodes — what Markdown did not read as markup
 * and will print as it is — in the order of the file. Code spans and blocks are not text nodes, so not searched.
 */
export function textMatches(tree: Root, file: VFile, pattern: RegExp): TextMatch[] {
  const source = String(file.value);
  const place = location(file);
  const found: TextMatch[] = [];
  visit(tree, 'text', (node) => {
    const from = node.position?.start.offset;
    const to = node.position?.end.offset;
    if (from === undefined || to === undefined) return;
    for (const match of source.slice(from, to).matchAll(pattern)) {
      const offset = from + match.index;
      found.push({ match, offset, position: { start: place.toPoint(offset)!, end: place.toPoint(offset + match[0].length)! } });
    }
  });
  return found.sort((a, b) => a.offset - b.offset);
}
