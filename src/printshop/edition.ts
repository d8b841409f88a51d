import { PDFDocument } from 'pdf-lib';
import { addTrimAndMarks, padToMultipleOfFour } from './bleed.js';
import { toPdfX, transparentPages } from './pdfx.js';

/** The print-shop files of one booklet. */
export interface PrintEdition {
  /** Trim, bleed and crop marks, colours as printed by Chromium (RGB). */
  print: Uint8Array;
  /** The same pages as PDF/X-1a:2001, in CMYK. */
  pdfx: Uint8Array;
  pages: number;
  /** Blank pages added before the back cover to reach a multiple of 4. */
  padding: number;
  /** Pages using transparency: Ghostscript turns them into images in the PDF/X file. */
  transparent: number[];
}

/**
 * Makes the print-shop files from a finished booklet printed at bleed size (see templates/print-bleed.css):
 * pads it to a multiple of 4 pages, puts every page on a sheet with trim, bleed and crop marks, then converts
 * the result to PDF/X.
 */
export async function makePrintEdition(booklet: Uint8Array, meta: { title: string; date: Date; signal?: AbortSignal }): Promise<PrintEdition> {
  const pdf = await PDFDocument.load(booklet, { updateMetadata: false });
  const padding = padToMultipleOfFour(pdf);
  addTrimAndMarks(pdf);
  const transparent = transparentPages(pdf);
  const print = await pdf.save({ useObjectStreams: false });
  const pdfx = await toPdfX(print, meta);
  return { print, pdfx, pages: pdf.getPageCount(), padding, transparent };
}
