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
}

/** What the manifest says of one fiche. */
export interface ManifestFiche extends ManifestFile {
  number: number;
  part: string;
  summary: string;
  updated: string;
}

/** What the manifest says of one kit. */
export interface ManifestKit {
  id: string;
  title: string;
  subtitle: string;
  edition: { number: number; date: string };
  booklet: ManifestFile;
  fiches: ManifestFiche[];
}

/** `dist/manifest.json`: the contract later stages and external checks read. */
export interface Manifest {
  generator: string;
  kits: ManifestKit[];
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
export async function publish(outDir: string, files: OutputFile[], manifest: Manifest, rebuiltKits: string[]): Promise<void> {
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
    await writeFile(path.join(tmp, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
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
export function mergeManifest(previous: Manifest | undefined, generator: string, kits: ManifestKit[]): Manifest {
  const rebuilt = new Set(kits.map((k) => k.id));
  const kept = (previous?.kits ?? []).filter((k) => !rebuilt.has(k.id));
  return { generator, kits: [...kept, ...kits].sort((a, b) => a.id.localeCompare(b.id)) };
}
