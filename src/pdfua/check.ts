/**
 * kitess's checker of the PDF/UA-1 failure conditions a machine can decide (Matterhorn Protocol 1.1), plus the
 * text layer (no U+00AD, no U+0000) and text contrast. It reads a PDF with pdf-lib and the content tokenizer;
 * it is no certified validator (veraPDF, PAC), but every failure it reports is a real one.
 */
import { PDFArray, PDFBool, PDFDict, PDFDocument, PDFHexString, PDFNumber, PDFRef, PDFStream, PDFString, type PDFObject } from 'pdf-lib';
import { decodeTextString } from '../pdf/cmap.js';
import { PdfBytes } from '../pdf/content.js';
import type { Frame, Rect } from '../pdf/interpret.js';
import { fontInfo, getDict, items, nameOf, pdfName, streamBytes } from '../pdf/objects.js';
import { walkUnits, type ContentUnit } from '../pdf/pages.js';
import { elements, kidsOf, readTree, standardType, STANDARD_TYPES, typeOf } from '../pdf/structure.js';
import { readXmp } from '../pdf/xmp.js';
import { CONDITIONS } from './conditions.js';

/** One failed condition: how often, and where first. */
export interface Failure {
  condition: string;
  /** The condition in French. */
  message: string;
  count: number;
  /** 1-based pages where it was found (at most a few). */
  pages: number[];
  /** An example of what was found, when useful (a text, a type). */
  example?: string;
}

/** Options of a check. */
export interface CheckOptions {
  /** Conditions not to check (e.g. 06-002 while the pass decides whether to claim PDF/UA). */
  skip?: string[];
  /** Also check the contrast of every text against what is painted under it (WCAG 1.4.3, 4.5:1). */
  contrast?: boolean;
  /**
   * Which parts to check, all by default. The build checks the content streams of each printed piece once
   * (`content` only, before it has its document's metadata), then each PDF assembled from pieces whose content
   * it copies as it is (`document` only: metadata, structure, annotations, fonts, and every MCID's parent).
   */
  scope?: 'all' | 'content' | 'document';
}

class Report {
  readonly failures = new Map<string, Failure>();
  constructor(private readonly skip: Set<string>) {}
  add(condition: string, page?: number, example?: string): void {
    if (this.skip.has(condition)) return;
    let f = this.failures.get(condition);
    if (!f) {
      f = { condition, message: CONDITIONS[condition] ?? condition, count: 0, pages: [] };
      if (example !== undefined) f.example = example;
      this.failures.set(condition, f);
    }
    f.count++;
    if (page !== undefined && !f.pages.includes(page + 1) && f.pages.length < 5) f.pages.push(page + 1);
  }
}

function text(obj: PDFObject | undefined): string | undefined {
  return obj instanceof PDFString || obj instanceof PDFHexString ? obj.decodeText() : undefined;
}

const PAINTING = new Set(['text', 'paint', 'image', 'shading']);

/** Relative luminance of an sRGB colour (WCAG 2.2). */
function luminance([r, g, b]: [number, number, number]): number {
  const f = (c: number) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
  return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
}

/** The contrast ratio of two colours (WCAG 2.2, 1 to 21). */
export function contrastRatio(a: [number, number, number], b: [number, number, number]): number {
  const [l1, l2] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (l1! + 0.05) / (l2! + 0.05);
}

function over(top: [number, number, number], alpha: number, under: [number, number, number]): [number, number, number] {
  return [0, 1, 2].map((i) => top[i]! * alpha + under[i]! * (1 - alpha)) as [number, number, number];
}

function contains(r: Rect, x: number, y: number): boolean {
  return x >= r.x0 && x <= r.x1 && y >= r.y0 && y <= r.y1;
}

/** Checks the content of every page and form: marking (01-00x), MCIDs, glyph mappings, contrast. */
function checkContent(doc: PDFDocument, report: Report, parents: Map<number, PDFObject> | undefined, contrast: boolean): void {
  const formUses = new Map<PDFStream, number>();
  const backgrounds = new Map<number, { rects: Rect[]; evenOdd: boolean; colour: [number, number, number]; alpha: number }[]>();
  let currentUnit: ContentUnit | undefined;
  const mcidsOf = new Map<ContentUnit, Set<number>>();
  // A stack is the same array from one marked-content operator to the next: what it says is worked out once.
  let lastStack: readonly Frame[] | undefined;
  let marked: ReturnType<typeof contextOf> = 'none';
  let actual = false;
  walkUnits(doc, (unit, step) => {
    if (unit !== currentUnit) {
      currentUnit = unit;
      mcidsOf.set(unit, new Set());
    }
    const page = unit.page;
    const stack = step.stack;
    if (step.kind === 'open') {
      const frame = stack[stack.length - 1]!;
      const outer = stack.slice(0, -1);
      if (frame.tag === 'Artifact' && outer.some((f) => f.mcid !== undefined)) report.add('01-003', page);
      if (frame.mcid !== undefined) {
        if (outer.some((f) => f.tag === 'Artifact')) report.add('01-004', page);
        mcidsOf.get(unit)!.add(frame.mcid);
      }
      const at = frame.props?.get('ActualText');
      if (at instanceof PdfBytes) {
        const t = decodeTextString(at.bytes);
        if (t.includes('\u00AD')) report.add('texte-U+00AD', page, t);
        if (t.includes('\u0000')) report.add('texte-U+0000', page);
      }
      return;
    }
    if (step.kind === 'form' && step.xobject) {
      formUses.set(step.xobject.stream, (formUses.get(step.xobject.stream) ?? 0) + 1);
      if (step.xobject.stream.dict.get(pdfName('Ref'))) report.add('30-001', page);
      return;
    }
    if (step.kind === 'paint' && contrast && step.rects && step.name !== 'S' && step.name !== 's') {
      const list = backgrounds.get(page) ?? [];
      // Chromium draws a border as an even-odd fill of two rectangles: only the ring between them is painted.
      list.push({ rects: step.rects, evenOdd: step.name.endsWith('*'), colour: step.fill, alpha: step.alpha });
      backgrounds.set(page, list);
    }
    if (!PAINTING.has(step.kind)) return;
    if (stack !== lastStack) {
      lastStack = stack;
      marked = contextOf(stack);
      actual = stack.some((f) => f.props?.get('ActualText') instanceof PdfBytes);
    }
    if (marked === 'none') report.add('01-005', page, step.kind === 'text' ? step.text : step.name);
    if (step.kind !== 'text' || !step.codes) return;
    const font = step.font;
    for (const code of step.codes) {
      const mapped = font?.toUnicode?.map.get(code);
      if (mapped === undefined && !actual) report.add('10-001', page, `code ${code}`);
      if (!actual && mapped?.includes('\u00AD')) report.add('texte-U+00AD', page);
      if (!actual && mapped?.includes('\u0000')) report.add('texte-U+0000', page);
      if (code === 0 && font && font.subtype === 'Type0') report.add('31-030', page);
    }
    if (contrast && marked !== 'artifact-invisible' && (step.text ?? '').trim() !== '' && step.x !== undefined && step.y !== undefined) {
      let under: [number, number, number] = [1, 1, 1];
      const probeY = step.y + (step.size ?? 0) * 0.3;
      for (const bg of backgrounds.get(page) ?? []) {
        const inside = bg.rects.filter((r) => contains(r, step.x! + 0.5, probeY)).length;
        if (bg.evenOdd ? inside % 2 === 1 : inside > 0) under = over(bg.colour, bg.alpha, under);
      }
      const ink = over(step.fill, step.alpha, under);
      const ratio = contrastRatio(ink, under);
      if (ratio < 4.5) report.add('contraste', page, `« ${(step.text ?? '').trim().slice(0, 40)} » : ${ratio.toFixed(2)}:1`);
    }
  }, true, contrast ? 'all' : 'none');
  for (const [stream, uses] of formUses) if (uses > 1 && stream.dict.get(pdfName('StructParents'))) report.add('30-002');
  // Every MCID in the content must have a parent in the ParentTree.
  if (parents) {
    for (const [unit, mcids] of mcidsOf) {
      const entry = unit.key !== undefined ? parents.get(unit.key) : undefined;
      const array = entry instanceof PDFRef ? doc.context.lookup(entry) : entry;
      for (const mcid of mcids) {
        const parent = array instanceof PDFArray ? array.get(mcid) : undefined;
        if (!parent || parent === undefined || !(doc.context.lookup(parent) instanceof PDFDict)) report.add('MCID-orphelin', unit.page, `MCID ${mcid}`);
      }
    }
  }
}

/**
 * Without reading the content: every page and form that has marked content (StructParents) has its array in the
 * parent tree, of elements. What a document assembled from checked pieces can get wrong is there, not in the
 * content it copies.
 */
function checkParentArrays(doc: PDFDocument, parents: Map<number, PDFObject> | undefined, report: Report): void {
  if (!parents) return;
  const check = (holder: PDFDict, page: number) => {
    const key = holder.lookup(pdfName('StructParents'));
    if (!(key instanceof PDFNumber)) return;
    const entry = parents.get(key.asNumber());
    const array = entry instanceof PDFRef ? doc.context.lookup(entry) : entry;
    if (!(array instanceof PDFArray)) return report.add('MCID-orphelin', page, `StructParents ${key.asNumber()}`);
    for (let i = 0; i < array.size(); i++) {
      const parent = array.get(i);
      if (parent instanceof PDFRef && !(doc.context.lookup(parent) instanceof PDFDict)) report.add('MCID-orphelin', page, `MCID ${i}`);
    }
  };
  doc.getPages().forEach((page, i) => {
    check(page.node, i);
    const xobjects = getDict(getDict(page.node, 'Resources'), 'XObject');
    for (const [, ref] of xobjects?.entries() ?? []) {
      const form = ref instanceof PDFRef ? doc.context.lookup(ref) : ref;
      if (form instanceof PDFStream) check(form.dict, i);
    }
  });
}

function contextOf(stack: readonly Frame[]): 'tagged' | 'artifact' | 'none' | 'artifact-invisible' {
  for (let i = stack.length - 1; i >= 0; i--) {
    if (stack[i]!.tag === 'Artifact') return 'artifact';
    if (stack[i]!.mcid !== undefined) return 'tagged';
  }
  return 'none';
}

/** Table 336, 337, 333, 338 of ISO 32000-1: which standard types may hold which. */
function checkGrouping(type: string, parentType: string | undefined, kids: string[], report: Report, page?: number): void {
  const only = (allowed: string[]) => kids.every((k) => allowed.includes(k));
  switch (type) {
    case 'L':
      if (!only(['LI', 'L', 'Caption'])) report.add('09-005', page, `L > ${kids.join(', ')}`);
      break;
    case 'LI':
      if (parentType !== 'L' || !only(['Lbl', 'LBody'])) report.add('09-005', page, `LI > ${kids.join(', ')}`);
      break;
    case 'Lbl':
    case 'LBody':
      if (parentType !== 'LI' && !(type === 'Lbl' && parentType === 'TOCI')) report.add('09-005', page, `${type} dans ${parentType}`);
      break;
    case 'TOC':
      if (!only(['TOC', 'TOCI', 'Caption'])) report.add('09-006', page, `TOC > ${kids.join(', ')}`);
      break;
    case 'TOCI':
      if (parentType !== 'TOC' || !only(['Lbl', 'Reference', 'NonStruct', 'P', 'TOC'])) report.add('09-006', page, `TOCI > ${kids.join(', ')}`);
      break;
    case 'Table':
      if (!only(['TR', 'THead', 'TBody', 'TFoot', 'Caption'])) report.add('09-004', page, `Table > ${kids.join(', ')}`);
      break;
    case 'THead':
    case 'TBody':
    case 'TFoot':
      if (parentType !== 'Table' || !only(['TR'])) report.add('09-004', page, type);
      break;
    case 'TR':
      if (!['Table', 'THead', 'TBody', 'TFoot'].includes(parentType ?? '') || !only(['TH', 'TD'])) report.add('09-004', page, `TR > ${kids.join(', ')}`);
      break;
    case 'TH':
    case 'TD':
      if (parentType !== 'TR') report.add('09-004', page, `${type} dans ${parentType}`);
      break;
    case 'RB':
    case 'RT':
    case 'RP':
      if (parentType !== 'Ruby') report.add('09-007', page);
      break;
    case 'WT':
    case 'WP':
      if (parentType !== 'Warichu') report.add('09-008', page);
      break;
  }
}

/** Checks the structure tree: types, role map, grouping elements, headings, figures, notes. */
function checkStructure(doc: PDFDocument, report: Report): Map<number, PDFObject> | undefined {
  const markInfo = getDict(doc.catalog, 'MarkInfo');
  const marked = markInfo?.lookup(pdfName('Marked'));
  if (!(marked instanceof PDFBool) || !marked.asBoolean()) report.add('UA-6.2');
  const suspects = markInfo?.lookup(pdfName('Suspects'));
  if (suspects instanceof PDFBool && suspects.asBoolean()) report.add('01-007');
  const tree = readTree(doc);
  if (!tree) {
    report.add('UA-7.1');
    return undefined;
  }
  const roleMap = getDict(tree.root, 'RoleMap');
  for (const [key, value] of roleMap?.entries() ?? []) {
    const from = key.decodeText();
    if (STANDARD_TYPES.has(from)) report.add('02-003', undefined, `${from} → ${nameOf(value)}`);
  }
  const pageIndex = new Map(doc.getPages().map((p, i) => [p.ref.objectNumber, i]));
  const documentLang = !!text(doc.catalog.lookup(pdfName('Lang')))?.trim();
  const all = elements(tree.root);
  const std = (dict: PDFDict) => standardType(typeOf(dict), roleMap);
  const headings: { level: number; page?: number }[] = [];
  let plainH = 0;
  let numberedH = 0;
  const noteIds = new Map<string, number>();
  const hasHeaders = new Set<PDFDict>();
  for (const { elem } of all) if (elem.dict.get(pdfName('A')) && /\/Headers/.test(String(elem.dict.get(pdfName('A'))))) hasHeaders.add(elem.dict);
  for (const { elem, parent } of all) {
    const dict = elem.dict;
    const raw = typeOf(dict);
    const pg = dict.get(pdfName('Pg'));
    const page = pg instanceof PDFRef ? pageIndex.get(pg.objectNumber) : undefined;
    const type = std(dict);
    if (type === undefined) {
      const circular = standardTypeCircular(raw, roleMap);
      report.add(circular ? '02-002' : '02-001', page, raw);
      continue;
    }
    if (!dict.get(pdfName('P'))) report.add('UA-7.1-P', page, raw);
    const kidTypes = kidsOf(dict)
      .filter((k) => k.type === 'elem')
      .map((k) => (k.type === 'elem' ? std(k.dict) ?? typeOf(k.dict) : ''));
    checkGrouping(type, parent ? std(parent.dict) : undefined, kidTypes, report, page);
    // A list item's content belongs in Lbl or LBody: no marked content directly in LI.
    if (type === 'LI' && kidsOf(dict).some((k) => k.type === 'mcid')) report.add('09-005', page, 'contenu directement dans LI');
    if (!documentLang && ['Alt', 'ActualText', 'E'].some((k) => dict.get(pdfName(k))) && !hasLang(dict)) report.add('11-002', page, raw);
    if (type === 'Figure' && !text(dict.lookup(pdfName('Alt'))) && !text(dict.lookup(pdfName('ActualText')))) report.add('13-004', page);
    if (type === 'Formula' && !text(dict.lookup(pdfName('Alt')))) report.add('17-002', page);
    if (type === 'Note') {
      const id = text(dict.lookup(pdfName('ID'))) ?? (dict.lookup(pdfName('ID')) instanceof PDFString ? '' : undefined);
      if (!id) report.add('19-003', page);
      else noteIds.set(id, (noteIds.get(id) ?? 0) + 1);
    }
    if (type === 'TH') {
      let table: PDFDict | undefined = parent?.dict;
      for (let i = 0; table && i < 4 && std(table) !== 'Table'; i++) table = table.lookup(pdfName('P')) as PDFDict | undefined;
      const scoped = /\/Scope/.test(String(dict.get(pdfName('A')) ?? ''));
      if (!scoped && ![...hasHeaders].some((d) => isInside(d, table))) report.add('15-003', page);
    }
    if (type === 'H') {
      plainH++;
      const siblings = parent ? kidsOf(parent.dict).filter((k) => k.type === 'elem' && std(k.dict) === 'H').length : 0;
      if (siblings > 1) report.add('14-006', page);
    }
    const m = /^H([1-6])$/.exec(type);
    if (m) {
      numberedH++;
      headings.push({ level: Number(m[1]), ...(page !== undefined ? { page } : {}) });
    }
  }
  for (const [, n] of noteIds) if (n > 1) report.add('19-004');
  if (plainH > 0 && numberedH > 0) report.add('14-007');
  if (headings.length > 0 && headings[0]!.level !== 1) report.add('14-002', headings[0]!.page, `H${headings[0]!.level}`);
  for (let i = 1; i < headings.length; i++) {
    if (headings[i]!.level > headings[i - 1]!.level + 1) report.add('14-003', headings[i]!.page, `H${headings[i - 1]!.level} → H${headings[i]!.level}`);
  }
  return tree.parents;
}

/** Whether an element or one of its ancestors says its language. */
function hasLang(dict: PDFDict): boolean {
  let node: PDFObject | undefined = dict;
  for (let i = 0; node instanceof PDFDict && i < 64; i++) {
    if (text(node.lookup(pdfName('Lang')))?.trim()) return true;
    node = node.lookup(pdfName('P'));
  }
  return false;
}

function isInside(cell: PDFDict, table: PDFDict | undefined): boolean {
  let node: PDFObject | undefined = cell;
  for (let i = 0; node instanceof PDFDict && i < 6; i++) {
    if (node === table) return true;
    node = node.lookup(pdfName('P'));
  }
  return false;
}

function standardTypeCircular(type: string, roleMap: PDFDict | undefined): boolean {
  const seen = new Set<string>();
  let t: string | undefined = type;
  while (t && !STANDARD_TYPES.has(t)) {
    if (seen.has(t)) return true;
    seen.add(t);
    t = nameOf(roleMap?.lookup(pdfName(t)));
  }
  return false;
}

const ANNOTATION_TYPES = new Set(['Text', 'Link', 'FreeText', 'Line', 'Square', 'Circle', 'Polygon', 'PolyLine', 'Highlight', 'Underline', 'Squiggly', 'StrikeOut', 'Stamp', 'Caret', 'Ink', 'Popup', 'FileAttachment', 'Sound', 'Movie', 'Widget', 'Screen', 'PrinterMark', 'TrapNet', 'Watermark', '3D', 'Redact']);

/** Checks annotations: tab order, link tags and descriptions, other annotation types. */
function checkAnnotations(doc: PDFDocument, parents: Map<number, PDFObject> | undefined, report: Report): void {
  doc.getPages().forEach((page, i) => {
    const annots = items(page.node.get(pdfName('Annots')), doc.context);
    if (annots.length === 0) return;
    const tabs = nameOf(page.node.get(pdfName('Tabs')));
    if (tabs === undefined) report.add('28-008', i);
    else if (tabs !== 'S') report.add('28-009', i);
    for (const annot of annots) {
      if (!(annot instanceof PDFDict)) continue;
      const subtype = nameOf(annot.get(pdfName('Subtype'))) ?? '';
      const sp = annot.lookup(pdfName('StructParent'));
      const parentRef = sp instanceof PDFNumber ? parents?.get(sp.asNumber()) : undefined;
      const parent = parentRef instanceof PDFRef ? doc.context.lookup(parentRef) : parentRef;
      const parentType = parent instanceof PDFDict ? typeOf(parent) : undefined;
      const contents = text(annot.lookup(pdfName('Contents')));
      if (contents && !text(doc.catalog.lookup(pdfName('Lang')))?.trim()) report.add('11-004', i);
      if (!ANNOTATION_TYPES.has(subtype)) report.add('28-006', i, subtype);
      if (subtype === 'TrapNet') report.add('28-007', i);
      if (subtype === 'Link') {
        if (parentType !== 'Link') report.add('28-011', i);
        if (!contents || contents.trim() === '') report.add('28-012', i);
      } else if (subtype === 'Widget') {
        if (parentType !== 'Form') report.add('28-010', i);
      } else if (subtype === 'PrinterMark') {
        if (parent) report.add('28-017', i);
      } else if (subtype !== 'Popup') {
        if (parentType !== 'Annot') report.add('28-002', i, subtype);
        const alt = parent instanceof PDFDict ? text(parent.lookup(pdfName('Alt'))) : undefined;
        if (!contents && !alt) report.add('28-004', i, subtype);
      }
    }
  });
}

const PREDEFINED_CMAPS = /^(Identity-[HV]|(UniGB|UniCNS|UniJIS|UniKS|GB|GBK|GBpc|GBK2K|B5pc|HKscs|ETen|ETenms|CNS|H|V|EUC|RKSJ|83pv|90ms|90msp|90pv|Add|Ext|KSC|KSCms|KSCpc|UniAKR|UniHanja|Hankaku|Hiragana|Katakana|Roman|WP)[-A-Za-z0-9]*)$/;

/** Checks the fonts the pages use: embedding, CID fonts, CMaps, ToUnicode. */
function checkFonts(doc: PDFDocument, report: Report): void {
  const seen = new Set<PDFDict>();
  const visitResources = (resources: PDFDict | undefined, page: number, depth: number) => {
    if (!resources || depth > 8) return;
    const fonts = getDict(resources, 'Font');
    for (const [, value] of fonts?.entries() ?? []) {
      const font = value instanceof PDFRef ? doc.context.lookup(value) : value;
      if (!(font instanceof PDFDict) || seen.has(font)) continue;
      seen.add(font);
      checkFont(font, page, report);
    }
    const xobjects = getDict(resources, 'XObject');
    for (const [, value] of xobjects?.entries() ?? []) {
      const xo = value instanceof PDFRef ? doc.context.lookup(value) : value;
      if (xo instanceof PDFStream && nameOf(xo.dict.get(pdfName('Subtype'))) === 'Form') visitResources(getDict(xo.dict, 'Resources'), page, depth + 1);
    }
  };
  doc.getPages().forEach((p, i) => visitResources(getDict(p.node, 'Resources') ?? (p.node.Resources() as PDFDict | undefined), i, 0));
}

function checkFont(font: PDFDict, page: number, report: Report): void {
  const subtype = nameOf(font.get(pdfName('Subtype')));
  const info = fontInfo(font, undefined);
  if (subtype === 'Type0') {
    const descendant = items(font.get(pdfName('DescendantFonts')), font.context)[0];
    const encoding = font.lookup(pdfName('Encoding'));
    if (descendant instanceof PDFDict) {
      const cidType = nameOf(descendant.get(pdfName('Subtype')));
      if (cidType === 'CIDFontType2') {
        const map = descendant.get(pdfName('CIDToGIDMap'));
        if (map === undefined) report.add('31-005', page);
        else if (!(map instanceof PDFRef && font.context.lookup(map) instanceof PDFStream) && nameOf(map) !== 'Identity') report.add('31-004', page);
      }
      if (!embedded(getDict(descendant, 'FontDescriptor'))) report.add('31-009', page, nameOf(descendant.get(pdfName('BaseFont'))));
      const encName = nameOf(encoding);
      if (encoding instanceof PDFStream) {
        const csi = getDict(descendant, 'CIDSystemInfo');
        const cmapCsi = getDict(encoding.dict, 'CIDSystemInfo');
        if (csi && cmapCsi) {
          if (text(csi.lookup(pdfName('Registry'))) !== text(cmapCsi.lookup(pdfName('Registry')))) report.add('31-001', page);
          if (text(csi.lookup(pdfName('Ordering'))) !== text(cmapCsi.lookup(pdfName('Ordering')))) report.add('31-002', page);
          const s1 = csi.lookup(pdfName('Supplement'));
          const s2 = cmapCsi.lookup(pdfName('Supplement'));
          if (s1 instanceof PDFNumber && s2 instanceof PDFNumber && s1.asNumber() < s2.asNumber()) report.add('31-003', page);
        }
        const wmode = encoding.dict.lookup(pdfName('WMode'));
        const inStream = /\/WMode\s+(\d)/.exec(Buffer.from(streamBytes(encoding)).toString('latin1'))?.[1];
        if (wmode instanceof PDFNumber && inStream !== undefined && Number(inStream) !== wmode.asNumber()) report.add('31-007', page);
      } else if (encName && !PREDEFINED_CMAPS.test(encName)) report.add('31-006', page, encName);
      if (!info.toUnicode) {
        const ordering = text(getDict(descendant, 'CIDSystemInfo')?.lookup(pdfName('Ordering')));
        if (!['GB1', 'CNS1', 'Japan1', 'Korea1'].includes(ordering ?? '')) report.add('31-027', page, nameOf(font.get(pdfName('BaseFont'))));
      }
    }
  } else if (subtype !== 'Type3') {
    if (!embedded(getDict(font, 'FontDescriptor'))) report.add('31-009', page, nameOf(font.get(pdfName('BaseFont'))));
    const enc = nameOf(font.get(pdfName('Encoding')));
    const flags = getDict(font, 'FontDescriptor')?.lookup(pdfName('Flags'));
    const symbolic = flags instanceof PDFNumber && (flags.asNumber() & 4) !== 0;
    const standard = enc === 'WinAnsiEncoding' || enc === 'MacRomanEncoding' || enc === 'MacExpertEncoding';
    if (!info.toUnicode && !standard && !(subtype === 'TrueType' && !symbolic)) report.add('31-027', page, nameOf(font.get(pdfName('BaseFont'))));
  }
  for (const [, value] of info.toUnicode?.map ?? []) {
    if (value.includes('\u0000')) report.add('31-028', page);
    if (value.includes('\uFEFF') || value.includes('\uFFFE')) report.add('31-029', page);
  }
}

function embedded(descriptor: PDFDict | undefined): boolean {
  return !!descriptor && ['FontFile', 'FontFile2', 'FontFile3'].some((k) => descriptor.get(pdfName(k)));
}

/** Checks the catalog: XMP (06-00x), DisplayDocTitle (07-00x), language (11-00x), optional content, files, security. */
function checkDocumentLevel(doc: PDFDocument, report: Report): void {
  const catalog = doc.catalog;
  const metadata = catalog.lookup(pdfName('Metadata'));
  const lang = text(catalog.lookup(pdfName('Lang')))?.trim();
  if (!(metadata instanceof PDFStream)) report.add('06-001');
  else {
    const xmp = readXmp(Buffer.from(streamBytes(metadata)).toString('utf8'));
    if (xmp.pdfuaPart !== '1') report.add('06-002');
    if (!xmp.title) report.add('06-003');
    if (!lang && !xmp.language) report.add('11-006');
  }
  const prefs = getDict(catalog, 'ViewerPreferences');
  const ddt = prefs?.lookup(pdfName('DisplayDocTitle'));
  if (!(ddt instanceof PDFBool)) report.add('07-001');
  else if (!ddt.asBoolean()) report.add('07-002');
  if (!lang) {
    report.add('11-001');
    if (catalog.get(pdfName('Outlines'))) report.add('11-003');
  }
  const oc = getDict(catalog, 'OCProperties');
  if (oc) {
    const d = getDict(oc, 'D');
    if (d && !text(d.lookup(pdfName('Name')))) report.add('20-002');
    if (d?.get(pdfName('AS'))) report.add('20-003');
    for (const c of items(oc.get(pdfName('Configs')), doc.context)) {
      if (c instanceof PDFDict && !text(c.lookup(pdfName('Name')))) report.add('20-001');
      if (c instanceof PDFDict && c.get(pdfName('AS'))) report.add('20-003');
    }
  }
  const files = getDict(getDict(catalog, 'Names'), 'EmbeddedFiles');
  const names = files?.lookup(pdfName('Names'));
  if (names instanceof PDFArray) {
    for (let i = 1; i < names.size(); i += 2) {
      const spec = names.lookup(i);
      if (spec instanceof PDFDict && !(spec.get(pdfName('F')) && spec.get(pdfName('UF')))) report.add('21-001');
    }
  }
  const xfa = getDict(catalog, 'AcroForm')?.get(pdfName('XFA'));
  const needsRendering = catalog.lookup(pdfName('NeedsRendering'));
  if (xfa && needsRendering instanceof PDFBool && needsRendering.asBoolean()) report.add('25-001');
  const encrypt = doc.context.trailerInfo.Encrypt;
  const enc = encrypt instanceof PDFRef ? doc.context.lookup(encrypt) : encrypt;
  if (enc instanceof PDFDict) {
    const p = enc.lookup(pdfName('P'));
    if (!(p instanceof PDFNumber)) report.add('26-001');
    else if ((p.asNumber() & (1 << 9)) === 0) report.add('26-002');
  }
}

/** Checks a loaded document; failures sorted by condition. */
export function checkDocument(doc: PDFDocument, options: CheckOptions = {}): Failure[] {
  const report = new Report(new Set(options.skip ?? []));
  const scope = options.scope ?? 'all';
  if (scope !== 'content') checkDocumentLevel(doc, report);
  const parents = checkStructure(doc, report);
  checkAnnotations(doc, parents, report);
  checkFonts(doc, report);
  if (scope !== 'document') checkContent(doc, report, parents, options.contrast ?? true);
  else checkParentArrays(doc, parents, report);
  return [...report.failures.values()].sort((a, b) => a.condition.localeCompare(b.condition));
}

/** Checks a PDF's bytes. */
export async function checkPdf(bytes: Uint8Array, options: CheckOptions = {}): Promise<Failure[]> {
  const doc = await PDFDocument.load(bytes, { updateMetadata: false });
  return checkDocument(doc, options);
}

/** One line per failure, in French: « 01-005 contenu ni balisé ni marqué Artifact : 12 fois (p. 1, 2) ». */
export function formatFailures(failures: Failure[]): string[] {
  return failures.map((f) => `${f.condition}  ${f.message} : ${f.count} fois${f.pages.length ? ` (p. ${f.pages.join(', ')}${f.count > f.pages.length ? '…' : ''})` : ''}${f.example ? ` — ex. ${JSON.stringify(f.example).slice(0, 80)}` : ''}`);
}
