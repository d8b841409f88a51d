import type { Root as HastRoot } from 'hast';
import type { KitConfig } from '../config/schema.js';
import type { Diagnostic } from '../errors.js';
import type { Fiche, FicheRef, Kit, KitSource } from '../model.js';
import { frenchDate } from '../text/format.js';
import { fileDiagnostics, type ParsedFiche, type Processor } from './parse.js';
import { checkWebAddresses } from '../web/paths.js';

/** Runs the Markdown transforms of one fiche and returns its HTML tree and references. */
export async function transformFiche(processor: Processor, parsed: ParsedFiche): Promise<{ fiche: Fiche; diagnostics: Diagnostic[] }> {
  const body = (await processor.run(parsed.tree, parsed.file)) as HastRoot;
  const fiche: Fiche = {
    number: parsed.number,
    name: parsed.name,
    source: parsed.source,
    meta: parsed.meta,
    placeOf: parsed.placeOf,
    body,
    refs: parsed.file.data.ficheRefs ?? [],
    images: parsed.file.data.images ?? [],
    diagrams: parsed.file.data.diagrams ?? [],
    keyFigures: parsed.file.data.keyFigures ?? [],
  };
  return { fiche, diagnostics: fileDiagnostics(parsed.file, parsed.source.path) };
}

/** Checks what only the whole kit can tell: unique numbers, known parts, existing cross-references. */
/** A fiche whose frontmatter could not be read: its number (from its file name) and its cross-references. */
export interface UnreadableFiche {
  number: number;
  path: string;
  refs: FicheRef[];
}

export function checkKit(source: KitSource, config: KitConfig, fiches: Fiche[], unreadable: UnreadableFiche[] = []): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const byNumber = new Map<number, Fiche>();
  const parts = new Set(config.parts.map((p) => p.id));
  for (const fiche of fiches) {
    const first = byNumber.get(fiche.number);
    if (first) {
      diagnostics.push({
        file: fiche.source.path,
        ...fiche.placeOf('number'),
        severity: 'erreur',
        message: `numéro ${fiche.number} déjà pris par ${first.source.path} : un numéro unique est attendu`,
        rule: 'numero-en-double',
      });
    } else byNumber.set(fiche.number, fiche);
    if (!parts.has(fiche.meta.part)) {
      diagnostics.push({
        file: fiche.source.path,
        ...fiche.placeOf('part'),
        severity: 'erreur',
        message: `partie « ${fiche.meta.part} » absente de kit.yml : ${[...parts].map((p) => `« ${p} »`).join(', ')} attendue`,
        rule: 'partie-inconnue',
      });
    }
  }
  const known = (n: number) => byNumber.has(n) || unreadable.some((u) => u.number === n);
  const referring = [...fiches.map((f) => ({ path: f.source.path, refs: f.refs })), ...unreadable];
  for (const { path, refs } of referring) {
    for (const ref of refs) {
      // A fiche whose frontmatter is wrong is reported once, not again at every reference to it.
      if (known(ref.number)) continue;
      diagnostics.push({
        file: path,
        line: ref.line,
        column: ref.column,
        severity: 'erreur',
        message: `renvoi vers la fiche ${ref.number}, qui n'existe pas dans le kit « ${source.id} » : un numéro parmi ${[...new Set([...byNumber.keys(), ...unreadable.map((u) => u.number)])].sort((a, b) => a - b).join(', ')} est attendu`,
        rule: 'renvoi-inconnu',
      });
    }
  }
  diagnostics.push(...checkContentsOrder(config, fiches));
  diagnostics.push(...checkWebAddresses(source.id, fiches));
  const editionYear = Number(config.edition.date.slice(0, 4));
  for (const fiche of fiches) {
    for (const figure of fiche.keyFigures) {
      if (figure.year === undefined || editionYear - figure.year <= config.figureAge) continue;
      diagnostics.push({
        file: fiche.source.path,
        line: figure.line,
        column: figure.column,
        severity: 'avertissement',
        message: `chiffre clé « ${figure.text} » de ${figure.year}, plus de ${config.figureAge} ans avant l'édition du ${frenchDate(config.edition.date)} : un chiffre plus récent est attendu, ou ce chiffre daté dans le texte hors de l'encadré`,
        rule: 'chiffre-ancien',
      });
    }
  }
  for (const fiche of fiches) {
    if (fiche.meta.sources.length === 0) {
      diagnostics.push({ file: fiche.source.path, ...fiche.placeOf('sources'), severity: 'erreur', message: 'aucune source : au moins une référence est attendue', rule: 'sources-vides' });
    }
    fiche.meta.sources.forEach((s, i) => {
      // `http-seulement: oui`: an archived page with no https version, accepted once in the fiche.
      if (s.url && !s.url.startsWith('https://') && !s.httpOnly) {
        diagnostics.push({
          file: fiche.source.path,
          ...fiche.placeOf(`sources.${i}.url`),
          severity: 'avertissement',
          message: `source « ${s.url} » non sécurisée : une adresse en https:// est attendue`,
          rule: 'lien-non-https',
        });
      }
    });
  }
  return diagnostics;
}

/** The fiches in the booklet's order: by part, in kit.yml's order, then by number. */
function contentsOrder(config: KitConfig, fiches: Fiche[]): Fiche[] {
  const order = new Map(config.parts.map((p, i) => [p.id, i]));
  return [...fiches].sort((a, b) => (order.get(a.meta.part)! - order.get(b.meta.part)!) || a.number - b.number);
}

/** Warns where the contents would list a fiche after one with a higher number (its part comes later in kit.yml). */
function checkContentsOrder(config: KitConfig, fiches: Fiche[]): Diagnostic[] {
  const parts = new Set(config.parts.map((p) => p.id));
  const diagnostics: Diagnostic[] = [];
  let highest: Fiche | undefined;
  for (const fiche of contentsOrder(config, fiches.filter((f) => parts.has(f.meta.part)))) {
    if (highest && fiche.number < highest.number) {
      diagnostics.push({
        file: fiche.source.path,
        ...fiche.placeOf('part'),
        severity: 'avertissement',
        message:
          `fiche ${fiche.number} listée après la fiche ${highest.number} dans le sommaire, sa partie « ${fiche.meta.part} » venant après « ${highest.meta.part} » dans kit.yml : ` +
          'des numéros croissants sont attendus (changez la partie ou renumérotez)',
        rule: 'ordre-sommaire',
      });
    } else highest = fiche;
  }
  return diagnostics;
}

/** Assembles a kit from its config and fiches, sorted by part order then number. */
export function makeKit(source: KitSource, config: KitConfig, fiches: Fiche[]): Kit {
  return { id: source.id, dir: source.dir, config, configPath: source.config.path, fiches: contentsOrder(config, fiches) };
}
