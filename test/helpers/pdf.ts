import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { PDFArray, PDFDict, PDFDocument, PDFHexString, PDFName, PDFString } from 'pdf-lib';
import { readOutline } from '../../src/pipeline/assemble.js';

/** Text of a PDF (or of one page, 1-based), read back by poppler's pdftotext; soft hyphens removed, fixed spaces made plain. */
export function pdfText(file: string, page?: number): string {
  const range = page ? ['-f', String(page), '-l', String(page)] : [];
  return execFileSync('pdftotext', ['-layout', ...range, file, '-'], { encoding: 'utf8' })
    .replace(/\u00AD/g, '')
    .replace(/[\u00A0\u2009\u202F]/g, ' ');
}

/** pdfinfo's fields, as a record. */
export function pdfInfo(file: string): Record<string, string> {
  const out = execFileSync('pdfinfo', ['-isodates', file], { encoding: 'utf8' });
  return Object.fromEntries(out.split('\n').filter((l) => l.includes(':')).map((l) => [l.slice(0, l.indexOf(':')).trim(), l.slice(l.indexOf(':') + 1).trim()]));
}

/** The fonts pdffonts lists: name and whether each is embedded. */
export function pdfFonts(file: string): { name: string; embedded: boolean }[] {
  const lines = execFileSync('pdffonts', [file], { encoding: 'utf8' }).split('\n').slice(2).filter(Boolean);
  return lines.map((l) => {
    const cols = l.trim().split(/\s+/);
    const emb = cols[cols.length - 5];
    return { name: cols[0]!, embedded: emb === 'yes' };
  });
}

/** The number of pages of a PDF. */
export function pdfPages(file: string): number {
  return Number(pdfInfo(file).Pages);
}

/** Loads a PDF with pdf-lib to read its catalog and outline. */
export async function loadPdfFile(file: string) {
  const doc = await PDFDocument.load(readFileSync(file), { updateMetadata: false });
  const lang = doc.catalog.lookup(PDFName.of('Lang'));
  return { doc, outline: readOutline(doc), lang: lang ? String(lang.toString()) : undefined };
}

/** The URIs of every link annotation of a PDF, or of one of its pages (1-based; negative: from the end), read with pdf-lib. */
export async function pdfLinks(file: string, only?: number): Promise<string[]> {
  const { doc } = await loadPdfFile(file);
  const uris: string[] = [];
  const pages = doc.getPages();
  for (const page of only === undefined ? pages : [pages.at(only > 0 ? only - 1 : only)!]) {
    const annots = page.node.Annots();
    if (!annots) continue;
    for (let i = 0; i < annots.size(); i++) {
      const annot = annots.lookup(i) as PDFDict;
      const action = annot.lookup(PDFName.of('A'));
      const uri = action instanceof PDFDict ? action.lookup(PDFName.of('URI')) : undefined;
      if (uri instanceof PDFString || uri instanceof PDFHexString) uris.push(uri.decodeText());
    }
  }
  return uris;
}

/** Every link annotation of a PDF, read with pdf-lib: its URI (external links) and its description (/Contents). */
export async function pdfLinkAnnotations(file: string): Promise<{ uri?: string; contents?: string }[]> {
  const { doc } = await loadPdfFile(file);
  const text = (value: unknown) => (value instanceof PDFString || value instanceof PDFHexString ? value.decodeText() : undefined);
  return doc.getPages().flatMap((page) => {
    const annots = page.node.Annots();
    return Array.from({ length: annots?.size() ?? 0 }, (_, i) => {
      const annot = annots!.lookup(i) as PDFDict;
      const action = annot.lookup(PDFName.of('A'));
      const uri = text(action instanceof PDFDict ? action.lookup(PDFName.of('URI')) : undefined);
      const contents = text(annot.lookup(PDFName.of('Contents')));
      return { ...(uri !== undefined ? { uri } : {}), ...(contents !== undefined ? { contents } : {}) };
    });
  });
}

/** The internal links of one page (1-based): each link's description (/Contents) and the page (1-based) it goes to. */
export async function pageLinks(file: string, page: number): Promise<{ contents: string; target: number }[]> {
  const { doc } = await loadPdfFile(file);
  const pages = doc.getPages();
  const annots = pages[page - 1]!.node.Annots();
  const out: { contents: string; target: number }[] = [];
  for (let i = 0; i < (annots?.size() ?? 0); i++) {
    const annot = annots!.lookup(i) as PDFDict;
    const action = annot.lookup(PDFName.of('A'));
    const dest = action instanceof PDFDict && String(action.get(PDFName.of('S'))) === '/GoTo' ? action.lookup(PDFName.of('D')) : annot.lookup(PDFName.of('Dest'));
    if (!(dest instanceof PDFArray)) continue;
    const contents = annot.lookup(PDFName.of('Contents'));
    out.push({ contents: contents instanceof PDFString || contents instanceof PDFHexString ? contents.decodeText() : '', target: pages.findIndex((p) => p.ref === dest.get(0)) + 1 });
  }
  return out;
}

/** Where a word first appears on a page (1-based), in points from the top left, read with `pdftotext -bbox`. */
export function wordPosition(file: string, page: number, word: string): { x: number; y: number } | undefined {
  const xml = execFileSync('pdftotext', ['-bbox', '-f', String(page), '-l', String(page), file, '-'], { encoding: 'utf8' });
  for (const m of xml.matchAll(/<word xMin="([\d.]+)" yMin="([\d.]+)"[^>]*>([^<]*)<\/word>/g)) {
    if (m[3] === word) return { x: Number(m[1]), y: Number(m[2]) };
  }
  return undefined;
}

/**
 * For every line of at least five words, the widest space between two words relative to the line's height,
 * read back with `pdftotext -bbox-layout`: loose justified lines (and rivers) show as wide spaces.
 */
export function widestWordSpaces(file: string): number[] {
  const xml = execFileSync('pdftotext', ['-bbox-layout', file, '-'], { encoding: 'utf8' });
  const ratios: number[] = [];
  for (const [, yMin, yMax, body] of xml.matchAll(/<line xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([\s\S]*?)<\/line>/g)) {
    const words = [...body!.matchAll(/<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)"/g)].map((m) => [Number(m[1]), Number(m[2])] as const);
    if (words.length < 5) continue;
    const widest = Math.max(...words.slice(1).map(([xMin], i) => xMin - words[i]![1]));
    ratios.push(widest / (Number(yMax) - Number(yMin)));
  }
  return ratios;
}

/**
 * The text pdf.js (Firefox's viewer) extracts, page after page: getTextContent's items, a line break after
 * each item that ends a line. pdfjs-dist's legacy build runs in Node without a canvas for text.
 */
export async function pdfjsText(file: string): Promise<string> {
  const { getDocument } = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const doc = await getDocument({ data: new Uint8Array(readFileSync(file)), verbosity: 0, isEvalSupported: false }).promise;
  let out = '';
  for (let p = 1; p <= doc.numPages; p++) {
    const content = await (await doc.getPage(p)).getTextContent();
    for (const item of content.items) if ('str' in item) out += item.str + (item.hasEOL ? '\n' : '');
    out += '\n';
  }
  await doc.destroy();
  return out;
}

/** pdftotext's text in its default reading order (which joins words broken by a hyphen at a line end). */
export function pdftotextReadingOrder(file: string): string {
  return execFileSync('pdftotext', [file, '-'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
}

/** Grey renders of every page of a PDF by poppler's pdftoppm, one Buffer per page. */
export function renders(file: string, dpi = 50): Buffer[] {
  const pages = pdfPages(file);
  const out: Buffer[] = [];
  for (let p = 1; p <= pages; p++) out.push(execFileSync('pdftoppm', ['-gray', '-r', String(dpi), '-f', String(p), '-l', String(p), file], { maxBuffer: 64 * 1024 * 1024 }));
  return out;
}
