import type { Element, ElementContent, Root } from 'hast';
import { toHtml } from 'hast-util-to-html';
import { h } from 'hastscript';
import type { Fiche, Kit } from '../model.js';
import { icon, partIcon } from '../design/icons.js';
import { mix, readableOn } from '../design/svg.js';
import { editionLabel, fileSize, frenchDate, pageCount } from '../text/format.js';
import { frenchTypography } from '../text/typography.js';
import rehypeNowrapSpaces from '../plugins/rehype-nowrap-spaces.js';
import { paragraphs } from '../pipeline/render.js';
import type { WebBody } from './body.js';
import { ficheWebPath, ficheWebUrl, kitStylePath, kitWebPath, kitWebUrl, relativeLink } from './paths.js';

/** The shared files of the web edition, relative to dist/ (written by distribute). */
export const WEB_STYLESHEET = 'web/kitess-web.css';
export const SEARCH_SCRIPT = 'web/recherche.js';
/** The download page, home of the web edition. */
export const HOME_PAGE = 'index.html';

/**
 * The pages' Content-Security-Policy: everything from the page's own site (or folder, from disk), nothing from any
 * other host, no inline script or style. The fiche and kit pages have no script at all.
 */
export const PAGE_CSP = ["default-src 'none'", "style-src 'self'", "font-src 'self'", "img-src 'self' data:", "base-uri 'none'", "form-action 'none'"].join('; ');

/** A PDF of dist/ as a page links it. */
export interface PdfFile {
  path: string;
  pages: number;
  bytes: number;
}

/** The colours of a kit's pages: its accent, the accent darkened for text on white and on the tint, the tint. */
export function kitStyle(kit: Kit): string {
  const accent = kit.config.accent;
  const tint = mix(accent, 0.9);
  return `/* Couleurs du ${kit.config.title}, reprises de kit.yml. */
:root { --accent: ${accent}; --accent-text: ${readableOn(accent, '#ffffff')}; --tint: ${tint}; --accent-on-tint: ${readableOn(accent, tint)}; }
`;
}

/** The head of a page: metadata for sharing (title, description, Open Graph), the policy, the stylesheets. */
function head(page: string, kit: Kit, meta: { title: string; description: string; url: string; type: 'article' | 'website'; updated?: string }): Element {
  return h('head', [
    h('meta', { charSet: 'utf-8' }),
    h('meta', { name: 'viewport', content: 'width=device-width, initial-scale=1' }),
    h('meta', { httpEquiv: 'Content-Security-Policy', content: PAGE_CSP }),
    h('title', meta.title),
    h('meta', { name: 'description', content: meta.description }),
    h('link', { rel: 'canonical', href: meta.url }),
    h('meta', { property: 'og:type', content: meta.type }),
    h('meta', { property: 'og:site_name', content: kit.config.title }),
    h('meta', { property: 'og:locale', content: 'fr_FR' }),
    h('meta', { property: 'og:title', content: meta.title }),
    h('meta', { property: 'og:description', content: meta.description }),
    h('meta', { property: 'og:url', content: meta.url }),
    ...(meta.updated ? [h('meta', { property: 'article:modified_time', content: meta.updated })] : []),
    h('meta', { name: 'twitter:card', content: 'summary' }),
    // No favicon request: the page asks nothing that is not in dist/.
    h('link', { rel: 'icon', href: 'data:,' }),
    h('link', { rel: 'stylesheet', href: relativeLink(page, WEB_STYLESHEET) }),
    h('link', { rel: 'stylesheet', href: relativeLink(page, kitStylePath(kit.id)) }),
  ]);
}

/** The top of every page: the skip link, the way back to the download page and the kit. */
function siteHeader(page: string, kit: Kit, here: ElementContent | undefined): ElementContent[] {
  const crumbs: ElementContent[] = [h('li', h('a', { href: relativeLink(page, HOME_PAGE) }, 'Kits ESS'))];
  crumbs.push(here ? h('li', h('a', { href: relativeLink(page, kitWebPath(kit.id)) }, kit.config.title)) : h('li', h('a', { href: relativeLink(page, kitWebPath(kit.id)), ariaCurrent: 'page' }, kit.config.title)));
  if (here) crumbs.push(h('li', here));
  return [
    h('a.skip', { href: '#contenu' }, 'Aller au contenu'),
    h('header.site-bar', [
      h('nav.crumbs', { ariaLabel: 'Fil d’Ariane' }, [h('ol', crumbs)]),
      h('a.search-link', { href: `${relativeLink(page, HOME_PAGE)}#recherche` }, 'Rechercher dans les fiches'),
    ]),
  ];
}

function siteFooter(page: string, kit: Kit): Element {
  return h('footer.site-foot', [
    h('p', [frenchTypography(kit.config.publisher), ' · ', editionLabel(kit.config.edition)]),
    h('p', [h('a', { href: relativeLink(page, HOME_PAGE) }, 'Tous les kits, les livrets et les fiches en PDF'), ' · Pictogrammes : Lucide (licence ISC).']),
  ]);
}

function document(page: string, kit: Kit, meta: Parameters<typeof head>[2], bodyClass: string, content: ElementContent[]): string {
  const tree: Root = {
    type: 'root',
    children: [{ type: 'doctype' }, h('html', { lang: 'fr' }, [head(page, kit, meta), h('body', { className: [bodyClass] }, content)])],
  };
  // Narrow no-break spaces become unbreakable runs, as in print (the fonts have no glyph for them).
  rehypeNowrapSpaces()(tree);
  return `${toHtml(tree)}\n`;
}

function partOf(kit: Kit, fiche: Fiche) {
  return kit.config.parts.find((p) => p.id === fiche.meta.part);
}

/** The link to a PDF, with its length and size. */
function pdfLink(page: string, pdf: PdfFile, label: string): Element {
  return h('a.pdf-link', { href: relativeLink(page, pdf.path), type: 'application/pdf' }, [
    icon('file-down', 'pdf-icon'),
    h('span', [label, ' ', h('span.pdf-size', `(PDF, ${pageCount(pdf.pages)}, ${fileSize(pdf.bytes)})`)]),
  ]);
}

/** What a fiche's page shows besides its text. */
export interface FichePageInput {
  kit: Kit;
  fiche: Fiche;
  body: WebBody;
  pdf: PdfFile;
  /** The fiches before and after it in the kit's order. */
  previous?: Fiche;
  next?: Fiche;
}

/**
 * A fiche's web page: the header (kit, number, part, title, summary, last update, the PDF), its text with boxes,
 * diagrams and charts, its sources, the fiches before and after it. Search (Pagefind) indexes its article only.
 */
export function renderFichePage(input: FichePageInput): string {
  const { kit, fiche, body, pdf } = input;
  const page = ficheWebPath(kit.id, fiche);
  const part = partOf(kit, fiche);
  const title = frenchTypography(fiche.meta.title);
  const sources = fiche.meta.sources.map((s) => h('li', [frenchTypography(s.title), s.url ? [' — ', h('a', { href: s.url }, s.url)] : []]));
  const neighbour = (f: Fiche | undefined, rel: 'prev' | 'next', label: string) =>
    f
      ? h(`a.neighbour.${rel}`, { href: relativeLink(page, ficheWebPath(kit.id, f)), rel }, [h('span.neighbour-label', label), h('span.neighbour-title', frenchTypography(`${f.number}. ${f.meta.title}`))])
      : null;
  const article = h('article.fiche', { dataPagefindBody: '', dataPagefindMeta: `kit:${kit.config.title}`, dataPagefindFilter: `kit:${kit.config.title}` }, [
    h('header.fiche-head', [
      h('p.fiche-kicker', { dataPagefindIgnore: '' }, [
        icon(partIcon(part ?? { id: fiche.meta.part }), 'fiche-picto'),
        h('span', `Fiche n°\u00A0${fiche.number}`),
        part ? [' · ', frenchTypography(part.title)] : [],
      ]),
      h('h1', title),
      h('p.fiche-summary', frenchTypography(fiche.meta.summary)),
      h('p.fiche-meta', { dataPagefindIgnore: '' }, [`Mise à jour le ${frenchDate(fiche.meta.updated)}`, ' · ', editionLabel(kit.config.edition)]),
      h('p.fiche-pdf', { dataPagefindIgnore: '' }, pdfLink(page, pdf, 'Télécharger la fiche')),
    ]),
    h('div.fiche-body', body.children),
    h('section.fiche-sources', { ariaLabelledBy: 'sources' }, [h('h2', { id: 'sources' }, 'Sources'), h('ol', sources)]),
  ]);
  const content: ElementContent[] = [
    ...siteHeader(page, kit, h('a', { href: '#contenu', ariaCurrent: 'page' }, `Fiche ${fiche.number}`)),
    h('main', { id: 'contenu' }, [
      article,
      h('nav.fiche-nav', { ariaLabel: 'Autres fiches du kit' }, [
        h('div.neighbours', [neighbour(input.previous, 'prev', 'Fiche précédente'), neighbour(input.next, 'next', 'Fiche suivante')]),
        h('p', h('a', { href: relativeLink(page, kitWebPath(kit.id)) }, frenchTypography(`Toutes les fiches du ${kit.config.title}`))),
      ]),
    ]),
    siteFooter(page, kit),
  ];
  const pageTitle = frenchTypography(`${fiche.meta.title} – Fiche ${fiche.number} du ${kit.config.title}`);
  return document(page, kit, { title: pageTitle, description: frenchTypography(fiche.meta.summary), url: ficheWebUrl(kit, fiche), type: 'article', updated: fiche.meta.updated }, 'page-fiche', content);
}

/** What a kit's page shows: its booklet, and each fiche with its PDF. */
export interface KitPageInput {
  kit: Kit;
  booklet: PdfFile;
  pdfs: Map<number, PdfFile>;
  /** The kit's cover thumbnail and the publisher's logo, relative to dist/. */
  cover?: string;
}

/** A kit's web page: its cover, booklet, édito, then its parts and their fiches, each linking its page and its PDF. */
export function renderKitPage(input: KitPageInput): string {
  const { kit, booklet, pdfs } = input;
  const c = kit.config;
  const page = kitWebPath(kit.id);
  const parts = c.parts
    .map((part) => ({ part, fiches: kit.fiches.filter((f) => f.meta.part === part.id) }))
    .filter((g) => g.fiches.length > 0)
    .map((g) =>
      h('section.part', { ariaLabelledBy: `partie-${g.part.id}` }, [
        h('h2', { id: `partie-${g.part.id}` }, [icon(partIcon(g.part), 'part-icon'), frenchTypography(g.part.title)]),
        h(
          'ul.fiche-list',
          g.fiches.map((f) => {
            const pdf = pdfs.get(f.number)!;
            return h('li', [
              h('a.fiche-link', { href: relativeLink(page, ficheWebPath(kit.id, f)) }, [h('span.fiche-number', `${f.number}.`), ' ', frenchTypography(f.meta.title)]),
              h('p.fiche-summary', frenchTypography(f.meta.summary)),
              h('p.fiche-meta', [
                h('a', { href: relativeLink(page, pdf.path), type: 'application/pdf' }, [`PDF`, h('span.visually-hidden', frenchTypography(` de la fiche ${f.number}`)), `, ${pageCount(pdf.pages)}, ${fileSize(pdf.bytes)}`]),
                ` · mise à jour le ${frenchDate(f.meta.updated)}`,
              ]),
            ]);
          }),
        ),
      ]),
    );
  const content: ElementContent[] = [
    ...siteHeader(page, kit, undefined),
    h('main', { id: 'contenu' }, [
      h('header.kit-head', [
        input.cover ? h('img.kit-cover', { src: relativeLink(page, input.cover), alt: '', width: 140, height: 198 }) : null,
        h('div.kit-intro', [
          h('p.kit-level', frenchTypography(`Pour les ${c.level}`)),
          h('h1', c.title),
          h('p.kit-subtitle', frenchTypography(c.subtitle)),
          h('p.kit-edition', [editionLabel(c.edition), ' · ', `${kit.fiches.length} fiches`]),
          h('p.kit-pdf', pdfLink(page, booklet, 'Télécharger le livret')),
        ]),
      ]),
      h('section.edito', { ariaLabelledBy: 'edito' }, [h('h2', { id: 'edito' }, 'Édito'), ...paragraphs(c.edito)]),
      ...parts,
    ]),
    siteFooter(page, kit),
  ];
  const description = frenchTypography(`${c.subtitle}. ${kit.fiches.length} fiches à lire en ligne ou à télécharger en PDF.`);
  return document(page, kit, { title: frenchTypography(`${c.title} – ${c.subtitle}`), description, url: kitWebUrl(kit), type: 'website' }, 'page-kit', content);
}
