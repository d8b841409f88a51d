import type { Element, ElementContent } from 'hast';
import { s } from 'hastscript';
import { mix, r } from './svg.js';

/** What a cover illustration is drawn from: the kit's colour, its parts in order, and its fiches. */
export interface ArtData {
  accent: string;
  parts: { id: string }[];
  fiches: { number: number; part: string }[];
}

/** The columns of the tile grid: as few empty cells as possible, in a shape close to the area's. */
function columns(count: number, aspect: number): number {
  let best = { cols: 1, score: Infinity };
  for (let cols = 3; cols <= 14; cols++) {
    const rows = Math.ceil(count / cols);
    const score = (rows * cols - count) * 1.2 + Math.abs(cols / rows - aspect) * 3;
    if (score < best.score) best = { cols, score };
  }
  return best.cols;
}

/** The colours of a part's tiles: a ground and a figure, both solid (no transparency, for PDF/X). */
function palette(accent: string, part: number): { ground: string; figure: string } {
  const schemes = [
    { ground: mix(accent, 0.86), figure: mix(accent, -0.38) },
    { ground: mix(accent, -0.32), figure: mix(accent, 0.58) },
    { ground: mix(accent, 0.42), figure: mix(accent, -0.12) },
    { ground: '#ffffff', figure: accent },
  ];
  return schemes[part % schemes.length]!;
}

/** The figure of a tile: one geometric shape per part, turned by the fiche's number. */
function figure(part: number, number: number, x: number, y: number, size: number, fill: string): ElementContent {
  const c = size / 2;
  const turn = ((number * 3) % 4) * 90;
  const transform = `rotate(${turn} ${r(x + c)} ${r(y + c)})`;
  switch (part % 4) {
    case 0: // a disc
      return s('circle', { cx: r(x + c), cy: r(y + c), r: r(size * 0.34), fill });
    case 1: // a quarter disc from a corner
      return s('path', { d: `M${r(x)} ${r(y)}H${r(x + size)}A${r(size)} ${r(size)} 0 0 1 ${r(x)} ${r(y + size)}Z`, fill, transform });
    case 2: // a half disc on a side
      return s('path', { d: `M${r(x)} ${r(y + size)}A${r(c)} ${r(c)} 0 0 1 ${r(x + size)} ${r(y + size)}Z`, fill, transform });
    default: // a diamond
      return s('path', { d: `M${r(x + c)} ${r(y + size * 0.18)}L${r(x + size * 0.82)} ${r(y + c)}L${r(x + c)} ${r(y + size * 0.82)}L${r(x + size * 0.18)} ${r(y + c)}Z`, fill });
  }
}

/**
 * The cover illustration, drawn from the kit's own data: one tile per fiche, in the booklet's order, each part
 * with its own shape and shade of the kit's colour — the kit's contents as a pattern. Decorative (its meaning is
 * in the cover's text), so hidden from assistive technologies. Drawn in a `width` × `height` box of user units.
 */
export function coverArt(data: ArtData, width: number, height: number): ElementContent[] {
  const order = new Map(data.parts.map((p, i) => [p.id, i]));
  const fiches = [...data.fiches].sort((a, b) => (order.get(a.part)! - order.get(b.part)!) || a.number - b.number);
  const count = Math.max(1, fiches.length);
  const cols = columns(count, width / height);
  const rows = Math.ceil(count / cols);
  const cell = Math.min(width / cols, height / rows);
  const gap = cell * 0.07;
  const x0 = (width - cols * cell) / 2;
  const y0 = (height - rows * cell) / 2;
  const tiles: ElementContent[] = [];
  fiches.forEach((fiche, i) => {
    const part = order.get(fiche.part) ?? 0;
    const { ground, figure: fill } = palette(data.accent, part);
    const x = x0 + (i % cols) * cell + gap / 2;
    const y = y0 + Math.floor(i / cols) * cell + gap / 2;
    const size = cell - gap;
    tiles.push(s('rect', { x: r(x), y: r(y), width: r(size), height: r(size), rx: r(size * 0.06), fill: ground }));
    tiles.push(figure(part, fiche.number, x, y, size, fill));
  });
  // The cells left over at the end of the last row: outlined, as places for the fiches to come.
  for (let i = fiches.length; i < rows * cols; i++) {
    const x = x0 + (i % cols) * cell + gap / 2;
    const y = y0 + Math.floor(i / cols) * cell + gap / 2;
    tiles.push(s('rect', { x: r(x + 1), y: r(y + 1), width: r(cell - gap - 2), height: r(cell - gap - 2), rx: r(cell * 0.06), fill: 'none', stroke: mix(data.accent, 0.42), strokeWidth: 1.2, strokeDasharray: '4 4' }));
  }
  return tiles;
}

/** The illustration as an SVG element of the printed cover (decorative). */
export function coverArtSvg(data: ArtData, width: number, height: number): Element {
  return s('svg', { xmlns: 'http://www.w3.org/2000/svg', viewBox: `0 0 ${width} ${height}`, className: ['cover-art'], ariaHidden: 'true', focusable: 'false', preserveAspectRatio: 'xMidYMid meet' }, coverArt(data, width, height));
}
