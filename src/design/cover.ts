import type { Element } from 'hast';
import { h } from 'hastscript';
import type { Kit } from '../model.js';
import { editionLabel } from '../text/format.js';
import { qrDataUri } from '../text/qrcode.js';
import { frenchTypography } from '../text/typography.js';
import { coverArtSvg } from './illustration.js';

/** What the back cover says of each kit of the collection (every kit of the sheets folder). */
export interface KitSummary {
  id: string;
  title: string;
  subtitle: string;
  level: string;
  accent: string;
  baseUrl: string;
}

/** The address of the download page: the folder above the kits' own addresses (`https://kits.rtes.fr/`). */
export function downloadPageUrl(baseUrl: string): string {
  return new URL('../', baseUrl).href;
}

/** An address as printed: without its scheme. */
function shortUrl(url: string): string {
  return url.replace(/^https:\/\//, '');
}

/** The publisher's logo (kit.yml `logo`, served from the kit's folder) on a white card, or its name when there is none. */
function logo(kit: Kit, className: string): Element {
  const c = kit.config;
  return c.logo
    ? h(`div.${className}`, [h('img', { src: `/kit/${encodeURI(c.logo)}`, alt: frenchTypography(c.publisher) })])
    : h(`p.${className}.logo-text`, frenchTypography(c.publisher));
}

/**
 * The front cover: the publisher's logo and the edition, an illustration drawn from the kit's own contents (one
 * tile per fiche, a shape per part, see illustration.ts), the level of government, the title and the subtitle.
 */
/** What the kit's illustration is drawn from. */
function artData(kit: Kit) {
  return { accent: kit.config.accent, parts: kit.config.parts, fiches: kit.fiches.map((f) => ({ number: f.number, part: f.meta.part })) };
}

export function frontCover(kit: Kit): Element {
  const c = kit.config;
  const art = artData(kit);
  const parts = c.parts.filter((p) => kit.fiches.some((f) => f.meta.part === p.id)).length;
  return h('section.cover', [
    h('div.cover-top', [logo(kit, 'cover-logo'), h('p.cover-edition', editionLabel(c.edition))]),
    h('div.cover-art-area', [coverArtSvg(art, 600, 380)]),
    h('div.cover-main', [
      h('p.cover-level', frenchTypography(`Pour les ${c.level}`)),
      h('h1.cover-title', c.title),
      h('p.cover-subtitle', frenchTypography(c.subtitle)),
    ]),
    h('p.cover-publisher', [
      h('span.cover-count', `${kit.fiches.length} fiches pratiques en ${parts} partie${parts > 1 ? 's' : ''}`),
      ' · ',
      frenchTypography(`Une publication du ${c.publisher}`),
    ]),
  ]);
}

/**
 * The back cover: the kits of the collection (this one marked), the address of the download page with its QR
 * code, where each fiche is published alone, the publisher and the edition.
 */
export function backCover(kit: Kit, collection: KitSummary[]): Element {
  const c = kit.config;
  const download = downloadPageUrl(c.baseUrl);
  const kits = collection.length > 0 ? collection : [{ id: kit.id, title: c.title, subtitle: c.subtitle, level: c.level, accent: c.accent, baseUrl: c.baseUrl }];
  return h('section.back-cover', [
    h('div.back-collection', [
      h('h2.back-heading', kits.length > 1 ? `Les ${kits.length} kits ESS du ${shortPublisher(c.publisher)}` : `Le kit ESS du ${shortPublisher(c.publisher)}`),
      h(
        'ul.back-kits',
        kits.map((k) =>
          h('li.back-kit', { style: `--kit: ${k.accent}`, className: k.id === kit.id ? ['current'] : undefined }, [
            h('span.back-kit-swatch', { ariaHidden: 'true' }),
            h('span.back-kit-text', [
              h('strong.back-kit-title', k.title),
              h('span.back-kit-level', frenchTypography(`Pour les ${k.level}`)),
              h('a.back-kit-url', { href: k.baseUrl }, shortUrl(k.baseUrl)),
            ]),
            k.id === kit.id ? h('span.back-kit-here', 'Ce livret') : null,
          ]),
        ),
      ),
    ]),
    h('div.back-download', [
      h('img.back-qr', { src: qrDataUri(download), alt: `Code QR vers la page de téléchargement des kits : ${download}` }),
      h('div.back-download-text', [
        h('p.back-download-title', 'Toutes les fiches et les livrets, à jour'),
        h('p', ['À télécharger sur ', h('a', { href: download }, shortUrl(download))]),
        h('p.back-singles', ['Chaque fiche est aussi publiée seule : ', h('a', { href: c.baseUrl }, c.baseUrl)]),
      ]),
    ]),
    // The front cover's pattern again, in a band: the same tiles, the book closed.
    h('div.back-art', [coverArtSvg(artData(kit), 700, 130)]),
    h('div.back-foot', [
      logo(kit, 'back-logo'),
      h('div.back-foot-text', [h('p.back-title', c.title), h('p', frenchTypography(c.publisher)), h('p', editionLabel(c.edition))]),
    ]),
  ]);
}

/** The publisher's short name: what comes before « – » in « RTES – Réseau des collectivités… ». */
function shortPublisher(publisher: string): string {
  return publisher.split(/\s+[–—-]\s+/)[0]!.trim();
}
