import type { Element, ElementContent } from 'hast';
import { s } from 'hastscript';
import { frenchTypography } from '../text/typography.js';
import { textWidth, wrapText, type Weight } from './fonts.js';

/** The font every drawing uses: the printed pages' sans-serif, loaded by the document. */
export const SANS = "'Source Sans 3', sans-serif";

/**
 * Text for an SVG drawing, with French typography. The fonts have no narrow no-break space (U+202F), and SVG text
 * cannot hold the spans that replace it in HTML (see rehype-nowrap-spaces): it becomes a thin space, as there.
 */
export function svgText(text: string): string {
  return frenchTypography(text).replace(/\u202F/g, '\u2009');
}

/** `#rrggbb` mixed with white (t > 0) or black (t < 0) by |t|, as an opaque colour (PDF/X allows no transparency). */
export function mix(hex: string, t: number): string {
  const target = t >= 0 ? 255 : 0;
  const k = Math.abs(t);
  const c = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)).map((v) => Math.round(v + (target - v) * k));
  return `#${c.map((v) => v.toString(16).padStart(2, '0')).join('')}`;
}

/** The WCAG 2 contrast ratio of two `#rrggbb` colours (1 to 21). */
export function contrast(a: string, b: string): number {
  const lum = (hex: string) => {
    const [r, g, bl] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * bl!;
  };
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
}

/** A colour darkened just enough for text on the given background (WCAG AA for normal text, with a small margin). */
export function readableOn(hex: string, background: string): string {
  let t = 0;
  while (contrast(mix(hex, -t), background) < 4.6 && t < 1) t += 0.02;
  return mix(hex, -t);
}

/** A paragraph laid out for SVG: its lines (real text, one `<text>` each), their size and the height they take. */
export interface TextBlock {
  lines: string[];
  size: number;
  weight: Weight;
  leading: number;
  height: number;
}

/** Breaks a text into lines no wider than `width` at a given size and weight; the line height is `leading` × size. */
export function block(text: string, width: number, size: number, weight: Weight = 400, leading = 1.22): TextBlock {
  const lines = wrapText(svgText(text), width, size, weight);
  return { lines, size, weight, leading, height: lines.length * size * leading };
}

/** The `<text>` elements of a block whose first line's top is at y (the first baseline is about 0.8 size below). */
export function drawBlock(b: TextBlock, x: number, y: number, fill: string, anchor: 'start' | 'middle' | 'end' = 'start'): ElementContent[] {
  return b.lines.map((line, i) =>
    s('text', { x: r(x), y: r(y + b.size * 0.82 + i * b.size * b.leading), fill, fontSize: r(b.size), fontWeight: b.weight, textAnchor: anchor === 'start' ? undefined : anchor }, line),
  );
}

/** The widest line of a block. */
export function blockWidth(b: TextBlock): number {
  return Math.max(0, ...b.lines.map((l) => textWidth(l, b.size, b.weight)));
}

/** A number rounded to 2 decimals, for stable and short SVG. */
export function r(n: number): number {
  return Math.round(n * 100) / 100;
}

/** An `<svg>` element of the given size in points, its user unit being one point, tagged as one image with its alternative text. */
export function figureSvg(width: number, height: number, alt: string, children: ElementContent[], className: string): Element {
  return s(
    'svg',
    {
      xmlns: 'http://www.w3.org/2000/svg',
      viewBox: `0 0 ${r(width)} ${r(height)}`,
      width: `${r(width)}pt`,
      height: `${r(height)}pt`,
      role: 'img',
      ariaLabel: alt,
      className: [className],
      fontFamily: SANS,
    },
    children,
  );
}
