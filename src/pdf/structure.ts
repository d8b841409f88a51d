/** The structure tree of a tagged PDF (ISO 32000-1, 14.7): its elements, their kids, the parent tree. */
import { PDFArray, PDFDict, PDFNumber, PDFRef, type PDFContext, type PDFDocument, type PDFObject } from 'pdf-lib';
import { get, getDict, nameOf, pdfName } from './objects.js';

/** One kid of a structure element. */
export type Kid =
  | { type: 'elem'; ref: PDFRef | undefined; dict: PDFDict }
  | { type: 'mcid'; mcid: number; page: PDFRef | undefined; stream?: PDFRef }
  | { type: 'objr'; obj: PDFRef | undefined; page: PDFRef | undefined };

/** A structure element, with the reference it is stored under. */
export interface Elem {
  ref: PDFRef | undefined;
  dict: PDFDict;
}

/** The structure type of an element, as written (before role mapping). */
export function typeOf(dict: PDFDict): string {
  return nameOf(dict.get(pdfName('S'))) ?? '';
}

/** The page an element's MCIDs belong to by default. */
function pageOf(dict: PDFDict): PDFRef | undefined {
  const pg = dict.get(pdfName('Pg'));
  return pg instanceof PDFRef ? pg : undefined;
}

/** The kids of an element (or of the tree root), in order. */
export function kidsOf(dict: PDFDict): Kid[] {
  const ctx = dict.context;
  const raw = dict.get(pdfName('K'));
  const list = raw instanceof PDFArray ? raw.asArray() : raw === undefined ? [] : [raw];
  const page = pageOf(dict);
  const kids: Kid[] = [];
  for (const item of list) {
    if (item instanceof PDFNumber) {
      kids.push({ type: 'mcid', mcid: item.asNumber(), page });
      continue;
    }
    const value = item instanceof PDFRef ? ctx.lookup(item) : item;
    if (!(value instanceof PDFDict)) continue;
    const t = nameOf(value.get(pdfName('Type')));
    if (t === 'MCR') {
      const mcid = value.lookup(pdfName('MCID'));
      const pg = value.get(pdfName('Pg'));
      const stm = value.get(pdfName('Stm'));
      kids.push({ type: 'mcid', mcid: mcid instanceof PDFNumber ? mcid.asNumber() : -1, page: pg instanceof PDFRef ? pg : page, ...(stm instanceof PDFRef ? { stream: stm } : {}) });
    } else if (t === 'OBJR') {
      const obj = value.get(pdfName('Obj'));
      const pg = value.get(pdfName('Pg'));
      kids.push({ type: 'objr', obj: obj instanceof PDFRef ? obj : undefined, page: pg instanceof PDFRef ? pg : page });
    } else kids.push({ type: 'elem', ref: item instanceof PDFRef ? item : undefined, dict: value });
  }
  return kids;
}

/** Every structure element under the root, depth first in document order, with its parent. */
export function elements(root: PDFDict): { elem: Elem; parent: Elem | undefined; depth: number }[] {
  const out: { elem: Elem; parent: Elem | undefined; depth: number }[] = [];
  const seen = new Set<PDFDict>();
  const visit = (dict: PDFDict, parent: Elem | undefined, depth: number) => {
    for (const kid of kidsOf(dict)) {
      if (kid.type !== 'elem' || seen.has(kid.dict)) continue;
      seen.add(kid.dict);
      const elem = { ref: kid.ref, dict: kid.dict };
      out.push({ elem, parent, depth });
      visit(kid.dict, elem, depth + 1);
    }
  };
  visit(root, undefined, 0);
  return out;
}

/** Reads a number tree (Nums, Kids) into a map. */
export function readNumberTree(node: PDFDict | undefined): Map<number, PDFObject> {
  const map = new Map<number, PDFObject>();
  const visit = (n: PDFDict | undefined, depth: number) => {
    if (!n || depth > 32) return;
    const nums = get(n, 'Nums');
    if (nums instanceof PDFArray) {
      for (let i = 0; i + 1 < nums.size(); i += 2) {
        const key = nums.get(i);
        if (key instanceof PDFNumber) map.set(key.asNumber(), nums.get(i + 1));
      }
    }
    const kids = get(n, 'Kids');
    if (kids instanceof PDFArray) for (let i = 0; i < kids.size(); i++) visit(kids.lookup(i) as PDFDict, depth + 1);
  };
  visit(node, 0);
  return map;
}

/** The structure tree root and its parent tree, read once. */
export interface Tree {
  root: PDFDict;
  rootRef: PDFRef | undefined;
  /** StructParents / StructParent key → MCID-indexed array of parents (pages, forms) or one parent (annotations). */
  parents: Map<number, PDFObject>;
  parentTreeRef: PDFRef | undefined;
}

/** The document's structure tree, or undefined when it has none. */
export function readTree(doc: PDFDocument): Tree | undefined {
  const raw = doc.catalog.get(pdfName('StructTreeRoot'));
  const root = raw instanceof PDFRef ? doc.context.lookup(raw) : raw;
  if (!(root instanceof PDFDict)) return undefined;
  const ptRaw = root.get(pdfName('ParentTree'));
  return {
    root,
    rootRef: raw instanceof PDFRef ? raw : undefined,
    parents: readNumberTree(getDict(root, 'ParentTree')),
    parentTreeRef: ptRaw instanceof PDFRef ? ptRaw : undefined,
  };
}

/** Writes a parent tree back as one flat Nums array; returns the object to store. */
export function writeNumberTree(ctx: PDFContext, map: Map<number, PDFObject>): PDFDict {
  const nums = ctx.obj([]) as PDFArray;
  for (const key of [...map.keys()].sort((a, b) => a - b)) {
    nums.push(PDFNumber.of(key));
    nums.push(map.get(key)!);
  }
  const dict = ctx.obj({}) as PDFDict;
  dict.set(pdfName('Nums'), nums);
  return dict;
}

/** The PDF 1.7 standard structure types (ISO 32000-1, 14.8.4), which PDF/UA-1 knows without a RoleMap. */
export const STANDARD_TYPES = new Set([
  'Document', 'Part', 'Art', 'Sect', 'Div', 'BlockQuote', 'Caption', 'TOC', 'TOCI', 'Index', 'NonStruct', 'Private',
  'P', 'H', 'H1', 'H2', 'H3', 'H4', 'H5', 'H6', 'L', 'LI', 'Lbl', 'LBody', 'Table', 'TR', 'TH', 'TD', 'THead', 'TBody', 'TFoot',
  'Span', 'Quote', 'Note', 'Reference', 'BibEntry', 'Code', 'Link', 'Annot', 'Ruby', 'RB', 'RT', 'RP', 'Warichu', 'WT', 'WP',
  'Figure', 'Formula', 'Form',
]);

/** The standard type an element's type maps to through the RoleMap (itself when standard; undefined when unmapped or circular). */
export function standardType(type: string, roleMap: PDFDict | undefined): string | undefined {
  const seen = new Set<string>();
  let t = type;
  while (!STANDARD_TYPES.has(t)) {
    if (seen.has(t)) return undefined;
    seen.add(t);
    const next = nameOf(roleMap?.lookup(pdfName(t)));
    if (!next) return undefined;
    t = next;
  }
  return t;
}
