import type { Element, ElementContent } from 'hast';
import { toHtml } from 'hast-util-to-html';
import { h } from 'hastscript';
import { plural } from '../cli/progress.js';
import type { Manifest, ManifestFile, ManifestKit } from '../pipeline/publish.js';

/** One PDF the preview shows: a booklet or a fiche, with what the page says of it. */
export interface PreviewDoc {
  /** Path relative to the output folder (`demo/fiches/02-commande-publique.pdf`). */
  path: string;
  /** « Fiche 2 – Commande publique responsable », « Livret – Kit DémoESS ». */
  title: string;
  pages: number;
  kit: ManifestKit;
}

/** The PDFs of a kit in reading order: its booklet, then its fiches by number. */
export function kitDocs(kit: ManifestKit): PreviewDoc[] {
  const doc = (f: ManifestFile, title: string) => ({ path: f.path, title, pages: f.pages, kit });
  return [doc(kit.booklet, `Livret – ${kit.title}`), ...[...kit.fiches].sort((a, b) => a.number - b.number).map((f) => doc(f, `Fiche ${f.number} – ${f.title}`))];
}

/** Finds a PDF of the manifest by its path, with the previous and next ones of its kit. */
export function findDoc(manifest: Manifest | undefined, file: string): { doc: PreviewDoc; previous?: PreviewDoc; next?: PreviewDoc } | undefined {
  for (const kit of manifest?.kits ?? []) {
    const docs = kitDocs(kit);
    const i = docs.findIndex((d) => d.path === file);
    if (i >= 0) return { doc: docs[i]!, previous: docs[i - 1], next: docs[i + 1] };
  }
  return undefined;
}

/** The URL of a PDF's preview page. */
export const viewerUrl = (file: string) => `/apercu?f=${encodeURIComponent(file)}`;

/** A whole HTML page of the preview: its shell, the error overlay's place, the status line and the client script. */
function shell(title: string, header: ElementContent[], main: ElementContent[], data: Record<string, string>): string {
  const tree = {
    type: 'root' as const,
    children: [
      { type: 'doctype' as const },
      h('html', { lang: 'fr' }, [
        h('head', [
          h('meta', { charSet: 'utf-8' }),
          h('meta', { name: 'viewport', content: 'width=device-width, initial-scale=1' }),
          h('title', title),
          h('link', { rel: 'stylesheet', href: '/client/apercu.css' }),
          h('script', { type: 'module', src: '/client/apercu.js' }),
        ]),
        h('body', data, [
          h('header', [...header, h('p#etat', { role: 'status', 'aria-live': 'polite' })]),
          h('section#erreurs', { hidden: true, role: 'alert', 'aria-labelledby': 'erreurs-titre' }),
          h('main', main),
        ]),
      ]),
    ],
  };
  return `${toHtml(tree)}\n`;
}

/** The home page: every kit with its booklet and fiches, titles and page counts. */
export function indexPage(manifest: Manifest | undefined): string {
  const kits: Element[] = (manifest?.kits ?? []).map((kit) =>
    h('section', [
      h('h2', kit.title),
      h(
        'ul',
        kitDocs(kit).map((d) => h('li', [h('a', { href: viewerUrl(d.path) }, d.title), ` (${plural(d.pages, 'page')})`])),
      ),
    ]),
  );
  const empty = h('p.vide', 'Première construction en cours : les fiches apparaîtront ici dès qu’elles seront imprimées.');
  return shell('Aperçu des kits', [h('h1', 'Aperçu des kits'), h('p', 'Rechargé à chaque enregistrement d’une fiche, de kit.yml ou d’un gabarit.')], kits.length ? kits : [empty], { dataPage: 'index' });
}

/** The page of one PDF: its title, previous/next in its kit, and the place where the client draws its pages. */
export function viewerPage(manifest: Manifest | undefined, file: string, version: string): string {
  const found = findDoc(manifest, file);
  const pdf = `/fichiers/${file.split('/').map(encodeURIComponent).join('/')}?v=${version}`;
  const nav = (d: PreviewDoc | undefined, rel: 'prev' | 'next', label: string) =>
    d ? h(`a.${rel === 'prev' ? 'precedent' : 'suivant'}`, { href: viewerUrl(d.path), rel }, `${label} : ${d.title}`) : null;
  const header: ElementContent[] = [
    h('nav', { 'aria-label': 'Navigation' }, [
      h('a', { href: '/' }, '← Tous les PDF'),
      ...[nav(found?.previous, 'prev', 'Précédent'), nav(found?.next, 'next', 'Suivant')].filter((e): e is Element => e !== null),
    ]),
    h('h1', found ? found.doc.title : file),
    h('p.infos', [...(found ? [h('span#nombre-pages', plural(found.doc.pages, 'page')), ' · '] : []), h('a.pdf-seul', { href: pdf, target: '_blank' }, 'ouvrir le PDF seul')]),
  ];
  const title = found ? `${found.doc.title} – aperçu` : `${file} – aperçu`;
  // Said to screen readers when the PDF has been redrawn after a save (the client fills it in).
  const update = h('p#annonce.invisible', { role: 'status', 'aria-live': 'polite' });
  return shell(title, header, [update, h('div#pages', { 'aria-label': 'Pages du PDF' })], { dataPage: 'apercu', dataPdf: pdf, dataFichier: file, dataVersion: version });
}
