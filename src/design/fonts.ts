import path from 'node:path';
import * as fontkit from 'fontkit';
import { FONT_PACKAGES } from '../assets.js';
import { Remembered } from '../remembered.js';

/** The weights of Source Sans 3 the drawings use (the same files the printed pages load). */
export type Weight = 400 | 600 | 700;

const fonts = new Map<Weight, fontkit.Font>();

/** Source Sans 3 at a weight, read once from the Fontsource package (latin subset, as the pages use it). */
function font(weight: Weight): fontkit.Font {
  let f = fonts.get(weight);
  if (!f) {
    const file = path.join(FONT_PACKAGES['source-sans-3']!, 'files', `source-sans-3-latin-${weight}-normal.woff2`);
    f = fontkit.openSync(file) as fontkit.Font;
    fonts.set(weight, f);
  }
  return f;
}

/**
 * Advance widths already laid out, by weight and text: wrapping and fitting lay out the same words and lines again
 * and again (every candidate line, at every size tried). Bounded, so that a long-lived process (the preview) does
 * not keep every text it ever measured.
 */
const advances = new Remembered<string, number>(20_000);

/** The width of a line of text set in Source Sans 3 at `size` (in the same unit as `size`), kerning included. */
export function textWidth(text: string, size: number, weight: Weight = 400): number {
  const f = font(weight);
  const advance = advances.get(`${weight}\0${text}`, () => f.layout(text).advanceWidth);
  return (advance / f.unitsPerEm) * size;
}

/**
 * Breaks a text into lines no wider than `maxWidth`, between words; a single word wider than the line stays whole
 * on its own line (see `fitText`, which shrinks the size until none is).
 */
export function wrapText(text: string, maxWidth: number, size: number, weight: Weight = 400): string[] {
  const lines: string[] = [];
  for (const word of text.trim().split(/[ \t\n]+/)) {
    const last = lines[lines.length - 1];
    if (last !== undefined && textWidth(`${last} ${word}`, size, weight) <= maxWidth) lines[lines.length - 1] = `${last} ${word}`;
    else lines.push(word);
  }
  return lines;
}

/** A text laid out to fit a box: its size and its lines. */
export interface FittedText {
  size: number;
  lines: string[];
}

/**
 * Lays a text out in at most `maxLines` lines no wider than `maxWidth`, at the largest size from `size` down to
 * `minSize` (by steps of 2 %) that fits; throws when even `minSize` does not, so that nothing is ever cut.
 */
export function fitText(text: string, box: { maxWidth: number; maxLines: number; size: number; minSize: number; weight?: Weight }): FittedText {
  const weight = box.weight ?? 400;
  for (let size = box.size; size >= box.minSize - 1e-9; size *= 0.98) {
    const lines = wrapText(text, box.maxWidth, size, weight);
    if (lines.length <= box.maxLines && lines.every((l) => textWidth(l, size, weight) <= box.maxWidth)) return { size, lines };
  }
  throw new Error(`texte trop long pour sa place : « ${text} » (${box.maxLines} ligne(s) de ${box.maxWidth.toFixed(1)} au plus)`);
}

/**
 * A line of text as one SVG path (its glyphs' outlines), starting at x with its baseline at y: what a logo or a
 * thumbnail needs to look the same wherever it is shown, whatever fonts the viewer has.
 */
export function outlineText(text: string, x: number, y: number, size: number, weight: Weight = 400, decimals = 2): { d: string; width: number } {
  const f = font(weight);
  const scale = size / f.unitsPerEm;
  const run = f.layout(text);
  let pen = 0;
  const parts: string[] = [];
  run.glyphs.forEach((glyph, i) => {
    const pos = run.positions[i]!;
    const gx = x + (pen + pos.xOffset) * scale;
    const gy = y - pos.yOffset * scale;
    const d = glyph.path.scale(scale, -scale).translate(gx, gy).toSVG();
    if (d) parts.push(d);
    pen += pos.xAdvance;
  });
  return { d: round(parts.join(''), decimals), width: pen * scale };
}

/** Rounds the numbers of path data, which keeps files small and output stable. */
function round(d: string, decimals: number): string {
  const k = 10 ** decimals;
  return d.replace(/-?\d+\.\d+(?:e-?\d+)?/g, (n) => String(Math.round(Number(n) * k) / k));
}
