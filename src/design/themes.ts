import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { positionOf, validateYamlFile } from '../config/validate-yaml.js';
import type { Diagnostic } from '../errors.js';
import { FICHE_FILE } from '../pipeline/load.js';
import { iconExists } from './icons.js';

/** The file beside the kits that sorts their fiches into themes, for the download page's filter. */
export const THEMES_FILE = 'themes.yml';

const slug = z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, { error: 'un identifiant en minuscules sans accents ni espaces est attendu (ex. « alimentation »)' });

const themesSchema = z
  .array(
    z.strictObject({
      identifiant: slug,
      titre: z.string().trim().min(1).max(40),
      pictogramme: slug,
      /** For each kit, the fiches of the theme by file name without its number (`alimentation-durable`). */
      fiches: z.record(slug, z.array(slug).min(1)),
    }),
  )
  .min(1)
  .transform((list) => list.map((t) => ({ id: t.identifiant, title: t.titre, pictogram: t.pictogramme, fiches: t.fiches })));

/** One theme of the download page's filter. */
export interface Theme {
  id: string;
  title: string;
  pictogram: string;
}

/** The themes, and for each kit the themes of each fiche (by the fiche's file name without its number). */
export interface Themes {
  list: Theme[];
  of(kit: string, ficheName: string): string[];
}

/** A fiche's file name without its number: `15-alimentation-durable` → `alimentation-durable`. */
export function ficheSlug(name: string): string {
  return name.replace(/^\d{2}-/, '');
}

/**
 * Reads `sheets/themes.yml`, if there is one: every kit it names must be a kit of the folder, every fiche a fiche
 * of that kit, every pictogram a Lucide icon.
 */
export function readThemes(sheetsDir: string): { themes?: Themes; diagnostics: Diagnostic[] } {
  const read = validateYamlFile(path.join(sheetsDir, THEMES_FILE), themesSchema, 'themes');
  if (!read) return { diagnostics: [] };
  const { file, result } = read;
  if (!result.ok) return { diagnostics: result.diagnostics };
  const diagnostics: Diagnostic[] = [];
  const at = (...p: (string | number)[]) => positionOf(result, p, 1);
  const slugs = new Map<string, string[]>();
  const fichesOf = (kit: string) => {
    if (!slugs.has(kit)) {
      const dir = path.join(sheetsDir, kit);
      const ok = existsSync(path.join(dir, 'kit.yml'));
      slugs.set(kit, ok ? readdirSync(dir).filter((n) => FICHE_FILE.test(n)).map((n) => ficheSlug(n.replace(/\.md$/, ''))) : []);
    }
    return slugs.get(kit)!;
  };
  const seen = new Set<string>();
  result.value.forEach((theme, i) => {
    if (seen.has(theme.id)) diagnostics.push({ file, ...at(i, 'identifiant'), severity: 'erreur', message: `thème « ${theme.id} » déclaré deux fois : un identifiant unique est attendu`, rule: 'themes' });
    seen.add(theme.id);
    if (!iconExists(theme.pictogram)) {
      diagnostics.push({ file, ...at(i, 'pictogramme'), severity: 'erreur', message: `pictogramme « ${theme.pictogram} » inconnu : le nom d'une icône Lucide est attendu (ex. « wheat », « bus »)`, rule: 'themes' });
    }
    for (const [kit, names] of Object.entries(theme.fiches)) {
      const known = fichesOf(kit);
      if (!existsSync(path.join(sheetsDir, kit, 'kit.yml'))) {
        diagnostics.push({ file, ...at(i, 'fiches', kit), severity: 'erreur', message: `kit « ${kit} » inconnu : un dossier de ${path.basename(sheetsDir)}/ contenant kit.yml est attendu`, rule: 'themes' });
        continue;
      }
      names.forEach((name, j) => {
        if (known.includes(name)) return;
        diagnostics.push({
          file,
          ...at(i, 'fiches', kit, j),
          severity: 'erreur',
          message: `fiche « ${name} » introuvable dans le kit « ${kit} » : le nom d'un fichier de fiche sans son numéro ni « .md » est attendu (ex. « ${known[0] ?? 'alimentation-durable'} »)`,
          rule: 'themes',
        });
      });
    }
  });
  const list = result.value.map(({ id, title, pictogram }) => ({ id, title, pictogram }));
  const of = (kit: string, ficheName: string) => result.value.filter((t) => t.fiches[kit]?.includes(ficheSlug(ficheName))).map((t) => t.id);
  return { themes: { list, of }, diagnostics };
}
