import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { unzipSync } from 'fflate';
import { walkUnits } from '../../src/pdf/pages.js';
import { checkPdf, formatFailures } from '../../src/pdfua/check.js';
import path from 'node:path';
import { PDFArray, PDFDict, PDFHexString, PDFName, PDFRawStream, PDFString, type PDFObject } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from '../../src/build.js';
import type { BrowserHandle } from '../../src/browser.js';
import type { Manifest } from '../../src/pipeline/publish.js';
import { BOXES, MM } from '../../src/printshop/bleed.js';
import { testBrowser } from '../helpers/browser.js';
import { FIXTURES, tempDir } from '../helpers/fixtures.js';
import { loadPdfFile, pdfFonts, pdfInfo, pdfPages, pdfText } from '../helpers/pdf.js';
import { darkest, pdfBoxes, pdfTextIn, pixel, sizeMm } from '../helpers/printshop.js';

const sheets = path.join(FIXTURES, 'pipeline/sheets');
let browser: BrowserHandle;
let dist: string;
let rectoDist: string;

beforeAll(async () => {
  browser = await testBrowser();
  dist = path.join(tempDir(), 'dist');
  rectoDist = path.join(tempDir(), 'dist');
  await build({ sheetsDir: sheets, outDir: dist, kits: ['demo'], print: true }, { browser });
  await build({ sheetsDir: sheets, outDir: rectoDist, kits: ['demo'], recto: true }, { browser });
});

afterAll(async () => {
  await browser?.close();
});

const screen = () => path.join(dist, 'demo/kit-demoess.pdf');
const print = (root = dist) => path.join(root, 'demo/impression/kit-demoess-impression.pdf');
const pdfx = (root = dist) => path.join(root, 'demo/impression/kit-demoess-pdfx.pdf');
/** Where a fiche starts, from the booklet's bookmarks. */
const fichePages = async (file: string) =>
  Object.fromEntries((await loadPdfFile(file)).outline.filter((o) => o.depth === 1).map((o) => [o.title.replace(/ –.*/, ''), o.pageIndex + 1]));
/** The contents page's entries: fiche number → page printed. */
const tocPages = (file: string) => Object.fromEntries([...pdfText(file, 3).matchAll(/^\s*(\d+)\s+(.+?)\s+(\d+)\s*$/gm)].map((m) => [`Fiche ${m[1]}`, Number(m[3])]));

describe('print-shop booklet (--print)', () => {
  it('is written beside the screen PDFs and listed in the manifest with its PDF/X twin', () => {
    const manifest: Manifest = JSON.parse(readFileSync(path.join(dist, 'manifest.json'), 'utf8'));
    const kit = manifest.kits.find((k) => k.id === 'demo')!;
    expect(kit.print).toMatchObject({
      booklet: { path: 'demo/impression/kit-demoess-impression.pdf', pages: 12 },
      pdfx: { path: 'demo/impression/kit-demoess-pdfx.pdf', pages: 12 },
      recto: false,
      padding: 3,
    });
    expect(existsSync(screen())).toBe(true);
    expect(pdfPages(print())).toBe(12);
  });

  it('has a 210 × 297 mm TrimBox, a 216 × 303 mm BleedBox and a larger MediaBox for the marks, on every page', () => {
    const boxes = pdfBoxes(print(), 12);
    for (let p = 1; p <= 12; p++) {
      const page = boxes[p]!;
      expect(sizeMm(page.TrimBox!).map((v) => Math.round(v * 10) / 10)).toEqual([210, 297]);
      expect(sizeMm(page.BleedBox!).map((v) => Math.round(v * 10) / 10)).toEqual([216, 303]);
      expect(sizeMm(page.MediaBox!).map((v) => Math.round(v))).toEqual([236, 323]);
      // The trim sits 3 mm inside the bleed on every side.
      const [tx1, ty1, tx2, ty2] = page.TrimBox!;
      const [bx1, by1, bx2, by2] = page.BleedBox!;
      for (const gap of [tx1! - bx1!, ty1! - by1!, bx2! - tx2!, by2! - ty2!]) expect(gap / MM).toBeCloseTo(3, 1);
    }
  });

  it('keeps the screen booklet’s pagination: same fiche starts and contents, padded with blank pages before the back cover', async () => {
    expect(pdfPages(screen())).toBe(9);
    expect(await fichePages(print())).toEqual(await fichePages(screen()));
    expect(tocPages(print())).toEqual(tocPages(screen()));
    for (let p = 1; p <= 8; p++) expect(pdfText(print(), p).replace(/\s+/g, ' ')).toBe(pdfText(screen(), p).replace(/\s+/g, ' '));
    // Pages 9 to 11 are the padding; the back cover is last.
    for (let p = 9; p <= 11; p++) expect(pdfText(print(), p).trim()).toBe('');
    expect(pdfText(print(), 12)).toContain('Chaque fiche est aussi publiée seule');
    const { outline } = await loadPdfFile(print());
    expect(outline.at(-1)).toMatchObject({ title: 'Quatrième de couverture', pageIndex: 11 });
  });

  it('places the content where it is on the screen booklet, relative to the trim (within half a point)', () => {
    const word = (file: string, page: number, text: string) => {
      const out = execPdftotextBbox(file, page);
      const m = new RegExp(`xMin="([\\d.]+)" yMin="([\\d.]+)"[^>]*>${text}<`).exec(out)!;
      return [Number(m[1]), Number(m[2])];
    };
    // Trim's top-left corner, from the top-left of the sheet.
    const trimLeft = BOXES.trim.x;
    const trimTop = BOXES.media.height - (BOXES.trim.y + BOXES.trim.height);
    for (const [page, text] of [[1, 'RTES'], [3, 'Sommaire'], [4, 'Premières'], [5, 'Enjeux'], [5, 'Kit']] as const) {
      const [sx, sy] = word(screen(), page, text);
      const [px, py] = word(print(), page, text);
      expect(Math.abs(px! - trimLeft - sx!)).toBeLessThan(0.6);
      expect(Math.abs(py! - trimTop - sy!)).toBeLessThan(0.6);
    }
  });

  it('runs the cover and back cover colour into the bleed, and leaves the sheet outside it white', () => {
    const accent = [0x2f, 0x7d, 0x4f];
    const mediaHeight = BOXES.media.height;
    for (const page of [1, 12]) {
      // 1.5 mm outside the trim, at each corner of the bleed: the accent colour.
      for (const [x, y] of [[BOXES.bleed.x + 1.5 * MM, BOXES.bleed.x + 1.5 * MM], [BOXES.media.width - BOXES.bleed.x - 1.5 * MM, mediaHeight - BOXES.bleed.y - 1.5 * MM]]) {
        pixel(print(), page, x!, y!).forEach((c, i) => expect(Math.abs(c - accent[i]!)).toBeLessThan(6));
      }
      // In the slug, away from the marks: white.
      expect(pixel(print(), page, BOXES.media.width / 2, 5 * MM)).toEqual([255, 255, 255]);
    }
  });

  it('draws crop marks in the slug, on the lines of the trim, outside the bleed', () => {
    const trimLeft = BOXES.trim.x;
    const trimTop = BOXES.media.height - (BOXES.trim.y + BOXES.trim.height);
    for (const page of [1, 4]) {
      // Horizontal and vertical marks at the top-left corner: 4 to 9 mm outside the trim.
      expect(darkest(print(), page, { x: trimLeft - 8 * MM, y: trimTop - 0.5, w: 4 * MM, h: 1 })).toBeLessThan(128);
      expect(darkest(print(), page, { x: trimLeft - 0.5, y: trimTop - 8 * MM, w: 1, h: 4 * MM })).toBeLessThan(128);
    }
    // Nothing in the (white) bleed of a fiche page next to them.
    expect(darkest(print(), 5, { x: trimLeft - 2.5 * MM, y: trimTop - 2.5 * MM, w: 2 * MM, h: 2 * MM })).toBeGreaterThan(200);
  });

  it('runs a part opener’s band of colour into the bleed on its three outer sides, not below it (issue 17)', () => {
    const accent = [0x2f, 0x7d, 0x4f];
    const trimTop = BOXES.media.height - (BOXES.trim.y + BOXES.trim.height);
    const trimLeft = BOXES.trim.x;
    const trimRight = trimLeft + BOXES.trim.width;
    for (const [x, y] of [[trimLeft - 1.5 * MM, trimTop - 1.5 * MM], [trimRight + 1.5 * MM, trimTop + 20 * MM], [trimLeft - 1.5 * MM, trimTop + 20 * MM]]) {
      pixel(print(), 4, x!, y!).forEach((c, i) => expect(Math.abs(c - accent[i]!)).toBeLessThan(6));
    }
    // Beside the list of fiches, lower on the page, the bleed stays white.
    expect(pixel(print(), 4, trimLeft - 1.5 * MM, trimTop + 200 * MM)).toEqual([255, 255, 255]);
  });
});

function execPdftotextBbox(file: string, page: number): string {
  return execFileSync('pdftotext', ['-bbox', '-f', String(page), '-l', String(page), file, '-'], { encoding: 'utf8' });
}

describe('PDF/X version', () => {
  const text = (o: PDFObject | undefined) => (o instanceof PDFString || o instanceof PDFHexString ? o.decodeText() : String(o));

  it('declares PDF/X-1a:2001 in its document information, as PDF 1.3', async () => {
    const { doc } = await loadPdfFile(pdfx());
    const info = doc.context.lookup(doc.context.trailerInfo.Info) as PDFDict;
    expect(text(info.lookup(PDFName.of('GTS_PDFXVersion')))).toBe('PDF/X-1:2001');
    expect(text(info.lookup(PDFName.of('GTS_PDFXConformance')))).toBe('PDF/X-1a:2001');
    expect(String(info.lookup(PDFName.of('Trapped')))).toBe('/False');
    expect(pdfInfo(pdfx())['PDF version']).toBe('1.3');
    expect(text(info.lookup(PDFName.of('Title')))).toBe("Kit DémoESS – Un kit d'essai pour les tests de kitess");
  });

  it('has a GTS_PDFX output intent with an embedded CMYK profile in its catalog', async () => {
    const { doc } = await loadPdfFile(pdfx());
    const intents = doc.catalog.lookup(PDFName.of('OutputIntents'));
    expect(intents).toBeInstanceOf(PDFArray);
    const intent = (intents as PDFArray).lookup(0) as PDFDict;
    expect(String(intent.lookup(PDFName.of('S')))).toBe('/GTS_PDFX');
    expect(text(intent.lookup(PDFName.of('OutputConditionIdentifier')))).toBe('Custom');
    const profile = intent.lookup(PDFName.of('DestOutputProfile'));
    expect(profile).toBeInstanceOf(PDFRawStream);
    expect(String((profile as PDFRawStream).dict.lookup(PDFName.of('N')))).toBe('4');
  });

  it('keeps the boxes, embeds every font, keeps the text as text and has no links', async () => {
    const boxes = pdfBoxes(pdfx(), 12);
    expect(boxes[5]!.TrimBox).toEqual(pdfBoxes(print(), 12)[5]!.TrimBox);
    expect(boxes[5]!.BleedBox).toEqual(pdfBoxes(print(), 12)[5]!.BleedBox);
    const fonts = pdfFonts(pdfx());
    expect(fonts.length).toBeGreaterThan(0);
    for (const f of fonts) expect(f.embedded).toBe(true);
    // No page was flattened into an image: the text is still there.
    expect(pdfText(pdfx(), 5)).toContain('Enjeux');
    expect(pdfText(pdfx(), 3)).toContain('Sommaire');
    const { doc } = await loadPdfFile(pdfx());
    for (const page of doc.getPages()) expect(page.node.Annots()?.size() ?? 0).toBe(0);
  });

  it('converts the colours to CMYK', () => {
    const data = readFileSync(pdfx()).toString('latin1');
    expect(data).not.toMatch(/\/DeviceRGB/);
    expect(data).toMatch(/\/DeviceCMYK/);
  });
});

describe('print-shop booklet with --recto', () => {
  it('starts every fiche on a right-hand page, with a blank page before it when needed', async () => {
    const starts = await fichePages(print(rectoDist));
    expect(Object.values(starts).every((p) => p % 2 === 1)).toBe(true);
    expect(starts).toEqual({ 'Fiche 1': 5, 'Fiche 2': 7, 'Fiche 3': 9 });
    // Fiches 1 and 2 follow their part's opener (pages 4 and 6); fiche 3 needs a blank page.
    expect(pdfText(print(rectoDist), 4)).toContain('Premières clés');
    expect(pdfText(print(rectoDist), 6)).toContain('Leviers d’action');
    expect(pdfText(print(rectoDist), 8).trim()).toBe('');
  });

  it('gives the contents and the cross-references the pages of this version', async () => {
    expect(tocPages(print(rectoDist))).toEqual(await fichePages(print(rectoDist)));
    expect(pdfText(print(rectoDist), 5)).toMatch(/fiche 2 « Commande publique\s+responsable » \(p\. 7\)/);
    // The screen booklet is unchanged.
    expect(tocPages(screen())).toEqual({ 'Fiche 1': 5, 'Fiche 2': 7, 'Fiche 3': 8 });
  });

  it('is padded to a multiple of 4 with the back cover last', () => {
    const pages = pdfPages(print(rectoDist));
    expect(pages % 4).toBe(0);
    expect(pages).toBe(12);
    expect(pdfText(print(rectoDist), pages)).toContain('Chaque fiche est aussi publiée seule');
    expect(pdfPages(pdfx(rectoDist))).toBe(12);
    const manifest: Manifest = JSON.parse(readFileSync(path.join(rectoDist, 'manifest.json'), 'utf8'));
    expect(manifest.kits[0]!.print).toMatchObject({ recto: true, padding: 2 });
  });
});

describe('print-shop errors', () => {
  it('exits 4 with a French message when Ghostscript fails, and writes nothing', () => {
    const bin = path.join(tempDir(), 'bin');
    mkdirSync(bin);
    writeFileSync(path.join(bin, 'gs'), '#!/bin/sh\necho "Error: /undefined in --fake--" >&2\nexit 1\n');
    chmodSync(path.join(bin, 'gs'), 0o755);
    const out = path.join(tempDir(), 'dist');
    const cli = path.resolve(import.meta.dirname, '../../bin/kitess.js');
    const r = spawnSync(process.execPath, [cli, 'build', 'demo', '--sheets', sheets, '--out', out, '--print', '-q'], {
      encoding: 'utf8',
      env: { ...process.env, PATH: `${bin}:${process.env.PATH}` },
    });
    expect(r.status).toBe(4);
    expect(r.stderr).toContain('kitess : Ghostscript a échoué (code 1) pendant la conversion PDF/X');
    expect(existsSync(out)).toBe(false);
  });
});

describe('accessibility of the print-shop files (issue 12)', () => {
  it('keeps the print-shop booklet tagged: it passes the PDF/UA checker, its crop marks are page artifacts', async () => {
    expect(formatFailures(await checkPdf(readFileSync(print())))).toEqual([]);
    expect(pdfInfo(print()).Tagged).toBe('yes');
    const { doc } = await loadPdfFile(print());
    let marks = 0;
    walkUnits(doc, (_, step) => {
      const artifact = step.stack.find((f) => f.tag === 'Artifact');
      if (step.kind === 'paint' && step.op.op === 'S' && String((artifact?.props?.get('Type') as { value?: string } | undefined)?.value) === 'Page') marks++;
    });
    expect(marks).toBe(pdfPages(print()));
  });

  it('never links the PDF/X master from the download page nor puts it in a zip: it is no reading copy', () => {
    const index = readFileSync(path.join(dist, 'index.html'), 'utf8');
    expect(index).not.toContain('pdfx');
    for (const zip of readdirSync(dist, { recursive: true }).map(String).filter((f) => f.endsWith('.zip'))) {
      const names = Object.keys(unzipSync(readFileSync(path.join(dist, zip))));
      expect(names.length, zip).toBeGreaterThan(0);
      expect(names.filter((n) => /pdfx/.test(n)), zip).toEqual([]);
    }
    // The PDF/X file itself stays what it is: untagged, so it could never pass for a reading copy.
    expect(pdfInfo(pdfx()).Tagged).toBe('no');
  });
});
