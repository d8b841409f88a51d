import { PDFArray, PDFDict, PDFDocument, PDFHexString, PDFName, PDFNumber, PDFRef, PDFString, type PDFObject } from 'pdf-lib';
import { appendUpdate, classicXref, patchInPlace } from './incremental.js';

/** The document information every PDF carries. */
export interface PdfMeta {
  title: string;
  author: string;
  subject: string;
  keywords: string[];
  /** Creation and modification date: fixed, so that builds are reproducible. */
  date: Date;
  producer: string;
  /** BCP 47 language of the document; fr-FR when not given. */
  lang?: string;
}

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

/** Reads a PDF's bookmarks in document order, with the page each one opens. */
export function readOutline(doc: PDFDocument): OutlineEntry[] {
  const entries: OutlineEntry[] = [];
  const root = doc.catalog.lookup(PDFName.of('Outlines'));
  const walk = (first: PDFObject | undefined, depth: number) => {
    let item = first;
    while (item instanceof PDFDict) {
      entries.push({ title: decodeText(item.lookup(PDFName.of('Title'))), pageIndex: destinationPage(doc, item), depth });
      walk(item.lookup(PDFName.of('First')), depth + 1);
      item = item.lookup(PDFName.of('Next'));
    }
  };
  if (root instanceof PDFDict) walk(root.lookup(PDFName.of('First')), 0);
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
      dict.set(PDFName.of('Title'), PDFHexString.fromText(node.title));
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

const NODE_ID = /^node\d+$/;

function walkStrings(obj: PDFObject, visit: (value: string, replace: (next: PDFObject) => void) => void, seen: Set<PDFObject>): void {
  if (seen.has(obj)) return;
  seen.add(obj);
  if (obj instanceof PDFDict) {
    for (const [key, value] of obj.entries()) {
      if (value instanceof PDFString || value instanceof PDFHexString) visit(value.decodeText(), (next) => obj.set(key, next));
      else walkStrings(value, visit, seen);
    }
  } else if (obj instanceof PDFArray) {
    for (let i = 0; i < obj.size(); i++) {
      const value = obj.get(i);
      if (value instanceof PDFString || value instanceof PDFHexString) visit(value.decodeText(), (next) => obj.set(i, next));
      else walkStrings(value, visit, seen);
    }
  }
}

/** The `node…` ids of structure elements in the order a reader meets them: depth first through the structure tree. */
function idsInTreeOrder(doc: PDFDocument): string[] {
  const order: string[] = [];
  const seen = new Set<PDFObject>();
  const walk = (obj: PDFObject | undefined) => {
    if (obj instanceof PDFRef) obj = doc.context.lookup(obj);
    if (!obj || seen.has(obj)) return;
    seen.add(obj);
    if (obj instanceof PDFArray) {
      for (let i = 0; i < obj.size(); i++) walk(obj.get(i));
      return;
    }
    if (!(obj instanceof PDFDict)) return;
    const id = obj.lookup(PDFName.of('ID'));
    if (id instanceof PDFString || id instanceof PDFHexString) {
      const value = id.decodeText();
      if (NODE_ID.test(value)) order.push(value);
    }
    walk(obj.get(PDFName.of('K')));
  };
  walk(doc.catalog.get(PDFName.of('StructTreeRoot')));
  return order;
}

/**
 * Chromium names tagged elements after its DOM node ids (`node00000022`), which depend on every page the
 * renderer built before, and are not even always in the same relative order for the same document: renumbering
 * them in the order of the structure tree (then any left, in their own order) makes the same document give the
 * same bytes.
 */
export function stabiliseStructureIds(doc: PDFDocument): { rename: Map<string, string>; objects: number[] } {
  const objects = doc.context.enumerateIndirectObjects();
  const ids = new Set<string>();
  const holders = new Set<number>();
  const collect = new Set<PDFObject>();
  for (const [ref, obj] of objects) walkStrings(obj, (value) => NODE_ID.test(value) && (ids.add(value), holders.add(ref.objectNumber)), collect);
  const inTree = idsInTreeOrder(doc).filter((id) => ids.has(id));
  const rest = [...ids].filter((id) => !inTree.includes(id)).sort((a, b) => Number(a.slice(4)) - Number(b.slice(4)));
  const rename = new Map([...new Set([...inTree, ...rest])].map((id, i) => [id, `node${String(i + 1).padStart(id.length - 4, '0')}`]));
  const seen = new Set<PDFObject>();
  for (const [, obj] of objects) walkStrings(obj, (value, replace) => rename.has(value) && replace(PDFString.of(rename.get(value)!)), seen);
  return { rename, objects: [...holders] };
}

const loaded = new WeakMap<PDFDocument, { bytes: Uint8Array; largest: number; info?: number }>();

/** A date as PDF writes it, in UTC: `D:20260301000000+00'00'`. */
function pdfDateString(date: Date): string {
  return `D:${date.toISOString().replace(/[-:T]/g, '').slice(0, 14)}+00'00'`;
}

/** Loads printed bytes for post-processing, without touching their dates. */
export async function loadPdf(bytes: Uint8Array): Promise<PDFDocument> {
  const doc = await PDFDocument.load(bytes, { updateMetadata: false });
  const info = doc.context.trailerInfo.Info;
  loaded.set(doc, { bytes, largest: doc.context.largestObjectNumber, info: info instanceof PDFRef ? info.objectNumber : undefined });
  return doc;
}

/** Sets the document information (title, author, subject, keywords, language, fixed dates) and saves. */
export async function finishPdf(doc: PDFDocument, meta: PdfMeta): Promise<Uint8Array> {
  const ids = stabiliseStructureIds(doc);
  doc.setTitle(meta.title, { showInWindowTitleBar: true });
  doc.setAuthor(meta.author);
  doc.setSubject(meta.subject);
  doc.setKeywords(meta.keywords);
  doc.setCreator('kitess');
  doc.setProducer(meta.producer);
  doc.setCreationDate(meta.date);
  doc.setModificationDate(meta.date);
  doc.setLanguage('fr-FR');
  // Fast path: patch Chromium's bytes in place and append the new objects as an incremental update.
  // Chromium's own structure ids and dates stay in the first revision: they are overwritten there, at equal length.
  const origin = loaded.get(doc);
  const xref = origin && classicXref(origin.bytes);
  if (origin && xref) {
    const bytes = Uint8Array.from(origin.bytes);
    const renameIds = (body: string) => body.replace(/\((node\d+)\)/g, (all, id: string) => (ids.rename.get(id)?.length === id.length ? `(${ids.rename.get(id)})` : all));
    const fixDates = (body: string) => body.replace(/\(D:\d{14}([^)]*)\)/g, (all, zone: string) => (zone === "+00'00'" ? `(${pdfDateString(meta.date)})` : all));
    const info = origin.info;
    if (patchInPlace(bytes, xref.offsets, ids.objects, renameIds) && (info === undefined || patchInPlace(bytes, xref.offsets, [info], fixDates))) {
      const changed: PDFRef[] = [doc.context.trailerInfo.Root as PDFRef];
      if (doc.context.trailerInfo.Info instanceof PDFRef) changed.push(doc.context.trailerInfo.Info);
      for (const [ref] of doc.context.enumerateIndirectObjects()) if (ref.objectNumber > origin.largest) changed.push(ref);
      return appendUpdate(doc, bytes, xref.startxref, changed);
    }
  }
  return doc.save({ useObjectStreams: false });
}
