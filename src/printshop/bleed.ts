import { PDFArray, PDFDict, PDFDocument, PDFName, PDFNumber, PDFOperator, PDFOperatorNames, type PDFPage, type PDFRef } from 'pdf-lib';

/** PDF points per millimetre. */
export const MM = 72 / 25.4;
/** The finished (trimmed) page: A4 portrait. */
export const TRIM = { width: 210 * MM, height: 297 * MM } as const;
/** Bleed on every side of the trim, where edge-to-edge colour runs on. */
export const BLEED = 3 * MM;
/** Extra paper around the bleed that holds the crop marks. */
export const SLUG = 10 * MM;
/** The sheet the print PDF is drawn on: trim + bleed + slug on every side (236 × 323 mm). */
export const MEDIA = { width: TRIM.width + 2 * (BLEED + SLUG), height: TRIM.height + 2 * (BLEED + SLUG) } as const;

/** A crop mark starts this far from the bleed edge (it never touches the bleed) and is this long. */
const MARK_GAP = 1 * MM;
const MARK_LENGTH = 5 * MM;
const MARK_WIDTH = 0.25;

/** A rectangle in PDF points. */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Where the print PDF's boxes sit on every page of the enlarged sheet. */
export const BOXES: { media: Box; bleed: Box; trim: Box } = {
  media: { x: 0, y: 0, ...MEDIA },
  bleed: { x: SLUG, y: SLUG, width: TRIM.width + 2 * BLEED, height: TRIM.height + 2 * BLEED },
  trim: { x: SLUG + BLEED, y: SLUG + BLEED, ...TRIM },
};

/**
 * Pads a booklet with blank pages to a multiple of 4 pages (a folded sheet carries 4), inserted before the
 * last page so that the back cover stays last. Returns the number of pages added.
 */
export function padToMultipleOfFour(pdf: PDFDocument): number {
  const count = pdf.getPageCount();
  const missing = (4 - (count % 4)) % 4;
  const last = pdf.getPage(count - 1).getMediaBox();
  for (let i = 0; i < missing; i++) pdf.insertPage(count - 1 + i, [last.width, last.height]);
  return missing;
}

/** Moves the page's annotations (links) with its content. */
function shiftAnnotations(page: PDFPage, dx: number, dy: number): void {
  const annots = page.node.Annots();
  if (!annots) return;
  for (let i = 0; i < annots.size(); i++) {
    const annot = annots.lookup(i);
    if (!(annot instanceof PDFDict)) continue;
    for (const key of ['Rect', 'QuadPoints']) {
      const coords = annot.lookup(PDFName.of(key));
      if (!(coords instanceof PDFArray)) continue;
      for (let j = 0; j < coords.size(); j++) {
        const value = coords.lookup(j);
        if (value instanceof PDFNumber) coords.set(j, PDFNumber.of(value.asNumber() + (j % 2 === 0 ? dx : dy)));
      }
    }
  }
}

/** The « registration » colour: a Separation printed at 100 % on every plate, what crop marks are drawn in. */
function registrationColour(pdf: PDFDocument): PDFRef {
  const ctx = pdf.context;
  const tint = ctx.obj({ FunctionType: 2, Domain: [0, 1], C0: [0, 0, 0, 0], C1: [1, 1, 1, 1], N: 1 });
  return ctx.register(ctx.obj([PDFName.of('Separation'), PDFName.of('All'), PDFName.of('DeviceCMYK'), ctx.register(tint)]));
}

const op = (name: PDFOperatorNames, ...args: (number | string)[]) =>
  PDFOperator.of(name, args.map((a) => (typeof a === 'number' ? PDFNumber.of(Number(a.toFixed(4))) : PDFName.of(a))));

/** Draws the eight crop marks around the trim, in the slug: each on the line of a trim edge, outside the bleed. */
function drawCropMarks(page: PDFPage, colour: PDFRef): void {
  const resources = page.node.normalizedEntries().Resources;
  let spaces = resources.lookup(PDFName.of('ColorSpace'));
  if (!(spaces instanceof PDFDict)) {
    spaces = page.doc.context.obj({});
    resources.set(PDFName.of('ColorSpace'), spaces as PDFDict);
  }
  (spaces as PDFDict).set(PDFName.of('KitessRegistration'), colour);
  const { x: left, y: bottom, width, height } = BOXES.trim;
  const right = left + width;
  const top = bottom + height;
  const near = BLEED + MARK_GAP;
  const far = near + MARK_LENGTH;
  const segments: [number, number, number, number][] = [];
  for (const x of [left, right]) {
    const out = x === left ? -1 : 1;
    for (const y of [bottom, top]) {
      const up = y === bottom ? -1 : 1;
      segments.push([x + out * near, y, x + out * far, y]); // horizontal mark on the line of the top or bottom edge
      segments.push([x, y + up * near, x, y + up * far]); // vertical mark on the line of the left or right edge
    }
  }
  // Crop marks are production aids, not content: a page artifact (ISO 32000-1, 14.8.2.2.2), so the tags stay whole.
  page.pushOperators(
    PDFOperator.of(PDFOperatorNames.BeginMarkedContentSequence, [PDFName.of('Artifact'), '<</Type /Page>>']),
    op(PDFOperatorNames.PushGraphicsState),
    op(PDFOperatorNames.StrokingColorspace, 'KitessRegistration'),
    op(PDFOperatorNames.StrokingColorN, 1),
    op(PDFOperatorNames.SetLineWidth, MARK_WIDTH),
    op(PDFOperatorNames.SetLineCapStyle, 0),
    ...segments.flatMap(([x1, y1, x2, y2]) => [op(PDFOperatorNames.MoveTo, x1, y1), op(PDFOperatorNames.LineTo, x2, y2)]),
    op(PDFOperatorNames.StrokePath),
    op(PDFOperatorNames.PopGraphicsState),
    PDFOperator.of(PDFOperatorNames.EndMarkedContent),
  );
}

/**
 * Turns pages printed at bleed size (216 × 303 mm, content placed 3 mm inside the top-left corner) into
 * print-shop pages: each is put on a larger sheet (MEDIA) with the trim centred, gets its BleedBox, TrimBox and
 * ArtBox, and crop marks in the slug. Chromium rounds the page to whole device units, so the trim is placed
 * from the top-left corner, where the layout starts, not from the page size.
 */
export function addTrimAndMarks(pdf: PDFDocument): void {
  const colour = registrationColour(pdf);
  const { media, bleed, trim } = BOXES;
  for (const page of pdf.getPages()) {
    const printed = page.getMediaBox();
    const dx = trim.x - (printed.x + BLEED);
    const dy = trim.y + trim.height - (printed.y + printed.height - BLEED);
    page.translateContent(dx, dy);
    shiftAnnotations(page, dx, dy);
    page.setMediaBox(media.x, media.y, media.width, media.height);
    page.setCropBox(media.x, media.y, media.width, media.height);
    page.setBleedBox(bleed.x, bleed.y, bleed.width, bleed.height);
    page.setTrimBox(trim.x, trim.y, trim.width, trim.height);
    page.setArtBox(trim.x, trim.y, trim.width, trim.height);
    // Draw the marks in page coordinates, outside the translated content.
    page.resetPosition();
    drawCropMarks(page, colour);
  }
}
