import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { FONT_PACKAGES, SOURCE_DIR, TEMPLATES_DIR } from '../assets.js';
import type { Fiche, Kit } from '../model.js';
import { sha256 } from './publish.js';
import { VERSION } from '../version.js';

function hash(value: unknown): string {
  return createHash('sha256').update(typeof value === 'string' ? value : JSON.stringify(value)).digest('hex');
}

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...filesUnder(full));
    else if (entry.isFile()) out.push(full);
  }
  return out;
}

function hashFiles(dir: string): string {
  const h = createHash('sha256');
  for (const file of filesUnder(dir)) h.update(path.relative(dir, file)).update('\0').update(readFileSync(file)).update('\0');
  return h.digest('hex');
}

/** The date SOURCE_DATE_EPOCH fixes for every output, if it is set. */
export function sourceDateEpoch(): Date | undefined {
  const epoch = process.env.SOURCE_DATE_EPOCH;
  return epoch && /^\d+$/.test(epoch) ? new Date(Number(epoch) * 1000) : undefined;
}

let theme: string | undefined;

/** What every PDF depends on besides its sources: kitess's version, the templates and the fonts. */
export function themeKey(): string {
  theme ??= hash({
    version: VERSION,
    // The code itself, so that a changed kitess prints again even before its version number moves.
    code: hashFiles(SOURCE_DIR),
    templates: hashFiles(TEMPLATES_DIR),
    fonts: Object.entries(FONT_PACKAGES).map(([name, dir]) => [name, JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')).version]),
    epoch: process.env.SOURCE_DATE_EPOCH ?? null,
  });
  return theme;
}

/**
 * What of a kit's competences diagram is printed: not the path of its file, which is relative to the folder kitess
 * runs from (a key that held it would print everything again when kitess is run from elsewhere).
 */
function drawn(kit: Kit): unknown {
  if (!kit.competences) return null;
  const { file: _file, ...rest } = kit.competences;
  return rest;
}

/**
 * The publisher's logo as the covers print it: its file's bytes, not its name (an edited logo keeps its name). A
 * logo kitess cannot read is refused when kit.yml is checked.
 */
function logoDigest(kit: Kit): string | null {
  return kit.config.logo ? sha256(readFileSync(path.join(kit.dir, kit.config.logo))) : null;
}

/** Build settings that change what is printed. */
export interface OutputSettings {
  asOf: string;
  drafts: boolean;
  /** Identity of the changelog included in the booklets, if any. */
  changelog?: string;
  /** Print-shop version asked on the command line (`--print`, `--recto`), if any. */
  print?: 'bleed' | 'recto';
}

/**
 * Key of everything a kit's outputs can depend on, from raw bytes only (no parsing): when it matches the
 * previous build's, nothing of the kit needs to be read further.
 */
export function rawKitKey(kitDir: string, settings: OutputSettings): string {
  return hash({ theme: themeKey(), files: hashFiles(kitDir), settings, shared: sharedKey(path.dirname(kitDir)) });
}

/**
 * What every kit's outputs share from the sheets folder: each kit's kit.yml (the back covers present the whole
 * collection) and the files beside the kits (themes.yml, read by the download page).
 */
function sharedKey(sheetsDir: string): string {
  const h = createHash('sha256');
  for (const entry of readdirSync(sheetsDir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const file = entry.isDirectory() ? path.join(sheetsDir, entry.name, 'kit.yml') : entry.isFile() ? path.join(sheetsDir, entry.name) : undefined;
    if (!file) continue;
    try {
      h.update(path.relative(sheetsDir, file)).update('\0').update(readFileSync(file)).update('\0');
    } catch {
      // A folder without kit.yml is not a kit.
    }
  }
  return h.digest('hex');
}

/** The kit settings a fiche shows in print. */
function shownSettings(kit: Kit) {
  const c = kit.config;
  return { id: kit.id, title: c.title, level: c.level, edition: c.edition, publisher: c.publisher, accent: c.accent, baseUrl: c.baseUrl, keywords: c.keywords, parts: c.parts };
}

/**
 * Key of a single-fiche PDF: its source and file name, images, the fiches it refers to, the kit settings it shows,
 * the theme. The file name gives the fiche's web address (its QR code, link and printed address) and its PDF's name.
 */
export function ficheKey(kit: Kit, fiche: Fiche): string {
  const refs = [...new Set(fiche.refs.map((r) => r.number))].sort((a, b) => a - b).map((n) => {
    const target = kit.fiches.find((f) => f.number === n);
    return target ? { n, title: target.meta.title, name: target.name } : { n };
  });
  return hash({
    theme: themeKey(),
    kit: shownSettings(kit),
    name: fiche.name,
    text: fiche.source.text,
    images: fiche.images.map((img) => [img.src, sha256(readFileSync(img.absPath))]),
    refs,
    // A fiche that places the competences diagram prints it.
    competences: fiche.diagrams.length > 0 ? drawn(kit) : null,
  });
}

/**
 * Key of a kit's booklet: the whole kit config, its logo, its competences diagram, every included fiche's key, the
 * changelog page, and the collection its back cover presents.
 */
export function bookletKey(kit: Kit, ficheKeys: string[], settings: OutputSettings, collection: unknown[] = []): string {
  return hash({ theme: themeKey(), config: kit.config, logo: logoDigest(kit), competences: drawn(kit), fiches: ficheKeys, changelog: settings.changelog ?? null, collection });
}

/**
 * Key of a booklet's own pages (cover, édito, changes, sommaire, openers, back cover): the kit's settings, logo and
 * competences diagram, the fiches they list (number, title, summary, part, and file name: their links name the
 * fiches' PDFs, which assemble turns into links to their first page) and their lengths, the changes page, the
 * collection the back cover presents, the print variant.
 */
export function frameKey(kit: Kit, lengths: Map<number, number>, extras: { changes?: unknown; collection?: unknown[]; bleed?: boolean; recto?: boolean }): string {
  return hash({
    theme: themeKey(),
    config: kit.config,
    logo: logoDigest(kit),
    competences: drawn(kit),
    fiches: kit.fiches.map((f) => [f.number, f.name, f.meta.title, f.meta.summary, f.meta.part, lengths.get(f.number)]),
    changes: extras.changes ?? null,
    collection: extras.collection ?? [],
    bleed: !!extras.bleed,
    recto: !!extras.recto,
  });
}
