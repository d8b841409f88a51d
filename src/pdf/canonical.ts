import { PDFArray, PDFDict, PDFHexString, PDFName, PDFRef, PDFString, type PDFDocument, type PDFObject } from 'pdf-lib';
import { pdfName } from './objects.js';

const K = pdfName('K');
const S = pdfName('S');
const TYPE = pdfName('Type');

/** Whether a dictionary is a structure element (not a marked-content or object reference). */
function isElement(dict: PDFDict): boolean {
  const type = dict.get(TYPE);
  return dict.has(S) && (!(type instanceof PDFName) || type.asString() === '/StructElem');
}

/** The structure elements stored as indirect objects, in the order a reader meets them (depth first). */
function elementsInTreeOrder(doc: PDFDocument): PDFRef[] {
  const order: PDFRef[] = [];
  const seen = new Set<number>();
  const walk = (obj: PDFObject | undefined) => {
    if (obj instanceof PDFArray) {
      for (let i = 0; i < obj.size(); i++) walk(obj.get(i));
      return;
    }
    const ref = obj instanceof PDFRef ? obj : undefined;
    const dict = ref ? doc.context.lookup(ref) : obj;
    if (!(dict instanceof PDFDict) || !isElement(dict)) return;
    if (ref) {
      if (seen.has(ref.objectNumber)) return;
      seen.add(ref.objectNumber);
      order.push(ref);
    }
    walk(dict.get(K));
  };
  const root = doc.catalog.lookup(pdfName('StructTreeRoot'));
  if (root instanceof PDFDict) walk(root.get(K));
  return order;
}

/** Replaces, in every dictionary and array reachable inside `obj` (not through references), the references `map` names. */
function replaceRefs(obj: PDFObject, map: Map<number, PDFRef>): boolean {
  let changed = false;
  if (obj instanceof PDFDict) {
    for (const [key, value] of obj.entries()) {
      if (value instanceof PDFRef && map.has(value.objectNumber)) {
        obj.set(key, map.get(value.objectNumber)!);
        changed = true;
      } else if (value instanceof PDFDict || value instanceof PDFArray) changed = replaceRefs(value, map) || changed;
    }
  } else if (obj instanceof PDFArray) {
    for (let i = 0; i < obj.size(); i++) {
      const value = obj.get(i);
      if (value instanceof PDFRef && map.has(value.objectNumber)) {
        obj.set(i, map.get(value.objectNumber)!);
        changed = true;
      } else if (value instanceof PDFDict || value instanceof PDFArray) changed = replaceRefs(value, map) || changed;
    }
  }
  return changed;
}

/** Sorts the leaves of a name tree by key, as a name tree must be, and sets their /Limits; touches what it changes. */
function sortNameTree(doc: PDFDocument, held: PDFObject | undefined, touch: (ref: PDFRef) => void, holder: PDFRef): void {
  const node = held instanceof PDFRef ? doc.context.lookup(held) : held;
  if (!(node instanceof PDFDict)) return;
  const at = held instanceof PDFRef ? held : holder;
  const kids = node.lookup(pdfName('Kids'));
  if (kids instanceof PDFArray) for (let i = 0; i < kids.size(); i++) sortNameTree(doc, kids.get(i), touch, at);
  const names = node.lookup(pdfName('Names'));
  if (!(names instanceof PDFArray) || names.size() < 2) return;
  const pairs: [string, PDFObject, PDFObject][] = [];
  for (let i = 0; i + 1 < names.size(); i += 2) {
    const key = names.get(i);
    pairs.push([key instanceof PDFString || key instanceof PDFHexString ? key.decodeText() : '', key, names.get(i + 1)]);
  }
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  pairs.forEach(([, key, value], i) => {
    names.set(2 * i, key);
    names.set(2 * i + 1, value);
  });
  if (node.has(pdfName('Limits'))) node.set(pdfName('Limits'), doc.context.obj([pairs[0]![1], pairs[pairs.length - 1]![1]]));
  touch(at);
}

/** Sorts the structure tree's IDTree by id (again after its ids were renamed: see ids.ts). */
export function sortIdTree(doc: PDFDocument, touch: (ref: PDFRef) => void): void {
  const rootRef = doc.catalog.get(pdfName('StructTreeRoot'));
  const root = doc.catalog.lookup(pdfName('StructTreeRoot'));
  if (root instanceof PDFDict && rootRef instanceof PDFRef) sortNameTree(doc, root.get(pdfName('IDTree')), touch, rootRef);
}

/**
 * Chromium does not always give the same object numbers to the same structure elements (table headers, whose
 * ids it keeps in a hash map, come out in either order): gives the elements their numbers in the order of the
 * tree, and sorts the IDTree, so that the same document gives the same bytes. Calls `touch` on every object it
 * changes.
 */
export function canonicalStructureNumbers(doc: PDFDocument, touch: (ref: PDFRef) => void): void {
  const ctx = doc.context;
  sortIdTree(doc, touch);
  const order = elementsInTreeOrder(doc);
  const numbers = order.map((r) => r.objectNumber).sort((a, b) => a - b);
  const map = new Map<number, PDFRef>();
  order.forEach((ref, i) => {
    if (ref.objectNumber !== numbers[i]) map.set(ref.objectNumber, PDFRef.of(numbers[i]!, 0));
  });
  if (map.size === 0) return;
  const objects = new Map(order.map((ref) => [ref.objectNumber, ctx.lookup(ref)!]));
  for (const [from, to] of map) ctx.assign(to, objects.get(from)!);
  for (const [ref, obj] of ctx.enumerateIndirectObjects()) if (replaceRefs(obj, map)) touch(ref);
  for (const to of map.values()) touch(to);
}
