import { toHtml } from 'hast-util-to-html';
import { s } from 'hastscript';
import type { ElementContent } from 'hast';
import { editionLabel } from '../text/format.js';
import { fitText, outlineText, type Weight } from './fonts.js';
import { coverArt, type ArtData } from './illustration.js';
import { r, svgText } from './svg.js';

/** What a cover thumbnail shows: the kit's title, subtitle, level and edition, and its cover illustration. */
export interface ThumbnailData extends ArtData {
  title: string;
  subtitle: string;
  level: string;
  edition: { number: number; date: string };
}

/** The page of a thumbnail, in millimetres like the A4 cover it shows, and the width its text may take. */
export const THUMB = { width: 210, height: 297, margin: 16 } as const;

/**
 * The cover as a small standalone SVG for the download page. Its text is laid out with the very font it is drawn
 * with (Source Sans 3, read by fontkit), and drawn as outlines: it looks the same in every browser, and no line
 * is ever wider than the page — a title too long for its lines is set smaller, never cut. Each line is a
 * `<path class="line">` so that a test can measure it.
 */
export function coverThumbnail(data: ThumbnailData): string {
  const inner = THUMB.width - 2 * THUMB.margin;
  const lines: ElementContent[] = [];
  const draw = (text: string, y: number, size: number, weight: Weight) => {
    const { d } = outlineText(text, THUMB.margin, y, size, weight, 1);
    lines.push(s('path', { className: ['line'], d, fill: '#ffffff' }));
  };
  draw(editionLabel(data.edition), 24, 9, 600);
  // The level, the title and the subtitle share the space under the illustration: set smaller together until
  // they fit its height as well as its width.
  const top = 170;
  const bottom = THUMB.height - THUMB.margin;
  const layout = (k: number) => {
    const level = fitText(svgText(`Pour les ${data.level}`.toUpperCase()), { maxWidth: inner, maxLines: 2, size: 8.5 * k, minSize: 4, weight: 700 });
    const title = fitText(svgText(data.title), { maxWidth: inner, maxLines: 2, size: 27 * k, minSize: 8, weight: 700 });
    const subtitle = fitText(svgText(data.subtitle), { maxWidth: inner, maxLines: 4, size: 12.5 * k, minSize: 5, weight: 400 });
    const height = level.lines.length * level.size * 1.2 + 4 * k + title.lines.length * title.size * 1.05 + 7 * k + subtitle.lines.length * subtitle.size * 1.25;
    return { level, title, subtitle, k, height };
  };
  let fit = layout(1);
  while (top + fit.height > bottom && fit.k > 0.4) fit = layout(fit.k * 0.95);
  const { level, title, subtitle, k } = fit;
  let y = top + level.size * 0.8;
  for (const line of level.lines) (draw(line, y, level.size, 700), (y += level.size * 1.2));
  y += 4 * k - level.size * 1.2 + title.size * 1.05;
  for (const line of title.lines) (draw(line, y, title.size, 700), (y += title.size * 1.05));
  y += 7 * k - title.size * 1.05 + subtitle.size * 1.1;
  for (const line of subtitle.lines) (draw(line, y, subtitle.size, 400), (y += subtitle.size * 1.25));
  const tree = s(
    'svg',
    { xmlns: 'http://www.w3.org/2000/svg', viewBox: `0 0 ${THUMB.width} ${THUMB.height}`, width: THUMB.width, height: THUMB.height, role: 'img', ariaLabel: svgText(`Couverture du ${data.title}`) },
    [
      s('title', svgText(`Couverture du ${data.title} : ${data.subtitle}`)),
      s('rect', { width: THUMB.width, height: THUMB.height, fill: data.accent }),
      s('g', { transform: `translate(${THUMB.margin - 2} 38)` }, coverArt(data, r(inner + 4), 118)),
      ...lines,
    ],
  );
  return `${toHtml(tree, { space: 'svg', closeEmptyElements: true })}\n`;
}
