import { ficheSlug } from '../design/themes.js';
import type { Diagnostic } from '../errors.js';
import type { Fiche, Kit } from '../model.js';

/**
 * Addresses of the web edition. A fiche's page is `<kit>/<slug>/index.html`, its slug being its file name without
 * the number (`07-commande-publique` → `commande-publique`): a fiche renumbered in a later edition keeps its
 * address, so the QR codes already printed still lead to it. Links between pages name `index.html` so that they
 * also work when the folder is opened from disk; the address printed on paper is the folder's (`…/commande-publique/`),
 * which every static web host serves as its index.html.
 */

/** The last part of a fiche's address: its file name without its number (as themes.yml names it). */
export function webSlug(fiche: Pick<Fiche, 'name'>): string {
  return ficheSlug(fiche.name);
}

/** Where a fiche's page goes in dist/. */
export function ficheWebPath(kitId: string, fiche: Pick<Fiche, 'name'>): string {
  return `${kitId}/${webSlug(fiche)}/index.html`;
}

/** Where a kit's page goes in dist/. */
export function kitWebPath(kitId: string): string {
  return `${kitId}/index.html`;
}

/** Where the colours of a kit's pages go in dist/ (a file, so that the pages need no inline style). */
export function kitStylePath(kitId: string): string {
  return `${kitId}/couleurs.css`;
}

/** Where an image of a kit's fiches goes in dist/ (`img/carte.svg` → `<kit>/images/img/carte.svg`). */
export function webImagePath(kitId: string, src: string): string {
  return `${kitId}/images/${src}`;
}

/** The online address of a fiche's page, printed on the fiche as its QR code and short link. */
export function ficheWebUrl(kit: Kit, fiche: Pick<Fiche, 'name'>): string {
  return new URL(`${webSlug(fiche)}/`, kit.config.baseUrl).href;
}

/** The online address of a kit's page. */
export function kitWebUrl(kit: Kit): string {
  return kit.config.baseUrl;
}

/** A path of dist/ as a link from a page of dist/ (both relative to dist/). */
export function relativeLink(fromPage: string, toFile: string): string {
  const from = fromPage.split('/').slice(0, -1);
  const to = toFile.split('/');
  let common = 0;
  while (common < from.length && common < to.length - 1 && from[common] === to[common]) common++;
  return [...from.slice(common).map(() => '..'), ...to.slice(common)].join('/') || './';
}

/** Two fiches of a kit whose files differ only by their number would share one web address: an error. */
export function checkWebAddresses(kitId: string, fiches: Fiche[]): Diagnostic[] {
  const seen = new Map<string, Fiche>();
  const out: Diagnostic[] = [];
  for (const fiche of fiches) {
    const slug = webSlug(fiche);
    const first = seen.get(slug);
    if (!first) {
      seen.set(slug, fiche);
      continue;
    }
    out.push({
      file: fiche.source.path,
      line: 1,
      column: 1,
      severity: 'erreur',
      message: `nom de fichier « ${fiche.name}.md » : sans son numéro, il donne l'adresse web « ${kitId}/${slug}/ », déjà celle de ${first.source.path} ; un nom différent de celui des autres fiches du kit est attendu (ex. « ${fiche.name}-2.md »)`,
      rule: 'adresse-en-double',
    });
  }
  return out;
}
