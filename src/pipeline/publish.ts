import { createHash } from 'node:crypto';
import { cp, link, lstat, mkdir, readdir, readFile, rename, rm, rmdir, writeFile } from 'node:fs/promises';
import { accessSync, constants, existsSync, readdirSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PROJECT_ROOT, SOURCE_DIR, TEMPLATES_DIR } from '../assets.js';
import { UsageError } from '../errors.js';
import { isRunning, removeAbandoned } from '../leftovers.js';
import type { KitChanges } from '../model.js';

/** The folder, inside the output folder, where a build keeps its printed pieces for the next one (see cache.ts). */
export const CACHE_DIR = '.kitess-cache';

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
  /** Key of the members and date it was made from: equal keys mean the zip need not be made again. */
  inputs?: string;
}

/** What the manifest says of a file of the web edition (a page, its style, an image, the search index). */
export interface ManifestWebFile {
  path: string;
  bytes: number;
  sha256: string;
  /** Key of everything a page was made from: equal keys mean the page need not be made again. */
  inputs?: string;
}

/** What the manifest says of one fiche. */
export interface ManifestFiche extends ManifestFile {
  number: number;
  part: string;
  summary: string;
  updated: string;
  published?: string;
  /** The themes of the download page's filter the fiche belongs to (sheets/themes.yml). */
  themes?: string[];
  /** One hash per section of the text, so that a later edition can name what changed. */
  sections?: { title: string; hash: string }[];
  /** The fiche's web page (`<kit>/<slug>/index.html`). */
  web?: ManifestWebFile;
}

/** What the manifest says of one kit. */
export interface ManifestKit {
  id: string;
  title: string;
  subtitle: string;
  edition: { number: number; date: string };
  level: string;
  accent: string;
  /** The publisher, and its logo copied into the kit's folder of dist/ (kit.yml `logo`). */
  publisher?: string;
  logo?: string;
  /** The kit's parts in order, to group its fiches on the download page. */
  parts?: { id: string; title: string; pictogram?: string }[];
  booklet: ManifestFile;
  fiches: ManifestFiche[];
  /** Small picture of the cover, for the download page. */
  cover?: string;
  /** Key of what the cover's picture is drawn from: equal keys mean it need not be drawn again. */
  coverInputs?: string;
  /** Zip of the kit's fiches. */
  zip?: ManifestZip;
  /** Key of the kit's raw sources and build settings: equal keys mean nothing of the kit changed. */
  inputs?: string;
  /** What changed since the previous edition, when the build was asked to say it. */
  changes?: KitChanges;
  /** The print-shop version of the booklet (`--print`): bleed and crop marks, and the same as PDF/X-1a. */
  print?: { booklet: ManifestFile; pdfx: ManifestFile; recto: boolean; padding: number };
  /** Sources of the kit this build left out (drafts, fiches not yet out), for the build's summary. */
  leftOut?: import('../build-events.js').LeftOut[];
  /** The kit's web page, and the files its pages use (colours, images). */
  web?: { page: ManifestWebFile; files: ManifestWebFile[] };
}

/** `dist/manifest.json`: the contract later stages and external checks read. */
export interface Manifest {
  generator: string;
  kits: ManifestKit[];
  /** Zip of everything. */
  zip?: ManifestZip;
  /** The previous edition the changes are measured against. */
  changelog?: string;
  /** The themes of the download page's filter. */
  themes?: { id: string; title: string; pictogram: string }[];
  /** The files the web edition's pages share: stylesheet, fonts, search script and search index (Pagefind). */
  web?: { files: ManifestWebFile[]; search?: string };
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

const inside = (dir: string, parent: string) => dir === parent || dir.startsWith(parent.endsWith(path.sep) ? parent : parent + path.sep);
const shown = (dir: string) => {
  const rel = path.relative(process.cwd(), dir);
  return rel.startsWith('..') ? dir : rel || '.';
};

/**
 * Refuses, before anything is written, an output folder that would replace sources: one that is, contains or lies
 * inside the sheets folder, the templates or kitess's code; one that is or contains the project's folder; an
 * existing folder with files in it that is not a previous output of kitess (it has no manifest.json).
 */
export function assertSafeOutDir(outDir: string, sheetsDir: string): void {
  const out = path.resolve(outDir);
  const guarded: [string, string][] = [
    [path.resolve(sheetsDir), 'le dossier des fiches'],
    [TEMPLATES_DIR, 'le dossier des gabarits de kitess'],
    [path.join(PROJECT_ROOT, 'src'), 'le dossier du code de kitess'],
    [SOURCE_DIR, 'le dossier du code de kitess'],
  ];
  for (const [dir, what] of guarded) {
    if (inside(out, dir) || inside(dir, out)) {
      const relation = out === dir ? 'c’est' : inside(out, dir) ? 'il est dans' : 'il contient';
      throw new UsageError(`dossier de sortie « ${shown(out)} » refusé : ${relation} ${what} (${shown(dir)}), que la construction remplacerait ; un dossier à part est attendu (ex. --out dist)`);
    }
  }
  for (const [dir, what] of [[PROJECT_ROOT, 'le dossier du projet'], [path.dirname(path.resolve(sheetsDir)), 'le dossier du projet']] as const) {
    if (inside(dir, out)) {
      throw new UsageError(`dossier de sortie « ${shown(out)} » refusé : ${out === dir ? 'c’est' : 'il contient'} ${what} (${shown(dir)}) ; un sous-dossier à part est attendu (ex. --out dist)`);
    }
  }
  // The nearest folder that exists must be one kitess may write in.
  let existing = out;
  while (!existsSync(existing) && path.dirname(existing) !== existing) existing = path.dirname(existing);
  if (!statSync(existing).isDirectory()) throw new UsageError(`« ${shown(existing)} » n'est pas un dossier : un dossier de sortie est attendu (--out « ${shown(out)} »)`);
  try {
    accessSync(existing, constants.W_OK);
  } catch {
    throw new UsageError(`dossier « ${shown(existing)} » en lecture seule pour kitess : un dossier de sortie où écrire est attendu (--out « ${shown(out)} »)`);
  }
  if (existsSync(out)) {
    if (readdirSync(out).length > 0 && !existsSync(path.join(out, 'manifest.json'))) {
      throw new UsageError(`dossier de sortie « ${shown(out)} » refusé : il contient déjà des fichiers et aucune construction de kitess (pas de manifest.json) ; un dossier vide ou nouveau est attendu`);
    }
  }
}

/** The files the manifest says a kit's build wrote, relative to the output folder. */
function kitFiles(kit: ManifestKit): string[] {
  const web = [...kit.fiches.map((f) => f.web?.path), kit.web?.page.path, ...(kit.web?.files.map((f) => f.path) ?? [])];
  return [kit.booklet.path, ...kit.fiches.map((f) => f.path), kit.cover, kit.zip?.path, kit.print?.booklet.path, kit.print?.pdfx.path, ...web].filter((f): f is string => !!f);
}

/**
 * The previous output folder as the start of the new one: each file hard-linked, not copied (a build that changed
 * one fiche does not copy every PDF and zip); copied where links cannot be made. Files replaced later are removed
 * first, so that the previous folder is never written through a link.
 */
async function linkTree(from: string, to: string): Promise<void> {
  await mkdir(to, { recursive: true });
  for (const entry of await readdir(from, { withFileTypes: true })) {
    const source = path.join(from, entry.name);
    const target = path.join(to, entry.name);
    if (entry.isDirectory()) await linkTree(source, target);
    else if (entry.isFile()) await link(source, target).catch(() => cp(source, target));
  }
}

/**
 * Writes a file of the staging folder, whose files may be hard links to the previous output's (see linkTree): the
 * link is removed first, so that the previous output is never written through it. Every writer of the staging
 * folder (publish, distribute, the web edition's shared files) goes through here.
 */
export async function replaceFile(file: string, bytes: Uint8Array | string): Promise<void> {
  await rm(file, { force: true });
  await writeFile(file, bytes);
}

/** Removes the folders under `dir` (not `dir` itself) that are left empty. */
async function removeEmptyFolders(dir: string, root = dir): Promise<void> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) await removeEmptyFolders(path.join(dir, entry.name), root);
  }
  if (dir !== root && (await readdir(dir)).length === 0) await rmdir(dir);
}

/** What the manifest says of a file written into the staging folder: its size and digest. */
export interface StagedFile {
  path: string;
  bytes: number;
  sha256: string;
}

/**
 * The file kitess writes first into each staging folder it makes, naming the folder and the process that made it:
 * the proof, with the folder's name, that a staging folder left by a killed build is kitess's (see
 * removeStaleStaging). Removed before the folder becomes the output folder.
 */
export const STAGING_MARKER = '.kitess-staging.json';

/**
 * What the marker says: the folder's own stamp (`<pid>-<ms>`, as in its name), the pid of the build that made it and
 * the machine it ran on (a pid says nothing of a process of another machine or container sharing the folder).
 */
interface StagingMark {
  kitess: 'staging';
  pid: number;
  stamp: string;
  host: string;
}

/**
 * Removes the staging folders that killed builds into `outDir` left beside it (SIGKILL cannot be caught, so the
 * build could not remove its own): only a folder named as kitess names them (`<dossier>.tmp-<pid>-<ms>`), owned by
 * this user, holding the marker kitess wrote in it with the same pid and stamp and this machine's name, and whose
 * process is dead. Anything else — another name, no marker, a marker that disagrees, another machine, a live
 * process — is left as it is. Returns the folders removed.
 */
export async function removeStaleStaging(outDir: string): Promise<string[]> {
  const prefix = `${path.basename(path.resolve(outDir))}.tmp-`;
  return removeAbandoned(path.dirname(path.resolve(outDir)), prefix, async (dir, name) => {
    const stamp = name.slice(prefix.length);
    const pid = Number(/^(\d+)-\d+$/.exec(stamp)?.[1]);
    if (!Number.isSafeInteger(pid) || pid <= 0 || isRunning(pid)) return false;
    // No marker, or an unreadable one, throws: not provably kitess's, left as it is.
    const mark = await lstat(path.join(dir, STAGING_MARKER));
    if (!mark.isFile()) return false;
    const said = JSON.parse(await readFile(path.join(dir, STAGING_MARKER), 'utf8')) as Partial<StagingMark>;
    return said.kitess === 'staging' && said.pid === pid && said.stamp === stamp && said.host === os.hostname();
  });
}

/**
 * The folder beside dist/ where a build writes its outputs as soon as each is final, swapped in for dist/ only when
 * everything is written: a failed build removes it and leaves the previous dist/ untouched. It starts as the
 * previous output folder, hard-linked (see linkTree), less the files the previous build wrote for the kits rebuilt
 * now; kits not rebuilt are carried over as they are. Nothing is held in memory but paths, sizes and digests.
 */
export class Staging {
  /** Writes under way, waited for before the folder is removed; none starts once it is. */
  private readonly pending = new Set<Promise<unknown>>();
  private discarded = false;

  private constructor(
    private readonly outDir: string,
    readonly dir: string,
    private readonly old: string,
  ) {}

  /** Makes the staging folder for a build of `rebuiltKits` into `outDir`, its marker written first. */
  static async open(outDir: string, rebuiltKits: string[]): Promise<Staging> {
    const parent = path.dirname(path.resolve(outDir));
    const base = path.basename(path.resolve(outDir));
    const stamp = `${process.pid}-${Date.now()}`;
    const staging = new Staging(outDir, path.join(parent, `${base}.tmp-${stamp}`), path.join(parent, `${base}.old-${stamp}`));
    await mkdir(parent, { recursive: true });
    const tmp = staging.dir;
    // Made here, not by a step below: a folder of that name that existed already is not this build's to remove.
    await mkdir(tmp);
    try {
      const mark: StagingMark = { kitess: 'staging', pid: process.pid, stamp, host: os.hostname() };
      await writeFile(path.join(tmp, STAGING_MARKER), `${JSON.stringify(mark)}\n`);
      if (existsSync(outDir)) {
        await linkTree(outDir, tmp);
        // Of a rebuilt kit, only what the previous build wrote is removed (an old fiche's PDF, a print version no
        // longer asked for); files kitess did not write, such as the A5 booklet of `kitess impose`, are kept.
        const previous = await readManifest(outDir);
        for (const kit of previous?.kits.filter((k) => rebuiltKits.includes(k.id)) ?? []) {
          for (const file of kitFiles(kit)) await rm(path.join(tmp, file), { force: true });
          // The pieces kept for the next build: the rebuilt kit writes the ones it used.
          await rm(path.join(tmp, CACHE_DIR, kit.id), { recursive: true, force: true });
          if (existsSync(path.join(tmp, kit.id))) await removeEmptyFolders(path.join(tmp, kit.id), tmp);
        }
      }
    } catch (error) {
      await staging.discard();
      throw error;
    }
    return staging;
  }

  /** Writes one output file (relative to dist/) now; returns what the manifest says of it. */
  write(file: string, bytes: Uint8Array | string): Promise<StagedFile> {
    return this.track(file, async (target) => {
      await replaceFile(target, bytes);
      const data = typeof bytes === 'string' ? Buffer.from(bytes) : bytes;
      return { path: file, bytes: data.byteLength, sha256: sha256(data) };
    });
  }

  /** Takes a file of the previous output folder as it is (hard-linked, else copied) under the path `file`. */
  keep(file: string, from: string): Promise<void> {
    return this.track(file, async (target) => {
      await rm(target, { force: true });
      await link(from, target).catch(() => cp(from, target));
    });
  }

  /** Runs one write into the folder, refused once the folder is being removed (a step still running after a failure). */
  private track<T>(file: string, write: (target: string) => Promise<T>): Promise<T> {
    if (this.discarded) return Promise.reject(new Error(`staging folder removed: ${file} not written`));
    const target = path.join(this.dir, file);
    const done = mkdir(path.dirname(target), { recursive: true }).then(() => write(target));
    this.pending.add(done);
    const untrack = () => this.pending.delete(done);
    done.then(untrack, untrack);
    return done;
  }

  /** Finishes the folder (`finish`: zips, download page), writes the manifest and swaps the folder in for dist/. */
  async commit(manifest: Manifest, finish: (stagingDir: string, manifest: Manifest) => Promise<Manifest> = async (_dir, m) => m): Promise<void> {
    const { outDir, dir: tmp, old } = this;
    try {
      const final = await finish(tmp, manifest);
      // manifest.json too is a link to the previous one until replaced.
      await replaceFile(path.join(tmp, 'manifest.json'), `${JSON.stringify(final, null, 2)}\n`);
      // The marker is the staging folder's, not the output's.
      await rm(path.join(tmp, STAGING_MARKER));
    } catch (error) {
      await this.discard();
      throw error;
    }
    const hadOld = existsSync(outDir);
    if (hadOld) await rename(outDir, old);
    try {
      await rename(tmp, outDir);
    } catch (error) {
      if (hadOld) await rename(old, outDir);
      await this.discard();
      throw error;
    }
    if (hadOld) await rm(old, { recursive: true, force: true });
  }

  /** Removes the staging folder: the build failed or was interrupted, dist/ stays as it was. */
  async discard(): Promise<void> {
    this.discarded = true;
    await Promise.allSettled([...this.pending]);
    await rm(this.dir, { recursive: true, force: true });
  }
}

/** Merges the new kits' entries into the previous manifest, keeping the kits not rebuilt. */
export function mergeManifest(previous: Manifest | undefined, generator: string, kits: ManifestKit[], changelog?: string): Manifest {
  const rebuilt = new Set(kits.map((k) => k.id));
  const kept = (previous?.kits ?? []).filter((k) => !rebuilt.has(k.id));
  return { generator, kits: [...kept, ...kits].sort((a, b) => a.id.localeCompare(b.id)), ...(changelog ? { changelog } : {}) };
}
