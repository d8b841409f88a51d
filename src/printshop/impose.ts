import { PDFArray, PDFDocument, PDFName, PDFNumber, type PDFPage } from 'pdf-lib';
import { VERSION } from '../version.js';
import { MM } from './bleed.js';

/** The printed sheet: A4 landscape, folded in two into an A5 booklet. */
export const SHEET = { width: 297 * MM, height: 210 * MM } as const;

/** One sheet of a saddle-stitched booklet: page numbers (from 1) on each half of each side. */
export interface SheetSides {
  front: [left: number, right: number];
  back: [left: number, right: number];
}

/**
 * The order that folds into a booklet of `pages` pages (a multiple of 4), sheet by sheet, the sheets nested
 * inside one another: sheet k (from 0) carries pages n−2k and 2k+1 on its front, 2k+2 and n−2k−1 on its back.
 */
export function saddleStitchOrder(pages: number): SheetSides[] {
  if (pages <= 0 || pages % 4 !== 0) throw new RangeError(`a saddle-stitched booklet needs a multiple of 4 pages, not ${pages}`);
  return Array.from({ length: pages / 4 }, (_, k) => ({
    front: [pages - 2 * k, 2 * k + 1],
    back: [2 * k + 2, pages - 2 * k - 1],
  }));
}

/** The part of a page that ends up on paper: its TrimBox when it has one (a print-shop PDF), else its CropBox. */
function finishedBox(page: PDFPage) {
  const own = page.node.lookup(PDFName.of('TrimBox'));
  const box = own instanceof PDFArray && own.size() === 4 ? own.asArray().map((n) => (n as PDFNumber).asNumber()) : undefined;
  if (box) return { left: Math.min(box[0]!, box[2]!), bottom: Math.min(box[1]!, box[3]!), right: Math.max(box[0]!, box[2]!), top: Math.max(box[1]!, box[3]!) };
  const crop = page.getCropBox();
  return { left: crop.x, bottom: crop.y, right: crop.x + crop.width, top: crop.y + crop.height };
}

/** What an imposition did. */
export interface Imposed {
  bytes: Uint8Array;
  /** Pages of the booklet once padded to a multiple of 4. */
  pages: number;
  /** Blank pages added before the last page (the back cover). */
  padding: number;
  sheets: SheetSides[];
}

/**
 * Imposes an A4 booklet as an A5 saddle-stitched booklet: each page (trimmed to its TrimBox) is scaled to A5
 * and placed two by two on both sides of A4 landscape sheets, in folding order. Blank pages are added before
 * the back cover to reach a multiple of 4. Print both sides, flipping on the short edge, then fold and staple.
 */
export async function imposeSaddleStitch(input: Uint8Array, options: { title?: string; date?: Date } = {}): Promise<Imposed> {
  const source = await PDFDocument.load(input, { updateMetadata: false });
  const count = source.getPageCount();
  const padding = (4 - (count % 4)) % 4;
  // Booklet page numbers (from 1) → source page index, or undefined for a blank page.
  const order: (number | undefined)[] = [...Array.from({ length: count - 1 }, (_, i) => i), ...Array<undefined>(padding).fill(undefined), count - 1];
  const pages = count + padding;
  const out = await PDFDocument.create({ updateMetadata: false });
  const sourcePages = source.getPages();
  const embedded = await Promise.all(sourcePages.map((page) => out.embedPage(page, finishedBox(page))));
  const half = SHEET.width / 2;
  const place = (sheet: PDFPage, pageNumber: number, slot: 0 | 1) => {
    const index = order[pageNumber - 1];
    if (index === undefined) return;
    const page = embedded[index]!;
    const scale = Math.min(half / page.width, SHEET.height / page.height);
    const width = page.width * scale;
    const height = page.height * scale;
    // Each page against the fold, centred vertically.
    const x = slot === 0 ? half - width : half;
    sheet.drawPage(page, { x, y: (SHEET.height - height) / 2, width, height });
  };
  const sheets = saddleStitchOrder(pages);
  for (const { front, back } of sheets) {
    for (const side of [front, back]) {
      const sheet = out.addPage([SHEET.width, SHEET.height]);
      place(sheet, side[0], 0);
      place(sheet, side[1], 1);
    }
  }
  const title = options.title ?? source.getTitle();
  if (title) out.setTitle(`${title} (cahier A5 imposé)`);
  const author = source.getAuthor();
  if (author) out.setAuthor(author);
  out.setCreator('kitess');
  out.setProducer(`kitess ${VERSION}`);
  const date = options.date ?? source.getCreationDate();
  if (date) {
    out.setCreationDate(date);
    out.setModificationDate(date);
  }
  out.setLanguage('fr-FR');
  return { bytes: await out.save({ useObjectStreams: false }), pages, padding, sheets };
}
