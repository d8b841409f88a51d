import os from 'node:os';
import path from 'node:path';
import { launchBrowser, resolveBrowser, type BrowserHandle } from './browser.js';
import { AbortedError, PrintError, SourceError, throwIfAborted, type Diagnostic } from './errors.js';
import type { Fiche, Kit } from './model.js';
import { finishPdf, loadPdf, readOutline, writeOutline, type OutlineNode } from './pipeline/assemble.js';
import { mapLimit, printPdf } from './pipeline/print.js';
import { mergeManifest, publish, readManifest, sha256, type ManifestFiche, type ManifestKit, type OutputFile } from './pipeline/publish.js';
import { fichePdfName, renderBooklet, renderFiche, type StartPages } from './pipeline/render.js';
import { prepareKits, selectKits } from './prepare.js';
import { frenchTypography } from './text/typography.js';
import { Timings } from './timings.js';
import { VERSION } from './version.js';

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
}

const GENERATOR = `kitess ${VERSION}`;

/** Heading text as Chromium's bookmarks give it: it drops the space where a heading wraps, so compare without spaces. */
function normalise(text: string): string {
  return text.replace(/[\u00AD\s\u00A0\u202F\u2009]+/g, '');
}

function pdfDate(kit: Kit): Date {
  const epoch = process.env.SOURCE_DATE_EPOCH;
  if (epoch && /^\d+$/.test(epoch)) return new Date(Number(epoch) * 1000);
  return new Date(`${kit.config.edition.date}T00:00:00Z`);
}

/** A fiche printed alone. */
export interface PrintedFiche {
  fiche: Fiche;
  bytes: Uint8Array;
  pages: number;
}

/** Renders, prints and finishes one fiche as a PDF of its own. */
export async function printFiche(handle: BrowserHandle, kit: Kit, fiche: Fiche, timings: Timings, signal?: AbortSignal): Promise<PrintedFiche> {
  const doc = await timings.time('render', () => renderFiche(kit, fiche));
  const raw = await timings.time('print', () => printPdf(handle.browser, doc, { signal }));
  return timings.time('assemble', async () => {
    const pdf = await loadPdf(raw);
    const bytes = await finishPdf(pdf, {
      title: doc.title,
      author: kit.config.publisher,
      subject: doc.subject,
      keywords: doc.keywords,
      date: pdfDate(kit),
      producer: GENERATOR,
    });
    return { fiche, bytes, pages: pdf.getPageCount() };
  });
}

/** Predicts where fiches start in the booklet: cover, édito, one page of contents, then the fiches' own lengths. */
function predictStarts(kit: Kit, printed: PrintedFiche[]): StartPages {
  const starts: StartPages = new Map();
  let page = 4;
  for (const fiche of kit.fiches) {
    starts.set(fiche.number, page);
    page += printed.find((p) => p.fiche === fiche)!.pages;
  }
  return starts;
}

/** Finds where each fiche, the édito and the contents start, from the headings Chromium wrote as bookmarks. */
function findStarts(kit: Kit, outline: ReturnType<typeof readOutline>): { starts: StartPages; edito: number; toc: number } {
  const starts: StartPages = new Map();
  let cursor = 0;
  // Chromium names a bookmark after its heading's text, sometimes repeated (« ÉditoÉdito »): match the start.
  const find = (title: string, depth?: number) => {
    const want = normalise(title);
    for (let i = cursor; i < outline.length; i++) {
      if (normalise(outline[i]!.title).startsWith(want) && (depth === undefined || outline[i]!.depth === depth)) {
        cursor = i + 1;
        return outline[i]!.pageIndex + 1;
      }
    }
    throw new PrintError(`livret « ${kit.config.title} » : le début de « ${title} » est introuvable dans le PDF imprimé`);
  };
  const edito = find('Édito');
  const toc = find('Sommaire');
  for (const fiche of kit.fiches) starts.set(fiche.number, find(frenchTypography(fiche.meta.title), 0));
  return { starts, edito, toc };
}

function sameStarts(a: StartPages, b: StartPages): boolean {
  return a.size === b.size && [...a].every(([k, v]) => b.get(k) === v);
}

async function printBooklet(handle: BrowserHandle, kit: Kit, printed: PrintedFiche[], timings: Timings, signal?: AbortSignal) {
  let starts = predictStarts(kit, printed);
  for (let attempt = 0; attempt < 4; attempt++) {
    const doc = await timings.time('render', () => renderBooklet(kit, starts));
    const raw = await timings.time('print', () => printPdf(handle.browser, doc, { signal, outline: true }));
    const result = await timings.time('assemble', async () => {
      const pdf = await loadPdf(raw);
      const found = findStarts(kit, readOutline(pdf));
      if (!sameStarts(found.starts, starts)) return { retry: found.starts, bytes: new Uint8Array(), pages: 0, starts };
      const outline: OutlineNode[] = [
        { title: 'Couverture', pageIndex: 0 },
        { title: 'Édito', pageIndex: found.edito - 1 },
        { title: 'Sommaire', pageIndex: found.toc - 1 },
        ...kit.config.parts
          .map((part) => ({ part, fiches: kit.fiches.filter((f) => f.meta.part === part.id) }))
          .filter((g) => g.fiches.length > 0)
          .map((g) => ({
            title: g.part.title,
            pageIndex: starts.get(g.fiches[0]!.number)! - 1,
            children: g.fiches.map((f) => ({ title: `Fiche ${f.number} – ${f.meta.title}`, pageIndex: starts.get(f.number)! - 1 })),
          })),
        { title: 'Quatrième de couverture', pageIndex: pdf.getPageCount() - 1 },
      ];
      writeOutline(pdf, outline);
      const bytes = await finishPdf(pdf, {
        title: doc.title,
        author: kit.config.publisher,
        subject: doc.subject,
        keywords: doc.keywords,
        date: pdfDate(kit),
        producer: GENERATOR,
      });
      return { bytes, pages: pdf.getPageCount(), starts, retry: undefined };
    });
    if (result.retry) starts = result.retry;
    else return result;
  }
  throw new PrintError(`livret « ${kit.config.title} » : la pagination du sommaire ne se stabilise pas`);
}

function manifestFiche(kit: Kit, p: PrintedFiche): ManifestFiche {
  return {
    number: p.fiche.number,
    title: p.fiche.meta.title,
    part: p.fiche.meta.part,
    summary: p.fiche.meta.summary,
    updated: p.fiche.meta.updated,
    path: `${kit.id}/fiches/${fichePdfName(p.fiche)}`,
    pages: p.pages,
    bytes: p.bytes.byteLength,
    sha256: sha256(p.bytes),
  };
}

/**
 * Builds the kits: checks every source, prints each fiche and each booklet with one Chromium, then replaces
 * the output folder in one step. Source errors throw a SourceError before anything is printed or written.
 */
export async function build(options: BuildOptions, deps: BuildDeps = {}): Promise<BuildResult> {
  const timings = new Timings();
  const log = options.log ?? (() => undefined);
  const { signal } = options;
  const ids = await selectKits(options.sheetsDir, options.kits);
  const prepared = await prepareKits(options.sheetsDir, ids, timings);
  const errors = prepared.diagnostics.filter((d) => d.severity === 'erreur');
  if (errors.length > 0) throw new SourceError(prepared.diagnostics);
  throwIfAborted(signal);

  const handle = deps.browser ?? (await launchBrowser(resolveBrowser(options.browserPath)));
  const closeOnAbort = () => {
    if (!deps.browser) void handle.close();
  };
  signal?.addEventListener('abort', closeOnAbort, { once: true });
  const concurrency = options.concurrency ?? Math.max(2, os.availableParallelism());
  const files: OutputFile[] = [];
  const kits: ManifestKit[] = [];
  try {
    const jobs = prepared.kits.flatMap((kit) => kit.fiches.map((fiche) => ({ kit, fiche })));
    log(`Impression de ${jobs.length} fiches (${prepared.kits.map((k) => k.id).join(', ')})…`);
    const printed = await mapLimit(jobs, concurrency, ({ kit, fiche }) => printFiche(handle, kit, fiche, timings, signal));
    const booklets = await mapLimit(prepared.kits, concurrency, (kit) => {
      log(`Impression du livret ${kit.config.title}…`);
      return printBooklet(handle, kit, printed.filter((p) => kit.fiches.includes(p.fiche)), timings, signal);
    });
    prepared.kits.forEach((kit, i) => {
      const mine = printed.filter((p) => kit.fiches.includes(p.fiche));
      const booklet = booklets[i]!;
      const bookletPath = `${kit.id}/${kit.config.booklet}.pdf`;
      files.push({ path: bookletPath, bytes: booklet.bytes });
      for (const p of mine) files.push({ path: `${kit.id}/fiches/${fichePdfName(p.fiche)}`, bytes: p.bytes });
      kits.push({
        id: kit.id,
        title: kit.config.title,
        subtitle: kit.config.subtitle,
        edition: kit.config.edition,
        booklet: { path: bookletPath, title: `${kit.config.title} – ${kit.config.subtitle}`, pages: booklet.pages, bytes: booklet.bytes.byteLength, sha256: sha256(booklet.bytes) },
        fiches: mine.map((p) => manifestFiche(kit, p)).sort((a, b) => a.number - b.number),
      });
    });
  } catch (error) {
    if (signal?.aborted) throw new AbortedError();
    throw error;
  } finally {
    signal?.removeEventListener('abort', closeOnAbort);
    if (!deps.browser) await handle.close();
  }
  throwIfAborted(signal);
  await timings.time('publish', async () => {
    const manifest = mergeManifest(await readManifest(options.outDir), GENERATOR, kits);
    await publish(options.outDir, files, manifest, ids);
  });
  log(`Écrit dans ${path.relative(process.cwd(), options.outDir) || '.'}/ : ${kits.map((k) => `${k.id} (${k.fiches.length} fiches, livret de ${k.booklet.pages} pages)`).join(', ')}.`);
  return { kits, warnings: prepared.diagnostics, timings };
}
