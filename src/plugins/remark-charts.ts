import type { Element } from 'hast';
import type { Paragraph, Parent, Root, RootContent, Table } from 'mdast';
import type { ContainerDirective } from 'mdast-util-directive';
import { toString } from 'mdast-util-to-string';
import type { VFile } from 'vfile';
import { visit } from 'unist-util-visit';
import { BOXES } from '../boxes.js';
import type { ChartData } from '../design/chart.js';
import { diagnose } from './diagnose.js';

/** Width of the fiche's text column in points (A4 less 17 mm margins): charts are drawn at this size. */
export const COLUMN_WIDTH = 499;

const MIN_ROWS = 3;
const MAX_ROWS = 12;

/** A number as French text writes it: « 1 417 », « 2,6 », « -3,5 ». */
const FRENCH_NUMBER = /^[-−]?(?:\d{1,3}(?:[ \u00A0\u202F\u2009]\d{3})+|\d+)(?:,\d+)?$/;

/** Reads a French number, or undefined. */
export function parseFrenchNumber(text: string): number | undefined {
  const t = text.trim();
  if (!FRENCH_NUMBER.test(t)) return undefined;
  return Number(t.replace(/[ \u00A0\u202F\u2009]/g, '').replace(',', '.').replace('−', '-'));
}

function isLabel(node: RootContent | undefined): node is Paragraph {
  return !!node && node.type === 'paragraph' && !!(node.data as { directiveLabel?: boolean } | undefined)?.directiveLabel;
}

function isSource(node: RootContent): node is Paragraph {
  return node.type === 'paragraph' && /^Sources?\s*:/.test(toString(node).trim());
}

/** Reads a box's series, reporting at their place whatever does not make a chart; undefined when something is wrong. */
function readChart(box: ContainerDirective, file: VFile): { data: ChartData; label: Paragraph; source: Paragraph } | undefined {
  const label = isLabel(box.children[0]) ? box.children[0] : undefined;
  const content = label ? box.children.slice(1) : box.children;
  let ok = true;
  if (!label || toString(label).trim() === '') {
    diagnose(file, box, `encadré « graphique » sans intitulé : ${BOXES.graphique!.labelMeaning} est attendu`, 'encadre-sans-intitule');
    ok = false;
  }
  const tables = content.filter((c): c is Table => c.type === 'table');
  const source = content.find(isSource);
  for (const other of content) {
    if (other.type === 'table' || other === source) continue;
    diagnose(file, other, `contenu inattendu dans le graphique : seuls un tableau de deux colonnes et un paragraphe « Source : » sont attendus`, 'graphique-illisible');
    ok = false;
  }
  if (tables.length !== 1) {
    diagnose(file, tables[1] ?? box, tables.length === 0 ? 'graphique sans tableau : un tableau de deux colonnes (catégories ou années, puis nombres) est attendu' : 'graphique à plusieurs tableaux : un seul tableau est attendu', 'graphique-illisible');
    return undefined;
  }
  if (!source) {
    diagnose(file, box, 'graphique sans source : un paragraphe « Source : … » (avec l’année des données) est attendu sous le tableau', 'graphique-illisible');
    ok = false;
  }
  const table = tables[0]!;
  const [head, ...body] = table.children;
  const columns = head?.children.length ?? 0;
  if (columns !== 2) {
    diagnose(file, table, `tableau de ${columns} colonne${columns > 1 ? 's' : ''} : 2 sont attendues (catégories ou années, puis nombres)`, 'graphique-illisible');
    return undefined;
  }
  if (body.length < MIN_ROWS || body.length > MAX_ROWS) {
    diagnose(file, table, `tableau de ${body.length} ligne${body.length > 1 ? 's' : ''} de données : de ${MIN_ROWS} à ${MAX_ROWS} sont attendues`, 'graphique-illisible');
    ok = false;
  }
  const rows: ChartData['rows'] = [];
  for (const row of body) {
    const [labelCell, valueCell] = row.children;
    const text = valueCell ? toString(valueCell).trim() : '';
    const value = parseFrenchNumber(text);
    if (!labelCell || toString(labelCell).trim() === '') {
      diagnose(file, row, 'ligne sans catégorie : un intitulé ou une année est attendu dans la première colonne', 'graphique-illisible');
      ok = false;
    }
    if (value === undefined) {
      const found = text === '' ? 'cellule vide' : `« ${text} » n'est pas un nombre`;
      const expected = /^[-−]?\d+\.\d+$/.test(text)
        ? `un nombre écrit avec une virgule est attendu (« ${text.replace('.', ',')} »)`
        : `un nombre est attendu dans la deuxième colonne (ex. « 1 417 » ou « 2,6 ») ; l'unité va dans son en-tête`;
      diagnose(file, valueCell ?? row, `${found} : ${expected}`, 'graphique-illisible');
      ok = false;
      continue;
    }
    rows.push({ label: labelCell ? toString(labelCell).trim() : '', value, text });
  }
  if (!ok || !label || !source) return undefined;
  return { data: { title: toString(label).trim(), header: [toString(head!.children[0]!).trim(), toString(head!.children[1]!).trim()], rows }, label, source };
}

/** An mdast node that becomes the given HTML element (mdast-util-to-hast's `data.hName`), with mdast children. */
function element(tagName: string, className: string, children: RootContent[], properties: Record<string, string> = {}): RootContent {
  return { type: 'kitessElement', data: { hName: tagName, hProperties: { className: [className], ...properties } }, children } as never;
}

/**
 * Turns each `:::graphique[Titre]` box (a two-column table and a « Source : » paragraph) into a figure: its title as
 * caption, the series drawn as an SVG chart with real text, tagged as one image whose alternative text gives every
 * value, and the source under it. Vega is loaded only when a fiche has a chart.
 */
export default function remarkCharts() {
  return async (tree: Root, file: VFile) => {
    const found: { box: ContainerDirective; parent: Parent; index: number }[] = [];
    visit(tree, 'containerDirective', (node, index, parent) => {
      if (node.name === 'graphique' && parent && index !== undefined) found.push({ box: node, parent, index });
    });
    if (found.length === 0) return;
    const { chartAlt, drawChart } = await import('../design/chart.js');
    for (const { box, parent, index } of found) {
      const chart = readChart(box, file);
      let drawing: Element | undefined;
      if (chart) {
        drawing = await drawChart(chart.data, COLUMN_WIDTH);
        drawing.properties = { ...drawing.properties, role: 'img', ariaLabel: chartAlt(chart.data) };
        // The series stays with the drawing, so that the web edition can draw it again at a phone's width.
        drawing.data = { ...drawing.data, chart: chart.data } as Element['data'];
      }
      const caption: RootContent[] = [
        element('span', 'chart-kicker', [{ type: 'text', value: 'Graphique' }]),
        { type: 'text', value: ' ' },
        element('span', 'chart-title', chart?.label.children ?? []),
        ...(chart ? [{ type: 'text', value: ' ' } as RootContent, element('span', 'chart-measure', [{ type: 'text', value: `${chart.data.header[1]}` }])] : []),
      ];
      // role="group": tagged as a Div holding the caption and the drawing (the Figure), as for the diagram.
      const figure = element('figure', 'chart', [
        element('figcaption', 'chart-caption', caption),
        { type: 'kitessElement', data: { hName: 'div', hProperties: { className: ['chart-drawing'] }, hChildren: drawing ? [drawing] : [] } } as never,
        ...(chart ? [{ ...chart.source, data: { hProperties: { className: ['chart-source'] } } } as Paragraph] : []),
      ], { role: 'group' });
      figure.position = box.position;
      // Replaced here, the box is not read again as an ordinary box (see remark-boxes).
      parent.children[index] = figure as never;
    }
  };
}

declare module 'hast' {
  interface ElementData {
    /** The series a chart was drawn from (see src/web/body.ts). */
    chart?: ChartData;
  }
}
