import type { StartPages } from '../pipeline/render.js';

/** Where fiches start in a booklet, and the fiches preceded by a blank page so that they start on a right-hand page. */
export interface RectoPlan {
  starts: StartPages;
  blanks: Set<number>;
}

/**
 * Plans a booklet where every fiche starts on a right-hand (odd) page, from a known or predicted pagination
 * (`starts`, with the blank pages `blanks` it had): each fiche keeps its length, and a blank page goes before
 * every fiche that would otherwise start on an even page. Fed back with the pagination found in the printed
 * PDF, the plan converges as the build's verification loop reprints.
 */
export function planRecto(numbers: number[], starts: StartPages, blanks: ReadonlySet<number> = new Set()): RectoPlan {
  const next: RectoPlan = { starts: new Map(), blanks: new Set() };
  if (numbers.length === 0) return next;
  // Where each fiche would start with no blank page before it.
  const natural = (n: number) => starts.get(n)! - (blanks.has(n) ? 1 : 0);
  let page = natural(numbers[0]!);
  numbers.forEach((n, i) => {
    if (page % 2 === 0) {
      next.blanks.add(n);
      page++;
    }
    next.starts.set(n, page);
    const following = numbers[i + 1];
    if (following !== undefined) page += natural(following) - starts.get(n)!;
  });
  return next;
}
