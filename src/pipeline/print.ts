import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, CDPSession, HTTPRequest, Page } from 'puppeteer';
import { FONT_PACKAGES, TEMPLATES_DIR } from '../assets.js';
import { PrintError, throwIfAborted } from '../errors.js';
import { PDFDocument } from 'pdf-lib';
import type { Kit } from '../model.js';
import { readOutline } from '../pdf/outline.js';
import { planBooklet, readFrameLayout, type BookletPlan, type FrameLayout } from './pagination.js';
import { DOC_ORIGIN, documentHtml, renderFrame, type BookletExtras, type RenderedDoc } from './render.js';
import { sha256 } from './publish.js';

/** Content types of the files the printer serves. */
const ASSET_TYPES: Record<string, string> = {
  '.css': 'text/css',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
};

/** Maps a request URL to a file of the build's own (templates, fonts, kit images), or undefined. */
export function resolveAsset(url: string, kitDir: string): string | undefined {
  if (!url.startsWith(`${DOC_ORIGIN}/`)) return undefined;
  const pathname = decodeURIComponent(new URL(url).pathname);
  const [, area, ...rest] = pathname.split('/');
  const inside = (root: string | undefined, rel: string[]) => {
    if (!root) return undefined;
    const file = path.resolve(root, ...rel);
    return file.startsWith(root + path.sep) ? file : undefined;
  };
  if (area === 'templates') return inside(TEMPLATES_DIR, rest);
  if (area === 'kit') return inside(kitDir, rest);
  if (area === 'fonts') return inside(FONT_PACKAGES[rest[0] ?? ''], rest.slice(1));
  return undefined;
}

/**
 * A document's body with each file of its kit folder named by its bytes too (`/kit/logo.svg?v=<sha256>`): a tab
 * keeps the images it has shown by address, and the next documents swapped into it (another kit's, whose logo has
 * the same name, or the same kit's after an edit, in the preview) would otherwise be printed with them.
 */
export function versionedKitFiles(body: string, kitDir: string): string {
  const digests = new Map<string, string | undefined>();
  return body.replace(/(\ssrc=")(\/kit\/[^"?#]+)"/g, (all, attr: string, address: string) => {
    if (!digests.has(address)) {
      const file = resolveAsset(`${DOC_ORIGIN}${address}`, kitDir);
      let digest: string | undefined;
      try {
        digest = file ? sha256(readFileSync(file)) : undefined;
      } catch {
        digest = undefined; // an unreadable file is answered 404 and reported as an image not loaded
      }
      digests.set(address, digest);
    }
    const digest = digests.get(address);
    return digest ? `${attr}${address}?v=${digest}"` : all;
  });
}

/** Answers one request of a page printing `doc`: the document itself, the build's own files, nothing else. */
export async function serveRequest(request: HTTPRequest, doc: RenderedDoc): Promise<void> {
  if (request.url() === `${DOC_ORIGIN}/document.html`) return request.respond({ status: 200, contentType: 'text/html; charset=utf-8', body: doc.html });
  return serveFile(request, doc.kitDir);
}

/** Options of one print. */
export interface PrintOptions {
  signal?: AbortSignal;
  /** Whether Chromium should write its heading outline (used to find where fiches start). */
  outline?: boolean;
}

/** The page every tab loads once: the theme's stylesheets and fonts, an empty body the documents are swapped into. */
const SHELL = (() => {
  const html = documentHtml({ title: '', style: '', bleed: true, bodyClass: '', body: '' });
  // The print-shop stylesheet and the inline style get ids the swap finds them by.
  return html.replace('<link rel="stylesheet" href="/templates/print-bleed.css">', '<link rel="stylesheet" href="/templates/print-bleed.css" id="kitess-bleed">').replace('<style>', '<style id="kitess-style">');
})();

/** One tab of the printer, and the document it holds (whose kit folder it serves). */
interface Tab {
  page: Page;
  doc?: RenderedDoc;
  /** Documents printed in it, and its own DevTools session (opened at its first collection). */
  printed: number;
  session?: CDPSession;
}

/**
 * Every this many documents a tab prints, its renderer collects its garbage (V8's and Blink's heaps, through
 * `HeapProfiler.collectGarbage`). A document swapped into a tab leaves its whole DOM and layout behind as garbage,
 * and with scripts disabled Blink seldom collects it on its own: the renderers grew with every document printed,
 * to some 200 MiB for the three kits. Collected every 4 documents they stay under 100 MiB, for no measurable time:
 * a tab holds one document's worth of live objects, and a collection costs what is alive.
 */
export const COLLECT_EVERY = 4;

/** What a tab reports once a document is in it and its fonts and images are ready. */
interface Readiness {
  failed: string[];
  missingImages: (string | null)[];
  loaded: number;
}

/**
 * Prints HTML documents to PDF in a few tabs of one browser, each tab reused from one document to the next: a
 * tab loads the theme's stylesheets and fonts once, then each document's style and body are swapped in, so that
 * a document costs its layout and its PDF, not a new tab, a page load and its fonts. Offline (only the build's
 * own files are served), no script of the document runs, and printing waits for fonts and images to be ready.
 */
export class Printer {
  private readonly idle: Tab[] = [];
  private readonly waiting: ((tab: Tab) => void)[] = [];
  private readonly all = new Set<Tab>();
  private opening = 0;
  /** Tabs' garbage collections under way (see COLLECT_EVERY): their tabs are given back when they are done. */
  private readonly collecting = new Set<Promise<void>>();

  /** At most `size` tabs, opened on first use. */
  constructor(
    private readonly browser: Browser,
    private readonly size: number,
  ) {}

  /** Prints one document; fails with a PrintError naming it. */
  async print(doc: RenderedDoc, options: PrintOptions = {}): Promise<Uint8Array> {
    throwIfAborted(options.signal);
    const tab = await this.take();
    let healthy = false;
    let collect = false;
    try {
      tab.doc = doc;
      const parts = { ...doc.parts, body: versionedKitFiles(doc.parts.body, doc.kitDir) };
      const ready = (await tab.page.evaluate(async (p) => {
        document.title = p.title;
        document.documentElement.className = p.bleed ? 'print-bleed' : '';
        (document.getElementById('kitess-bleed') as HTMLLinkElement).disabled = !p.bleed;
        document.getElementById('kitess-style')!.textContent = p.style;
        document.body.className = p.bodyClass;
        document.body.innerHTML = p.body;
        await document.fonts.ready;
        await Promise.all([...document.images].map((img) => img.decode().catch(() => undefined)));
        const failed = [...document.fonts].filter((f) => f.status === 'error').map((f) => `${f.family} ${f.weight}`);
        const missingImages = [...document.images].filter((img) => !img.complete || img.naturalWidth === 0).map((img) => img.getAttribute('src')?.replace(/\?v=[0-9a-f]+$/, '') ?? null);
        return { failed, missingImages, loaded: [...document.fonts].filter((f) => f.status === 'loaded').length };
      }, parts)) as Readiness;
      if (ready.failed.length > 0) throw new PrintError(`polices non chargées pour « ${doc.title} » : ${ready.failed.join(', ')}`);
      if (ready.missingImages.length > 0) throw new PrintError(`images non chargées pour « ${doc.title} » : ${ready.missingImages.join(', ')}`);
      if (ready.loaded === 0) throw new PrintError(`aucune police chargée pour « ${doc.title} »`);
      throwIfAborted(options.signal);
      const bytes = await tab.page.pdf({ printBackground: true, preferCSSPageSize: true, outline: options.outline ?? true, tagged: true, timeout: 120_000 });
      healthy = true;
      collect = ++tab.printed % COLLECT_EVERY === 0;
      return bytes;
    } catch (error) {
      if (error instanceof PrintError) {
        healthy = true;
        throw error;
      }
      throwIfAborted(options.signal);
      // Puppeteer's message is English: kept as the cause, shown with --debug.
      const why = (error as Error)?.name === 'TimeoutError' ? 'le navigateur n’a pas répondu à temps' : 'le navigateur s’est arrêté ou a refusé la page';
      throw new PrintError(`impression de « ${doc.title} » impossible : ${why} ; un navigateur qui répond est attendu (--debug donne le détail)`, { cause: error });
    } finally {
      // A tab whose print failed for the browser's reasons is closed, not reused. A tab due for a collection is
      // given back once collected: the document just printed is not kept waiting for it (the preview shows it).
      if (healthy && !collect) this.give(tab);
      else if (healthy) {
        const done = collectGarbage(tab).then(() => {
          this.collecting.delete(done);
          this.give(tab);
        });
        this.collecting.add(done);
      } else {
        this.all.delete(tab);
        await tab.page.close().catch(() => undefined);
        this.wake();
      }
    }
  }

  /**
   * Opens a first tab now, its stylesheets and fonts loading in the browser while the build does something else;
   * the first print takes it. Nothing happens if a tab is already there or opening; a failure here is left for
   * the first print to meet and report.
   */
  warm(): void {
    if (this.all.size + this.opening === 0) this.openInBackground();
  }

  /** Resolves once the collections under way are done and their tabs given back. */
  async collected(): Promise<void> {
    await Promise.all([...this.collecting]);
  }

  /** Closes every tab. */
  async close(): Promise<void> {
    await this.collected();
    const tabs = [...this.all];
    this.all.clear();
    this.idle.length = 0;
    await Promise.all(tabs.map((t) => t.page.close().catch(() => undefined)));
  }

  private async take(): Promise<Tab> {
    const free = this.idle.pop();
    if (free) return free;
    if (this.all.size + this.opening < this.size) {
      this.opening++;
      try {
        const tab = await this.open();
        this.all.add(tab);
        return tab;
      } finally {
        this.opening--;
      }
    }
    return new Promise<Tab>((resolve) => this.waiting.push(resolve));
  }

  private give(tab: Tab): void {
    const next = this.waiting.shift();
    if (next) next(tab);
    else this.idle.push(tab);
  }

  /** A tab was lost: one waiting print gets a new one. */
  private wake(): void {
    if (this.waiting.length > 0) this.openInBackground();
  }

  /** Opens a tab without waiting for it: the first print waiting then takes it, else it stays idle; if it cannot be opened, waiting prints go on waiting. */
  private openInBackground(): void {
    this.opening++;
    this.open()
      .then((tab) => {
        this.all.add(tab);
        this.give(tab);
      })
      .catch(() => undefined)
      .finally(() => this.opening--);
  }

  private async open(): Promise<Tab> {
    let page: Page;
    try {
      page = await this.browser.newPage();
    } catch (error) {
      throw new PrintError('impression impossible : le navigateur n’a pas ouvert d’onglet ; un navigateur qui répond est attendu (--debug donne le détail)', { cause: error });
    }
    const tab: Tab = { page, printed: 0 };
    try {
      await page.setJavaScriptEnabled(false);
      await page.setRequestInterception(true);
      page.on('request', (request) => {
        serveTab(request, tab).catch(() => undefined);
      });
      const response = await page.goto(`${DOC_ORIGIN}/document.html`, { waitUntil: 'load' });
      if (!response?.ok()) throw new Error('shell not loaded');
      return tab;
    } catch (error) {
      await page.close().catch(() => undefined);
      throw new PrintError('impression impossible : le navigateur n’a pas chargé la page d’impression ; un navigateur qui répond est attendu (--debug donne le détail)', { cause: error });
    }
  }
}

/** Has a tab's renderer collect its garbage; a failure is left for the tab's next print to meet and report. */
async function collectGarbage(tab: Tab): Promise<void> {
  try {
    tab.session ??= await tab.page.createCDPSession();
    await tab.session.send('HeapProfiler.collectGarbage');
  } catch {
    // Nothing lost: the memory is only collected later.
  }
}

/** Answers one request of a printer's tab: its shell, the build's own files, the kit folder of the document it holds. */
async function serveTab(request: HTTPRequest, tab: Tab): Promise<void> {
  if (request.url() === `${DOC_ORIGIN}/document.html`) return request.respond({ status: 200, contentType: 'text/html; charset=utf-8', body: SHELL });
  return serveFile(request, tab.doc?.kitDir ?? '');
}

/** Answers a request for one of the build's own files (templates, fonts, the kit's images); aborts any other. */
async function serveFile(request: HTTPRequest, kitDir: string): Promise<void> {
  const file = request.method() === 'GET' ? resolveAsset(request.url(), kitDir) : undefined;
  if (!file) return request.abort('blockedbyclient');
  try {
    const body = await readFile(file);
    return request.respond({ status: 200, contentType: ASSET_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream', body });
  } catch {
    return request.respond({ status: 404, body: '' });
  }
}

/** Prints one document in a tab of its own (tests, one-off prints); a build uses one Printer for all. */
export async function printPdf(browser: Browser, doc: RenderedDoc, options: PrintOptions = {}): Promise<Uint8Array> {
  const printer = new Printer(browser, 1);
  try {
    return await printer.print(doc, options);
  } finally {
    await printer.close();
  }
}

/** Runs `fn` over items with at most `limit` at once, keeping the order of results. */
export async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!, i);
    }
  });
  await Promise.all(workers);
  return results;
}

/** A booklet's own pages as printed, with the booklet's plan they were printed for and where they are. */
export interface PrintedFrame {
  bytes: Uint8Array;
  plan: BookletPlan;
  layout: FrameLayout;
}

/**
 * Prints a booklet's own pages (cover, édito, changes, sommaire, part openers, back cover) for the pagination the
 * fiches' lengths give. The sommaire and openers show where fiches start, which depends on how many pages come
 * before them: printed for `front` pages (a guess, or what the previous build found), read back, and printed again
 * in the rare case the front took another number of pages.
 */
export async function printFrame(print: (doc: RenderedDoc, options: PrintOptions) => Promise<Uint8Array>, kit: Kit, lengths: Map<number, number>, extras: BookletExtras & { recto?: boolean; front?: number }, signal?: AbortSignal): Promise<PrintedFrame> {
  let front = extras.front ?? (extras.changes ? 5 : 4);
  let back = 1;
  for (let attempt = 0; attempt < 4; attempt++) {
    const plan = planBooklet(kit, lengths, front, back, extras.recto);
    const bytes = await print(renderFrame(kit, plan.starts, extras), { signal, outline: true });
    const doc = await PDFDocument.load(bytes, { updateMetadata: false });
    const layout = readFrameLayout(kit, readOutline(doc), doc.getPageCount());
    if (layout.front === front && layout.back === back) return { bytes, plan, layout };
    front = layout.front;
    back = layout.back;
  }
  throw new PrintError(`livret « ${kit.config.title} » : la pagination du sommaire ne se stabilise pas`);
}
