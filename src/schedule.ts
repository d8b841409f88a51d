import type { Fiche, Kit } from './model.js';

/** Today's date, as the default `--as-of`. */
export function today(): string {
  return new Date().toISOString().slice(0, 10);
}

/** Whether a fiche is out by the given date: not a draft (unless drafts are wanted), published on or before it. */
export function isPublished(fiche: Fiche, asOf: string, drafts: boolean): boolean {
  if (fiche.meta.status === 'brouillon' && !drafts) return false;
  return !fiche.meta.published || fiche.meta.published <= asOf;
}

/** The kit as published on a date: the fiches not yet out are left out of the PDFs, booklet and contents. */
export function publishedKit(kit: Kit, asOf: string, drafts: boolean): Kit {
  return { ...kit, fiches: kit.fiches.filter((f) => isPublished(f, asOf, drafts)) };
}
