/**
 * The « plan » step of a build: what the build is asked, what the previous build left, and which kits changed
 * since — from raw bytes only (no Markdown read, no browser), so that a build with nothing to do ends here.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { LeftOut } from '../build-events.js';
import { UsageError } from '../errors.js';
import { today } from '../schedule.js';
import { rawKitKey, type OutputSettings } from './inputs.js';
import { selectKits, strayFiles } from './load.js';
import { assertSafeOutDir, readManifest, type Manifest, type ManifestKit } from './publish.js';

/** What plan needs of the build's options. */
export interface PlanOptions {
  /** Folder holding one sub-folder per kit. */
  sheetsDir: string;
  /** Output folder, replaced only when the whole build succeeded. */
  outDir: string;
  /** Kits to build; all when empty. */
  kits?: string[];
  /** Only fiches published by this date (AAAA-MM-JJ) are built; today by default. */
  asOf?: string;
  /** Include draft fiches. */
  drafts?: boolean;
  /** Previous edition (manifest.json or git ref): adds a « Nouveautés de cette édition » page. */
  changelog?: string;
  /** Print everything again, ignoring what the previous build left. */
  force?: boolean;
  /** Also make each booklet's print-shop version (bleed, crop marks, PDF/X) in `<kit>/impression/`. */
  print?: boolean;
  /** Print-shop version where every fiche starts on a right-hand page (implies `print`). */
  recto?: boolean;
  /** Also make the web edition (a page per fiche and per kit, search); true by default, false for the preview. */
  web?: boolean;
}

/** What a build has to do. */
export interface BuildPlan {
  /** The kits asked for. */
  ids: string[];
  settings: OutputSettings;
  /** The previous build's manifest (none with --force). */
  previous: Manifest | undefined;
  /** Each kit's key of raw sources and settings. */
  rawKeys: Map<string, string>;
  /** The kits to read again; the others are carried over as they are (`kept`). */
  changed: string[];
  kept: ManifestKit[];
  /** Misnamed files of the kits, left out. */
  stray: LeftOut[];
}

/** Checks a date given on the command line. */
function checkDate(value: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(value))) {
    throw new UsageError(`date « ${value} » illisible : une date au format AAAA-MM-JJ est attendue (ex. 2021-03-04)`);
  }
  return value;
}

/** Works out what a build has to do. Throws a UsageError for an unknown kit, a bad date or an unsafe output folder. */
export async function planBuild(options: PlanOptions): Promise<BuildPlan> {
  const ids = await selectKits(options.sheetsDir, options.kits);
  assertSafeOutDir(options.outDir, options.sheetsDir);
  const stray: LeftOut[] = (
    await Promise.all(ids.map(async (id) => (await strayFiles(path.join(options.sheetsDir, id))).map((s) => ({ kit: id, file: s.file, reason: 'fichier-ignore' as const, detail: s.reason }))))
  ).flat();
  const settings: OutputSettings = {
    asOf: checkDate(options.asOf ?? today()),
    drafts: options.drafts ?? false,
    ...(options.recto ? { print: 'recto' as const } : options.print ? { print: 'bleed' as const } : {}),
    ...(options.changelog ? { changelog: options.changelog } : {}),
  };
  const previous = options.force ? undefined : await readManifest(options.outDir);
  const rawKeys = new Map(ids.map((id) => [id, rawKitKey(path.join(options.sheetsDir, id), settings)]));
  const unchanged = (id: string) => {
    const entry = previous?.kits.find((k) => k.id === id);
    const web = [...(entry?.fiches ?? []).map((f) => f.web), entry?.web?.page];
    const outputs = [entry?.booklet, ...(entry?.fiches ?? []), entry?.print?.booklet, entry?.print?.pdfx, ...web].filter((f) => f !== undefined);
    // A folder built without the web edition (the preview's) is not up to date for a build that makes it.
    const webMade = options.web === false || (!!entry?.web && entry.fiches.every((f) => f.web));
    return !!entry && entry.inputs === rawKeys.get(id) && webMade && outputs.every((f) => existsSync(path.join(options.outDir, f.path)));
  };
  // A changes page is worked out from the previous edition each time: every kit is read again.
  const changed = options.changelog ? ids : ids.filter((id) => !unchanged(id));
  const kept = previous?.kits.filter((k) => ids.includes(k.id) && !changed.includes(k.id)) ?? [];
  return { ids, settings, previous, rawKeys, changed, kept, stray };
}
