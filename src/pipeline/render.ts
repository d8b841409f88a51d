import type { Element, ElementContent, Root } from 'hast';
import { toHtml } from 'hast-util-to-html';
import { h } from 'hastscript';
import { toString } from 'hast-util-to-string';
import { visit } from 'unist-util-visit';
import type { Fiche, Kit } from '../model.js';
import { cssString, editionLabel, frenchDate } from '../text/format.js';
import { frenchTypography } from '../text/typography.js';
import { hyphenateFrench } from '../text/hyphenation.js';
import { qrDataUri } from '../text/qrcode.js';
import type { KitChanges } from '../changelog.js';
import { FONT_STYLESHEETS } from '../assets.js';
import rehypeNowrapSpaces from '../plugins/rehype-nowrap-spaces.js';
import { competencesFigure } from '../design/competences.js';
import { backCover, frontCover, type KitSummary } from '../design/cover.js';
import { icon, partIcon } from '../design/icons.js';
import { bookletParts, partOpener } from '../design/opener.js';
import { COLUMN_WIDTH } from '../plugins/remark-charts.js';
import { ficheWebUrl } from '../web/paths.js';

/** The origin under which the printer serves a document and its files; nothing else is reachable. */
export const DOC_ORIGIN = 'https://kitess.invalid';

/**
 * A document as the printer swaps it into a tab already holding the theme's stylesheets and fonts: what differs
 * from one document to the next (its title, page CSS, print variant, body class and body).
 */
export interface DocParts {
  title: string;
  /** The inline `<style>`: the kit's accent colour and the document's `@page` rules. */
  style: string;
  /** Whether the print-shop stylesheet (templates/print-bleed.css) applies. */
  bleed: boolean;
  bodyClass: string;
  /** The body's HTML. */
  body: string;
}

/** One HTML document ready to print, with what the PDF's metadata needs. */
export interface RenderedDoc {
  /** The whole document, as one page load would read it. */
  html: string;
  /** The same document in the parts a reused tab swaps in. */
  parts: DocParts;
  title: string;
  subject: string;
  keywords: string[];
  /** The kit whose folder `/kit/` serves. */
  kitDir: string;
}

/** Where each fiche starts in the booklet (page numbers from 1), when known. */
export type StartPages = Map<number, number>;

/** The print-shop variant of the booklet (`kitess build --print`, see templates/print-bleed.css). */
export interface PrintVariant {
  /** Pages 6 mm larger (3 mm bleed on every side), margins 3 mm larger, full-page colours into the bleed. */
  bleed?: boolean;
  /** Fiches preceded by a blank page, so that they start on a right-hand page (`--recto`). */
  blanks?: ReadonlySet<number>;
}

const CSP = [
  "default-src 'none'",
  `style-src ${DOC_ORIGIN} 'unsafe-inline'`,
  `font-src ${DOC_ORIGIN}`,
  `img-src ${DOC_ORIGIN} data:`,
  "script-src 'none'",
].join('; ');

function partOf(kit: Kit, fiche: Fiche) {
  return kit.config.parts.find((p) => p.id === fiche.meta.part);
}

function partTitle(kit: Kit, fiche: Fiche): string {
  return partOf(kit, fiche)?.title ?? '';
}

/** The PDF file name of a fiche, relative to its kit's `fiches/` folder. */
export function fichePdfName(fiche: Fiche): string {
  return `${fiche.name}.pdf`;
}

/** Where a fiche's PDF is, relative to its kit's folder: in the output folder and online alike. */
export function fichePdfPath(fiche: Fiche): string {
  return `fiches/${fichePdfName(fiche)}`;
}

/** The stylesheets every document links, in order; the print-shop one is the last. */
export const STYLESHEETS = [...FONT_STYLESHEETS, '/templates/kitess.css', '/templates/design.css', '/templates/print-bleed.css'];

/** A whole HTML document from its parts: the shell every document shares, then its own style and body. */
export function documentHtml(parts: DocParts): string {
  const head: Root = {
    type: 'root',
    children: [
      h('meta', { charSet: 'utf-8' }),
      h('meta', { httpEquiv: 'Content-Security-Policy', content: CSP }),
      h('title', parts.title),
      ...STYLESHEETS.filter((href) => parts.bleed || !href.endsWith('print-bleed.css')).map((href) => h('link', { rel: 'stylesheet', href })),
      h('style', parts.style),
    ],
  };
  const htmlClass = parts.bleed ? ' class="print-bleed"' : '';
  return `<!doctype html><html lang="fr"${htmlClass}><head>${toHtml(head)}</head><body class="${parts.bodyClass}">${parts.body}</body></html>`;
}

function shell(kit: Kit, title: string, pageCss: string, bodyClass: string, content: ElementContent[], variant: PrintVariant = {}): { html: string; parts: DocParts } {
  const body: Root = { type: 'root', children: content };
  rehypeNowrapSpaces()(body);
  const parts: DocParts = { title, style: `:root { --accent: ${kit.config.accent}; }\n${pageCss}`, bleed: !!variant.bleed, bodyClass, body: toHtml(body) };
  return { html: documentHtml(parts), parts };
}

/** Text for CSS margin boxes and PDF bookmarks: narrow no-break spaces become plain no-break spaces. */
export function plainSpaces(text: string): string {
  return text.replace(/\u202F/g, '\u00A0');
}

/** Fills `:fiche[N]` placeholders: a link to the fiche's page in the booklet, or to its own PDF. */
function resolveRefs(kit: Kit, body: Root, mode: 'booklet' | 'single'): Root {
  const tree = structuredClone(body);
  visit(tree, 'element', (node: Element, index, parent) => {
    const cls = node.properties.className;
    if (Array.isArray(cls) && cls.includes('schema-competences') && parent && index !== undefined) {
      // `::schema-competences`: the kit's diagram (a kit without one was refused when it was read).
      if (kit.competences) parent.children[index] = competencesFigure(kit.competences, kit.config.accent, COLUMN_WIDTH);
      return;
    }
    if (!Array.isArray(cls) || !cls.includes('fiche-ref')) return;
    const number = Number(node.properties.dataFiche);
    const target = kit.fiches.find((f) => f.number === number);
    if (!target) {
      // The target exists but is not published yet (see schedule.ts): name it without a link.
      node.tagName = 'span';
      delete node.properties.href;
      node.children = [{ type: 'text', value: `fiche ${number} (à paraître)` }];
      return;
    }
    // The reference sits in running text: its title may break at French hyphenation points like the text around it.
    // One text for the fiche alone and in the booklet, which are printed once: no page number, that would tie a
    // fiche's layout to the booklet's pagination (the link's /Contents gives the page in the booklet).
    node.children = [{ type: 'text', value: frenchTypography(`fiche ${number} « ${hyphenateFrench(target.meta.title)} »`) }];
    node.properties.href = mode === 'booklet' ? `#fiche-${number}` : fichePdfUrl(kit, target);
  });
  return tree;
}

/** The address of a fiche's latest online version: its web page, which links its latest PDF (see src/web/paths.ts). */
export function ficheUrl(kit: Kit, fiche: Fiche): string {
  return ficheWebUrl(kit, fiche);
}

/**
 * The address of a fiche's PDF online, which a cross-reference of a single fiche links to (a reader of PDFs stays
 * among PDFs); in the booklet, assemble turns these links into links to the fiche's first page.
 */
export function fichePdfUrl(kit: Kit, fiche: Fiche): string {
  return new URL(fichePdfPath(fiche), kit.config.baseUrl).href;
}

/** A fiche's title as its page prints it. */
function ficheTitle(fiche: Fiche): string {
  return frenchTypography(fiche.meta.title);
}

/** The heading of the sources at the end of a fiche. */
const SOURCES_HEADING = 'Sources';

function ficheArticle(kit: Kit, fiche: Fiche, mode: 'booklet' | 'single'): Element {
  const body = resolveRefs(kit, fiche.body, mode);
  const url = ficheUrl(kit, fiche);
  const sources = fiche.meta.sources.map((s) =>
    h('li', [frenchTypography(s.title), s.url ? [' — ', h('a', { href: s.url }, s.url)] : []]),
  );
  return h(
    'article.fiche',
    { id: `fiche-${fiche.number}`, style: mode === 'booklet' ? `page: fiche-${fiche.number}` : undefined, dataFiche: fiche.number },
    [
      h('header.fiche-header', [
        h('div.fiche-heading', [
          h('p.fiche-kicker', [
            icon(partIcon(partOf(kit, fiche) ?? { id: fiche.meta.part }), 'fiche-picto'),
            h('span.fiche-number', `Fiche n°\u00A0${fiche.number}`),
            ' · ',
            frenchTypography(partTitle(kit, fiche)),
          ]),
          h('h1.fiche-title', ficheTitle(fiche)),
          h('p.fiche-summary', frenchTypography(fiche.meta.summary)),
        ]),
        h('a.fiche-qr', { href: url }, [
          h('img', { src: qrDataUri(url), alt: `Code QR vers la dernière version de la fiche : ${url}` }),
          h('span.fiche-qr-label', 'Version à jour'),
        ]),
      ]),
      h('div.fiche-body', body.children as ElementContent[]),
      h('footer.fiche-sources', [
        h('h2', SOURCES_HEADING),
        h('ol', sources),
        h('p.fiche-updated', `Fiche mise à jour le ${frenchDate(fiche.meta.updated)}.`),
      ]),
    ],
  );
}

/** A heading of a fiche's PDF: its text as printed, and the title its bookmark gives. */
export interface FicheHeading {
  text: string;
  bookmark: string;
}

/**
 * The headings of a fiche's own PDF in document order, each with the title its bookmark should give: the heading's
 * text with its spaces (Chromium's bookmarks drop a space where a heading wraps and sometimes repeat the text), in
 * the case it is written in (not the capitals a stylesheet sets), and a box's heading with its label (« Exemple :
 * Région Grand Est », where several boxes are headed « Exemple »).
 */
export function ficheHeadings(fiche: Fiche): FicheHeading[] {
  const headings: FicheHeading[] = [];
  const plain = (node: Element) => plainSpaces(toString(node).replace(/\u00AD/g, '')).replace(/[ \t\r\n]+/g, ' ').trim();
  // The article's headings (ficheArticle), without the rest of it: its title, its body's, its sources'.
  const article: Root = { type: 'root', children: [h('h1', ficheTitle(fiche)), ...fiche.body.children, h('h2', SOURCES_HEADING)] };
  visit(article, 'element', (node, index, parent) => {
    if (!/^h[1-6]$/.test(node.tagName) && node.properties?.role !== 'heading') return;
    const text = plain(node);
    const next = parent && index !== undefined ? parent.children.slice(index + 1).find((c): c is Element => c.type === 'element') : undefined;
    const classes = next?.properties?.className;
    const label = next && Array.isArray(classes) && classes.includes('box-title') ? plain(next) : '';
    headings.push({ text, bookmark: label ? `${text}\u00A0: ${label}` : text });
  });
  return headings;
}

/** One margin box of the page: its text in the theme's sans-serif, in the kit's accent colour. */
function marginBox(kit: Kit, position: string, content: string, weight = 600): string {
  return `  @${position} { content: ${content}; font-family: 'Source Sans 3'; font-size: 8pt; font-weight: ${weight}; color: ${kit.config.accent}; }`;
}

function runningHeader(kit: Kit, fiche: Fiche): string {
  return `${kit.config.title} · Fiche ${fiche.number}`;
}

/** The HTML of one fiche printed alone: its header, and a footer with page x/y and the edition. */
export function renderFiche(kit: Kit, fiche: Fiche): RenderedDoc {
  const edition = editionLabel(kit.config.edition);
  const pageCss = `@page {
${marginBox(kit, 'top-left', cssString(plainSpaces(runningHeader(kit, fiche))))}
${marginBox(kit, 'top-right', cssString(plainSpaces(frenchTypography(fiche.meta.title))), 400)}
${marginBox(kit, 'bottom-left', cssString(edition), 400)}
${marginBox(kit, 'bottom-center', cssString(ficheUrl(kit, fiche).replace(/^https:\/\//, '')), 400)}
${marginBox(kit, 'bottom-right', '"Page " counter(page) "\\a0/\\a0" counter(pages)')}
}`;
  const info = renderFicheInfo(kit, fiche);
  return { ...shell(kit, info.title, pageCss, 'doc-fiche', [ficheArticle(kit, fiche, 'single')]), ...info };
}

/** A text of kit.yml (the édito) as paragraphs, one per blank-line-separated block, with French typography. */
export function paragraphs(text: string): Element[] {
  return text
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => h('p', frenchTypography(p.replace(/\s*\n\s*/g, ' '))));
}

function tocEntry(fiche: Fiche, page: number | undefined, href: string): Element {
  return h('li.toc-entry', [
    h('a', { href }, [
      h('span.toc-number', String(fiche.number)),
      h('span.toc-title', frenchTypography(fiche.meta.title)),
      h('span.toc-page', page ? String(page) : '–'),
    ]),
  ]);
}

/** The « Nouveautés de cette édition » page: fiches added, removed and changed since the previous edition. */
function newsSection(changes: KitChanges): Element {
  const item = (f: { number: number; title: string }, note?: string) =>
    h('li', [h('strong', `Fiche ${f.number}`), ` « ${frenchTypography(f.title)} »`, note ? ` — ${frenchTypography(note)}` : '']);
  const groups: Element[] = [];
  if (changes.added.length) groups.push(h('h3', 'Nouvelles fiches'), h('ul', changes.added.map((f) => item(f))));
  if (changes.changed.length) groups.push(h('h3', 'Fiches mises à jour'), h('ul', changes.changed.map((f) => item(f, `sections modifiées : ${f.sections.join(', ')}`))));
  if (changes.removed.length) groups.push(h('h3', 'Fiches retirées'), h('ul', changes.removed.map((f) => item(f))));
  if (groups.length === 0) groups.push(h('p', 'Aucune fiche n’a changé depuis l’édition précédente.'));
  return h('section.news', [h('h2', 'Nouveautés de cette édition'), ...groups]);
}

/** What a booklet adds to its kit: the changes page, the collection its back cover presents, the print variant. */
export type BookletExtras = { changes?: KitChanges; collection?: KitSummary[] } & PrintVariant;

/** The sommaire: each part's fiches with the page where they start, linking to them. */
function tableOfContents(kit: Kit, starts: StartPages, href: (fiche: Fiche) => string): Element {
  const toc = bookletParts(kit).map((g) => h('section.toc-part', [h('h3', frenchTypography(g.part.title)), h('ol.toc-list', g.fiches.map((f) => tocEntry(f, starts.get(f.number), href(f))))]));
  return h('nav.toc', { ariaLabel: 'Sommaire' }, [h('h2', 'Sommaire'), ...toc]);
}

/** The booklet's metadata: its title, subject and keywords. */
function bookletInfo(kit: Kit): Pick<RenderedDoc, 'title' | 'subject' | 'keywords' | 'kitDir'> {
  const c = kit.config;
  return {
    title: `${c.title} – ${c.subtitle}`,
    subject: `${c.subtitle}. ${editionLabel(c.edition)}.`,
    keywords: ['ESS', 'économie sociale et solidaire', c.level, ...c.keywords, ...c.parts.map((p) => p.title)],
    kitDir: kit.dir,
  };
}

/**
 * A fiche's body as the build prints it, once, for both its own PDF and its booklet: the article alone, without
 * running header nor folio (assemble stamps them, different for each), its cross-references linking to the other
 * fiches' PDFs (assemble turns them into links inside the booklet).
 */
export function renderFicheBody(kit: Kit, fiche: Fiche): RenderedDoc {
  const single = renderFicheInfo(kit, fiche);
  return { ...shell(kit, single.title, '', 'doc-fiche', [ficheArticle(kit, fiche, 'single')]), ...single };
}

/** A fiche's metadata as its own PDF carries it. */
function renderFicheInfo(kit: Kit, fiche: Fiche): Pick<RenderedDoc, 'title' | 'subject' | 'keywords' | 'kitDir'> {
  return {
    title: `${kit.config.title} – Fiche ${fiche.number} : ${fiche.meta.title}`,
    subject: fiche.meta.summary,
    keywords: ['ESS', 'économie sociale et solidaire', kit.config.level, ...kit.config.keywords, partTitle(kit, fiche)],
    kitDir: kit.dir,
  };
}

/**
 * The booklet's own pages, printed apart from the fiches: cover, édito, the changes page, the sommaire with the
 * pages where fiches start, one opener per part, the back cover. No running header nor folio (stamped by
 * assemble); links to fiches name the fiches' PDFs, which assemble turns into links to their first page.
 */
export function renderFrame(kit: Kit, starts: StartPages, extras: BookletExtras = {}): RenderedDoc {
  const href = (f: Fiche) => fichePdfUrl(kit, f);
  const content: ElementContent[] = [
    frontCover(kit),
    h('section.edito', [h('h2', 'Édito'), ...paragraphs(kit.config.edito)]),
    ...(extras.changes ? [newsSection(extras.changes)] : []),
    tableOfContents(kit, starts, href),
    ...bookletParts(kit).map((group) => partOpener(kit, group, starts, href)),
    backCover(kit, extras.collection ?? []),
  ];
  const info = bookletInfo(kit);
  return { ...shell(kit, info.title, '', 'doc-booklet', content, extras), ...info };
}

/**
 * The HTML of a kit's booklet: cover, édito, contents with start pages, then each part — its opener page and its
 * fiches — and the back cover presenting the collection.
 */
export function renderBooklet(kit: Kit, starts: StartPages, extras: BookletExtras = {}): RenderedDoc {
  const c = kit.config;
  const edition = editionLabel(c.edition);
  const fichePages = kit.fiches
    .map(
      (f) => `@page fiche-${f.number} {
${marginBox(kit, 'top-left', cssString(plainSpaces(runningHeader(kit, f))))}
${marginBox(kit, 'top-right', cssString(plainSpaces(frenchTypography(f.meta.title))), 400)}
}`,
    )
    .join('\n');
  const pageCss = `@page {
${marginBox(kit, 'bottom-left', cssString(edition), 400)}
${marginBox(kit, 'bottom-right', 'counter(page)')}
}
${fichePages}`;
  // Each part opens on a page of its own; with --recto, the blank page that puts a part's first fiche on a
  // right-hand page goes before the part's opener, so that the opener faces the fiche.
  const blank = () => h('div.blank-page', { ariaHidden: 'true' });
  const body = bookletParts(kit).flatMap((group) =>
    group.fiches.flatMap((f, i) => [
      ...(extras.blanks?.has(f.number) && i === 0 ? [blank()] : []),
      ...(i === 0 ? [partOpener(kit, group, starts)] : []),
      ...(extras.blanks?.has(f.number) && i > 0 ? [blank()] : []),
      ficheArticle(kit, f, 'booklet'),
    ]),
  );
  const content: ElementContent[] = [
    frontCover(kit),
    h('section.edito', [h('h2', 'Édito'), ...paragraphs(c.edito)]),
    ...(extras.changes ? [newsSection(extras.changes)] : []),
    tableOfContents(kit, starts, (f) => `#fiche-${f.number}`),
    ...body,
    backCover(kit, extras.collection ?? []),
  ];
  const info = bookletInfo(kit);
  return { ...shell(kit, info.title, pageCss, 'doc-booklet', content, extras), ...info };
}
