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

/** A fiche as the contents order sees it: its number and its part. */
export interface Listed {
  number: number;
  part: string;
}

/** The fiches in the booklet's order: by part, in kit.yml's order, then by number. */
function contentsOrder<T extends Listed>(partIds: string[], fiches: T[]): T[] {
  const order = new Map(partIds.map((p, i) => [p, i]));
  return [...fiches].sort((a, b) => (order.get(a.part)! - order.get(b.part)!) || a.number - b.number);
}

/** A fiche the contents list out of number order, and the fiches listed just before and after it that are in order. */
export interface OutOfOrder<T> {
  fiche: T;
  before?: T;
  after?: T;
}

/**
 * The fiches that break the number order of the contents, and only they: the contents keep in order the longest
 * run of increasing numbers they can (the earliest listed, when two runs are as long); every other fiche is out of
 * order. A fiche 24 of a middle part is one fiche out of order, not the eleven fiches of the next parts.
 */
export function outOfOrder<T extends Listed>(partIds: string[], fiches: T[]): OutOfOrder<T>[] {
  const parts = new Set(partIds);
  const listed = contentsOrder(partIds, fiches.filter((f) => parts.has(f.part)));
  // longest[i]: the length of the longest run of numbers that starts at listed[i] and never decreases (two fiches
  // with one number are numero-en-double's error, not this warning's).
  const longest = listed.map(() => 1);
  for (let i = listed.length - 1; i >= 0; i--) {
    for (let j = i + 1; j < listed.length; j++) if (listed[j]!.number >= listed[i]!.number) longest[i] = Math.max(longest[i]!, longest[j]! + 1);
  }
  const kept = new Set<number>();
  let want = Math.max(0, ...longest);
  let last = -Infinity;
  for (let i = 0; i < listed.length && want > 0; i++) {
    if (longest[i] === want && listed[i]!.number >= last) {
      kept.add(i);
      last = listed[i]!.number;
      want--;
    }
  }
  const out: OutOfOrder<T>[] = [];
  listed.forEach((fiche, i) => {
    if (kept.has(i)) return;
    const before = [...kept].filter((k) => k < i).pop();
    const after = [...kept].find((k) => k > i);
    out.push({ fiche, ...(before !== undefined ? { before: listed[before]! } : {}), ...(after !== undefined ? { after: listed[after]! } : {}) });
  });
  return out;
}

/** What the contents do with a fiche out of number order, in French: where they list it, and why (its part). */
export function outOfOrderMessage({ fiche, before, after }: OutOfOrder<Listed>, listed = 'listée'): string {
  const where =
    before && before.number > fiche.number
      ? `${listed} après la fiche ${before.number} dans le sommaire, sa partie « ${fiche.part} » venant après « ${before.part} » dans kit.yml`
      : `${listed} avant la fiche ${after!.number} dans le sommaire, sa partie « ${fiche.part} » venant avant « ${after!.part} » dans kit.yml`;
  return `fiche ${fiche.number} ${where}`;
}

/** Warns at each fiche the contents list out of number order (its part comes earlier or later in kit.yml). */
function checkContentsOrder(config: KitConfig, fiches: Fiche[]): Diagnostic[] {
  const listed = fiches.map((f) => ({ number: f.number, part: f.meta.part, fiche: f }));
  return outOfOrder(config.parts.map((p) => p.id), listed).map((found) => ({
    file: found.fiche.fiche.source.path,
    ...found.fiche.fiche.placeOf('part'),
    severity: 'avertissement' as const,
    message: `${outOfOrderMessage(found)} : des numéros croissants sont attendus (changez la partie ou renumérotez)`,
    rule: 'ordre-sommaire',
  }));
}

/** Assembles a kit from its config and fiches, sorted by part order then number. */
export function makeKit(source: KitSource, config: KitConfig, fiches: Fiche[]): Kit {
  const listed = contentsOrder(config.parts.map((p) => p.id), fiches.map((fiche) => ({ number: fiche.number, part: fiche.meta.part, fiche })));
  return { id: source.id, dir: source.dir, config, configPath: source.config.path, fiches: listed.map((l) => l.fiche) };
}
