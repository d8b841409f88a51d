import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { throwIfAborted, type Diagnostic } from './errors.js';
import type { Fiche, Kit } from './model.js';
import { fileNumber, listKits, loadKit } from './pipeline/load.js';
import type { KitSummary } from './design/cover.js';
import { readThemes, type Themes } from './design/themes.js';

export { selectKits } from './pipeline/load.js';
import { createProcessor, fileDiagnostics, parseFiche, parseKitConfig } from './pipeline/parse.js';
import { checkKit, makeKit, transformFiche, type UnreadableFiche } from './pipeline/transform.js';
import { analysisKey, type Analysis, type AnalysisCache } from './pipeline/analysis-cache.js';
import type { Timings } from './timings.js';
import { checkCompetences, COMPETENCES_FILE, readCompetences } from './design/competences.js';

/** The kits read, parsed and checked, with every diagnostic found on the way. */
export interface Prepared {
  kits: Kit[];
  diagnostics: Diagnostic[];
  /** Every kit of the sheets folder, as the back covers present them. */
  collection: KitSummary[];
  /** The themes of the download page's filter (sheets/themes.yml), if any. */
  themes?: Themes;
  /** The fiches (paths shown in messages) parsed and transformed now, and those taken from a previous analysis. */
  analysed: { fresh: string[]; reused: string[] };
}

/**
 * The kits of the sheets folder that a back cover presents, from their kit.yml: those already prepared, and the
 * others read here. A kit not asked for whose kit.yml is wrong is left out of the collection without a message:
 * `check` and `build` report only the kits they are given, and that kit cannot be built until it is fixed.
 */
async function readCollection(sheetsDir: string, ids: string[], prepared: Kit[]): Promise<KitSummary[]> {
  const collection: KitSummary[] = [];
  for (const id of await listKits(sheetsDir)) {
    let config = prepared.find((k) => k.id === id)?.config;
    if (!ids.includes(id)) {
      const { source } = await loadKit(sheetsDir, id);
      const parsed = parseKitConfig(source);
      config = parsed.diagnostics.length === 0 ? parsed.config : undefined;
    }
    if (config) collection.push({ id, title: config.title, subtitle: config.subtitle, level: config.level, accent: config.accent, baseUrl: config.baseUrl });
  }
  return collection;
}

/**
 * The fiches this process has read and transformed, by source path: a process that builds again and again (the
 * preview) does not transform again the fiches whose inputs did not change. The key is the analysis cache's on
 * disk (analysisKey: the fiche's text and paths, the working folder, the names of the kit folder's files, kit.yml,
 * kitess itself), so that memory and disk agree on when a fiche is analysed again. One entry per source, so the
 * map does not grow with the number of builds. A build also finds there, or in the analysis cache on disk, the
 * fiches the previous build analysed (analysis-cache.ts).
 */
const transformed = new Map<string, { key: string; analysis: Analysis }>();

/** The names of every file of a kit's folder, sub-folders included. */
function listing(dir: string): string {
  return readdirSync(dir, { recursive: true }).map(String).sort().join('\0');
}

/**
 * Load → parse → transform for the given kits: everything the build checks before printing. With a cache (the
 * build's), the fiches analysed by the previous build are taken from it instead of parsed and transformed again.
 * `onKit` is told of each kit as soon as it is prepared, while no error has been found so far (the build starts
 * printing it while the next kits are read). An aborted `signal` stops it between two fiches (AbortedError).
 */
export async function prepareKits(sheetsDir: string, ids: string[], timings?: Timings, cache?: AnalysisCache, onKit?: (kit: Kit) => void, signal?: AbortSignal): Promise<Prepared> {
  const processor = createProcessor();
  const diagnostics: Diagnostic[] = [];
  const kits: Kit[] = [];
  const analysed: Prepared['analysed'] = { fresh: [], reused: [] };
  for (const id of ids) {
    const loaded = await (timings ? timings.time('load', () => loadKit(sheetsDir, id)) : loadKit(sheetsDir, id));
    diagnostics.push(...loaded.diagnostics);
    const stage = async () => {
      const { config, diagnostics: configDiagnostics } = parseKitConfig(loaded.source);
      diagnostics.push(...configDiagnostics);
      const fiches: Fiche[] = [];
      const unreadable: UnreadableFiche[] = [];
      const files = listing(loaded.source.dir);
      for (const sheet of loaded.source.sheets) {
        // Interrupted (Ctrl-C), the build stops between two fiches rather than after reading them all.
        throwIfAborted(signal);
        const inputs = createHash('sha256').update([sheet.absPath, sheet.path, process.cwd(), files, sheet.text].join('\0')).digest('hex');
        const key = analysisKey(inputs, loaded.source.config.text);
        const stored = cache ? key : undefined;
        const known = transformed.get(sheet.absPath);
        const found = known?.key === key ? known.analysis : stored ? await cache!.get(id, stored, sheet) : undefined;
        if (found) {
          analysed.reused.push(sheet.path);
          diagnostics.push(...found.diagnostics);
          fiches.push(found.fiche);
          transformed.set(sheet.absPath, { key, analysis: found });
          if (stored) cache!.put(id, stored, found);
          continue;
        }
        analysed.fresh.push(sheet.path);
        const parsed = parseFiche(processor, sheet);
        diagnostics.push(...parsed.diagnostics);
        if (!parsed.fiche) {
          // The frontmatter is wrong: still check the body, and count the fiche as present for cross-references.
          if (parsed.body) {
            await processor.run(parsed.body.tree, parsed.body.file);
            diagnostics.push(...fileDiagnostics(parsed.body.file, sheet.path));
          }
          unreadable.push({ number: fileNumber(sheet.absPath), path: sheet.path, refs: parsed.body?.file.data.ficheRefs ?? [] });
          continue;
        }
        const made = await transformFiche(processor, parsed.fiche);
        diagnostics.push(...made.diagnostics);
        fiches.push(made.fiche);
        const analysis = { fiche: made.fiche, frontmatter: parsed.fiche.frontmatter, diagnostics: [...parsed.diagnostics, ...made.diagnostics] };
        transformed.set(sheet.absPath, { key, analysis });
        if (stored) cache!.put(id, stored, analysis);
      }
      const { competences, diagnostics: competencesDiagnostics } = readCompetences(loaded.source.dir);
      diagnostics.push(...competencesDiagnostics);
      if (!config) return;
      diagnostics.push(...checkKit(loaded.source, config, fiches, unreadable));
      if (competences) diagnostics.push(...checkCompetences(competences, config.parts.map((p) => p.id), [...fiches, ...unreadable].map((f) => f.number)));
      else if (competencesDiagnostics.length === 0) {
        for (const fiche of fiches) {
          for (const place of fiche.diagrams) {
            diagnostics.push({
              file: fiche.source.path,
              ...place,
              severity: 'erreur',
              message: `schéma des compétences demandé, mais le kit n'en décrit pas : le fichier ${path.join(path.relative(process.cwd(), loaded.source.dir) || '.', COMPETENCES_FILE)} est attendu`,
              rule: 'schema-competences',
            });
          }
        }
      }
      const kit: Kit = { ...makeKit(loaded.source, config, fiches), ...(competences ? { competences } : {}) };
      kits.push(kit);
      if (onKit && !diagnostics.some((d) => d.severity === 'erreur')) onKit(kit);
    };
    await (timings ? timings.time('parse', stage) : stage());
  }
  const collection = await readCollection(sheetsDir, ids, kits);
  const { themes, diagnostics: themeDiagnostics } = readThemes(sheetsDir);
  diagnostics.push(...themeDiagnostics);
  return { kits, diagnostics, collection, analysed, ...(themes ? { themes } : {}) };
}
