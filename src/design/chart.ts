import type { Element, ElementContent } from 'hast';
import { fromHtml } from 'hast-util-from-html';
import { visit } from 'unist-util-visit';
import * as vega from 'vega';
import * as vl from 'vega-lite';
import { textWidth, wrapText, type Weight } from './fonts.js';
import { r, SANS, svgText } from './svg.js';

/** One series of a `:::graphique` box: categories (or years) and their values, as the editor wrote them. */
export interface ChartData {
  title: string;
  /** The table's two column headings: what the categories are, what the numbers measure. */
  header: [string, string];
  rows: { label: string; value: number; text: string }[];
}

const INK = '#1d1d1b';

// Vega measures text to lay labels out; without a canvas it only estimates. Measure with the very font printed.
// vega-scenegraph supports a user-defined `textMetrics.width` (its typings do not declare it).
(vega as unknown as { textMetrics: { width: (item: { fontSize?: number; fontWeight?: string | number }, text?: unknown) => number } }).textMetrics.width = (item, text) => {
  const size = item.fontSize != null ? Number(item.fontSize) : 11;
  const weight: Weight = Number(item.fontWeight) >= 650 || item.fontWeight === 'bold' ? 700 : Number(item.fontWeight) >= 550 ? 600 : 400;
  const lines = Array.isArray(text) ? text : [text];
  return Math.max(0, ...lines.map((l) => (l == null ? 0 : textWidth(String(l).trim(), size, weight))));
};

/** Whether the categories are years: then the series runs left to right as columns. */
export function isTimeSeries(data: ChartData): boolean {
  return data.rows.every((row) => /^\d{4}$/.test(row.label.trim()));
}

/** The chart's text alternative: its title, what it measures and every value, so that no number is only drawn. */
export function chartAlt(data: ChartData): string {
  const values = data.rows.map((row) => `${row.label} : ${row.text}`).join(' ; ');
  return svgText(`Graphique « ${data.title} » (${data.header[1]}, par ${data.header[0].toLowerCase()}) : ${values}.`);
}

/**
 * Draws a series as an SVG bar chart with Vega-Lite, its labels real text in the pages' font: columns for years,
 * horizontal bars for categories, every bar labelled with its value as written in the fiche. The bars are drawn
 * in the current text colour (the kit's accent, set by the stylesheet). Units are points.
 */
export async function drawChart(data: ChartData, width: number): Promise<Element> {
  const time = isTimeSeries(data);
  const labelWidth = width * 0.34;
  const values = data.rows.map((row) => ({
    // A long category is broken into lines of the label column rather than cut with an ellipsis.
    label: time ? row.label : wrapText(svgText(row.label), labelWidth, 8.5).join('\n'),
    value: row.value,
    text: svgText(row.text),
  }));
  const lines = Math.max(...values.map((v) => v.label.split('\n').length));
  const height = time ? 118 : data.rows.length * (8 + 10.5 * lines) + 4;
  const category = { field: 'label', type: 'ordinal', sort: null, title: null } as const;
  const spec: vl.TopLevelSpec = {
    width,
    height,
    autosize: { type: 'fit', contains: 'padding' },
    padding: { top: time ? 12 : 2, bottom: 2, left: 0, right: time ? 0 : 30 },
    background: null as unknown as string,
    data: { values },
    encoding: time
      ? { x: { ...category, axis: { labelAngle: 0, ticks: false, labelPadding: 5 } }, y: { field: 'value', type: 'quantitative', axis: null, scale: { zero: true } } }
      : { y: { ...category, axis: { ticks: false, labelPadding: 6, labelExpr: "split(datum.label, '\\n')", labelLimit: 0 } }, x: { field: 'value', type: 'quantitative', axis: null, scale: { zero: true } } },
    layer: [
      { mark: { type: 'bar', color: 'currentColor', ...(time ? { width: { band: 0.62 } } : { height: { band: 0.66 } }) } },
      {
        mark: time ? { type: 'text', baseline: 'bottom', dy: -3, fontWeight: 600 } : { type: 'text', align: 'left', dx: 4, fontWeight: 600 },
        encoding: { text: { field: 'text' } },
      },
    ],
    config: {
      font: SANS,
      view: { stroke: null },
      aria: false,
      axis: { labelFont: SANS, labelFontSize: 8.5, labelColor: INK, domainColor: '#767674', grid: false, labelOverlap: false },
      text: { font: SANS, fontSize: 8.5, color: INK },
    },
  } as vl.TopLevelSpec;
  const compiled = vl.compile(spec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    const svg = await view.toSVG();
    return cleanSvg(svg);
  } finally {
    view.finalize();
  }
}

/** Vega's SVG made a plain drawing of the page: one unit a point, no ids, classes or ARIA roles of its own. */
function cleanSvg(svg: string): Element {
  const tree = fromHtml(svg, { fragment: true });
  const root = tree.children.find((c): c is Element => c.type === 'element' && c.tagName === 'svg');
  if (!root) throw new Error('Vega n’a pas produit de SVG');
  visit(root, 'element', (node) => {
    for (const key of Object.keys(node.properties)) {
      if (key === 'className' || key === 'role' || key === 'id' || key.startsWith('aria') || key === 'pointerEvents') delete node.properties[key];
    }
  });
  const [w, h] = [Number(root.properties.width), Number(root.properties.height)];
  root.properties = { xmlns: 'http://www.w3.org/2000/svg', viewBox: `0 0 ${w} ${h}`, width: `${r(w)}pt`, height: `${r(h)}pt`, className: ['chart-svg'] };
  root.children = root.children.filter((c): c is ElementContent => c.type !== 'comment');
  return root;
}
