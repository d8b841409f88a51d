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

/** The closed list of publication states a fiche can be in. */
export const FICHE_STATUSES = ['brouillon', 'publiée'] as const;

/** Schema of a fiche's YAML frontmatter. */
export const ficheSchema = z.strictObject({
  number: z.int().min(1).max(99),
  title: text,
  part: slug,
  summary: text,
  updated: isoDate,
  published: isoDate.optional(),
  status: z.enum(FICHE_STATUSES).optional(),
  budget: z.int().min(1).max(12).optional(),
  sources: z
    .array(
      z.strictObject({
        title: text,
        url: z.string().regex(/^https?:\/\/\S+$/, { error: 'une adresse web complète est attendue (https://…)' }).optional(),
      }),
    ),
});

/** Schema of `sheets/<kit>/kit.yml`. */
export const kitSchema = z.strictObject({
  id: slug,
  title: text,
  subtitle: text,
  level: text,
  edition: z.strictObject({ number: z.int().min(1), date: isoDate }),
  publisher: text,
  accent: z.string().regex(/^#[0-9a-fA-F]{6}$/, { error: 'une couleur au format #rrvvbb est attendue' }),
  booklet: slug,
  baseUrl: z.string().regex(/^https:\/\/\S+\/$/, { error: 'une adresse https:// terminée par « / » est attendue' }),
  budget: z.int().min(1).max(12).default(2),
  keywords: z.array(text).default([]),
  edito: text,
  parts: z.array(z.strictObject({ id: slug, title: text })).min(1, { error: 'au moins une partie est attendue' }),
  /** Also make the print-shop version of the booklet (bleed, crop marks, PDF/X), as `kitess build --print` does. */
  print: z.boolean().optional(),
});

/** A fiche's validated frontmatter. */
export type FicheMeta = z.infer<typeof ficheSchema>;
/** A kit's validated settings. */
export type KitConfig = z.infer<typeof kitSchema>;

