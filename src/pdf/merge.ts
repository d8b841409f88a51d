/**
 * One tagged PDF made of the pages of others (a booklet from its fiches' printed bodies and its own pages): their
 * pages in any order, and one structure tree holding theirs — each source's elements re-rooted under one Document
 * element in the order given, its parent tree keys moved past the previous sources' (pages, forms and annotations
 * renumbered alike), its RoleMap and IDTree merged, its structure ids kept apart. Each source is copied with one
 * pdf-lib copier, so that the structure's page references (/Pg) and annotation references (OBJR) land on the
 * copied pages and annotations.
 */
import { PDFArray, PDFDict, PDFHexString, PDFName, PDFNumber, PDFPage, PDFPageLeaf, PDFRef, PDFStream, PDFString, type PDFContext, type PDFDocument, type PDFObject } from 'pdf-lib';
import { getDict } from './objects.js';
import { readNumberTree, writeNumberTree } from './structure.js';
import { nodeIdOf } from './ids.js';

/** A page of the merged document: a source's page, or a blank page of the given size. */
export type PageSlot = { source: number; index: number } | { blank: [number, number] };

/** A top-level structure element of a source (a kid of its Document element), and the first page it marks content on. */
export interface TopElement {
  ref: PDFRef;
  /** 0-based page of its source, or -1 when it marks none. */
  page: number;
}

const P = PDFName.of('P');
const K = PDFName.of('K');
const PG = PDFName.of('Pg');
const STRUCT_PARENTS = PDFName.of('StructParents');
const STRUCT_PARENT = PDFName.of('StructParent');

/**
 * Moves a source's objects into the target document, as pdf-lib's PDFObjectCopier copies them — the same objects
 * reached in the same order, so the same new object numbers and the same bytes — but without cloning them: each
 * dictionary, array and stream is taken as it is, its references renumbered in place, and numbers, names and strings
 * are shared. The source is spent: a merge reads each of its pages once and drops it after.
 */
class Mover {
  private readonly refs = new Map<PDFRef, PDFRef>();
  private readonly moved = new Set<PDFObject>();

  constructor(
    private readonly src: PDFContext,
    private readonly dest: PDFContext,
  ) {}

  copy(obj: PDFObject): PDFObject {
    if (obj instanceof PDFRef) return this.ref(obj);
    if (obj instanceof PDFPageLeaf) return this.page(obj);
    if (obj instanceof PDFDict) return this.dict(obj);
    if (obj instanceof PDFArray) return this.array(obj);
    if (obj instanceof PDFStream) {
      if (!this.moved.has(obj)) {
        this.moved.add(obj);
        this.dict(obj.dict);
      }
      return obj;
    }
    return obj;
  }

  private ref(ref: PDFRef): PDFRef {
    let to = this.refs.get(ref);
    if (!to) {
      to = this.dest.nextRef();
      this.refs.set(ref, to);
      const value = this.src.lookup(ref);
      if (value) this.dest.assign(to, this.copy(value));
    }
    return to;
  }

  /** A page: what it inherits from its page tree set on it, its parent dropped (as the copier does on its clone). */
  private page(leaf: PDFPageLeaf): PDFPageLeaf {
    if (this.moved.has(leaf)) throw new Error('merge: a source page is used twice');
    for (const key of PDFPageLeaf.InheritableEntries) {
      const name = PDFName.of(key);
      const value = leaf.getInheritableAttribute(name);
      if (!leaf.get(name) && value) leaf.set(name, value);
    }
    leaf.delete(PDFName.of('Parent'));
    return this.dict(leaf) as PDFPageLeaf;
  }

  private dict(dict: PDFDict): PDFDict {
    if (this.moved.has(dict)) return dict;
    this.moved.add(dict);
    (dict as unknown as { context: PDFContext }).context = this.dest;
    for (const [key, value] of dict.entries()) {
      if (value instanceof PDFRef || value instanceof PDFDict || value instanceof PDFArray || value instanceof PDFStream) {
        const next = this.copy(value);
        if (next !== value) dict.set(key, next);
      }
    }
    return dict;
  }

  private array(array: PDFArray): PDFArray {
    if (this.moved.has(array)) return array;
    this.moved.add(array);
    (array as unknown as { context: PDFContext }).context = this.dest;
    for (let i = 0, n = array.size(); i < n; i++) {
      const value = array.get(i);
      if (value instanceof PDFRef || value instanceof PDFDict || value instanceof PDFArray || value instanceof PDFStream) {
        const next = this.copy(value);
        if (next !== value) array.set(i, next);
      }
    }
    return array;
  }
}

/** The Document element of a source's structure tree (the root's only kid), or undefined. */
function documentElement(doc: PDFDocument): PDFDict | undefined {
  const root = doc.catalog.lookup(PDFName.of('StructTreeRoot'));
  if (!(root instanceof PDFDict)) return undefined;
  const k = root.get(K);
  const first = k instanceof PDFArray ? k.get(0) : k;
  const elem = first instanceof PDFRef ? doc.context.lookup(first) : first;
  return elem instanceof PDFDict ? elem : undefined;
}

/** The first page an element marks content on: its own /Pg, else its kids' in order. */
function firstPage(doc: PDFDocument, obj: PDFObject | undefined, pages: Map<number, number>, depth = 0): number {
  if (depth > 64) return -1;
  const dict = obj instanceof PDFRef ? doc.context.lookup(obj) : obj;
  if (dict instanceof PDFArray) {
    for (let i = 0; i < dict.size(); i++) {
      const found = firstPage(doc, dict.get(i), pages, depth + 1);
      if (found >= 0) return found;
    }
    return -1;
  }
  if (!(dict instanceof PDFDict)) return -1;
  const pg = dict.get(PG);
  const kids = dict.get(K);
  const hasContent = kids instanceof PDFNumber || (kids instanceof PDFArray && kids.asArray().some((k) => k instanceof PDFNumber));
  if (pg instanceof PDFRef && hasContent) return pages.get(pg.objectNumber) ?? -1;
  const inKids = kids === undefined ? -1 : firstPage(doc, kids, pages, depth + 1);
  if (inKids >= 0) return inKids;
  return pg instanceof PDFRef ? (pages.get(pg.objectNumber) ?? -1) : -1;
}

/** The kids of a source's Document element, each with the first page it marks content on. */
export function topElements(doc: PDFDocument): TopElement[] {
  const document = documentElement(doc);
  if (!document) return [];
  const pages = new Map(doc.getPages().map((p, i) => [p.ref.objectNumber, i]));
  const k = document.get(K);
  const kids = k instanceof PDFArray ? k.asArray() : k ? [k] : [];
  return kids.filter((kid): kid is PDFRef => kid instanceof PDFRef).map((ref) => ({ ref, page: firstPage(doc, ref, pages) }));
}

/** Structure ids (Chromium's `node…`) of a source, renamed so that no two sources share one. */
function renameIds(doc: PDFDocument, source: number): void {
  const seen = new Set<PDFObject>();
  const rename = (id: string) => `node${source + 1}${id.slice(4).padStart(7, '0')}`;
  const walk = (obj: PDFObject | undefined) => {
    if (obj instanceof PDFRef) obj = doc.context.lookup(obj);
    if (!obj || seen.has(obj)) return;
    seen.add(obj);
    if (obj instanceof PDFDict) {
      for (const [key, value] of obj.entries()) {
        if (key === P || key === PG) continue;
        if (value instanceof PDFString || value instanceof PDFHexString) {
          const id = nodeIdOf(value);
          if (id !== undefined) obj.set(key, PDFString.of(rename(id)));
        } else walk(value);
      }
    } else if (obj instanceof PDFArray) {
      for (let i = 0; i < obj.size(); i++) {
        const value = obj.get(i);
        if (value instanceof PDFString || value instanceof PDFHexString) {
          const id = nodeIdOf(value);
          if (id !== undefined) obj.set(i, PDFString.of(rename(id)));
        } else walk(value);
      }
    }
  };
  const root = doc.catalog.lookup(PDFName.of('StructTreeRoot'));
  if (!(root instanceof PDFDict)) return;
  walk(root.get(K));
  walk(root.get(PDFName.of('IDTree')));
}

/** The [key, value] pairs of a name tree, leaves in order. */
function nameTreePairs(doc: PDFDocument, node: PDFObject | undefined, out: [PDFObject, PDFObject][] = [], depth = 0): [PDFObject, PDFObject][] {
  const dict = node instanceof PDFRef ? doc.context.lookup(node) : node;
  if (!(dict instanceof PDFDict) || depth > 32) return out;
  const names = dict.lookup(PDFName.of('Names'));
  if (names instanceof PDFArray) for (let i = 0; i + 1 < names.size(); i += 2) out.push([names.get(i), names.get(i + 1)]);
  const kids = dict.lookup(PDFName.of('Kids'));
  if (kids instanceof PDFArray) for (let i = 0; i < kids.size(); i++) nameTreePairs(doc, kids.get(i), out, depth + 1);
  return out;
}

/** What a merge made: the merged pages in order, and where each source page landed. */
export interface Merged {
  pages: PDFPage[];
  /** Index in the merged document of a source's page. */
  at(source: number, index: number): number;
}

/**
 * Builds `target` (a new, empty document) from the sources: pages in the order of `slots`; one structure tree
 * whose Document element holds, in order, the top elements `kids` lists (each source's, see topElements).
 */
export function mergeTagged(target: PDFDocument, sources: PDFDocument[], slots: PageSlot[], kids: { source: number; ref: PDFRef }[]): Merged {
  const ctx = target.context;
  const copiers = sources.map((src) => new Mover(src.context, ctx));
  // The top elements are detached from their Document (their /P), so that copying them stops there.
  const documents = sources.map(documentElement);
  sources.forEach((src, s) => {
    renameIds(src, s);
    for (const top of topElements(src)) (src.context.lookup(top.ref) as PDFDict).delete(P);
  });

  // Parent tree keys: each source's moved past the previous ones'.
  const trees = sources.map((src) => {
    const root = src.catalog.lookup(PDFName.of('StructTreeRoot'));
    return root instanceof PDFDict ? readNumberTree(getDict(root, 'ParentTree')) : new Map<number, PDFObject>();
  });
  const offsets: number[] = [];
  let next = 0;
  for (const tree of trees) {
    offsets.push(next);
    next += tree.size ? Math.max(...tree.keys()) + 1 : 0;
  }

  // Pages.
  const landed = new Map<string, number>();
  const pages: PDFPage[] = [];
  const renumbered = new Set<PDFObject>();
  const shift = (dict: PDFDict, key: PDFName, offset: number) => {
    if (renumbered.has(dict)) return;
    renumbered.add(dict);
    const n = dict.get(key);
    if (n instanceof PDFNumber) dict.set(key, PDFNumber.of(n.asNumber() + offset));
  };
  for (const slot of slots) {
    if ('blank' in slot) {
      pages.push(target.addPage(slot.blank));
      continue;
    }
    const srcPage = sources[slot.source]!.getPage(slot.index);
    const ref = copiers[slot.source]!.copy(srcPage.ref) as PDFRef;
    const node = ctx.lookup(ref) as PDFDict;
    const page = PDFPage.of(node as never, ref, target);
    target.addPage(page);
    pages.push(page);
    landed.set(`${slot.source}:${slot.index}`, pages.length - 1);
    const offset = offsets[slot.source]!;
    shift(node, STRUCT_PARENTS, offset);
    const annots = node.lookup(PDFName.of('Annots'));
    if (annots instanceof PDFArray) {
      for (let i = 0; i < annots.size(); i++) {
        const a = annots.lookup(i);
        if (a instanceof PDFDict) shift(a, STRUCT_PARENT, offset);
      }
    }
    const forms = (resources: PDFDict | undefined, depth: number) => {
      if (depth > 8) return;
      for (const [, value] of getDict(resources, 'XObject')?.entries() ?? []) {
        const xo = value instanceof PDFRef ? ctx.lookup(value) : value;
        if (!(xo instanceof PDFStream) || renumbered.has(xo.dict)) continue;
        shift(xo.dict, STRUCT_PARENTS, offset);
        forms(getDict(xo.dict, 'Resources'), depth + 1);
      }
    };
    forms(getDict(node, 'Resources'), 0);
  }

  // Structure tree.
  const rootRef = ctx.nextRef();
  const documentRef = ctx.nextRef();
  const topRefs = kids.map(({ source, ref }) => {
    const copied = copiers[source]!.copy(ref) as PDFRef;
    (ctx.lookup(copied) as PDFDict).set(P, documentRef);
    return copied;
  });
  const parents = new Map<number, PDFObject>();
  trees.forEach((tree, s) => {
    for (const [key, value] of tree) parents.set(key + offsets[s]!, copiers[s]!.copy(value));
  });
  const roleMap = ctx.obj({}) as PDFDict;
  const ids: [PDFObject, PDFObject][] = [];
  sources.forEach((src, s) => {
    const root = src.catalog.lookup(PDFName.of('StructTreeRoot'));
    if (!(root instanceof PDFDict)) return;
    for (const [key, value] of getDict(root, 'RoleMap')?.entries() ?? []) if (!roleMap.has(key)) roleMap.set(key, value);
    for (const [key, value] of nameTreePairs(src, root.get(PDFName.of('IDTree')))) ids.push([key, copiers[s]!.copy(value)]);
  });
  const document = ctx.obj({ Type: 'StructElem', S: 'Document' }) as PDFDict;
  document.set(P, rootRef);
  const lang = documents.find((d) => d?.get(PDFName.of('Lang')))?.get(PDFName.of('Lang'));
  if (lang) document.set(PDFName.of('Lang'), lang.clone());
  document.set(K, ctx.obj(topRefs));
  ctx.assign(documentRef, document);
  const root = ctx.obj({ Type: 'StructTreeRoot' }) as PDFDict;
  root.set(K, documentRef);
  root.set(PDFName.of('ParentTree'), ctx.register(writeNumberTree(ctx, parents)));
  root.set(PDFName.of('ParentTreeNextKey'), PDFNumber.of(next));
  if (roleMap.keys().length) root.set(PDFName.of('RoleMap'), roleMap);
  if (ids.length) {
    const sorted = ids.map(([k, v]) => [k instanceof PDFString || k instanceof PDFHexString ? k.decodeText() : '', k, v] as const).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    root.set(PDFName.of('IDTree'), ctx.register(ctx.obj({ Names: sorted.flatMap(([, k, v]) => [k, v]) })));
  }
  ctx.assign(rootRef, root);
  target.catalog.set(PDFName.of('StructTreeRoot'), rootRef);
  const markInfo = ctx.obj({}) as PDFDict;
  markInfo.set(PDFName.of('Marked'), ctx.obj(true));
  target.catalog.set(PDFName.of('MarkInfo'), markInfo);
  return { pages, at: (source, index) => landed.get(`${source}:${index}`) ?? -1 };
}
