import { execFileSync } from 'node:child_process';

/** The page boxes pdfinfo reports for every page: { MediaBox: [x1, y1, x2, y2], TrimBox: …, … } by page number. */
export function pdfBoxes(file: string, pages: number): Record<number, Record<string, number[]>> {
  const out = execFileSync('pdfinfo', ['-box', '-f', '1', '-l', String(pages), file], { encoding: 'utf8' });
  const boxes: Record<number, Record<string, number[]>> = {};
  for (const m of out.matchAll(/^Page\s+(\d+)\s+(\w+Box):\s+([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)/gm)) {
    (boxes[Number(m[1])] ??= {})[m[2]!] = m.slice(3, 7).map(Number);
  }
  return boxes;
}

/** Width and height of a box in millimetres. */
export function sizeMm(box: number[]): [number, number] {
  return [((box[2]! - box[0]!) * 25.4) / 72, ((box[3]! - box[1]!) * 25.4) / 72];
}

/** The colour of one point of a page (x, y in PDF points from the page's top-left corner), rendered by poppler. */
export function pixel(file: string, page: number, x: number, y: number): [number, number, number] {
  const ppm = execFileSync('pdftoppm', ['-r', '72', '-f', String(page), '-l', String(page), '-x', String(Math.round(x)), '-y', String(Math.round(y)), '-W', '1', '-H', '1', file]);
  // Binary PPM: "P6\n1 1\n255\n" then one RGB triple.
  const data = ppm.subarray(ppm.length - 3);
  return [data[0]!, data[1]!, data[2]!];
}

/** The darkest grey level (0–255) in a small area of a page rendered at `dpi`, x, y, w, h in PDF points from the top-left. */
export function darkest(file: string, page: number, area: { x: number; y: number; w: number; h: number }, dpi = 300): number {
  const k = dpi / 72;
  const ppm = execFileSync('pdftoppm', ['-gray', '-r', String(dpi), '-f', String(page), '-l', String(page), '-x', String(Math.round(area.x * k)), '-y', String(Math.round(area.y * k)), '-W', String(Math.round(area.w * k)), '-H', String(Math.round(area.h * k)), file]);
  const header = /^P5\s+(\d+)\s+(\d+)\s+255\s/.exec(ppm.subarray(0, 40).toString('latin1'))!;
  const pixels = ppm.subarray(header[0].length);
  return Math.min(...pixels);
}

/** Text of a region of a page (x, y, w, h in PDF points from the top-left), read back by pdftotext. */
export function pdfTextIn(file: string, page: number, area: { x: number; y: number; w: number; h: number }): string {
  const args = ['-r', '72', '-f', String(page), '-l', String(page), '-x', String(Math.round(area.x)), '-y', String(Math.round(area.y)), '-W', String(Math.round(area.w)), '-H', String(Math.round(area.h))];
  return execFileSync('pdftotext', [...args, file, '-'], { encoding: 'utf8' });
}
