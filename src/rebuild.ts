import os from 'node:os';
import path from 'node:path';
import { launchBrowser, resolveBrowser, type BrowserHandle } from './browser.js';
import { AbortedError, PrintError, SourceError, throwIfAborted } from './errors.js';
import type { Fiche, Kit } from './model.js';
import { finishPdf, loadPdf, readOutline, writeOutline, type OutlineNode, type PdfMeta } from './pipeline/assemble.js';
import { mapLimit, printPdf } from './pipeline/print.js';
import { AccessPool } from './pipeline/access-pool.js';
import { formatFailures } from './pdfua/check.js';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { changesSince, digestFiche, type KitChanges } from './changelog.js';
import { bookletKey, ficheKey, sourceDateEpoch, type OutputSettings } from './pipeline/inputs.js';
import { distribute } from './pipeline/distribute.js';
import { coverThumbnail } from './design/thumbnail.js';
import { mergeManifest, publish, readManifest, sha256, type Manifest, type ManifestFiche, type ManifestKit, type OutputFile } from './pipeline/publish.js';
import { fichePdfName, renderBooklet, renderFiche, type RenderedDoc, type StartPages } from './pipeline/render.js';
import { makePrintEdition } from './printshop/edition.js';
import { planRecto } from './printshop/recto.js';
import { isPublished, publishedKit } from './schedule.js';
import { budgetDiagnostic } from './budget.js';
import type { LeftOut } from './build-events.js';
import { prepareKits } from './prepare.js';
import type { KitSummary } from './design/cover.js';
import { bookletParts, OPENER_PAGES } from './design/opener.js';
import { frenchTypography } from './text/typography.js';
import { Timings } from './timings.js';
import { VERSION } from './version.js';
import { makeWebEdition } from './web/edition.js';

import type { BuildDeps, BuildOptions, BuildResult } from './build.js';

const GENERATOR = `kitess ${VERSION}`;

/** Heading text as Chromium's bookmarks give it: it drops the space where a heading wraps, so compare without spaces. */
function normalise(text: string): string {
  return text.replace(/[\u00AD\s\u00A0\u202F\u2009]+/g, '');
}

function pdfDate(kit: Kit): Date {
  return sourceDateEpoch() ?? new Date(`${kit.config.edition.date}T00:00:00Z`);
}

/** A fiche printed alone. */
export interface PrintedFiche {
  fiche: Fiche;
  bytes: Uint8Array;
  pages: number;
  /** The document information it was finished with (the accessibility pass needs it too). */
  meta: PdfMeta;
}

/** The document information of a kit's PDF: its title and subject, the publisher, the edition's fixed date. */
function pdfMeta(kit: Kit, doc: RenderedDoc): PdfMeta {
  return { title: doc.title, author: kit.config.publisher, subject: doc.subject, keywords: doc.keywords, date: pdfDate(kit), producer: GENERATOR };
}

/** Renders, prints and finishes one fiche as a PDF of its own. */
export async function printFiche(handle: BrowserHandle, kit: Kit, fiche: Fiche, timings: Timings, signal?: AbortSignal): Promise<PrintedFiche> {
  const doc = await timings.time('render', () => renderFiche(kit, fiche));
  const raw = await timings.time('print', () => printPdf(handle.browser, doc, { signal }));
  return timings.time('assemble', async () => {
    const pdf = await loadPdf(raw);
    const meta = pdfMeta(kit, doc);
    const bytes = await finishPdf(pdf, meta);
    return { fiche, bytes, pages: pdf.getPageCount(), meta };
  });
}

/**
 * Predicts where fiches start in the booklet: cover, édito, news, one page of contents, then for each part its
 * opener page and its fiches' own lengths.
 */
function predictStarts(kit: Kit, pages: Map<number, number>, extraFrontPages: number): StartPages {
  const starts: StartPages = new Map();
  let page = 4 + extraFrontPages;
  for (const group of bookletParts(kit)) {
    page += OPENER_PAGES;
    for (const fiche of group.fiches) {
      starts.set(fiche.number, page);
      page += pages.get(fiche.number)!;
    }
  }
  return starts;
}

/** Finds where each part opener, fiche, the édito and the contents start, from the headings Chromium wrote as bookmarks. */
function findStarts(kit: Kit, outline: ReturnType<typeof readOutline>): { starts: StartPages; parts: Map<string, number>; edito: number; toc: number } {
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
  const parts = new Map<string, number>();
  for (const group of bookletParts(kit)) {
    parts.set(group.part.id, find(frenchTypography(group.part.title), 0));
    for (const fiche of group.fiches) starts.set(fiche.number, find(frenchTypography(fiche.meta.title), 0));
  }
  return { starts, parts, edito, toc };
}

function sameStarts(a: StartPages, b: StartPages): boolean {
  return a.size === b.size && [...a].every(([k, v]) => b.get(k) === v);
}

async function printBooklet(handle: BrowserHandle, kit: Kit, pages: Map<number, number>, timings: Timings, changes: KitChanges | undefined, collection: KitSummary[], signal?: AbortSignal, print?: { recto: boolean }) {
  let starts = predictStarts(kit, pages, changes ? 1 : 0);
  // Print-shop variant with --recto: blank pages before the fiches that would start on a left-hand page.
  let blanks: ReadonlySet<number> = new Set();
  const recto = () => {
    if (print?.recto) ({ starts, blanks } = planRecto(kit.fiches.map((f) => f.number), starts, blanks));
  };
  recto();
  for (let attempt = 0; attempt < 4; attempt++) {
    const doc = await timings.time('render', () => renderBooklet(kit, starts, { changes, collection, bleed: !!print, blanks }));
    const raw = await timings.time('print', () => printPdf(handle.browser, doc, { signal, outline: true }));
    const result = await timings.time('assemble', async () => {
      const pdf = await loadPdf(raw);
      const found = findStarts(kit, readOutline(pdf));
      if (!sameStarts(found.starts, starts)) return { retry: found.starts, bytes: new Uint8Array(), pages: 0, starts, meta: pdfMeta(kit, doc) };
      const outline: OutlineNode[] = [
        { title: 'Couverture', pageIndex: 0 },
        { title: 'Édito', pageIndex: found.edito - 1 },
        { title: 'Sommaire', pageIndex: found.toc - 1 },
        ...bookletParts(kit).map((g) => ({
          title: g.part.title,
          pageIndex: found.parts.get(g.part.id)! - 1,
          children: g.fiches.map((f) => ({ title: `Fiche ${f.number} – ${f.meta.title}`, pageIndex: starts.get(f.number)! - 1 })),
        })),
        { title: 'Quatrième de couverture', pageIndex: pdf.getPageCount() - 1 },
      ];
      writeOutline(pdf, outline);
      const meta = pdfMeta(kit, doc);
      const bytes = await finishPdf(pdf, meta);
      return { bytes, pages: pdf.getPageCount(), starts, retry: undefined, meta };
    });
    if (result.retry) {
      starts = result.retry;
      recto();
    } else return result;
  }
  throw new PrintError(`livret « ${kit.config.title} » : la pagination du sommaire ne se stabilise pas`);
}

/** A PDF of this build: printed now or taken from the previous build. */
interface Product {
  bytes: Uint8Array;
  pages: number;
  inputs: string;
  reused: boolean;
}

async function reusable(outDir: string, entry: { path: string; inputs?: string; pages: number; sha256: string } | undefined, key: string): Promise<Product | undefined> {
  if (!entry || entry.inputs !== key) return undefined;
  const file = path.join(outDir, entry.path);
  if (!existsSync(file)) return undefined;
  const bytes = await readFile(file);
  if (sha256(bytes) !== entry.sha256) return undefined;
  return { bytes, pages: entry.pages, inputs: key, reused: true };
}

/** Where a fiche's PDF goes in the output folder. */
const fichePath = (kit: Kit, fiche: Fiche) => `${kit.id}/fiches/${fichePdfName(fiche)}`;
/** Where a booklet's print-shop files go: `impression` (bleed and crop marks) and `pdfx`. */
const printShopPath = (kit: Kit, suffix: 'impression' | 'pdfx') => `${kit.id}/impression/${kit.config.booklet}-${suffix}.pdf`;

function manifestFiche(kit: Kit, fiche: Fiche, product: Product, themes?: string[]): ManifestFiche {
  return {
    number: fiche.number,
    title: fiche.meta.title,
    part: fiche.meta.part,
    summary: fiche.meta.summary,
    updated: fiche.meta.updated,
    ...(fiche.meta.published ? { published: fiche.meta.published } : {}),
    ...(themes?.length ? { themes } : {}),
    path: fichePath(kit, fiche),
    pages: product.pages,
    bytes: product.bytes.byteLength,
    sha256: sha256(product.bytes),
    inputs: product.inputs,
    sections: digestFiche(fiche).sections,
  };
}

/** The fiches a build leaves out (drafts, not yet out) and the Markdown files ignored for their name. */
function leftOutOf(kits: Kit[], diagnostics: { file: string; rule: string }[], settings: OutputSettings): LeftOut[] {
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

/** What the light front of `build` already worked out. */
export interface BuildContext {
  ids: string[];
  settings: OutputSettings;
  previous: Manifest | undefined;
  rawKeys: Map<string, string>;
  timings: Timings;
  log: (message: string) => void;
}

/**
 * The part of a build that reads, prints and publishes: loaded only when something may have changed, so that
 * a build with nothing to do starts none of the Markdown, PDF or browser machinery.
 */
export async function buildChanged(options: BuildOptions, deps: BuildDeps, context: BuildContext): Promise<BuildResult> {
  const { ids, settings, previous, rawKeys, timings, log } = context;
  const { signal } = options;
  const emit = options.onEvent ?? (() => undefined);
  const prepared = await prepareKits(options.sheetsDir, ids, timings);
  const errors = prepared.diagnostics.filter((d) => d.severity === 'erreur');
  if (errors.length > 0) throw new SourceError(prepared.diagnostics);
  throwIfAborted(signal);
  const changelog = options.changelog ? await changesSince(options.changelog, options.sheetsDir) : undefined;
  const kits = prepared.kits.map((kit) => publishedKit(kit, settings.asOf, settings.drafts));
  const leftOut = leftOutOf(prepared.kits, prepared.diagnostics, settings);

  // The browser is started once, on the first PDF that needs printing; concurrent callers share the launch.
  let handle: BrowserHandle | undefined = deps.browser;
  let launching: Promise<BrowserHandle> | undefined;
  let launched = false;
  const browser = (): Promise<BrowserHandle> => {
    if (handle) return Promise.resolve(handle);
    launching ??= launchBrowser(resolveBrowser(options.browserPath)).then(async (h) => {
      handle = h;
      launched = true;
      if (signal?.aborted) await h.close();
      return h;
    });
    return launching;
  };
  const closeOnAbort = () => {
    if (launched) void handle?.close();
  };
  signal?.addEventListener('abort', closeOnAbort, { once: true });
  const concurrency = options.concurrency ?? Math.max(2, os.availableParallelism());
  // The accessibility pass over a finished PDF; what the checker still finds is said, and PDF/UA is then not claimed.
  // One thread: it takes the processor Chromium leaves idle; a second one would cost more memory than time.
  const pool = new AccessPool(1);
  // `npm run bench` measures what the stage costs by building once without it; nothing else sets this.
  const benchWithoutAccess = process.env.KITESS_BENCH_WITHOUT_ACCESS === '1';
  const accessible = async (bytes: Uint8Array, meta: PdfMeta, file: string): Promise<Uint8Array> => {
    if (benchWithoutAccess) return bytes;
    const result = await timings.time('access', () => pool.run(bytes, meta));
    if (result.report.failures.length > 0) {
      log(`Attention : ${file} ne satisfait pas PDF/UA-1, qui n’y est donc pas déclaré :\n${formatFailures(result.report.failures).map((l) => `  ${l}`).join('\n')}`);
    }
    return result.bytes;
  };
  const files: OutputFile[] = [];
  const entries: ManifestKit[] = [];
  const printed: string[] = [];
  const reused: string[] = [];
  const webPages = { written: [] as string[], reused: [] as string[] };
  try {
    // Fiches: reuse every PDF whose inputs are unchanged, print the others.
    const jobs = kits.flatMap((kit) => kit.fiches.map((fiche) => ({ kit, fiche, key: ficheKey(kit, fiche) })));
    const previousEntry = (kit: Kit) => previous?.kits.find((k) => k.id === kit.id);
    const olds = await Promise.all(
      jobs.map(({ kit, fiche, key }) => reusable(options.outDir, previousEntry(kit)?.fiches.find((f) => f.number === fiche.number && f.path.endsWith(fichePdfName(fiche))), key)),
    );
    const toPrint = olds.filter((o) => !o).length;
    emit({ type: 'fiches', toPrint, reused: jobs.length - toPrint });
    // The fiches asked first (the preview's edited ones) are printed before the others.
    const first = new Set(options.first ?? []);
    const order = jobs.map((_, i) => i).sort((a, b) => Number(first.has(jobs[b]!.fiche.source.absPath)) - Number(first.has(jobs[a]!.fiche.source.absPath)));
    const products: Product[] = new Array(jobs.length);
    await mapLimit(order, concurrency, async (i) => {
      const { kit, fiche, key } = jobs[i]!;
      const old = olds[i];
      if (old) return (products[i] = old);
      const p = await printFiche(await browser(), kit, fiche, timings, signal);
      const bytes = await accessible(p.bytes, p.meta, `${kit.id}/fiches/${fichePdfName(fiche)}`);
      emit({ type: 'fiche', kit: kit.id, number: fiche.number, title: fiche.meta.title, path: fichePath(kit, fiche), pages: p.pages, bytes });
      return (products[i] = { bytes, pages: p.pages, inputs: key, reused: false });
    });
    // A fiche over its page budget stops the build before the booklets are printed: nothing is written.
    const overBudget = jobs.flatMap(({ kit, fiche }, i) => budgetDiagnostic(kit, fiche, products[i]!.pages) ?? []);
    if (overBudget.length > 0) throw new SourceError([...prepared.diagnostics, ...overBudget]);

    // Booklets: printed again when any of their fiches, the kit settings or the changes page changed.
    const booklets = await mapLimit(kits, concurrency, async (kit) => {
      const mine = jobs.map((j, i) => ({ ...j, product: products[i]! })).filter((j) => j.kit === kit);
      const changes = changelog?.changes.find((c) => c.kit === kit.id);
      const key = bookletKey(kit, mine.map((j) => j.key), { ...settings, changelog: changes ? JSON.stringify(changes) : undefined }, prepared.collection);
      const old = await reusable(options.outDir, previousEntry(kit)?.booklet, key);
      if (old) return old;
      emit({ type: 'booklet-start', kit: kit.id, title: kit.config.title });
      const pages = new Map(mine.map((j) => [j.fiche.number, j.product.pages]));
      const b = await printBooklet(await browser(), kit, pages, timings, changes, prepared.collection, signal);
      const bytes = await accessible(b.bytes, b.meta, `${kit.id}/${kit.config.booklet}.pdf`);
      emit({ type: 'booklet', kit: kit.id, title: kit.config.title, path: `${kit.id}/${kit.config.booklet}.pdf`, pages: b.pages, bytes });
      return { bytes, pages: b.pages, inputs: key, reused: false };
    });

    // Print-shop versions (--print, --recto, or `print: true` in kit.yml): bleed, crop marks, PDF/X-1a.
    const editions = await mapLimit(kits, concurrency, async (kit, k) => {
      const recto = !!options.recto;
      if (!(options.print || recto || kit.config.print)) return undefined;
      const key = sha256(Buffer.from(`${booklets[k]!.inputs}\0impression\0${recto}`));
      const old = previousEntry(kit)?.print;
      const [oldPrint, oldPdfx] = await Promise.all([reusable(options.outDir, old?.booklet, key), reusable(options.outDir, old?.pdfx, key)]);
      if (old && oldPrint && oldPdfx) return { print: oldPrint, pdfx: oldPdfx, recto, padding: old.padding };
      emit({ type: 'printshop-start', kit: kit.id, title: kit.config.title });
      const mine = jobs.map((j, i) => ({ ...j, product: products[i]! })).filter((j) => j.kit === kit);
      const pages = new Map(mine.map((j) => [j.fiche.number, j.product.pages]));
      const b = await printBooklet(await browser(), kit, pages, timings, changelog?.changes.find((c) => c.kit === kit.id), prepared.collection, signal, { recto });
      const title = `${kit.config.title} – ${kit.config.subtitle}`;
      // The print-shop booklet keeps its tags: it goes through the accessibility pass before bleed and marks.
      const tagged = await accessible(b.bytes, b.meta, `${kit.id}/impression/${kit.config.booklet}-impression.pdf`);
      const e = await timings.time('assemble', () => makePrintEdition(tagged, { title, date: pdfDate(kit), signal }));
      if (e.transparent.length === 1) log(`Attention : la page ${e.transparent[0]} de la version imprimeur de ${kit.config.title} contient de la transparence ; la version PDF/X la convertit en image.`);
      if (e.transparent.length > 1) log(`Attention : les pages ${e.transparent.join(', ')} de la version imprimeur de ${kit.config.title} contiennent de la transparence ; la version PDF/X les convertit en images.`);
      const product = (bytes: Uint8Array) => ({ bytes, pages: e.pages, inputs: key, reused: false });
      emit({ type: 'printshop', kit: kit.id, title: kit.config.title, paths: [printShopPath(kit, 'impression'), printShopPath(kit, 'pdfx')] });
      return { print: product(e.print), pdfx: product(e.pdfx), recto, padding: e.padding };
    });

    // Files and manifest entry of a print-shop version.
    const printEntry = (kit: Kit, e: { print: Product; pdfx: Product; recto: boolean; padding: number }) => {
      const file = (suffix: 'impression' | 'pdfx', label: string, p: Product) => {
        const entry = { path: printShopPath(kit, suffix), title: `${kit.config.title} – ${label}`, pages: p.pages, bytes: p.bytes.byteLength, sha256: sha256(p.bytes), inputs: p.inputs };
        files.push({ path: entry.path, bytes: p.bytes });
        (p.reused ? reused : printed).push(entry.path);
        return entry;
      };
      return { booklet: file('impression', 'version imprimeur', e.print), pdfx: file('pdfx', 'version imprimeur PDF/X-1a', e.pdfx), recto: e.recto, padding: e.padding };
    };
    kits.forEach((kit, k) => {
      const booklet = booklets[k]!;
      const bookletPath = `${kit.id}/${kit.config.booklet}.pdf`;
      const coverPath = `${kit.id}/couverture.svg`;
      files.push({ path: bookletPath, bytes: booklet.bytes });
      const c = kit.config;
      const art = { accent: c.accent, parts: c.parts, fiches: kit.fiches.map((f) => ({ number: f.number, part: f.meta.part })) };
      files.push({ path: coverPath, bytes: Buffer.from(coverThumbnail({ ...art, title: c.title, subtitle: c.subtitle, level: c.level, edition: c.edition })) });
      const logoPath = c.logo ? `${kit.id}/${c.logo}` : undefined;
      if (logoPath) files.push({ path: logoPath, bytes: readFileSync(path.join(kit.dir, c.logo!)) });
      (booklet.reused ? reused : printed).push(bookletPath);
      const fiches: ManifestFiche[] = [];
      jobs.forEach((job, i) => {
        if (job.kit !== kit) return;
        const entry = manifestFiche(kit, job.fiche, products[i]!, prepared.themes?.of(kit.id, job.fiche.name));
        files.push({ path: entry.path, bytes: products[i]!.bytes });
        (products[i]!.reused ? reused : printed).push(entry.path);
        fiches.push(entry);
      });
      const changes = changelog?.changes.find((c) => c.kit === kit.id);
      entries.push({
        id: kit.id,
        title: kit.config.title,
        subtitle: kit.config.subtitle,
        level: kit.config.level,
        accent: kit.config.accent,
        publisher: kit.config.publisher,
        ...(logoPath ? { logo: logoPath } : {}),
        parts: kit.config.parts,
        edition: kit.config.edition,
        booklet: { path: bookletPath, title: `${kit.config.title} – ${kit.config.subtitle}`, pages: booklet.pages, bytes: booklet.bytes.byteLength, sha256: sha256(booklet.bytes), inputs: booklet.inputs },
        fiches: fiches.sort((a, b) => a.number - b.number),
        cover: coverPath,
        inputs: rawKeys.get(kit.id),
        ...(changes ? { changes } : {}),
        ...(editions[k] ? { print: printEntry(kit, editions[k]!) } : {}),
        ...(leftOut.some((l) => l.kit === kit.id) ? { leftOut: leftOut.filter((l) => l.kit === kit.id) } : {}),
      });
    });
    // The web edition (src/web/): a page per fiche and one per kit, from the same trees as the PDFs.
    if (options.web !== false) {
      const web = await timings.time('render', () => makeWebEdition(kits, entries, previous?.kits, options.outDir));
      files.push(...web.files);
      entries.splice(0, entries.length, ...web.kits);
      webPages.written.push(...web.written);
      webPages.reused.push(...web.reused);
    }
  } catch (error) {
    if (signal?.aborted) throw new AbortedError();
    throw error;
  } finally {
    await pool.close();
    signal?.removeEventListener('abort', closeOnAbort);
    if (launching) await launching.catch(() => undefined);
    if (launched) await handle?.close();
  }
  throwIfAborted(signal);
  emit({ type: 'publish' });
  await timings.time('publish', async () => {
    const merged = mergeManifest(previous ?? (await readManifest(options.outDir)), GENERATOR, entries, changelog?.label);
    const manifest: Manifest = { ...merged, ...(prepared.themes ? { themes: prepared.themes.list } : {}) };
    await publish(options.outDir, files, manifest, ids, distribute);
  });
  return { kits: entries, warnings: prepared.diagnostics, timings, printed, reused, launched, leftOut, asOf: settings.asOf, web: webPages };
}
