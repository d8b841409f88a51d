import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PDFContentStream, PDFDocument, PDFName, PDFRawStream, decodePDFRawStream } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { addTrimAndMarks, BLEED, BOXES, MM, padToMultipleOfFour } from '../../src/printshop/bleed.js';
import { saddleStitchOrder } from '../../src/printshop/impose.js';
import { kitSchema } from '../../src/config/schema.js';
import { pdfxDefinitions, stableId, transparentPages } from '../../src/printshop/pdfx.js';
import { planRecto } from '../../src/printshop/recto.js';

const TEMPLATES = path.resolve(import.meta.dirname, '../../templates');

describe('saddle-stitch order', () => {
  it('puts the outer pages on the first sheet and nests the others inside', () => {
    expect(saddleStitchOrder(8)).toEqual([
      { front: [8, 1], back: [2, 7] },
      { front: [6, 3], back: [4, 5] },
    ]);
    expect(saddleStitchOrder(4)).toEqual([{ front: [4, 1], back: [2, 3] }]);
  });

  it('uses every page once, and each sheet side carries two pages adding up to n + 1', () => {
    const n = 48;
    const sides = saddleStitchOrder(n).flatMap((s) => [s.front, s.back]);
    expect(sides.flat().sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i + 1));
    for (const [left, right] of sides) expect(left + right).toBe(n + 1);
  });

  it('refuses a page count that is not a multiple of 4', () => {
    expect(() => saddleStitchOrder(6)).toThrow(RangeError);
  });
});

describe('recto plan', () => {
  const starts = (entries: [number, number][]) => new Map(entries);

  it('puts a blank page before every fiche that would start on a left-hand page', () => {
    // Cover, édito, contents: the first fiche would start on page 4; fiches of 1, 2 and 3 pages.
    const plan = planRecto([1, 2, 3], starts([[1, 4], [2, 5], [3, 7]]));
    expect([...plan.starts]).toEqual([[1, 5], [2, 7], [3, 9]]);
    expect([...plan.blanks]).toEqual([1, 2]);
  });

  it('is a fixed point of its own result, and corrects from a printed pagination', () => {
    const plan = planRecto([1, 2, 3], starts([[1, 4], [2, 5], [3, 7]]));
    expect(planRecto([1, 2, 3], plan.starts, plan.blanks)).toEqual(plan);
    // The print found fiche 2 one page longer than planned: fiche 3 came right after it, on page 10.
    const found = planRecto([1, 2, 3], starts([[1, 5], [2, 7], [3, 10]]), plan.blanks);
    expect([...found.starts]).toEqual([[1, 5], [2, 7], [3, 11]]);
    expect([...found.blanks]).toEqual([1, 2, 3]);
  });
});

describe('print-bleed.css', () => {
  const margins = (css: string) => {
    const m = /@page\s*\{[^}]*?margin:\s*([\d.]+)mm\s+([\d.]+)mm\s+([\d.]+)mm\s+([\d.]+)mm/.exec(css);
    return m!.slice(1).map(Number);
  };

  it('grows the page by 6 mm and every margin by 3 mm, so the content box and the pagination stay the same', () => {
    const screen = readFileSync(path.join(TEMPLATES, 'kitess.css'), 'utf8');
    const bleed = readFileSync(path.join(TEMPLATES, 'print-bleed.css'), 'utf8');
    expect(screen).toMatch(/@page\s*\{\s*size:\s*A4;/);
    expect(bleed).toMatch(/@page\s*\{[^}]*size:\s*216mm 303mm;/);
    expect(margins(bleed)).toEqual(margins(screen).map((m) => m + 3));
    // Full-bleed pages keep no margin, even though the universal @page comes later.
    expect(bleed).toMatch(/@page cover\s*\{\s*margin:\s*0;/);
    expect(bleed).toMatch(/@page back\s*\{\s*margin:\s*0;/);
  });
});

describe('trim, bleed and crop marks', () => {
  async function bleedPages(count: number) {
    const pdf = await PDFDocument.create();
    for (let i = 0; i < count; i++) pdf.addPage([216 * MM, 303 * MM]).drawText(`page ${i + 1}`, { x: 20 * MM, y: 280 * MM });
    return pdf;
  }

  it('pads to a multiple of 4 with blank pages before the last one', async () => {
    const pdf = await bleedPages(7);
    const last = pdf.getPage(6).ref;
    expect(padToMultipleOfFour(pdf)).toBe(1);
    expect(pdf.getPageCount()).toBe(8);
    expect(pdf.getPage(7).ref).toBe(last);
    expect(pdf.getPage(6).node.Contents()).toBeUndefined();
    const full = await bleedPages(8);
    expect(padToMultipleOfFour(full)).toBe(0);
  });

  it('centres the trim on a 236 × 323 mm sheet, with the bleed 3 mm around it and the content moved with it', async () => {
    const pdf = await bleedPages(1);
    addTrimAndMarks(pdf);
    const page = pdf.getPage(0);
    const mm = (b: { x: number; y: number; width: number; height: number }) => [b.x, b.y, b.width, b.height].map((v) => Math.round((v / MM) * 100) / 100);
    expect(mm(page.getMediaBox())).toEqual([0, 0, 236, 323]);
    expect(mm(page.getBleedBox())).toEqual([10, 10, 216, 303]);
    expect(mm(page.getTrimBox())).toEqual([13, 13, 210, 297]);
    expect(mm(page.getArtBox())).toEqual([13, 13, 210, 297]);
    expect(BOXES.trim.x - BOXES.bleed.x).toBeCloseTo(BLEED);
    // The content was translated by the slug, and the marks are drawn in the registration colour.
    const streams = page.node
      .Contents()!
      .asArray()
      .map((ref) => pdf.context.lookup(ref))
      .map((s) => (s instanceof PDFContentStream ? s.getContentsString() : new TextDecoder().decode(decodePDFRawStream(s as PDFRawStream).decode())));
    expect(streams.join('\n')).toMatch(/1 0 0 1 28\.34\d* 28\.34\d* cm/);
    const marks = streams.at(-1)!;
    expect(marks).toContain('/KitessRegistration CS');
    expect(marks.match(/ m\n/g)).toHaveLength(8);
    const space = page.node.Resources()!.lookup(PDFName.of('ColorSpace'))!.toString();
    expect(space).toContain('/KitessRegistration');
  });
});

describe('PDF/X definitions', () => {
  it('declare the PDF/X-1a version keys and a CMYK output intent pointing to the profile', () => {
    const ps = pdfxDefinitions('Kit DémoESS', '/usr/share/color/icc/ghostscript/default_cmyk.icc');
    expect(ps).toContain('/GTS_PDFXVersion (PDF/X-1:2001)');
    expect(ps).toContain('/GTS_PDFXConformance (PDF/X-1a:2001)');
    expect(ps).toContain('/S /GTS_PDFX');
    expect(ps).toContain('/DestOutputProfile {kitess_icc}');
    expect(ps).toContain('<< /N 4 >>');
    expect(ps).toContain('/Trapped /False');
    // Text goes as UTF-16 hex: no PostScript escaping problem with accents or parentheses.
    expect(ps).toContain(`<feff${Buffer.from('Kit DémoESS', 'utf16le').swap16().toString('hex')}>`);
  });

  it('replace the trailer ID by a digest of the content, keeping the length', () => {
    const pdf = (id: string) => new TextEncoder().encode(`%PDF-1.3\n...\ntrailer\n<< /Size 1 /ID [<${id}><${id}>]\n>>\n%%EOF\n`);
    const a = stableId(pdf('0123456789ABCDEF0123456789ABCDEF'));
    const b = stableId(pdf('FEDCBA9876543210FEDCBA9876543210'));
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    expect(a.length).toBe(pdf('0123456789ABCDEF0123456789ABCDEF').length);
  });
});

describe('transparency check', () => {
  it('names the pages whose graphics states or images are transparent', async () => {
    const pdf = await PDFDocument.create();
    pdf.addPage().drawRectangle({ x: 10, y: 10, width: 50, height: 50 });
    pdf.addPage().drawRectangle({ x: 10, y: 10, width: 50, height: 50, opacity: 0.5 });
    pdf.addPage().drawRectangle({ x: 10, y: 10, width: 50, height: 50, opacity: 1 });
    expect(transparentPages(pdf)).toEqual([2]);
  });
});

describe('kit.yml print setting', () => {
  it('accepts impression: true/false or oui/non, and nothing else', () => {
    const base = {
      identifiant: 'demo', titre: 'Kit', 'sous-titre': 'Sous-titre', niveau: 'communes', edition: { numero: 1, date: '2026-03-01' }, editeur: 'RTES',
      couleur: '#2f7d4f', livret: 'kit-demo', 'adresse-web': 'https://kits.example.org/demo/', edito: 'Édito.', parties: [{ identifiant: 'cles', titre: 'Clés' }],
    };
    expect(kitSchema.parse(base).print).toBeUndefined();
    expect(kitSchema.parse({ ...base, impression: true }).print).toBe(true);
    expect(kitSchema.parse({ ...base, impression: 'oui' }).print).toBe(true);
    expect(kitSchema.parse({ ...base, impression: 'non' }).print).toBe(false);
    expect(kitSchema.safeParse({ ...base, impression: 'peut-être' }).success).toBe(false);
  });
});
