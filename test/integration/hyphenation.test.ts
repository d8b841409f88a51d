import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { build } from '../../src/build.js';
import type { BrowserHandle } from '../../src/browser.js';
import { hyphenateFrench, SOFT_HYPHEN } from '../../src/text/hyphenation.js';
import { testBrowser } from '../helpers/browser.js';
import { FIXTURES, tempDir } from '../helpers/fixtures.js';

/**
 * A fiche whose body is a justified paragraph of long French words, printed by the real pipeline:
 * every word Chromium breaks at a line end must be broken where French hyphenation allows it.
 */
const SHEETS = path.join(FIXTURES, 'hyphenation/sheets');

let browser: BrowserHandle;
let pdf: string;

beforeAll(async () => {
  browser = await testBrowser();
  const dist = path.join(tempDir(), 'dist');
  await build({ sheetsDir: SHEETS, outDir: dist, kits: ['cesure'] }, { browser });
  pdf = path.join(dist, 'cesure/fiches/01-cesure.pdf');
});

afterAll(async () => {
  await browser?.close();
});

/** The PDF's text line by line as laid out, as pdftotext gives it (test/helpers/pdf.ts pdfText drops soft hyphens). */
function rawLines(file: string): string[] {
  return execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' }).split('\n');
}

/** A word broken at a line end: what is left on the line, and the rest on the next. */
interface Break {
  before: string;
  after: string;
}

/**
 * Lines ending with a word cut by a hyphen: Chromium draws a hyphen where it breaks at a soft hyphen (the
 * accessibility pass keeps it as a plain hyphen, which poppler and pdf.js join back); the word goes on at the
 * start of the next line.
 */
function brokenWords(lines: string[]): Break[] {
  const breaks: Break[] = [];
  lines.forEach((line, i) => {
    const end = line.trimEnd().match(/(\p{L}[\p{L}\u00AD]*?)\u00AD?-$/u);
    const next = lines[i + 1]?.trimStart().match(/^[\p{L}\u00AD]+/u);
    if (!end || !next) return;
    breaks.push({ before: end[1]!.replaceAll(SOFT_HYPHEN, ''), after: next[0].replaceAll(SOFT_HYPHEN, '') });
  });
  return breaks;
}

/** Where French hyphenation allows a break in a word: the offsets of hyphenateFrench's soft hyphens. */
function breakPoints(word: string): number[] {
  const parts = hyphenateFrench(word).split(SOFT_HYPHEN);
  return parts.slice(0, -1).map((_, i) => parts.slice(0, i + 1).join('').length);
}

it('breaks long words at line ends, only where French hyphenation allows', () => {
  const lines = rawLines(pdf);
  // The body was hyphenated before printing, but no soft hyphen reaches the PDF's text (issue 12): words read whole.
  expect(lines.join('\n')).not.toContain(SOFT_HYPHEN);
  expect(lines.join('\n')).toContain('collectivités');
  const breaks = brokenWords(lines);
  expect(breaks.length).toBeGreaterThan(0);
  for (const { before, after } of breaks) {
    const word = before + after;
    expect(word.length, `${before}-${after}`).toBeGreaterThanOrEqual(7);
    expect(breakPoints(word), `« ${before}-${after} » coupé hors d'un point de césure`).toContain(before.length);
  }
});

it('reads back the broken words whole once the line-end hyphens are joined', () => {
  const text = rawLines(pdf).join('\n').replace(/(\p{L})-\n\s*/gu, '$1');
  for (const { before, after } of brokenWords(rawLines(pdf))) expect(text).toContain(before + after);
  expect(text).toContain('contractualisation pluriannuelle');
});
