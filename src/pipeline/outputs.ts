/**
 * What a build hands to publish: each PDF's manifest entry (the PDFs are already in the staging folder), the cover
 * thumbnail and logo to write, and what the build left out.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { LeftOut } from '../build-events.js';
import { digestFiche } from '../changelog.js';
import { coverThumbnail } from '../design/thumbnail.js';
import type { Fiche, Kit, KitChanges } from '../model.js';
import { isPublished } from '../schedule.js';
import { sourceDateEpoch, themeKey, type OutputSettings } from './inputs.js';
import type { PdfMeta } from '../pdf/meta.js';
import { editionLabel } from '../text/format.js';
import { sha256, type ManifestFile, type ManifestFiche, type ManifestKit, type OutputFile, type StagedFile } from './publish.js';
import { fichePdfPath } from './render.js';

/** A PDF of this build, already in the staging folder: made now or taken from the previous build. */
export interface Product {
  file: StagedFile;
  pages: number;
  inputs: string;
  reused: boolean;
}

/** Where a fiche's PDF goes in the output folder. */
export const fichePath = (kit: Kit, fiche: Fiche) => `${kit.id}/${fichePdfPath(fiche)}`;
/** Where a booklet goes. */
export const bookletPath = (kit: Kit) => `${kit.id}/${kit.config.booklet}.pdf`;
/** Where a booklet's print-shop files go: `impression` (bleed and crop marks) and `pdfx`. */
export const printShopPath = (kit: Kit, suffix: 'impression' | 'pdfx') => `${kit.id}/impression/${kit.config.booklet}-${suffix}.pdf`;

/** The fiches a build leaves out (drafts, not yet out) and the Markdown files ignored for their name. */
export function leftOutOf(kits: Kit[], diagnostics: { file: string; rule: string }[], settings: OutputSettings): LeftOut[] {
  const left: LeftOut[] = kits.flatMap((kit) =>
    kit.fiches
      .filter((f) => !isPublished(f, settings.asOf, settings.drafts))
      .map((f) => ({
        kit: kit.id,
        file: f.source.path,
        number: f.number,
        title: f.meta.title,
        ...(f.meta.status === 'brouillon' && !settings.drafts ? { reason: 'brouillon' as const } : { reason: 'à paraître' as const, published: f.meta.published! }),
      })),
  );
  for (const d of diagnostics) {
    if (d.rule === 'nom-de-fichier') left.push({ kit: path.basename(path.dirname(d.file)), file: d.file, reason: 'nom-de-fichier' });
  }
  return left;
}

/** The files of one kit still to write (cover, logo), its manifest entry, and which PDFs were made now or taken as they were. */
export interface KitOutputs {
  files: OutputFile[];
  entry: ManifestKit;
  printed: string[];
  reused: string[];
}

/** One kit's outputs. */
export function kitOutputs(
  kit: Kit,
  made: {
    booklet: Product;
    fiches: Product[];
    print?: { print: Product; pdfx: Product; recto: boolean; padding: number };
    rawKey: string | undefined;
    changes?: KitChanges;
    themes?: (fiche: Fiche) => string[] | undefined;
    leftOut: LeftOut[];
    /** The kit's entry in the previous build's manifest, and where that build is: its cover picture may be kept. */
    previous?: { entry: ManifestKit | undefined; outDir: string };
  },
): KitOutputs {
  const files: OutputFile[] = [];
  const printed: string[] = [];
  const reused: string[] = [];
  const file = (p: string, title: string, product: Product): ManifestFile => {
    (product.reused ? reused : printed).push(p);
    return { path: p, title, pages: product.pages, bytes: product.file.bytes, sha256: product.file.sha256, inputs: product.inputs };
  };
  const c = kit.config;
  const booklet = file(bookletPath(kit), `${c.title} – ${c.subtitle}`, made.booklet);
  const coverPath = `${kit.id}/couverture.svg`;
  const art = { accent: c.accent, parts: c.parts, fiches: kit.fiches.map((f) => ({ number: f.number, part: f.meta.part })) };
  const thumbnail = { ...art, title: c.title, subtitle: c.subtitle, level: c.level, edition: c.edition };
  // Drawing the cover's text as outlines takes a while: the previous build's picture is kept when drawn from the same.
  const coverInputs = sha256(Buffer.from(JSON.stringify({ theme: themeKey(), thumbnail })));
  const old = made.previous?.entry;
  const oldCover = old?.cover === coverPath && old.coverInputs === coverInputs ? path.join(made.previous!.outDir, coverPath) : undefined;
  files.push({ path: coverPath, bytes: oldCover && existsSync(oldCover) ? readFileSync(oldCover) : Buffer.from(coverThumbnail(thumbnail)) });
  const logoPath = c.logo ? `${kit.id}/${c.logo}` : undefined;
  if (logoPath) files.push({ path: logoPath, bytes: readFileSync(path.join(kit.dir, c.logo!)) });
  const fiches: ManifestFiche[] = kit.fiches.map((fiche, i) => {
    const themes = made.themes?.(fiche);
    const { title: _title, ...pdf } = file(fichePath(kit, fiche), fiche.meta.title, made.fiches[i]!);
    return {
      number: fiche.number,
      title: fiche.meta.title,
      part: fiche.meta.part,
      summary: fiche.meta.summary,
      updated: fiche.meta.updated,
      ...(fiche.meta.published ? { published: fiche.meta.published } : {}),
      ...(themes?.length ? { themes } : {}),
      ...pdf,
      sections: digestFiche(fiche).sections,
    };
  });
  const print = made.print
    ? {
        booklet: file(printShopPath(kit, 'impression'), `${c.title} – version imprimeur`, made.print.print),
        pdfx: file(printShopPath(kit, 'pdfx'), `${c.title} – version imprimeur PDF/X-1a`, made.print.pdfx),
        recto: made.print.recto,
        padding: made.print.padding,
      }
    : undefined;
  const entry: ManifestKit = {
    id: kit.id,
    title: c.title,
    subtitle: c.subtitle,
    level: c.level,
    accent: c.accent,
    publisher: c.publisher,
    ...(logoPath ? { logo: logoPath } : {}),
    parts: c.parts,
    edition: c.edition,
    booklet,
    fiches,
    cover: coverPath,
    coverInputs,
    inputs: made.rawKey,
    ...(made.changes ? { changes: made.changes } : {}),
    ...(print ? { print } : {}),
    ...(made.leftOut.length ? { leftOut: made.leftOut } : {}),
  };
  return { files, entry, printed, reused };
}

/** The date every PDF of a kit carries: SOURCE_DATE_EPOCH, else the edition's. */
export function pdfDate(kit: Kit): Date {
  return sourceDateEpoch() ?? new Date(`${kit.config.edition.date}T00:00:00Z`);
}

/** The document information of a fiche's PDF. */
export function ficheMeta(kit: Kit, fiche: Fiche, producer: string): PdfMeta {
  const part = kit.config.parts.find((p) => p.id === fiche.meta.part)?.title ?? '';
  return {
    title: `${kit.config.title} – Fiche ${fiche.number} : ${fiche.meta.title}`,
    author: kit.config.publisher,
    subject: fiche.meta.summary,
    keywords: ['ESS', 'économie sociale et solidaire', kit.config.level, ...kit.config.keywords, part],
    date: pdfDate(kit),
    producer,
  };
}

/** The document information of a booklet. */
export function bookletMeta(kit: Kit, producer: string): PdfMeta {
  const c = kit.config;
  return {
    title: `${c.title} – ${c.subtitle}`,
    author: c.publisher,
    subject: `${c.subtitle}. ${editionLabel(c.edition)}.`,
    keywords: ['ESS', 'économie sociale et solidaire', c.level, ...c.keywords, ...c.parts.map((p) => p.title)],
    date: pdfDate(kit),
    producer,
  };
}

