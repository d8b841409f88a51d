import { PDFArray, PDFDict, PDFDocument, PDFHexString, PDFName, PDFNumber, PDFRef, PDFString, type PDFPage } from 'pdf-lib';
import { appendUpdate, classicXref, patchInPlace, rewriteCompact, writeDocument, xrefOffsets } from './incremental.js';
import type { Fiche, Kit } from '../model.js';
import { checkDocument, type Failure } from '../pdfua/check.js';
import { claimPdfUa, finishDocument } from './access.js';
import { appendToPage, MARGIN_BOXES, rgbOf, StampFonts, type StampText } from '../pdf/stamp.js';
import { mergeTagged, topElements, type PageSlot } from '../pdf/merge.js';
import { retitleOutline, withoutSpaces, writeOutline } from '../pdf/outline.js';
import { flateStream, hexText, READ_WITHOUT_PAUSES } from '../pdf/objects.js';
import { canonicalStructureNumbers } from '../pdf/canonical.js';
import { bookletParts } from '../design/opener.js';
import { editionLabel } from '../text/format.js';
import { Remembered } from '../remembered.js';
import { frenchTypography } from '../text/typography.js';
import { ficheHeadings, fichePdfUrl, ficheUrl, plainSpaces, type FicheHeading } from './render.js';
import type { BookletPlan, FrameLayout } from './pagination.js';

export { readOutline, writeOutline, type OutlineEntry, type OutlineNode } from '../pdf/outline.js';
export { stabiliseStructureIds } from '../pdf/ids.js';
export type { PdfMeta } from '../pdf/meta.js';
import { stabiliseStructureIds } from '../pdf/ids.js';
import type { PdfMeta } from '../pdf/meta.js';


/** How a booklet's pieces are read: with pdf-lib's pauses (see assembleBooklet). */
const PAUSED = { updateMetadata: false };

const loaded = new WeakMap<PDFDocument, { bytes: Uint8Array; largest: number; info?: number }>();

/** A date as PDF writes it, in UTC: `D:20260301000000+00'00'`. */
function pdfDateString(date: Date): string {
  return `D:${date.toISOString().replace(/[-:T]/g, '').slice(0, 14)}+00'00'`;
}

/** Loads printed bytes for post-processing, without touching their dates. */
export async function loadPdf(bytes: Uint8Array): Promise<PDFDocument> {
  const doc = await PDFDocument.load(bytes, READ_WITHOUT_PAUSES);
  const info = doc.context.trailerInfo.Info;
  loaded.set(doc, { bytes, largest: doc.context.largestObjectNumber, info: info instanceof PDFRef ? info.objectNumber : undefined });
  return doc;
}

/** Sets the document information (title, author, subject, keywords, language, fixed dates) and saves. */
export async function finishPdf(doc: PDFDocument, meta: PdfMeta): Promise<Uint8Array> {
  const ids = stabiliseStructureIds(doc);
  setInfo(doc, meta);
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

/** A piece printed once (a fiche's body, a booklet's own pages) after the accessibility pass over its content. */
export interface Piece {
  bytes: Uint8Array;
  pages: number;
  /** What the checker found in its content and structure: a document made of it claims PDF/UA only if nothing. */
  failures: Failure[];
}

/** A PDF assembled from pieces. */
export interface Assembled {
  bytes: Uint8Array;
  pages: number;
  /** What the checker finds (its pieces' content, its own document level): PDF/UA-1 is claimed only when none. */
  failures: Failure[];
}

/** Running header of a fiche's pages: the kit and the fiche's number. */
export function runningHeader(kit: Kit, fiche: Fiche): string {
  return `${kit.config.title} · Fiche ${fiche.number}`;
}

/**
 * A title as the pages print it (French apostrophes and spaces), by title: a booklet stamps a fiche's on each of its
 * pages, and its bookmarks give the parts' and the fiches' titles.
 */
const headerTitles = new Remembered<string, string>(1024);
function headerTitle(title: string): string {
  return headerTitles.get(title, () => plainSpaces(frenchTypography(title)));
}

/** The margin boxes of a fiche's page: its kit and number, its title, the edition, and the folio given. */
function fichePageStamps(kit: Kit, fiche: Fiche, height: number, folio: string, url?: string): StampText[] {
  const top = height - MARGIN_BOXES.headerFromTop;
  const bottom = MARGIN_BOXES.footerFromBottom;
  return [
    { text: plainSpaces(runningHeader(kit, fiche)), weight: 600, align: 'left', x: MARGIN_BOXES.left, y: top, place: 'Header' },
    { text: headerTitle(fiche.meta.title), weight: 400, align: 'right', x: MARGIN_BOXES.right, y: top, place: 'Header' },
    { text: editionLabel(kit.config.edition), weight: 400, align: 'left', x: MARGIN_BOXES.left, y: bottom, place: 'Footer' },
    ...(url ? [{ text: url, weight: 400 as const, align: 'center' as const, x: MARGIN_BOXES.center, y: bottom, place: 'Footer' as const }] : []),
    { text: folio, weight: 600, align: 'right', x: MARGIN_BOXES.right, y: bottom, place: 'Footer' },
  ];
}

/** Sets the document information every PDF of kitess carries (title, author, subject, keywords, fixed dates). */
function setInfo(doc: PDFDocument, meta: PdfMeta): void {
  doc.setTitle(meta.title, { showInWindowTitleBar: true });
  doc.setAuthor(meta.author);
  doc.setSubject(meta.subject);
  doc.setKeywords(meta.keywords);
  doc.setCreator('kitess');
  doc.setProducer(meta.producer);
  doc.setCreationDate(meta.date);
  doc.setModificationDate(meta.date);
}

/** Document level, then the checker on what assembling made (the pieces' content was checked once); PDF/UA-1 claimed when nothing fails. */
function finishAccessible(doc: PDFDocument, meta: PdfMeta, pieces: Failure[], touch: (ref: PDFRef | undefined) => void): Failure[] {
  finishDocument(doc, meta, touch);
  const own = checkDocument(doc, { skip: ['06-002'], scope: 'document' });
  const failures = [...pieces, ...own];
  if (failures.length === 0) claimPdfUa(doc, meta);
  return failures;
}

/**
 * A fiche's own PDF from its printed body: on every page the running header (kit, fiche, title) and the footer
 * (edition, address, page x/y) as pagination artifacts; metadata, XMP. Written as one compact revision: the
 * printed objects are copied as they were.
 */
export async function assembleFiche(piece: Piece, kit: Kit, fiche: Fiche, meta: PdfMeta): Promise<Assembled> {
  const doc = await PDFDocument.load(piece.bytes, READ_WITHOUT_PAUSES);
  const touched = new Set<number>();
  const touch = (ref: PDFRef | undefined) => ref && touched.add(ref.objectNumber);
  const fonts = new StampFonts(doc);
  const colour = rgbOf(kit.config.accent);
  const pages = doc.getPages();
  const url = ficheUrl(kit, fiche).replace(/^https:\/\//, '');
  for (const [i, page] of pages.entries()) {
    const { ops, fonts: used } = await fonts.draw(fichePageStamps(kit, fiche, page.getHeight(), `Page ${i + 1}\u00A0/\u00A0${pages.length}`, url), colour);
    for (const ref of appendToPage(doc, page, ops, used)) touch(ref);
  }
  await fonts.embed();
  for (const ref of retitleOutline(doc, bookmarkTitles(ficheHeadings(fiche)))) touch(ref);
  setInfo(doc, meta);
  const failures = finishAccessible(doc, meta, piece.failures, touch);
  const offsets = xrefOffsets(piece.bytes);
  const bytes = offsets ? rewriteCompact(doc, piece.bytes, offsets, touched) : await doc.save({ useObjectStreams: false });
  return { bytes, pages: pages.length, failures };
}

/** Text compared without spaces, soft hyphens nor case: how Chromium's bookmark and its heading are matched. */
function compact(text: string): string {
  return withoutSpaces(text).toLocaleLowerCase('fr');
}

/**
 * Chromium's bookmarks of a fiche, in order, renamed after the fiche's headings (see ficheHeadings): each bookmark
 * takes the title of the next heading it names — with or without the spaces Chromium drops, once or twice over, in
 * capitals or not; a bookmark that names none keeps its title.
 */
function bookmarkTitles(headings: FicheHeading[]): (title: string) => string | undefined {
  let next = 0;
  return (title) => {
    const found = compact(title);
    for (let i = next; i < headings.length; i++) {
      const text = compact(headings[i]!.text);
      if (found === text || found === text + text) {
        next = i + 1;
        return headings[i]!.bookmark === title ? undefined : headings[i]!.bookmark;
      }
    }
    return undefined;
  };
}

/** The booklet's pages as planned, with the printed pieces they come from. */
export interface BookletParts {
  plan: BookletPlan;
  frame: Piece;
  layout: FrameLayout;
  /** Each fiche's printed body, by number. */
  fiches: Map<number, Piece>;
}

/**
 * A booklet from its printed pieces: its own pages and its fiches' bodies in the planned order, one structure
 * tree, headers, footers and folios stamped, links to fiches pointing to their first page, bookmarks, page
 * labels, metadata and XMP. With `bleed`, the booklet's own pages were printed at the print-shop size and the
 * fiches' pages are centred on sheets of that size.
 */
export async function assembleBooklet(kit: Kit, parts: BookletParts, meta: PdfMeta, variant: { bleed?: boolean } = {}): Promise<Assembled> {
  const { plan, layout } = parts;
  const numbers = [...parts.fiches.keys()];
  // A booklet's pieces are read with pdf-lib's pauses (a timer every 100 objects): the preview's page showing the
  // fiche just printed tells the server it drew it between two of them (without them, not before the booklet).
  const sources = [await PDFDocument.load(parts.frame.bytes, PAUSED), ...(await Promise.all(numbers.map((n) => PDFDocument.load(parts.fiches.get(n)!.bytes, PAUSED))))];
  const sourceOf = new Map(numbers.map((n, i) => [n, i + 1]));
  const frameSize = sources[0]!.getPage(0).getSize();
  const slots: PageSlot[] = plan.pages.map((p) => {
    if (p.kind === 'front') return { source: 0, index: p.index };
    if (p.kind === 'opener') return { source: 0, index: layout.openers.get(p.part)! };
    if (p.kind === 'back') return { source: 0, index: layout.front + layout.openers.size + p.index };
    if (p.kind === 'fiche') return { source: sourceOf.get(p.number)!, index: p.index };
    return { blank: [frameSize.width, frameSize.height] as [number, number] };
  });
  // The structure follows the pages: the booklet's own elements where their page goes, each fiche's after its opener.
  const frameTops = topElements(sources[0]!);
  const openerOf = new Map([...layout.openers].map(([part, page]) => [page, part]));
  const kids: { source: number; ref: PDFRef }[] = [];
  const frameKids = (test: (page: number) => boolean) => {
    for (const top of frameTops) if (test(top.page)) kids.push({ source: 0, ref: top.ref });
  };
  frameKids((page) => page < layout.front);
  for (const group of bookletParts(kit)) {
    const opener = layout.openers.get(group.part.id)!;
    frameKids((page) => page === opener);
    for (const fiche of group.fiches) for (const top of topElements(sources[sourceOf.get(fiche.number)!]!)) kids.push({ source: sourceOf.get(fiche.number)!, ref: top.ref });
  }
  frameKids((page) => page >= layout.front + layout.openers.size || (page >= layout.front && !openerOf.has(page)));

  const doc = await PDFDocument.create({ updateMetadata: false });
  const merged = mergeTagged(doc, sources, slots, kids);
  const pages = merged.pages;
  // A4 pages of fiches on the print-shop sheet: centred, so that they keep their place relative to the trim.
  const shift = variant.bleed ? { x: (frameSize.width - A4.width) / 2, y: (frameSize.height - A4.height) / 2 } : { x: 0, y: 0 };

  // Stamps: fiches' pages get their header and footer; the édito, changes and sommaire pages their footer.
  const fonts = new StampFonts(doc);
  const colour = rgbOf(kit.config.accent);
  const byNumber = new Map(kit.fiches.map((f) => [f.number, f]));
  for (const [i, slot] of plan.pages.entries()) {
    const page = pages[i]!;
    let texts: StampText[] = [];
    if (slot.kind === 'fiche') texts = fichePageStamps(kit, byNumber.get(slot.number)!, A4.height, String(i + 1));
    else if (slot.kind === 'front' && slot.index > 0) {
      texts = [
        { text: editionLabel(kit.config.edition), weight: 400, align: 'left', x: MARGIN_BOXES.left, y: MARGIN_BOXES.footerFromBottom, place: 'Footer' },
        { text: String(i + 1), weight: 600, align: 'right', x: MARGIN_BOXES.right, y: MARGIN_BOXES.footerFromBottom, place: 'Footer' },
      ];
    }
    if (texts.length === 0 && !(slot.kind === 'fiche' && variant.bleed)) continue;
    const { ops, fonts: used } = await fonts.draw(texts, colour);
    if (slot.kind === 'fiche' && variant.bleed) {
      appendToPage(doc, page, ops, used);
      centreOnSheet(doc, page, shift, frameSize);
    } else appendToPage(doc, page, variant.bleed ? `q 1 0 0 1 ${shift.x} ${shift.y} cm\n${ops}Q\n` : ops, used);
  }
  await fonts.embed();

  // Links to a fiche's PDF (sommaire, openers, cross-references) go to its first page; a fiche's own address
  // (its QR code: its web page, which links its latest PDF) stays as it is.
  const urls = new Map(kit.fiches.map((f) => [fichePdfUrl(kit, f), f.number]));
  for (const [i, slot] of plan.pages.entries()) {
    const annots = pages[i]!.node.lookup(PDFName.of('Annots'));
    if (!(annots instanceof PDFArray)) continue;
    for (let a = 0; a < annots.size(); a++) {
      const annot = annots.lookup(a);
      const action = annot instanceof PDFDict ? annot.lookup(PDFName.of('A')) : undefined;
      const uri = action instanceof PDFDict ? action.lookup(PDFName.of('URI')) : undefined;
      const target = uri instanceof PDFString || uri instanceof PDFHexString ? urls.get(uri.decodeText()) : undefined;
      if (target === undefined || (slot.kind === 'fiche' && slot.number === target) || !plan.starts.has(target)) continue;
      const start = plan.starts.get(target)!;
      const dest = pages[start - 1]!;
      (annot as PDFDict).set(PDFName.of('A'), doc.context.obj({ S: 'GoTo', D: [dest.ref, 'XYZ', 0, dest.getHeight(), 0] }));
      const contents = (annot as PDFDict).lookup(PDFName.of('Contents'));
      const text = contents instanceof PDFString || contents instanceof PDFHexString ? contents.decodeText() : '';
      if (!new RegExp(`\\b${start}$`).test(text)) (annot as PDFDict).set(PDFName.of('Contents'), hexText(`${text} (p. ${start})`.trim()));
    }
  }

  // Bookmarks and page labels (the folios are the page numbers, from the cover on).
  const at = (framePage: number) => plan.pages.findIndex((p, i) => slots[i] && 'source' in slots[i]! && (slots[i] as { source: number }).source === 0 && (slots[i] as { index: number }).index === framePage);
  writeOutline(doc, [
    { title: 'Couverture', pageIndex: 0 },
    { title: 'Édito', pageIndex: at(layout.edito) },
    { title: 'Sommaire', pageIndex: at(layout.toc) },
    ...bookletParts(kit).map((g) => ({
      title: headerTitle(g.part.title),
      pageIndex: at(layout.openers.get(g.part.id)!),
      children: g.fiches.map((f) => ({ title: `Fiche ${f.number} – ${headerTitle(f.meta.title)}`, pageIndex: plan.starts.get(f.number)! - 1 })),
    })),
    { title: 'Quatrième de couverture', pageIndex: pages.length - 1 },
  ]);
  doc.catalog.set(PDFName.of('PageLabels'), doc.context.obj({ Nums: [0, { S: 'D' }] }));
  canonicalStructureNumbers(doc, () => undefined);
  stabiliseStructureIds(doc);
  setInfo(doc, meta);
  const failures = finishAccessible(doc, meta, [...parts.frame.failures, ...[...parts.fiches.values()].flatMap((p) => p.failures)], () => undefined);
  return { bytes: writeDocument(doc), pages: pages.length, failures };
}

/** A4 as Chromium prints it, in points. */
const A4 = { width: 594.96, height: 841.92 } as const;

/** Puts a page's content (and links) on a larger sheet, shifted by `shift`. */
function centreOnSheet(doc: PDFDocument, page: PDFPage, shift: { x: number; y: number }, sheet: { width: number; height: number }): void {
  const ctx = doc.context;
  const contents = page.node.get(PDFName.of('Contents'));
  const list = contents instanceof PDFArray ? contents.asArray() : contents ? [contents] : [];
  const before = ctx.register(flateStream(ctx, Buffer.from(`q 1 0 0 1 ${shift.x} ${shift.y} cm\n`, 'latin1')));
  const after = ctx.register(flateStream(ctx, Buffer.from('Q\n', 'latin1')));
  page.node.set(PDFName.of('Contents'), ctx.obj([before, ...list, after]));
  page.node.set(PDFName.of('MediaBox'), ctx.obj([0, 0, sheet.width, sheet.height]));
  const annots = page.node.lookup(PDFName.of('Annots'));
  if (!(annots instanceof PDFArray)) return;
  for (let i = 0; i < annots.size(); i++) {
    const annot = annots.lookup(i);
    const rect = annot instanceof PDFDict ? annot.lookup(PDFName.of('Rect')) : undefined;
    if (!(rect instanceof PDFArray)) continue;
    for (let j = 0; j < rect.size(); j++) {
      const v = rect.lookup(j);
      if (v instanceof PDFNumber) rect.set(j, PDFNumber.of(v.asNumber() + (j % 2 === 0 ? shift.x : shift.y)));
    }
  }
}
