import type { Diagnostic } from './errors.js';
import type { Fiche, Kit } from './model.js';

/** The page budget of a fiche: its own `budget`, or its kit's (2 by default). */
export function budgetOf(kit: Kit, fiche: Fiche): number {
  return fiche.meta.budget ?? kit.config.budget;
}

/**
 * The error of a fiche printed on more pages than its budget, at its `budget` field when it has one, at its
 * `numero` otherwise; nothing when it fits.
 */
export function budgetDiagnostic(kit: Kit, fiche: Fiche, pages: number): Diagnostic | undefined {
  const budget = budgetOf(kit, fiche);
  if (pages <= budget) return undefined;
  const own = fiche.meta.budget !== undefined;
  const over = pages - budget;
  return {
    file: fiche.source.path,
    ...fiche.placeOf(own ? 'budget' : 'number'),
    severity: 'erreur',
    message:
      `${pages} pages imprimées : ${budget} au plus ${budget > 1 ? 'sont attendues' : 'est attendue'} ` +
      `(${over} page${over > 1 ? 's' : ''} de trop, budget ${own ? 'de la fiche' : 'du kit'})`,
    rule: 'pages-hors-budget',
  };
}
