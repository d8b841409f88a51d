import { execFileSync } from 'node:child_process';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserHandle } from '../../src/browser.js';
import type { Kit } from '../../src/model.js';
import { Printer } from '../../src/pipeline/print.js';
import { renderFrame } from '../../src/pipeline/render.js';
import { prepareKits } from '../../src/prepare.js';
import { testBrowser } from '../helpers/browser.js';
import { copySheets, edit, tempDir } from '../helpers/fixtures.js';

/**
 * A printer's tab is reused from one document to the next, and a tab keeps the images it has shown by address:
 * two kits whose logos have the same file name (`/kit/logo-rtes.svg`), or one logo edited between two prints of
 * the preview, must each be printed with the bytes of their own file. What is checked is the cover as printed:
 * its pixels, in the logo's colour.
 */
let browser: BrowserHandle;
beforeAll(async () => {
  browser = await testBrowser();
});
afterAll(async () => {
  await browser?.close();
});

const RED = [0xcc, 0x00, 0x00] as const;
const BLUE = [0x00, 0x00, 0xcc] as const;

/** A logo that is a square of one colour. */
const logo = (rgb: readonly number[]) =>
  `<svg xmlns="http://www.w3.org/2000/svg" width="58" height="58" viewBox="0 0 58 58"><rect width="58" height="58" fill="rgb(${rgb.join(',')})"/></svg>\n`;

/** How many pixels of a PDF's first page, rendered by poppler at 40 dpi, have this colour (within a small margin). */
function pixelsOf(pdf: Uint8Array, rgb: readonly number[]): number {
  const dir = tempDir();
  writeFileSync(path.join(dir, 'doc.pdf'), pdf);
  execFileSync('pdftoppm', ['-r', '40', '-f', '1', '-l', '1', '-singlefile', path.join(dir, 'doc.pdf'), path.join(dir, 'page')]);
  const ppm = readFileSync(path.join(dir, 'page.ppm'));
  // P6 header: magic, width and height, maximum value, each followed by one whitespace.
  const header = /^P6\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(ppm.subarray(0, 64).toString('latin1'))!;
  let count = 0;
  for (let i = header[0].length; i + 2 < ppm.length; i += 3) {
    if (Math.abs(ppm[i]! - rgb[0]!) < 16 && Math.abs(ppm[i + 1]! - rgb[1]!) < 16 && Math.abs(ppm[i + 2]! - rgb[2]!) < 16) count++;
  }
  return count;
}

/** The fixture kit twice, `demo` and `autre`, their logos of the same name in two colours. */
async function twoKits(): Promise<{ sheets: string; kits: Kit[] }> {
  const sheets = copySheets('pipeline');
  cpSync(path.join(sheets, 'demo'), path.join(sheets, 'autre'), { recursive: true });
  edit(path.join(sheets, 'autre/kit.yml'), 'identifiant: demo', 'identifiant: autre');
  edit(path.join(sheets, 'autre/kit.yml'), 'livret: kit-demoess', 'livret: kit-autre');
  edit(path.join(sheets, 'autre/kit.yml'), 'adresse-web: https://kits.example.org/demo/', 'adresse-web: https://kits.example.org/autre/');
  writeFileSync(path.join(sheets, 'demo/logo-rtes.svg'), logo(RED));
  writeFileSync(path.join(sheets, 'autre/logo-rtes.svg'), logo(BLUE));
  const prepared = await prepareKits(sheets, ['autre', 'demo']);
  expect(prepared.diagnostics.filter((d) => d.severity === 'erreur')).toEqual([]);
  return { sheets, kits: prepared.kits };
}

describe('a printer tab reused for documents of different kits', () => {
  it('prints each kit’s cover with its own logo, though both logos have the same file name', async () => {
    const { kits } = await twoKits();
    const demo = kits.find((k) => k.id === 'demo')!;
    const autre = kits.find((k) => k.id === 'autre')!;
    const printer = new Printer(browser.browser, 1);
    try {
      const first = await printer.print(renderFrame(demo, new Map()), { outline: false });
      const second = await printer.print(renderFrame(autre, new Map()), { outline: false });
      expect(pixelsOf(first, RED)).toBeGreaterThan(50);
      expect(pixelsOf(first, BLUE)).toBe(0);
      expect(pixelsOf(second, BLUE)).toBeGreaterThan(50);
      expect(pixelsOf(second, RED)).toBe(0);
    } finally {
      await printer.close();
    }
  });

  it('prints a logo edited between two prints (the preview) with its new bytes', async () => {
    const { sheets, kits } = await twoKits();
    const demo = kits.find((k) => k.id === 'demo')!;
    const printer = new Printer(browser.browser, 1);
    try {
      const before = await printer.print(renderFrame(demo, new Map()), { outline: false });
      writeFileSync(path.join(sheets, 'demo/logo-rtes.svg'), logo(BLUE));
      const after = await printer.print(renderFrame(demo, new Map()), { outline: false });
      expect(pixelsOf(before, RED)).toBeGreaterThan(50);
      expect(pixelsOf(after, BLUE)).toBeGreaterThan(50);
      expect(pixelsOf(after, RED)).toBe(0);
    } finally {
      await printer.close();
    }
  });
});
