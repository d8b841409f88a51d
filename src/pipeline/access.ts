/**
 * The « access » stage: the accessibility pass over every PDF kitess writes, after assemble.
 * (bytes, meta) → bytes. It fixes what Chromium cannot write (see the audit of November 2026):
 *
 * - the text layer: the invisible soft-hyphen glyphs go (their positioning stays, so nothing moves), ligatures
 *   and apostrophes read as the right Unicode (no U+00AD, U+0000 or U+02BC);
 * - artifacts: running headers and footers become pagination artifacts, decoration (bands, rules, box
 *   backgrounds) layout artifacts; nothing stays outside marked content;
 * - structure: a RoleMap for Chromium's PDF 2.0 types, list items of Lbl and LBody, the sommaire as TOC/TOCI,
 *   a /Contents naming every link's target;
 * - document: XMP metadata (title, author, description, language, producer), and the PDF/UA-1 identifier
 *   only when kitess's own checker finds no failure in the result.
 *
 * The result is written as an incremental update of the input: fonts and images are not written again.
 */
import { PDFBool, PDFDict, PDFDocument, PDFNumber, PDFRawStream, PDFRef, PDFStream } from 'pdf-lib';
import { writeToUnicode } from '../pdf/cmap.js';
import { applyEdits } from '../pdf/content.js';
import { contentFixes, type TextRun } from '../pdf/content-pass.js';
import { contentStreams, flateStream, nameOf, pdfName, READ_WITHOUT_PAUSES, type FontInfo } from '../pdf/objects.js';
import { forEachUnit } from '../pdf/pages.js';
import type { Step } from '../pdf/interpret.js';
import { readTree } from '../pdf/structure.js';
import { addRoleMap, describeLinks, linkMcids, removeMcids, repairFigures, repairLists, writeParents, type McidText, type TagContext } from '../pdf/tags.js';
import { xmpPacket } from '../pdf/xmp.js';
import { checkDocument, type Failure } from '../pdfua/check.js';
import { rewriteCompact, xrefOffsets } from './incremental.js';
import { canonicalStructureNumbers, sortIdTree } from '../pdf/canonical.js';
import { stabiliseStructureIds } from '../pdf/ids.js';
import type { PdfMeta } from '../pdf/meta.js';

/** What the pass did to one PDF, for reports and tests. */
export interface AccessReport {
  softHyphens: number;
  artifacts: number;
  decorative: number;
  links: number;
  lists: number;
  tocs: number;
  /** The checker's failures on the result: empty when the PDF claims PDF/UA-1. */
  failures: Failure[];
  /** The PDF's pages. */
  pages?: number;
}

/** The pass's result: the new bytes and what it did. */
export interface AccessResult {
  bytes: Uint8Array;
  report: AccessReport;
}

/** Runs the accessibility pass over a finished PDF. */
export async function access(bytes: Uint8Array, meta: PdfMeta): Promise<Uint8Array> {
  return (await accessWithReport(bytes, meta)).bytes;
}

/** The pass over a whole PDF, with what it did: the pass over its content and structure, then its document level. */
export async function accessWithReport(bytes: Uint8Array, meta: PdfMeta): Promise<AccessResult> {
  const doc = await PDFDocument.load(bytes, READ_WITHOUT_PAUSES);
  const { report, touched } = repairContent(doc);
  const touch = (ref: PDFRef | undefined) => ref && touched.add(ref.objectNumber);
  finishDocument(doc, meta, touch);
  report.failures = checkDocument(doc, { skip: ['06-002'], contrast: false });
  if (report.failures.length === 0) claimPdfUa(doc, meta);
  const offsets = xrefOffsets(bytes);
  const out = offsets ? rewriteCompact(doc, bytes, offsets, touched) : await doc.save({ useObjectStreams: false });
  return { bytes: out, report };
}

/** What the pass over a piece needs to know of the documents it goes into. */
export interface PieceOptions {
  /** Addresses its links point to that will be places of the same document (a booklet's fiches). */
  internal?: string[];
}

/**
 * The pass over a printed piece (a fiche's body, a booklet's own pages), before assemble makes documents of it:
 * content and structure repaired, structure ids renumbered in tree order; its failures are those of the content
 * and structure checks. Document-level fixes (XMP, title, language) are for each document assembled from it.
 */
export async function accessPiece(bytes: Uint8Array, options: PieceOptions = {}): Promise<AccessResult> {
  const doc = await PDFDocument.load(bytes, READ_WITHOUT_PAUSES);
  const { report, touched } = repairContent(doc, options.internal);
  for (const n of stabiliseStructureIds(doc).objects) touched.add(n);
  // The ids renamed, the IDTree is sorted again: sorted before, it would keep Chromium's order of the old ids.
  sortIdTree(doc, (ref) => touched.add(ref.objectNumber));
  report.failures = checkDocument(doc, { scope: 'content', contrast: false });
  report.pages = doc.getPageCount();
  const offsets = xrefOffsets(bytes);
  const out = offsets ? rewriteCompact(doc, bytes, offsets, touched) : await doc.save({ useObjectStreams: false });
  return { bytes: out, report };
}

/** A pass's result, and the time the pass itself took (not the time its job waited for a thread). */
export interface Passed extends AccessResult {
  ms: number;
}

/** The pass a job asks for — over a whole PDF with its metadata, over a piece without (see accessPiece) — timed. */
export async function timedPass(bytes: Uint8Array, meta?: PdfMeta, piece?: PieceOptions): Promise<Passed> {
  const start = performance.now();
  const result = await (meta ? accessWithReport(bytes, meta) : accessPiece(bytes, piece));
  return { ...result, ms: performance.now() - start };
}

/** Whether a form drawn holds tagged content of its own (it is then no decoration). */
function hasTags(step: Step): boolean {
  return !!step.xobject && step.xobject.stream.dict.get(pdfName('StructParents')) !== undefined;
}

/** No MCID: a stream without links wants the text of none. */
const NONE: ReadonlySet<number> = new Set();

/** Repairs a document's content streams, fonts' text and structure tree; the objects it changed. */
function repairContent(doc: PDFDocument, internal: string[] = []): { report: AccessReport; touched: Set<number> } {
  const ctx = doc.context;
  const touched = new Set<number>();
  const touch = (ref: PDFRef | undefined) => {
    if (ref) touched.add(ref.objectNumber);
  };
  const report: AccessReport = { softHyphens: 0, artifacts: 0, decorative: 0, links: 0, lists: 0, tocs: 0, failures: [] };

  // The MCIDs whose text describes a link: the only ones whose text the pass needs.
  const tree = readTree(doc);
  const keyOf = (ref: PDFRef | undefined) => {
    const owner = ref ? ctx.lookup(ref) : undefined;
    const dict = owner instanceof PDFStream ? owner.dict : owner instanceof PDFDict ? owner : undefined;
    const key = dict?.lookup(pdfName('StructParents'));
    return key instanceof PDFNumber ? key.asNumber() : undefined;
  };
  const linkText = tree ? linkMcids(tree.root, keyOf) : new Map<number, Set<number>>();

  // Content streams: pages and the forms they draw, one at a time.
  const mcidText: McidText = new Map();
  const fonts = new Set<FontInfo>();
  const decorative: { key: number; mcids: number[] }[] = [];
  const glyphs = new Map<FontInfo, Map<number, string>>();
  forEachUnit(doc, (unit) => {
    const wanted = (unit.key !== undefined ? linkText.get(unit.key) : undefined) ?? NONE;
    const fixes = contentFixes(unit.ops, unit.resources, unit.height, unit.base, hasTags, unit.outer, wanted);
    for (const font of fixes.fonts) fonts.add(font);
    report.softHyphens += fixes.stats.softHyphens;
    report.artifacts += fixes.stats.artifacts;
    report.decorative += fixes.decorative.length;
    if (unit.key !== undefined) {
      const texts = mcidText.get(unit.key) ?? new Map<number, TextRun>();
      for (const [mcid, t] of fixes.text) texts.set(mcid, t);
      mcidText.set(unit.key, texts);
      if (fixes.decorative.length) decorative.push({ key: unit.key, mcids: fixes.decorative });
    }
    for (const [font, codes] of fixes.glyphs) {
      const all = glyphs.get(font) ?? new Map<number, string>();
      for (const [c, t] of codes) all.set(c, t);
      glyphs.set(font, all);
    }
    if (fixes.edits.length === 0) return;
    const next = applyEdits(unit.bytes, fixes.edits);
    if (unit.form) {
      const stream = flateStream(ctx, next);
      for (const [k, v] of unit.form.stream.dict.entries()) if (!['Filter', 'Length', 'DecodeParms'].includes(nameOf(k)!)) stream.dict.set(k, v);
      if (unit.form.ref) {
        ctx.assign(unit.form.ref, stream);
        touch(unit.form.ref);
      }
    } else {
      const page = doc.getPage(unit.page);
      // The page's old streams are replaced, not kept: they would only weigh on the file.
      for (const old of contentStreams(page.node)) if (old.ref) ctx.delete(old.ref);
      page.node.set(pdfName('Contents'), ctx.register(flateStream(ctx, next)));
      touch(page.ref);
    }
  });

  // Fonts: glyphs that read as U+02BC (the serif apostrophe), U+0000 or with a soft hyphen get their right text.
  for (const font of fonts) {
    for (const [code, t] of font.toUnicode?.map ?? []) {
      if (t === '\u02BC') glyphs.set(font, (glyphs.get(font) ?? new Map()).set(code, '\u2019'));
      else if (t.includes('\u00AD') && t !== '\u00AD') glyphs.set(font, (glyphs.get(font) ?? new Map()).set(code, t.replaceAll('\u00AD', '')));
    }
  }
  for (const [font, codes] of glyphs) {
    if (!font.toUnicode) continue;
    for (const [code, t] of codes) font.toUnicode.map.set(code, t);
    const stream = flateStream(ctx, Buffer.from(writeToUnicode(font.toUnicode), 'latin1'));
    if (font.toUnicodeRef) {
      ctx.assign(font.toUnicodeRef, stream);
      touch(font.toUnicodeRef);
    }
  }

  // Structure tree.
  if (tree) {
    const tc: TagContext = { tree, touch, keyOf, parentsChanged: false };
    for (const { key, mcids } of decorative) removeMcids(tc, key, mcids);
    addRoleMap(tc);
    Object.assign(report, repairLists(tc, new Set(internal)));
    repairFigures(tc);
    report.links = describeLinks(tc, mcidText);
    writeParents(tc);
  }
  canonicalStructureNumbers(doc, touch);

  return { report, touched };
}

/**
 * The document level of an accessible PDF: language, title shown by viewers, marked content, XMP metadata
 * (without the PDF/UA identifier: claimPdfUa adds it once the checker found nothing).
 */
export function finishDocument(doc: PDFDocument, meta: PdfMeta, touch: (ref: PDFRef | undefined) => void): void {
  const ctx = doc.context;
  const catalog = doc.catalog;
  doc.setLanguage(meta.lang ?? 'fr-FR');
  doc.setTitle(meta.title, { showInWindowTitleBar: true });
  const markInfo = ctx.obj({ Marked: true }) as PDFDict;
  markInfo.set(pdfName('Marked'), PDFBool.True);
  if (!(catalog.lookup(pdfName('MarkInfo')) instanceof PDFDict)) catalog.set(pdfName('MarkInfo'), markInfo);
  const metadataRef = ctx.register(xmpStream(doc, xmpPacket({ ...xmpFields(meta), pdfua: false })));
  catalog.set(pdfName('Metadata'), metadataRef);
  touch(ctx.trailerInfo.Root as PDFRef);
  touch(metadataRef);
  const info = ctx.trailerInfo.Info;
  if (info instanceof PDFRef) touch(info);
}

/** Declares PDF/UA-1 in the document's XMP metadata (written by finishDocument). */
export function claimPdfUa(doc: PDFDocument, meta: PdfMeta): void {
  const ref = doc.catalog.get(pdfName('Metadata'));
  if (ref instanceof PDFRef) doc.context.assign(ref, xmpStream(doc, xmpPacket({ ...xmpFields(meta), pdfua: true })));
}

function xmpFields(meta: PdfMeta) {
  return { title: meta.title, author: meta.author, subject: meta.subject, keywords: meta.keywords, lang: meta.lang ?? 'fr-FR', producer: meta.producer, creatorTool: 'kitess', date: meta.date };
}

function xmpStream(doc: PDFDocument, xml: string): PDFRawStream {
  const data = Buffer.from(xml, 'utf8');
  const dict = doc.context.obj({ Type: 'Metadata', Subtype: 'XML', Length: data.length }) as PDFDict;
  return PDFRawStream.of(dict, data);
}
