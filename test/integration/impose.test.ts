import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import { MM } from '../../src/printshop/bleed.js';
import { imposeSaddleStitch, saddleStitchOrder, SHEET } from '../../src/printshop/impose.js';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/fixtures.js';
import { pdfInfo, pdfPages } from '../helpers/pdf.js';
import { pdfTextIn } from '../helpers/printshop.js';

const A4 = [210 * MM, 297 * MM] as [number, number];

/** A booklet of `count` A4 pages, each showing « PAGE n » in large type. */
async function numbered(count: number, size = A4, trim?: { x: number; y: number }): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  for (let n = 1; n <= count; n++) {
    const page = pdf.addPage(size);
    const origin = trim ?? { x: 0, y: 0 };
    if (trim) page.setTrimBox(trim.x, trim.y, A4[0], A4[1]);
    page.drawText(`PAGE ${n}`, { x: origin.x + 40 * MM, y: origin.y + 150 * MM, size: 40, font });
  }
  pdf.setTitle('Livret numéroté');
  return pdf.save();
}

/** The « PAGE n » number printed on each half of each side of an imposed PDF (0 for a blank half). */
function halves(file: string): [number, number][] {
  const sides = pdfPages(file);
  const read = (side: number, left: boolean) => {
    const text = pdfTextIn(file, side, { x: left ? 0 : SHEET.width / 2, y: 0, w: SHEET.width / 2, h: SHEET.height });
    return Number(/PAGE (\d+)/.exec(text)?.[1] ?? 0);
  };
  return Array.from({ length: sides }, (_, i) => [read(i + 1, true), read(i + 1, false)]);
}

let dir: string;
beforeAll(() => {
  dir = tempDir();
});

describe('kitess impose', () => {
  it('places the pages of a 12-page booklet in folding order on A4 landscape sheets', async () => {
    const input = path.join(dir, 'livret.pdf');
    writeFileSync(input, await numbered(12));
    const r = runCli(['impose', input]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = path.join(dir, 'livret-cahier-a5.pdf');
    expect(r.stdout).toContain(`Écrit ${out} : 12 pages A5, sur 3 feuilles A4 recto verso (6 faces)`);
    expect(pdfInfo(out)['Page size']).toMatch(/^841\.89 x 595\.27\d* pts \(A4\)/);
    expect(halves(out)).toEqual([
      [12, 1],
      [2, 11],
      [10, 3],
      [4, 9],
      [8, 5],
      [6, 7],
    ]);
    expect(halves(out)).toEqual(saddleStitchOrder(12).flatMap((s) => [s.front, s.back]));
  });

  it('adds blank pages before the back cover to reach a multiple of 4, and writes where --out says', async () => {
    const input = path.join(dir, 'sept.pdf');
    writeFileSync(input, await numbered(7));
    const out = path.join(dir, 'imposé.pdf');
    const r = runCli(['impose', input, '--out', out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('8 pages A5, dont 1 blanche ajoutée avant la 4e de couverture, sur 2 feuilles');
    // Booklet page 7 is the blank; page 8 is the original last page (« PAGE 7 »).
    expect(halves(out)).toEqual([
      [7, 1],
      [2, 0],
      [6, 3],
      [4, 5],
    ]);
  });

  it('scales each page’s TrimBox (not the bleed and marks around it) to one half of the sheet', async () => {
    const trim = { x: 13 * MM, y: 13 * MM };
    const imposed = await imposeSaddleStitch(await numbered(4, [236 * MM, 323 * MM], trim));
    const file = path.join(dir, 'trim.pdf');
    writeFileSync(file, imposed.bytes);
    expect(halves(file)).toEqual([
      [4, 1],
      [2, 3],
    ]);
    // « PAGE 1 » was 40 mm right of the trim's left edge: on the right half, 40 mm × A5/A4 right of the fold.
    const bbox = execFileSync('pdftotext', ['-bbox', '-f', '1', '-l', '1', file, '-'], { encoding: 'utf8' });
    const x = Math.max(...[...bbox.matchAll(/xMin="([\d.]+)"[^>]*>PAGE</g)].map((m) => Number(m[1])));
    expect(Math.abs(x - (SHEET.width / 2 + 40 * MM * (148.5 / 210)))).toBeLessThan(1);
  });

  it('refuses a missing file or a file that is not a PDF, in French, with exit code 2', () => {
    const missing = runCli(['impose', path.join(dir, 'absent.pdf')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`kitess : fichier « ${path.join(dir, 'absent.pdf')} » introuvable`);
    const text = path.join(dir, 'notes.pdf');
    writeFileSync(text, 'Ceci n’est pas un PDF.\n');
    const notPdf = runCli(['impose', text]);
    expect(notPdf.code).toBe(2);
    expect(notPdf.stderr).toContain(`kitess : « ${text} » n'est pas un PDF`);
    expect(existsSync(path.join(dir, 'notes-cahier-a5.pdf'))).toBe(false);
  });

  it('exits 4 when the PDF cannot be read', () => {
    const broken = path.join(dir, 'casse.pdf');
    writeFileSync(broken, '%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\n%%EOF\n');
    const r = runCli(['impose', broken]);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain(`kitess : « ${broken} » n'a pas pu être imposé`);
  });

  it('keeps the title with a mention of the imposition', () => {
    expect(readFileSync(path.join(dir, 'livret-cahier-a5.pdf')).length).toBeGreaterThan(0);
    expect(pdfInfo(path.join(dir, 'livret-cahier-a5.pdf')).Title).toBe('Livret numéroté (cahier A5 imposé)');
  });
});
