import { z } from 'zod';

const isoDate = z
  .string({ error: 'une date au format AAAA-MM-JJ est attendue' })
  .regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'une date au format AAAA-MM-JJ est attendue', abort: true })
  .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s), {
    error: "cette date n'existe pas au calendrier",
  });

const text = z.string().trim().min(1);
const slug = z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, {
  error: 'un identifiant en minuscules sans accents ni espaces est attendu (ex. « leviers »)',
});
/** Yes or no, as an editor writes it: `oui`/`non` as well as YAML's `true`/`false`. */
const yesNo = z.union([z.boolean(), z.enum(['oui', 'non']).transform((v) => v === 'oui')], {
  error: '« oui » ou « non » est attendu',
});

/** The closed list of publication states a fiche can be in. */
export const FICHE_STATUSES = ['brouillon', 'publiée'] as const;

/**
 * The frontmatter and kit.yml keys are French; the code reads them under English names. This is the one table
 * that links the two: an English key in a source is reported with its French name (see validate-yaml.ts).
 */
export const FRENCH_KEYS = {
  number: 'numero',
  title: 'titre',
  part: 'partie',
  summary: 'resume',
  updated: 'mise-a-jour',
  published: 'publication',
  status: 'statut',
  budget: 'budget',
  sources: 'sources',
  url: 'adresse',
  httpOnly: 'http-seulement',
  history: 'historique',
  date: 'date',
  note: 'note',
  id: 'identifiant',
  subtitle: 'sous-titre',
  level: 'niveau',
  edition: 'edition',
  publisher: 'editeur',
  accent: 'couleur',
  booklet: 'livret',
  baseUrl: 'adresse-web',
  keywords: 'mots-cles',
  edito: 'edito',
  parts: 'parties',
  print: 'impression',
  figureAge: 'anciennete-chiffres',
  logo: 'logo',
  pictogram: 'pictogramme',
  competences: 'competences',
  basis: 'base',
  levers: 'leviers',
  fiches: 'fiches',
  themes: 'themes',
} as const;

/** An internal field name as written in the sources. */
export type SourceKey = keyof typeof FRENCH_KEYS;

/** The path of a field in the YAML source, from its internal path (`sources.2.url` → `['sources', 2, 'adresse']`). */
export function sourcePath(field: string): (string | number)[] {
  return field.split('.').map((k) => (/^\d+$/.test(k) ? Number(k) : (FRENCH_KEYS[k as SourceKey] ?? k)));
}

const source = z
  .strictObject({
    titre: text,
    adresse: z
      .string()
      .superRefine((v, ctx) => {
        if (/^www\./i.test(v)) ctx.addIssue({ code: 'custom', message: `adresse incomplète : « https://${v} » est attendue` });
        else if (!/^https?:\/\/\S+$/.test(v)) ctx.addIssue({ code: 'custom', message: 'une adresse web complète est attendue (https://…)' });
      })
      .optional(),
    'http-seulement': yesNo.optional(),
  })
  .transform((s) => ({ title: s.titre, ...(s.adresse !== undefined ? { url: s.adresse } : {}), ...(s['http-seulement'] !== undefined ? { httpOnly: s['http-seulement'] } : {}) }));

const historyEntry = z.strictObject({ date: isoDate, note: text });

/** Schema of a fiche's YAML frontmatter (French keys), read as the fields the code uses. */
export const ficheSchema = z
  .strictObject({
    numero: z.int().min(1).max(99),
    titre: text,
    partie: slug,
    resume: text,
    'mise-a-jour': isoDate,
    publication: isoDate.optional(),
    statut: z.enum(FICHE_STATUSES).optional(),
    budget: z.int().min(1).max(12).optional(),
    sources: z.array(source),
    historique: z.array(historyEntry).optional(),
  })
  .transform((m) => ({
    number: m.numero,
    title: m.titre,
    part: m.partie,
    summary: m.resume,
    updated: m['mise-a-jour'],
    ...(m.publication !== undefined ? { published: m.publication } : {}),
    ...(m.statut !== undefined ? { status: m.statut } : {}),
    ...(m.budget !== undefined ? { budget: m.budget } : {}),
    sources: m.sources,
    history: m.historique ?? [],
  }));

/** Schema of `sheets/<kit>/kit.yml` (French keys), read as the fields the code uses. */
export const kitSchema = z
  .strictObject({
    identifiant: slug,
    titre: text,
    'sous-titre': text,
    niveau: text,
    edition: z.strictObject({ numero: z.int().min(1), date: isoDate }),
    editeur: text,
    couleur: z.string().regex(/^#[0-9a-fA-F]{6}$/, { error: 'une couleur au format #rrvvbb est attendue' }),
    livret: slug,
    'adresse-web': z.string().regex(/^https:\/\/\S+\/$/, { error: 'une adresse https:// terminée par « / » est attendue' }),
    budget: z.int().min(1).max(12).default(2),
    'mots-cles': z.array(text).default([]),
    edito: text,
    parties: z.array(z.strictObject({ identifiant: slug, titre: text, pictogramme: slug.optional() })).min(1, { error: 'au moins une partie est attendue' }),
    /** Also make the print-shop version of the booklet (bleed, crop marks, PDF/X), as `kitess build --print` does. */
    impression: yesNo.optional(),
    /** How many years old a key figure's data may be before `check` warns (4 by default). */
    'anciennete-chiffres': z.int().min(1).max(30).default(4),
    /** The publisher's logo: an SVG file of the kit's folder, printed on both covers and shown on the download page. */
    logo: z.string().regex(/^[^/\\]+\.svg$/i, { error: 'le nom d\'un fichier SVG du dossier du kit est attendu (ex. « logo-rtes.svg »)' }).optional(),
  })
  .transform((k) => ({
    id: k.identifiant,
    title: k.titre,
    subtitle: k['sous-titre'],
    level: k.niveau,
    edition: { number: k.edition.numero, date: k.edition.date },
    publisher: k.editeur,
    accent: k.couleur,
    booklet: k.livret,
    baseUrl: k['adresse-web'],
    budget: k.budget,
    keywords: k['mots-cles'],
    edito: k.edito,
    parts: k.parties.map((p) => ({ id: p.identifiant, title: p.titre, ...(p.pictogramme !== undefined ? { pictogram: p.pictogramme } : {}) })),
    ...(k.impression !== undefined ? { print: k.impression } : {}),
    figureAge: k['anciennete-chiffres'],
    ...(k.logo !== undefined ? { logo: k.logo } : {}),
  }));

/** A fiche's validated frontmatter. */
export type FicheMeta = z.output<typeof ficheSchema>;
/** A kit's validated settings. */
export type KitConfig = z.output<typeof kitSchema>;
