/** Structure element ids (Chromium's `node…`) renumbered in tree order, so that the same document gives the same bytes. */
import { PDFArray, PDFDict, PDFHexString, PDFName, PDFRef, PDFString, type PDFDocument, type PDFObject } from 'pdf-lib';
import { pdfName } from './objects.js';

const NODE_ID = /^node\d+$/;

/**
 * Whether a string may read as a `node…` id. A literal string without escapes or byte-order mark reads as it is
 * written (PDFDocEncoding is ASCII there): tested as written, without decoding it (most strings of a page are not ids).
 */
function mayBeId(value: PDFString | PDFHexString): boolean {
  if (value instanceof PDFHexString) return true;
  const raw = value.asString();
  return raw.includes('\\') || raw.startsWith('\xFE\xFF') || NODE_ID.test(raw);
}

/** Calls `visit` with every string inside `obj` (not through references) that may be a `node…` id (see mayBeId). */
function walkStrings(obj: PDFObject, visit: (value: string, replace: (next: PDFObject) => void) => void, seen: Set<PDFObject>): void {
  if (seen.has(obj)) return;
  seen.add(obj);
  if (obj instanceof PDFDict) {
    for (const [key, value] of obj.entries()) {
      if (value instanceof PDFString || value instanceof PDFHexString) {
        if (mayBeId(value)) visit(value.decodeText(), (next) => obj.set(key, next));
      } else walkStrings(value, visit, seen);
    }
  } else if (obj instanceof PDFArray) {
    for (let i = 0; i < obj.size(); i++) {
      const value = obj.get(i);
      if (value instanceof PDFString || value instanceof PDFHexString) {
        if (mayBeId(value)) visit(value.decodeText(), (next) => obj.set(i, next));
      } else walkStrings(value, visit, seen);
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
    const id = obj.lookup(pdfName('ID'));
    if (id instanceof PDFString || id instanceof PDFHexString) {
      const value = id.decodeText();
      if (NODE_ID.test(value)) order.push(value);
    }
    walk(obj.get(pdfName('K')));
  };
  walk(doc.catalog.get(pdfName('StructTreeRoot')));
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
  // Only the objects found holding an id are walked again: the others hold none to rename.
  const seen = new Set<PDFObject>();
  for (const [ref, obj] of objects) if (holders.has(ref.objectNumber)) walkStrings(obj, (value, replace) => rename.has(value) && replace(PDFString.of(rename.get(value)!)), seen);
  return { rename, objects: [...holders] };
}

