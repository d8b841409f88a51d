/** Structure element ids (Chromium's `node…`) renumbered in tree order, so that the same document gives the same bytes. */
import { PDFArray, PDFDict, PDFHexString, PDFRef, PDFString, type PDFDocument, type PDFObject } from 'pdf-lib';
import { pdfName } from './objects.js';

const NODE_ID = /^node\d+$/;
const HEX_HEAD = /^[0-9a-f]{20}/i;
/** The first bytes of « node » in hexadecimal: PDFDocEncoding, UTF-16BE and UTF-16LE with their byte-order marks. */
const HEX_NODE = ['6e6f6465', 'feff006e006f00640065', 'fffe6e006f0064006500'];

/**
 * The structure id (`node…`) a PDF string holds, or undefined; decodes the string only when it may be one. A literal
 * string's first character is its first byte unless it is an escape, and only « n » decodes to « n » (PDFDocEncoding
 * keeps ASCII; UTF-16 starts with a byte-order mark); a hexadecimal one may be an id only if its first bytes spell
 * « node » in one of the three encodings.
 */
export function nodeIdOf(value: PDFString | PDFHexString): string | undefined {
  const raw = value.asString();
  if (value instanceof PDFString) {
    const first = raw[0];
    if (first !== 'n' && first !== '\\' && first !== '\u00FE' && first !== '\u00FF') return undefined;
    if (first === 'n' && !raw.includes('\\')) return NODE_ID.test(raw) ? raw : undefined;
  } else if (HEX_HEAD.test(raw)) {
    const head = raw.slice(0, 20).toLowerCase();
    if (!HEX_NODE.some((node) => head.startsWith(node))) return undefined;
  }
  const text = value.decodeText();
  return NODE_ID.test(text) ? text : undefined;
}

/** Calls `visit` on every structure id held in `obj` (not through references), with a way to replace it. */
function walkStrings(obj: PDFObject, visit: (value: string, replace: (next: PDFObject) => void) => void, seen: Set<PDFObject>): void {
  if (!(obj instanceof PDFDict || obj instanceof PDFArray) || seen.has(obj)) return;
  seen.add(obj);
  if (obj instanceof PDFDict) {
    for (const [key, value] of obj.entries()) {
      if (value instanceof PDFString || value instanceof PDFHexString) {
        const id = nodeIdOf(value);
        if (id !== undefined) visit(id, (next) => obj.set(key, next));
      } else walkStrings(value, visit, seen);
    }
  } else if (obj instanceof PDFArray) {
    for (let i = 0; i < obj.size(); i++) {
      const value = obj.get(i);
      if (value instanceof PDFString || value instanceof PDFHexString) {
        const id = nodeIdOf(value);
        if (id !== undefined) visit(id, (next) => obj.set(i, next));
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
    const value = id instanceof PDFString || id instanceof PDFHexString ? nodeIdOf(id) : undefined;
    if (value !== undefined) order.push(value);
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
  for (const [ref, obj] of objects) walkStrings(obj, (value) => (ids.add(value), holders.add(ref.objectNumber)), collect);
  const inTree = idsInTreeOrder(doc).filter((id) => ids.has(id));
  const rest = [...ids].filter((id) => !inTree.includes(id)).sort((a, b) => Number(a.slice(4)) - Number(b.slice(4)));
  const rename = new Map([...new Set([...inTree, ...rest])].map((id, i) => [id, `node${String(i + 1).padStart(id.length - 4, '0')}`]));
  // Only the objects found holding an id are walked again: the others hold none to rename.
  const seen = new Set<PDFObject>();
  for (const [ref, obj] of objects) if (holders.has(ref.objectNumber)) walkStrings(obj, (value, replace) => rename.has(value) && replace(PDFString.of(rename.get(value)!)), seen);
  return { rename, objects: [...holders] };
}

