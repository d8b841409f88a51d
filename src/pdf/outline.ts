/** A PDF's bookmarks: read back (with the page each opens) and written. */
import { PDFArray, PDFDict, PDFHexString, PDFName, PDFNumber, PDFRef, PDFString, type PDFDocument, type PDFObject } from 'pdf-lib';
import { hexText } from './objects.js';

/** One bookmark: a title, the page it opens (0-based) and its children. */
export interface OutlineNode {
  title: string;
  pageIndex: number;
  children?: OutlineNode[];
}

/** A bookmark read back from a PDF, flattened with its depth. */
export interface OutlineEntry {
  title: string;
  pageIndex: number;
  depth: number;
}

function decodeText(obj: PDFObject | undefined): string {
  if (obj instanceof PDFHexString || obj instanceof PDFString) return obj.decodeText();
  return '';
}

function destinationPage(doc: PDFDocument, item: PDFDict): number {
  const pages = doc.getPages().map((p) => p.ref);
  let dest: PDFObject | undefined = item.lookup(PDFName.of('Dest'));
  if (!dest) {
    const action = item.lookup(PDFName.of('A'));
    if (action instanceof PDFDict) dest = action.lookup(PDFName.of('D'));
  }
  if (dest instanceof PDFName || dest instanceof PDFString || dest instanceof PDFHexString) {
    const key = dest instanceof PDFName ? dest.decodeText() : dest.decodeText();
    dest = lookupNamedDest(doc, key);
  }
  if (dest instanceof PDFDict) dest = dest.lookup(PDFName.of('D'));
  if (dest instanceof PDFArray) {
    const target = dest.get(0);
    if (target instanceof PDFRef) return pages.findIndex((ref) => ref.objectNumber === target.objectNumber);
  }
  return -1;
}

function lookupNamedDest(doc: PDFDocument, key: string): PDFObject | undefined {
  const catalog = doc.catalog;
  const dests = catalog.lookup(PDFName.of('Dests'));
  if (dests instanceof PDFDict) return dests.lookup(PDFName.of(key));
  const names = catalog.lookup(PDFName.of('Names'));
  const tree = names instanceof PDFDict ? names.lookup(PDFName.of('Dests')) : undefined;
  const search = (node: PDFObject | undefined): PDFObject | undefined => {
    if (!(node instanceof PDFDict)) return undefined;
    const leaf = node.lookup(PDFName.of('Names'));
    if (leaf instanceof PDFArray) {
      for (let i = 0; i < leaf.size(); i += 2) if (decodeText(leaf.lookup(i)) === key) return leaf.lookup(i + 1);
    }
    const kids = node.lookup(PDFName.of('Kids'));
    if (kids instanceof PDFArray) {
      for (let i = 0; i < kids.size(); i++) {
        const found = search(kids.lookup(i));
        if (found) return found;
      }
    }
    return undefined;
  };
  return search(tree);
}

/**
 * Renames a PDF's bookmarks in document order: `retitle` gets each title and returns a new one, or undefined to keep
 * it. Returns the references of the bookmarks changed (a writer that rewrites only changed objects needs them).
 */
export function retitleOutline(doc: PDFDocument, retitle: (title: string) => string | undefined): PDFRef[] {
  const changed: PDFRef[] = [];
  eachBookmark(doc, (item, ref) => {
    const title = retitle(decodeText(item.lookup(PDFName.of('Title'))));
    if (title === undefined) return;
    item.set(PDFName.of('Title'), hexText(title));
    if (ref) changed.push(ref);
  });
  return changed;
}

/** Visits a PDF's bookmarks in document order: each one's dictionary, its reference (if it has one) and depth. */
function eachBookmark(doc: PDFDocument, visit: (item: PDFDict, ref: PDFRef | undefined, depth: number) => void): void {
  const walk = (first: PDFObject | undefined, depth: number) => {
    let at = first;
    while (at) {
      const item = at instanceof PDFRef ? doc.context.lookup(at) : at;
      if (!(item instanceof PDFDict)) return;
      visit(item, at instanceof PDFRef ? at : undefined, depth);
      walk(item.get(PDFName.of('First')), depth + 1);
      at = item.get(PDFName.of('Next'));
    }
  };
  const root = doc.catalog.lookup(PDFName.of('Outlines'));
  if (root instanceof PDFDict) walk(root.get(PDFName.of('First')), 0);
}

/**
 * A heading's text as compared with the bookmark Chromium made of it: without spaces (Chromium drops the space
 * where a heading wraps) nor soft hyphens.
 */
export function withoutSpaces(text: string): string {
  return text.replace(/[\u00AD\s\u00A0\u202F\u2009]+/g, '');
}

/** Reads a PDF's bookmarks in document order, with the page each one opens. */
export function readOutline(doc: PDFDocument): OutlineEntry[] {
  const entries: OutlineEntry[] = [];
  eachBookmark(doc, (item, _ref, depth) => entries.push({ title: decodeText(item.lookup(PDFName.of('Title'))), pageIndex: destinationPage(doc, item), depth }));
  return entries;
}

/** Replaces the PDF's bookmarks by the given tree, every entry opening its page at full view. */
export function writeOutline(doc: PDFDocument, nodes: OutlineNode[]): void {
  const ctx = doc.context;
  const pages = doc.getPages();
  const rootRef = ctx.nextRef();
  const build = (list: OutlineNode[], parent: PDFRef): { first?: PDFRef; last?: PDFRef; count: number } => {
    const refs = list.map(() => ctx.nextRef());
    let count = 0;
    list.forEach((node, i) => {
      const dict = ctx.obj({}) as PDFDict;
      dict.set(PDFName.of('Title'), hexText(node.title));
      dict.set(PDFName.of('Parent'), parent);
      if (i > 0) dict.set(PDFName.of('Prev'), refs[i - 1]!);
      if (i < list.length - 1) dict.set(PDFName.of('Next'), refs[i + 1]!);
      const page = pages[Math.max(0, Math.min(pages.length - 1, node.pageIndex))]!;
      dict.set(PDFName.of('Dest'), ctx.obj([page.ref, PDFName.of('Fit')]));
      const kids = build(node.children ?? [], refs[i]!);
      if (kids.first) {
        dict.set(PDFName.of('First'), kids.first);
        dict.set(PDFName.of('Last'), kids.last!);
        dict.set(PDFName.of('Count'), PDFNumber.of(kids.count));
      }
      count += 1 + kids.count;
      ctx.assign(refs[i]!, dict);
    });
    return { first: refs[0], last: refs[refs.length - 1], count };
  };
  const top = build(nodes, rootRef);
  const root = ctx.obj({ Type: 'Outlines' }) as PDFDict;
  if (top.first) {
    root.set(PDFName.of('First'), top.first);
    root.set(PDFName.of('Last'), top.last!);
    root.set(PDFName.of('Count'), PDFNumber.of(top.count));
  }
  ctx.assign(rootRef, root);
  doc.catalog.set(PDFName.of('Outlines'), rootRef);
  doc.catalog.set(PDFName.of('PageMode'), PDFName.of('UseOutlines'));
}

