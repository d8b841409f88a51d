/**
 * Repairs of Chromium's structure tree that PDF/UA-1 needs: a RoleMap for PDF 2.0 types, list items made of
 * Lbl and LBody, tables of contents as TOC/TOCI, decorative MCIDs taken out, link annotations described.
 * Every object changed is reported to `touch`, so the caller can write only those.
 */
import { PDFArray, PDFDict, PDFHexString, PDFNull, PDFNumber, PDFRef, PDFString, type PDFObject } from 'pdf-lib';
import { joinRuns, type TextRun } from './content-pass.js';
import { get, nameOf, pdfName } from './objects.js';
import { elements, kidsOf, typeOf, writeNumberTree, STANDARD_TYPES, type Elem, type Tree } from './structure.js';

/** What PDF/UA-1 readers should take Chromium's PDF 2.0 structure types for. */
export const ROLE_MAP: Record<string, string> = { Strong: 'Span', Em: 'Span', Aside: 'Sect', Title: 'H1', Sub: 'Span', FENote: 'Note', DocumentFragment: 'Part', Artifact: 'NonStruct' };

/** Text of the content each (StructParents key, MCID) shows. */
export type McidText = Map<number, Map<number, TextRun>>;

/** The changes the repairs make, and a way to record them. */
export interface TagContext {
  tree: Tree;
  touch: (ref: PDFRef | undefined) => void;
  /** StructParents key of a page or form, by its reference. */
  keyOf: (ref: PDFRef | undefined) => number | undefined;
  /** Set when the parent tree changed and must be written back. */
  parentsChanged: boolean;
}

function setParentEntry(tc: TagContext, key: number, mcid: number | undefined, value: PDFObject): void {
  const entry = tc.tree.parents.get(key);
  const ctx = tc.tree.root.context;
  if (mcid === undefined) {
    tc.tree.parents.set(key, value);
    tc.parentsChanged = true;
    return;
  }
  const array = entry instanceof PDFRef ? ctx.lookup(entry) : entry;
  if (!(array instanceof PDFArray)) return;
  while (array.size() <= mcid) array.push(PDFNull);
  array.set(mcid, value);
  if (entry instanceof PDFRef) tc.touch(entry);
  else tc.parentsChanged = true;
}

function setKids(tc: TagContext, elem: Elem, kids: PDFObject[]): void {
  const ctx = elem.dict.context;
  if (kids.length === 1) elem.dict.set(pdfName('K'), kids[0]!);
  else elem.dict.set(pdfName('K'), ctx.obj(kids));
  tc.touch(elem.ref);
}

function rawKids(dict: PDFDict): PDFObject[] {
  const k = dict.get(pdfName('K'));
  return k instanceof PDFArray ? k.asArray() : k === undefined ? [] : [k];
}

/** Takes MCIDs that became artifacts out of the tree: their parent entries become null, and their kids go. */
export function removeMcids(tc: TagContext, key: number, mcids: number[]): void {
  const entry = tc.tree.parents.get(key);
  const ctx = tc.tree.root.context;
  const array = entry instanceof PDFRef ? ctx.lookup(entry) : entry;
  if (!(array instanceof PDFArray)) return;
  for (const mcid of mcids) {
    const parentRef = array.get(mcid);
    const parent = parentRef instanceof PDFRef ? ctx.lookup(parentRef) : parentRef;
    setParentEntry(tc, key, mcid, PDFNull);
    if (!(parent instanceof PDFDict)) continue;
    const kept = rawKids(parent).filter((k) => {
      const v = k instanceof PDFRef ? ctx.lookup(k) : k;
      if (k instanceof PDFNumber) return k.asNumber() !== mcid;
      if (v instanceof PDFDict && nameOf(v.get(pdfName('Type'))) === 'MCR') return (v.lookup(pdfName('MCID')) as PDFNumber | undefined)?.asNumber() !== mcid;
      return true;
    });
    const elem = { ref: parentRef instanceof PDFRef ? parentRef : undefined, dict: parent };
    if (kept.length === 0) parent.delete(pdfName('K'));
    else setKids(tc, elem, kept);
    tc.touch(elem.ref);
  }
}

/** Adds a RoleMap entry for every non-standard type used in the tree. */
export function addRoleMap(tc: TagContext): void {
  const used = new Set(elements(tc.tree.root).map((e) => typeOf(e.elem.dict)));
  const ctx = tc.tree.root.context;
  let roleMap = get(tc.tree.root, 'RoleMap');
  for (const type of used) {
    if (STANDARD_TYPES.has(type)) continue;
    if (!(roleMap instanceof PDFDict)) {
      roleMap = ctx.obj({}) as PDFDict;
      tc.tree.root.set(pdfName('RoleMap'), roleMap);
    }
    if (!(roleMap as PDFDict).get(pdfName(type))) (roleMap as PDFDict).set(pdfName(type), pdfName(ROLE_MAP[type] ?? 'NonStruct'));
    tc.touch(tc.tree.rootRef);
  }
}

/** Re-parents kids of `from` into a new element of type `type` (an LBody, a Reference), placed where they were. */
function wrapKids(tc: TagContext, from: Elem, type: string, keep: (kid: PDFObject) => boolean): void {
  const ctx = from.dict.context;
  const kids = rawKids(from.dict);
  const moved = kids.filter((k) => !keep(k));
  if (moved.length === 0) return;
  const dict = ctx.obj({ Type: 'StructElem', S: type }) as PDFDict;
  dict.set(pdfName('P'), from.ref!);
  const pg = from.dict.get(pdfName('Pg'));
  if (pg) dict.set(pdfName('Pg'), pg);
  dict.set(pdfName('K'), moved.length === 1 ? moved[0]! : ctx.obj(moved));
  const ref = ctx.register(dict);
  const page = pg instanceof PDFRef ? pg : undefined;
  for (const k of moved) {
    const v = k instanceof PDFRef ? ctx.lookup(k) : k;
    if (k instanceof PDFNumber) {
      const key = tc.keyOf(page);
      if (key !== undefined) setParentEntry(tc, key, k.asNumber(), ref);
    } else if (v instanceof PDFDict) {
      const t = nameOf(v.get(pdfName('Type')));
      if (t === 'MCR') {
        const stm = v.get(pdfName('Stm'));
        const kpg = v.get(pdfName('Pg'));
        const key = tc.keyOf(stm instanceof PDFRef ? stm : kpg instanceof PDFRef ? kpg : page);
        const mcid = v.lookup(pdfName('MCID'));
        if (key !== undefined && mcid instanceof PDFNumber) setParentEntry(tc, key, mcid.asNumber(), ref);
      } else if (t === 'OBJR') {
        const obj = v.get(pdfName('Obj'));
        const annot = obj instanceof PDFRef ? ctx.lookup(obj) : undefined;
        const sp = annot instanceof PDFDict ? annot.lookup(pdfName('StructParent')) : undefined;
        if (sp instanceof PDFNumber) setParentEntry(tc, sp.asNumber(), undefined, ref);
      } else {
        v.set(pdfName('P'), ref);
        if (k instanceof PDFRef) tc.touch(k);
      }
    }
  }
  const firstMoved = kids.indexOf(moved[0]!);
  const kept = kids.filter(keep);
  kept.splice(Math.min(firstMoved, kept.length), 0, ref);
  setKids(tc, from, kept);
}

function isType(ctx: PDFDict['context'], obj: PDFObject, types: string[]): boolean {
  const v = obj instanceof PDFRef ? ctx.lookup(obj) : obj;
  return v instanceof PDFDict && types.includes(typeOf(v));
}

/** Whether an annotation goes somewhere in the same document (GoTo action or destination). */
function isInternalLink(annot: PDFObject | undefined, internal: ReadonlySet<string>): boolean {
  if (!(annot instanceof PDFDict)) return false;
  if (annot.get(pdfName('Dest'))) return true;
  const action = annot.lookup(pdfName('A'));
  if (!(action instanceof PDFDict)) return false;
  if (nameOf(action.get(pdfName('S'))) === 'GoTo') return true;
  const uri = action.lookup(pdfName('URI'));
  return (uri instanceof PDFString || uri instanceof PDFHexString) && internal.has(uri.decodeText());
}

/**
 * A list whose every item is one link to a place in this document, or to an address that will become one (a
 * booklet's own pages link to its fiches' addresses until they are assembled with them): a table of contents.
 */
function isTableOfContents(l: Elem, internal: ReadonlySet<string>): boolean {
  const ctx = l.dict.context;
  const items = kidsOf(l.dict);
  if (items.length === 0) return false;
  return items.every((item) => {
    if (item.type !== 'elem' || typeOf(item.dict) !== 'LI') return false;
    const content = kidsOf(item.dict).filter((k) => !(k.type === 'elem' && typeOf(k.dict) === 'Lbl'));
    if (content.length !== 1 || content[0]!.type !== 'elem' || typeOf(content[0]!.dict) !== 'Link') return false;
    const annots = kidsOf(content[0]!.dict).filter((k) => k.type === 'objr');
    return annots.length > 0 && annots.every((a) => a.type === 'objr' && a.obj && isInternalLink(ctx.lookup(a.obj), internal));
  });
}

/**
 * Lists: every LI holds Lbl and LBody only (09-005). A list of links into the document (the booklet's
 * sommaire) becomes a TOC of TOCI, each entry's link inside a Reference (09-006).
 */
export function repairLists(tc: TagContext, internal: ReadonlySet<string> = new Set()): { lists: number; tocs: number } {
  let lists = 0;
  let tocs = 0;
  const ctx = tc.tree.root.context;
  const all = elements(tc.tree.root);
  for (const { elem } of all) {
    if (typeOf(elem.dict) !== 'L' || !elem.ref) continue;
    const toc = isTableOfContents(elem, internal);
    if (toc) {
      elem.dict.set(pdfName('S'), pdfName('TOC'));
      elem.dict.delete(pdfName('A'));
      tc.touch(elem.ref);
      tocs++;
    }
    for (const item of kidsOf(elem.dict)) {
      if (item.type !== 'elem' || typeOf(item.dict) !== 'LI' || !item.ref) continue;
      const li = { ref: item.ref, dict: item.dict };
      if (toc) {
        li.dict.set(pdfName('S'), pdfName('TOCI'));
        tc.touch(li.ref);
        wrapKids(tc, li, 'Reference', (k) => isType(ctx, k, ['Lbl', 'Reference', 'NonStruct', 'P', 'TOC']));
      } else {
        wrapKids(tc, li, 'LBody', (k) => isType(ctx, k, ['Lbl', 'LBody']));
        lists++;
      }
    }
  }
  return { lists, tocs };
}

/**
 * A Figure that only groups other elements (an image and its caption) and has no text of its own is a
 * grouping, not an image: it becomes a Div, so that only the image needs its Alt (13-004).
 */
export function repairFigures(tc: TagContext): number {
  let count = 0;
  for (const { elem } of elements(tc.tree.root)) {
    if (typeOf(elem.dict) !== 'Figure' || elem.dict.get(pdfName('Alt')) || elem.dict.get(pdfName('ActualText'))) continue;
    const kids = kidsOf(elem.dict);
    if (kids.length === 0 || !kids.every((k) => k.type === 'elem')) continue;
    elem.dict.set(pdfName('S'), pdfName('Div'));
    tc.touch(elem.ref);
    count++;
  }
  return count;
}

/** The text of an element: its MCIDs' text and its figures' alternative text, in reading order. */
export function elementText(tc: TagContext, dict: PDFDict, text: McidText): TextRun {
  const alt = dict.lookup(pdfName('Alt'));
  if (alt instanceof PDFString || alt instanceof PDFHexString) return { text: `${alt.decodeText()} ` };
  let run: TextRun = { text: '' };
  for (const kid of kidsOf(dict)) {
    if (kid.type === 'elem') run = joinRuns(run, elementText(tc, kid.dict, text));
    else if (kid.type === 'mcid') {
      const key = tc.keyOf(kid.stream ?? kid.page);
      const part = key !== undefined ? text.get(key)?.get(kid.mcid) : undefined;
      if (part) run = joinRuns(run, part);
    }
  }
  return run;
}

/**
 * A PDF text string as a literal: plain ASCII when it can be, else UTF-16BE with its byte order mark, which
 * takes half the room of pdf-lib's hexadecimal form (PDFHexString.fromText).
 */
export function textString(text: string): PDFString {
  const ascii = /^[\x20-\x7e]*$/.test(text);
  let raw = '';
  if (ascii) raw = text;
  else {
    raw = '\xfe\xff';
    for (let i = 0; i < text.length; i++) raw += String.fromCharCode(text.charCodeAt(i) >> 8, text.charCodeAt(i) & 0xff);
  }
  return PDFString.of(raw.replace(/[()\\\r]/g, (c) => (c === '\r' ? '\\r' : `\\${c}`)));
}

/** The MCIDs under Link elements, by StructParents key: the text the link descriptions are made of. */
export function linkMcids(root: PDFDict, keyOf: (ref: PDFRef | undefined) => number | undefined): Map<number, Set<number>> {
  const found = new Map<number, Set<number>>();
  const collect = (dict: PDFDict, depth: number) => {
    if (depth > 32) return;
    for (const kid of kidsOf(dict)) {
      if (kid.type === 'elem') collect(kid.dict, depth + 1);
      else if (kid.type === 'mcid') {
        const key = keyOf(kid.stream ?? kid.page);
        if (key === undefined) continue;
        let set = found.get(key);
        if (!set) found.set(key, (set = new Set()));
        set.add(kid.mcid);
      }
    }
  };
  for (const { elem } of elements(root)) if (typeOf(elem.dict) === 'Link') collect(elem.dict, 0);
  return found;
}

/** Gives every link annotation a /Contents naming its target: the link's text, else its address (28-012). */
export function describeLinks(tc: TagContext, text: McidText): number {
  const ctx = tc.tree.root.context;
  let count = 0;
  for (const { elem } of elements(tc.tree.root)) {
    if (typeOf(elem.dict) !== 'Link') continue;
    const label = elementText(tc, elem.dict, text).text.replaceAll('\u00AD', '').replace(/\s+/g, ' ').trim();
    for (const kid of kidsOf(elem.dict)) {
      if (kid.type !== 'objr' || !kid.obj) continue;
      const annot = ctx.lookup(kid.obj);
      if (!(annot instanceof PDFDict) || nameOf(annot.get(pdfName('Subtype'))) !== 'Link') continue;
      const action = annot.lookup(pdfName('A'));
      const uri = action instanceof PDFDict ? action.lookup(pdfName('URI')) : undefined;
      const address = uri instanceof PDFString || uri instanceof PDFHexString ? uri.decodeText() : '';
      // A wrapped address reads with spaces where its lines break: the address itself says it better.
      const squeezed = label.replace(/\s+/g, '');
      const contents = address && (!label || address.includes(squeezed) || squeezed.includes(address.replace(/^https?:\/\//, ''))) ? address : label;
      if (!contents) continue;
      annot.set(pdfName('Contents'), textString(contents));
      tc.touch(kid.obj);
      count++;
    }
  }
  return count;
}

/** Writes the parent tree back when entries stored in it directly changed. */
export function writeParents(tc: TagContext): void {
  if (!tc.parentsChanged) return;
  const ctx = tc.tree.root.context;
  const dict = writeNumberTree(ctx, tc.tree.parents);
  if (tc.tree.parentTreeRef) {
    ctx.assign(tc.tree.parentTreeRef, dict);
    tc.touch(tc.tree.parentTreeRef);
  } else {
    tc.tree.root.set(pdfName('ParentTree'), ctx.register(dict));
    tc.touch(tc.tree.rootRef);
  }
}
