import { readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import slugify from '@sindresorhus/slugify';
import { stringify } from 'yaml';
import { SourceError, UsageError } from './errors.js';
import type { KitConfig } from './config/schema.js';
import type { KitSource } from './model.js';
import { loadKit, selectKits } from './pipeline/load.js';
import { createProcessor, parseFiche, parseKitConfig } from './pipeline/parse.js';
import { outOfOrder, outOfOrderMessage, type Listed } from './pipeline/transform.js';

/** A part of a kit, as `kitess nouvelle-fiche` offers it. */
export interface PartChoice {
  id: string;
  title: string;
}

/** What `kitess nouvelle-fiche` is asked to do. */
export interface NewFicheOptions {
  sheetsDir: string;
  kit: string;
  title: string;
  /** Identifier of the part; asked with `askPart` when missing and the kit has more than one. */
  part?: string;
  /** The fiche's number; by default the first free one that keeps the contents in number order, else the next free one. */
  number?: number;
  /** Date of `mise-a-jour` (AAAA-MM-JJ); today by default. */
  date?: string;
  /** Asks the editor which part (on a terminal); without it, a missing part is a usage error. */
  askPart?: (parts: PartChoice[]) => Promise<string>;
}

/** The fiche written. */
export interface NewFiche {
  /** Absolute path of the new file. */
  file: string;
  number: number;
  part: PartChoice;
  /** When the contents list the new fiche out of number order (the warning `check` gives), what they do, in French. */
  outOfOrder?: string;
}

/** Longest file-name slug: long titles are cut at a word. */
const MAX_SLUG = 60;

/** The file-name slug of a title: lowercase, no accents, words joined by dashes (« L'ESS, c'est quoi ? » → « l-ess-c-est-quoi »). */
export function ficheSlug(title: string): string {
  let slug = slugify(title, { decamelize: false });
  while (slug.length > MAX_SLUG && slug.includes('-')) slug = slug.slice(0, slug.lastIndexOf('-'));
  return slug;
}

/** Today's date on the editor's clock, AAAA-MM-JJ. */
export function localDate(now = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/** A YAML scalar, quoted only when it needs to be. */
const scalar = (value: string) => stringify(value).trimEnd();

/**
 * The text of a new fiche: its frontmatter (French keys, today's date, `statut: brouillon` so that it is not
 * published before it is written), then the skeleton editors fill in — Enjeux with a key-figures box in the
 * required form, Leviers d'action with three levers, an example and further reading. It passes `kitess check`.
 */
export function ficheSkeleton(fiche: { number: number; title: string; part: string; date: string }): string {
  const year = fiche.date.slice(0, 4);
  return `---
numero: ${fiche.number}
titre: ${scalar(fiche.title)}
partie: ${fiche.part}
resume: Une phrase qui dit ce que la fiche apporte à l'élu (à remplacer).
mise-a-jour: ${fiche.date}
statut: brouillon
sources:
  - titre: Titre de la source (à remplacer)
    adresse: https://www.exemple.fr/
---

## Enjeux

Pourquoi ce sujet compte pour la collectivité, en deux ou trois paragraphes courts (à remplacer).

:::chiffres-cles
- **0** chiffre à remplacer : nombre en gras, intitulé, année des données entre parenthèses (${year})

Sources : [Titre de la source](https://www.exemple.fr/)
:::

## Leviers d'action

### Premier levier

Ce que la collectivité peut faire, avec quels moyens et quels partenaires (à remplacer).

### Deuxième levier

Ce que la collectivité peut faire, avec quels moyens et quels partenaires (à remplacer).

### Troisième levier

Ce que la collectivité peut faire, avec quels moyens et quels partenaires (à remplacer).

:::exemple[Nom de la collectivité (département)]
Ce qu'a fait la collectivité, avec dates et chiffres (à remplacer).
:::

:::pour-aller-plus-loin
- [Titre du guide ou de l'outil](https://www.exemple.fr/) (à remplacer)
:::
`;
}

/** Reads the kit's settings; a kit.yml with errors stops here with its diagnostics. */
async function readKit(sheetsDir: string, id: string): Promise<{ config: KitConfig; source: KitSource; dir: string; names: string[] }> {
  const { source } = await loadKit(sheetsDir, id);
  const { config, diagnostics } = parseKitConfig(source);
  if (!config || diagnostics.some((d) => d.severity === 'erreur')) throw new SourceError(diagnostics);
  return { config, source, dir: source.dir, names: (await readdir(source.dir)).filter((n) => n.endsWith('.md')) };
}

/** The number and part of each fiche of the kit whose header reads (the others have no part to order them by). */
function listedFiches(source: KitSource): Listed[] {
  const processor = createProcessor();
  return source.sheets.flatMap((sheet) => {
    const { fiche } = parseFiche(processor, sheet);
    return fiche ? [{ number: fiche.number, part: fiche.meta.part }] : [];
  });
}

/**
 * The number a new fiche of `part` takes by default: the first free one listed in number order in the contents
 * (above the fiches of its part and of the parts before it, below those of the parts after it), else the next free
 * one, which the contents list out of order.
 */
function defaultNumber(partIds: string[], part: string, listed: Listed[], taken: Set<number>): number {
  const index = partIds.indexOf(part);
  const rank = (f: Listed) => partIds.indexOf(f.part);
  const low = Math.max(0, ...listed.filter((f) => rank(f) >= 0 && rank(f) <= index).map((f) => f.number));
  const high = Math.min(100, ...listed.filter((f) => rank(f) > index).map((f) => f.number));
  for (let n = low + 1; n < high; n++) if (!taken.has(n)) return n;
  return Math.max(0, ...taken) + 1;
}

/**
 * Creates `sheets/<kit>/NN-slug.md` for a new fiche: the next free number (or the one asked, if free), a file
 * name from the title, and the skeleton. Refuses a number or a name another fiche already has.
 */
export async function createFiche(options: NewFicheOptions): Promise<NewFiche> {
  const [id] = await selectKits(options.sheetsDir, [options.kit]);
  const { config, source, dir, names } = await readKit(options.sheetsDir, id!);
  const title = options.title.trim();
  const slug = ficheSlug(title);
  if (!slug) throw new UsageError(`titre « ${options.title} » inutilisable : un titre avec au moins une lettre ou un chiffre est attendu`);

  const taken = new Map<number, string>();
  for (const name of names) {
    const m = /^(\d+)-/.exec(name);
    if (m) taken.set(Number(m[1]), name);
  }
  if (options.number !== undefined) {
    const n = options.number;
    if (!Number.isInteger(n) || n < 1 || n > 99) throw new UsageError(`numéro ${n} impossible : un numéro de 1 à 99 est attendu`);
    if (taken.has(n)) throw new UsageError(`numéro ${n} déjà pris par ${taken.get(n)} : un numéro libre est attendu (le prochain est ${Math.max(...taken.keys()) + 1})`);
  }
  const sameName = names.find((n) => n.replace(/^\d+-/, '').replace(/\.md$/, '') === slug);
  if (sameName) throw new UsageError(`nom « ${slug} » déjà pris par ${sameName} : un autre titre est attendu`);

  const parts = config.parts.map((p) => ({ id: p.id, title: p.title }));
  const list = parts.map((p) => `« ${p.id} »`).join(', ');
  let partId = options.part;
  if (partId === undefined) {
    if (parts.length === 1) partId = parts[0]!.id;
    else if (options.askPart) partId = await options.askPart(parts);
    else throw new UsageError(`partie de la fiche manquante : --partie suivi d'une des parties de ${id}/kit.yml est attendu (${list})`);
  }
  const part = parts.find((p) => p.id === partId);
  if (!part) throw new UsageError(`partie « ${partId} » absente de ${id}/kit.yml : ${list} attendue`);

  // The part decides where the contents list the fiche: its number follows that order when a free one can.
  const partIds = parts.map((p) => p.id);
  const listed = listedFiches(source);
  const number = options.number ?? defaultNumber(partIds, part.id, listed, new Set(taken.keys()));
  if (number > 99) throw new UsageError(`aucun numéro libre dans le kit « ${id} » : 99 fiches au plus sont attendues`);
  const mine = outOfOrder(partIds, [...listed, { number, part: part.id }]).find((o) => o.fiche.number === number);
  const why = options.number !== undefined ? `le numéro ${number} demandé sort de l'ordre des numéros` : "aucun numéro libre ne la garde dans l'ordre des numéros";
  const outOfOrderNote = mine
    ? `la ${outOfOrderMessage(mine, 'sera listée')} ; ${why} : « kitess check » le signale par un avertissement (ordre-sommaire) sur cette fiche, jusqu'à ce que vous renumérotiez les fiches ou changiez sa partie`
    : undefined;

  const file = path.join(dir, `${String(number).padStart(2, '0')}-${slug}.md`);
  const text = ficheSkeleton({ number, title, part: part.id, date: options.date ?? localDate() });
  try {
    // `wx`: never overwrite a file, even one created since the folder was read.
    await writeFile(file, text, { encoding: 'utf8', flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new UsageError(`${path.basename(file)} existe déjà : un autre titre ou numéro est attendu`);
    throw error;
  }
  return { file, number, part, ...(outOfOrderNote ? { outOfOrder: outOfOrderNote } : {}) };
}
