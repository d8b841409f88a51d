import { existsSync } from 'node:fs';
import path from 'node:path';
import type { BrowserHandle } from './browser.js';
import type { BuildListener, LeftOut } from './build-events.js';
import { UsageError, type Diagnostic } from './errors.js';
import { rawKitKey, type OutputSettings } from './pipeline/inputs.js';
import { selectKits, strayFiles } from './pipeline/load.js';
import { assertSafeOutDir, readManifest, type ManifestKit } from './pipeline/publish.js';
import { today } from './schedule.js';
import { Timings } from './timings.js';

/** What `kitess build` is asked to do. */
export interface BuildOptions {
  /** Folder holding one sub-folder per kit. */
  sheetsDir: string;
  /** Output folder, replaced only when the whole build succeeded. */
  outDir: string;
  /** Kits to build; all when empty. */
  kits?: string[];
  /** Pages printed at once. */
  concurrency?: number;
  /** Explicit browser executable (--browser). */
  browserPath?: string;
  signal?: AbortSignal;
  /** Progress messages, in French. */
  log?: (message: string) => void;
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
  /** Told of each step as it happens (progress line, preview). */
  onEvent?: BuildListener;
  /** Absolute paths of fiche sources to print before the others (the preview's edited fiches). */
  first?: string[];
  /** Also make the web edition (a page per fiche and per kit, search); true by default, false for the preview. */
  web?: boolean;
}

/** Things a caller may inject: a browser already running (tests share one). */
export interface BuildDeps {
  browser?: BrowserHandle;
}

/** What a build produced. */
export interface BuildResult {
  kits: ManifestKit[];
  warnings: Diagnostic[];
  timings: Timings;
  /** PDFs printed by this run, and PDFs taken unchanged from the previous build. */
  printed: string[];
  reused: string[];
  /** Whether a browser was started (none is when nothing needs printing). */
  launched: boolean;
  /** Sources left out of the outputs, and why: drafts, fiches not yet published, misnamed files (`24-logement.MD`). */
  leftOut: LeftOut[];
  /** The date the fiches were published by (`--as-of`). */
  asOf: string;
  /** Web pages made by this run, and web pages taken unchanged from the previous build (absent when nothing changed). */
  web?: { written: string[]; reused: string[] };
}

/** Checks a date given on the command line. */
function checkDate(value: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(value))) {
    throw new UsageError(`date « ${value} » illisible : une date au format AAAA-MM-JJ est attendue (ex. 2021-03-04)`);
  }
  return value;
}

/**
 * Builds the kits: checks every source, prints with one Chromium only the PDFs whose inputs changed since the
 * previous build, then replaces the output folder in one step. Source errors throw a SourceError before
 * anything is printed or written; when nothing changed, no browser is started and nothing is written.
 */
export async function build(options: BuildOptions, deps: BuildDeps = {}): Promise<BuildResult> {
  const timings = new Timings();
  const log = options.log ?? (() => undefined);
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
  if (!options.changelog && ids.every(unchanged)) {
    log('Rien n’a changé depuis la dernière construction : aucun PDF à réimprimer.');
    const kits = previous!.kits.filter((k) => ids.includes(k.id));
    return {
      kits,
      warnings: [],
      timings,
      printed: [],
      reused: kits.flatMap((k) => [k.booklet.path, ...k.fiches.map((f) => f.path)]),
      launched: false,
      leftOut: [...stray, ...kits.flatMap((k) => k.leftOut ?? [])],
      asOf: settings.asOf,
    };
  }
  // Only the kits whose sources or settings changed are read again; the others are carried over as they are.
  const changed = options.changelog ? ids : ids.filter((id) => !unchanged(id));
  const kept = previous?.kits.filter((k) => ids.includes(k.id) && !changed.includes(k.id)) ?? [];
  if (kept.length > 0) log(`Inchangé${kept.length > 1 ? 's' : ''}, repris tel${kept.length > 1 ? 's' : ''} quel${kept.length > 1 ? 's' : ''} : ${kept.map((k) => k.id).join(', ')}.`);
  const { buildChanged } = await import('./rebuild.js');
  const result = await buildChanged(options, deps, { ids: changed, settings, previous, rawKeys, timings, log });
  const all = [...result.kits, ...kept].sort((a, b) => a.id.localeCompare(b.id));
  return {
    ...result,
    // Misnamed files are listed here, not again among the warnings.
    warnings: result.warnings.filter((d) => d.rule !== 'fichier-ignore'),
    kits: all,
    reused: [...result.reused, ...kept.flatMap((k) => [k.booklet.path, ...k.fiches.map((f) => f.path)])],
    leftOut: [...stray, ...result.leftOut, ...kept.flatMap((k) => k.leftOut ?? [])],
  };
}
