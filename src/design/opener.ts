import type { Element } from 'hast';
import { h } from 'hastscript';
import type { Fiche, Kit } from '../model.js';
import { frenchTypography } from '../text/typography.js';
import { competencesFigure } from './competences.js';
import { icon, partIcon } from './icons.js';

/** Width of the booklet's text column in points (A4 less 17 mm margins). */
const COLUMN = 499;

/** One part of a booklet that has fiches: the part, its rank among those printed, its fiches in order. */
export interface BookletPart {
  part: Kit['config']['parts'][number];
  rank: number;
  fiches: Fiche[];
}

/** The parts of the booklet in kit.yml's order, leaving out those with no fiche (not yet published, say). */
export function bookletParts(kit: Kit): BookletPart[] {
  return kit.config.parts
    .map((part) => ({ part, fiches: kit.fiches.filter((f) => f.meta.part === part.id) }))
    .filter((g) => g.fiches.length > 0)
    .map((g, i) => ({ ...g, rank: i + 1 }));
}

/** Pages a part opener takes: one, always (a test checks it on the three kits). */
export const OPENER_PAGES = 1;

/** The id of a part opener in the booklet, for links and the outline. */
export function openerId(partId: string): string {
  return `partie-${partId}`;
}

/** The part whose opener shows the competences diagram: the one competences.yml names, else the first. */
function diagramPart(kit: Kit): string | undefined {
  return kit.competences ? (kit.competences.part ?? kit.config.parts[0]?.id) : undefined;
}

/**
 * The page that opens a part of the booklet: its rank and title over a band of the kit's colour with the part's
 * pictogram, then the list of its fiches with their summaries and start pages — and, in the part competences.yml
 * names, the kit's competences diagram.
 */
export function partOpener(kit: Kit, group: BookletPart, starts: Map<number, number>, href: (fiche: Fiche) => string = (f) => `#fiche-${f.number}`): Element {
  const { part, rank, fiches } = group;
  const entries = fiches.map((f) => {
    const page = starts.get(f.number);
    return h('li.opener-entry', [
      h('a.opener-link', { href: href(f) }, [
        h('span.opener-fiche-number', String(f.number)),
        h('span.opener-fiche-title', frenchTypography(f.meta.title)),
        h('span.opener-fiche-page', page ? `p.\u00A0${page}` : ''),
      ]),
      h('p.opener-fiche-summary', frenchTypography(f.meta.summary)),
    ]);
  });
  const withDiagram = diagramPart(kit) === part.id && kit.competences;
  // A long part sets its list tighter, so that the opener always holds on one page.
  const classes = [...(withDiagram ? ['with-diagram'] : []), ...(fiches.length > 6 ? ['compact'] : [])];
  return h('section.opener', { id: openerId(part.id), className: classes.length ? classes : undefined }, [
    h('div.opener-band', [
      h('div.opener-heading', [h('p.opener-rank', `Partie ${rank}`), h('h1.opener-title', frenchTypography(part.title))]),
      h('div.opener-picto', [icon(partIcon(part), 'opener-icon')]),
    ]),
    h('div.opener-body', [
      h('p.opener-count', `${fiches.length} fiche${fiches.length > 1 ? 's' : ''} dans cette partie`),
      h('ol.opener-list', entries),
      withDiagram ? competencesFigure(kit.competences!, kit.config.accent, COLUMN) : null,
    ]),
  ]);
}
