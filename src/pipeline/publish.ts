import { createHash } from 'node:crypto';
import { cp, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';

/** A file the build produced, relative to dist/. */
export interface OutputFile {
  path: string;
  bytes: Uint8Array;
}

/** What the manifest says of one PDF. */
export interface ManifestFile {
  path: string;
  title: string;
  pages: number;
  bytes: number;
  sha256: string;
  /** Key of everything the PDF was made from: equal keys mean the PDF need not be printed again. */
  inputs?: string;
}

/** What the manifest says of a zip archive. */
export interface ManifestZip {
  path: string;
  bytes: number;
  sha256: string;
  files: number;
}

/** What the manifest says of one fiche. */
export interface ManifestFiche extends ManifestFile {
  number: number;
  part: string;
  summary: string;
  updated: string;
  published?: string;
  /** One hash per section of the text, so that a later edition can name what changed. */
  sections?: { title: string; hash: string }[];
}

/** What the manifest says of one kit. */
export interface ManifestKit {
  id: string;
  title: string;
  subtitle: string;
  edition: { number: number; date: string };
  level: string;
  accent: string;
  booklet: ManifestFile;
  fiches: ManifestFiche[];
  /** Small picture of the cover, for the download page. */
  cover?: string;
  /** Zip of the kit's fiches. */
  zip?: ManifestZip;
  /** Key of the kit's raw sources and build settings: equal keys mean nothing of the kit changed. */
  inputs?: string;
  /** What changed since the previous edition, when the build was asked to say it. */
  changes?: import('../changelog.js').KitChanges;
  /** The print-shop version of the booklet (`--print`): bleed and crop marks, and the same as PDF/X-1a. */
  print?: { booklet: ManifestFile; pdfx: ManifestFile; recto: boolean; padding: number };
  /** Sources of the kit this build left out (drafts, fiches not yet out), for the build's summary. */
  leftOut?: import('../build-events.js').LeftOut[];
}

/** `dist/manifest.json`: the contract later stages and external checks read. */
export interface Manifest {
  generator: string;
  kits: ManifestKit[];
  /** Zip of everything. */
  zip?: ManifestZip;
  /** The previous edition the changes are measured against. */
  changelog?: string;
}

/** The sha256 of some bytes, in hex. */
export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Reads an existing manifest, or undefined when there is none. */
export async function readManifest(outDir: string): Promise<Manifest | undefined> {
  try {
    return JSON.parse(await readFile(path.join(outDir, 'manifest.json'), 'utf8')) as Manifest;
  } catch {
    return undefined;
  }
}

/**
 * Writes the outputs into a temporary folder beside dist/ and swaps it in only when everything is written:
 * a failed build leaves the previous dist/ untouched. Kits not rebuilt are carried over from the old dist/.
 */
export async function publish(
  outDir: string,
  files: OutputFile[],
  manifest: Manifest,
  rebuiltKits: string[],
  finish: (stagingDir: string, manifest: Manifest) => Promise<Manifest> = async (_dir, m) => m,
): Promise<void> {
  const parent = path.dirname(path.resolve(outDir));
  const base = path.basename(path.resolve(outDir));
  const stamp = `${process.pid}-${Date.now()}`;
  const tmp = path.join(parent, `${base}.tmp-${stamp}`);
  const old = path.join(parent, `${base}.old-${stamp}`);
  await mkdir(parent, { recursive: true });
  try {
    if (existsSync(outDir)) {
      await cp(outDir, tmp, { recursive: true });
      for (const kit of rebuiltKits) await rm(path.join(tmp, kit), { recursive: true, force: true });
    } else {
      await mkdir(tmp, { recursive: true });
    }
    for (const file of files) {
      const target = path.join(tmp, file.path);
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, file.bytes);
    }
    const final = await finish(tmp, manifest);
    await writeFile(path.join(tmp, 'manifest.json'), `${JSON.stringify(final, null, 2)}\n`);
  } catch (error) {
    await rm(tmp, { recursive: true, force: true });
    throw error;
  }
  const hadOld = existsSync(outDir);
  if (hadOld) await rename(outDir, old);
  try {
    await rename(tmp, outDir);
  } catch (error) {
    if (hadOld) await rename(old, outDir);
    await rm(tmp, { recursive: true, force: true });
    throw error;
  }
  if (hadOld) await rm(old, { recursive: true, force: true });
}

/** Merges the new kits' entries into the previous manifest, keeping the kits not rebuilt. */
export function mergeManifest(previous: Manifest | undefined, generator: string, kits: ManifestKit[], changelog?: string): Manifest {
  const rebuilt = new Set(kits.map((k) => k.id));
  const kept = (previous?.kits ?? []).filter((k) => !rebuilt.has(k.id));
  return { generator, kits: [...kept, ...kits].sort((a, b) => a.id.localeCompare(b.id)), ...(changelog ? { changelog } : {}) };
}
