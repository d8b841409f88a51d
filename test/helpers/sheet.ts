import path from 'node:path';
import { toHtml } from 'hast-util-to-html';
import type { Diagnostic } from '../../src/errors.js';
import { createProcessor, parseFiche } from '../../src/pipeline/parse.js';
import { transformFiche } from '../../src/pipeline/transform.js';
import { FIXTURES } from './fixtures.js';

const processor = createProcessor();

/** A valid frontmatter, to prepend to a body in tests. */
export const FRONTMATTER = `---
numero: 7
titre: Commande publique responsable
partie: leviers
resume: Acheter mieux.
mise-a-jour: 2026-02-17
sources:
  - titre: RTES
    adresse: https://www.rtes.fr/
---
`;

/** Parses and transforms a fiche's text as if it were `sheets/demo/07-essai.md` of the pipeline fixture. */
export async function processSheet(text: string, name = '07-essai.md'): Promise<{ html: string; diagnostics: Diagnostic[]; refs: number[] }> {
  const absPath = path.join(FIXTURES, 'pipeline/sheets/demo', name);
  const source = { path: `sheets/demo/${name}`, absPath, text };
  const parsed = parseFiche(processor, source);
  if (!parsed.fiche) return { html: '', diagnostics: parsed.diagnostics, refs: [] };
  const { fiche, diagnostics } = await transformFiche(processor, parsed.fiche);
  return { html: toHtml(fiche.body), diagnostics: [...parsed.diagnostics, ...diagnostics], refs: fiche.refs.map((r) => r.number) };
}
