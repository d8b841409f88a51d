/**
 * Where every page of a booklet goes, from the lengths of its printed pieces: the booklet's own front pages (cover,
 * édito, changes, sommaire), then each part's opener and its fiches, blank pages for `--recto`, the back cover.
 * Known before the booklet's own pages are printed, so that the sommaire and the openers print the right pages.
 */
import type { Kit } from '../model.js';
import { bookletParts } from '../design/opener.js';
import type { StartPages } from './render.js';
import { withoutSpaces, type OutlineEntry } from '../pdf/outline.js';
import { PrintError } from '../errors.js';
import { frenchTypography } from '../text/typography.js';

/** One page of the booklet, in order. */
export type BookletPage =
  | { kind: 'front'; index: number }
  | { kind: 'opener'; part: string }
  | { kind: 'fiche'; number: number; index: number }
  | { kind: 'blank' }
  | { kind: 'back'; index: number };

/** The booklet's pages in order, and where each fiche starts (1-based). */
export interface BookletPlan {
  pages: BookletPage[];
  starts: StartPages;
  /** The fiches preceded by a blank page (`--recto`). */
  blanks: Set<number>;
}

/**
 * Lays out a booklet: `front` pages of its own, then for each part its opener and its fiches (`lengths` gives
 * their pages), then `back` pages. With `recto`, a blank page goes before a fiche that would start on a left-hand
 * (even) page, or before its part's opener when it is the part's first, so that the opener faces the fiche.
 */
export function planBooklet(kit: Kit, lengths: Map<number, number>, front: number, back: number, recto = false): BookletPlan {
  const pages: BookletPage[] = [];
  for (let i = 0; i < front; i++) pages.push({ kind: 'front', index: i });
  const starts: StartPages = new Map();
  const blanks = new Set<number>();
  for (const group of bookletParts(kit)) {
    group.fiches.forEach((fiche, i) => {
      // The page the fiche would start on: after the opener when it is the part's first.
      const start = pages.length + (i === 0 ? 2 : 1);
      if (recto && start % 2 === 0) {
        pages.push({ kind: 'blank' });
        blanks.add(fiche.number);
      }
      if (i === 0) pages.push({ kind: 'opener', part: group.part.id });
      starts.set(fiche.number, pages.length + 1);
      for (let p = 0; p < lengths.get(fiche.number)!; p++) pages.push({ kind: 'fiche', number: fiche.number, index: p });
    });
  }
  for (let i = 0; i < back; i++) pages.push({ kind: 'back', index: i });
  return { pages, starts, blanks };
}

/** Where the booklet's own pages are in their printed piece (0-based pages of the piece). */
export interface FrameLayout {
  /** Pages before the first opener: cover, édito, changes, sommaire. */
  front: number;
  edito: number;
  toc: number;
  /** The opener page of each part, by part id. */
  openers: Map<string, number>;
  /** Pages after the last opener: the back cover. */
  back: number;
}


/**
 * Finds the édito, the sommaire and each part's opener in the booklet's printed own pages, from the headings
 * Chromium wrote as bookmarks; fails when one is missing or an opener does not hold on one page.
 */
export function readFrameLayout(kit: Kit, outline: OutlineEntry[], pageCount: number): FrameLayout {
  let cursor = 0;
  // Chromium names a bookmark after its heading's text, sometimes repeated (« ÉditoÉdito »): match the start.
  const find = (title: string, depth?: number) => {
    const want = withoutSpaces(title);
    for (let i = cursor; i < outline.length; i++) {
      if (withoutSpaces(outline[i]!.title).startsWith(want) && (depth === undefined || outline[i]!.depth === depth)) {
        cursor = i + 1;
        return outline[i]!.pageIndex;
      }
    }
    throw new PrintError(`livret « ${kit.config.title} » : le début de « ${title} » est introuvable dans les pages imprimées du livret`);
  };
  const edito = find('Édito');
  const toc = find('Sommaire');
  const openers = new Map<string, number>();
  for (const group of bookletParts(kit)) openers.set(group.part.id, find(frenchTypography(group.part.title), 0));
  const list = [...openers.values()];
  const front = list[0] ?? pageCount - 1;
  list.forEach((page, i) => {
    if (page !== front + i) throw new PrintError(`livret « ${kit.config.title} » : une ouverture de partie tient sur plus d’une page ; une page par ouverture est attendue`);
  });
  return { front, edito, toc, openers, back: pageCount - front - list.length };
}
