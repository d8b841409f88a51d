import type { Element, ElementContent, Root } from 'hast';
import { h } from 'hastscript';
import { toString } from 'hast-util-to-string';
import { visit } from 'unist-util-visit';
import { competencesFigure, type Competences } from '../design/competences.js';
import type { Fiche, ImageRef, Kit } from '../model.js';
import { COLUMN_WIDTH } from '../plugins/remark-charts.js';
import { frenchTypography } from '../text/typography.js';
import { ficheWebPath, relativeLink, webImagePath } from './paths.js';

/**
 * Width, in points, at which the web pages draw a chart: about a phone's column, so that its labels stay readable
 * there (about 10 px); on a wider screen the drawing grows with the column, up to the stylesheet's limit.
 */
export const WEB_CHART_WIDTH = 260;

function hasClass(node: Element, name: string): boolean {
  const cls = node.properties.className;
  return Array.isArray(cls) && cls.includes(name);
}

const SOFT_HYPHEN = /\u00AD/g;

/** A link from the page being made to a fiche's page, or its name alone when it is not published yet. */
function ficheLink(kit: Kit, pagePath: string, number: number, className: string[] = []): ElementContent {
  const target = kit.fiches.find((f) => f.number === number);
  if (!target) return h('span', { className }, `fiche ${number} (à paraître)`);
  return h('a', { href: relativeLink(pagePath, ficheWebPath(kit.id, target)), className }, frenchTypography(`fiche ${number} « ${target.meta.title} »`));
}

/**
 * The competences diagram as text, under the drawing: a phone shows the drawing small, and this list, open on
 * demand (no script: `<details>`), says the same with links to the fiches it names.
 */
function competencesText(kit: Kit, c: Competences, pagePath: string): Element {
  return h('details.schema-text', [
    h('summary', 'Le schéma en texte'),
    h('p', [h('strong', frenchTypography(c.centre)), c.basis ? ` (${frenchTypography(c.basis)})` : '']),
    h(
      'ul',
      c.competences.map((k) =>
        h('li', [
          h('strong', frenchTypography(k.title)),
          k.basis ? ` (${frenchTypography(k.basis)})` : '',
          ' : ',
          frenchTypography(k.levers.join(' ; ')),
          ...(k.fiches.length ? [' — voir ', ...k.fiches.flatMap((n, i) => [i > 0 ? ', ' : '', ficheLink(kit, pagePath, n)])] : []),
          '.',
        ]),
      ),
    ),
  ]);
}

/** A figure of the page is a figure: the role the print gives it for the PDF's tags (`group`) is taken off. */
function webFigure(figure: Element): Element {
  delete figure.properties.role;
  return figure;
}

/** The fiche's text for its web page, and the images it shows. */
export interface WebBody {
  children: ElementContent[];
  images: ImageRef[];
}

/**
 * Makes a fiche's HTML tree (the one its PDFs print) into the body of its web page, at `pagePath` in dist/:
 * cross-references become links to the other fiches' pages; the competences diagram is drawn, with its text;
 * charts are drawn again at a phone's width; images are served from the kit's folder of dist/; boxes become notes
 * whose label is a heading one level below the section they sit in; tables scroll inside themselves; the soft
 * hyphens set for print are taken out (browsers that know French hyphenate by themselves, and search and copy
 * need whole words).
 */
export async function webBody(kit: Kit, fiche: Fiche, pagePath: string): Promise<WebBody> {
  const tree = structuredClone(fiche.body) as Root;
  const charts: { node: Element; index: number; parent: Element | Root }[] = [];
  const images = new Map<string, ImageRef>();
  // Headings of the text: the fiche's title is the page's h1, its sections h2 and h3.
  let depth = 1;
  visit(tree, 'text', (node) => {
    node.value = node.value.replace(SOFT_HYPHEN, '');
  });
  visit(tree, 'element', (node, index, parent) => {
    if (!parent || index === undefined) return undefined;
    const heading = /^h([1-6])$/.exec(node.tagName);
    if (heading) depth = Number(heading[1]);
    if (hasClass(node, 'schema-competences')) {
      // `::schema-competences`: the kit's diagram (a kit without one was refused when it was read).
      if (kit.competences) parent.children.splice(index, 1, webFigure(competencesFigure(kit.competences, kit.config.accent, COLUMN_WIDTH)), competencesText(kit, kit.competences, pagePath));
      return 'skip';
    }
    if (node.tagName === 'figure') webFigure(node);
    if (hasClass(node, 'fiche-ref')) {
      parent.children[index] = ficheLink(kit, pagePath, Number(node.properties.dataFiche), ['fiche-ref']);
      return 'skip';
    }
    if (node.tagName === 'svg' && node.data?.chart) {
      charts.push({ node, index, parent: parent as Element | Root });
      return 'skip';
    }
    if (node.tagName === 'svg') return 'skip';
    if (node.tagName === 'img' && typeof node.properties.src === 'string' && node.properties.src.startsWith('/kit/')) {
      const src = node.properties.src.slice('/kit/'.length);
      const ref = fiche.images.find((i) => i.src === src);
      if (ref) images.set(src, ref);
      node.properties.src = relativeLink(pagePath, webImagePath(kit.id, src));
    }
    if (node.tagName === 'aside' && hasClass(node, 'box')) {
      // A box is a note of the text (an aside would be a landmark of its own, outside the main content).
      node.tagName = 'div';
      node.properties.role = 'note';
    }
    if (node.tagName === 'p' && hasClass(node, 'box-kicker')) {
      // The box's label is a heading of the section it sits in, as in the tagged PDF.
      node.tagName = `h${Math.min(6, depth + 1)}`;
      delete node.properties.role;
      delete node.properties.ariaLevel;
    }
    if (node.tagName === 'table') {
      const head = toString(node).trim().split(/\s+/).slice(0, 6).join(' ');
      parent.children[index] = h('div.table-scroll', { tabIndex: 0, role: 'region', ariaLabel: `Tableau : ${head}…` }, [node]);
    }
    return undefined;
  });
  if (charts.length > 0) {
    const { chartAlt, drawChart } = await import('../design/chart.js');
    for (const { node } of charts) {
      const data = node.data!.chart!;
      const drawing = await drawChart(data, WEB_CHART_WIDTH);
      // Replaced in place: the figure around it keeps its caption and source.
      node.properties = { ...drawing.properties, role: 'img', ariaLabel: chartAlt(data) };
      node.children = drawing.children;
    }
  }
  return { children: tree.children as ElementContent[], images: [...images.values()] };
}
