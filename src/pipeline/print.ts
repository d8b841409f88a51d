import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, HTTPRequest } from 'puppeteer';
import { FONT_PACKAGES, TEMPLATES_DIR } from '../assets.js';
import { PrintError, throwIfAborted } from '../errors.js';
import { DOC_ORIGIN, type RenderedDoc } from './render.js';

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

/** Answers one request of a page printing `doc`: the document itself, the build's own files, nothing else. */
export async function serveRequest(request: HTTPRequest, doc: RenderedDoc): Promise<void> {
  const url = request.url();
  if (url === `${DOC_ORIGIN}/document.html`) {
    return request.respond({ status: 200, contentType: 'text/html; charset=utf-8', body: doc.html });
  }
  const file = request.method() === 'GET' ? resolveAsset(url, doc.kitDir) : undefined;
  if (!file) return request.abort('blockedbyclient');
  try {
    const body = await readFile(file);
    return request.respond({ status: 200, contentType: ASSET_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream', body });
  } catch {
    return request.respond({ status: 404, body: '' });
  }
}

/** Options of one print. */
export interface PrintOptions {
  signal?: AbortSignal;
  /** Whether Chromium should write its heading outline (used to find where fiches start). */
  outline?: boolean;
}

/**
 * Prints one HTML document to PDF bytes in a new page of the given browser: offline (only the build's
 * own files are served), no script runs, and printing waits for fonts and images to be ready.
 */
export async function printPdf(browser: Browser, doc: RenderedDoc, options: PrintOptions = {}): Promise<Uint8Array> {
  throwIfAborted(options.signal);
  const page = await browser.newPage();
  try {
    await page.setJavaScriptEnabled(false);
    await page.setRequestInterception(true);
    page.on('request', (request) => {
      serveRequest(request, doc).catch(() => undefined);
    });
    const response = await page.goto(`${DOC_ORIGIN}/document.html`, { waitUntil: 'load', signal: options.signal } as never);
    if (!response?.ok()) throw new PrintError(`la page de « ${doc.title} » n'a pas pu être chargée`);
    const ready = await page.evaluate(async () => {
      await document.fonts.ready;
      await Promise.all([...document.images].map((img) => img.decode().catch(() => undefined)));
      const failed = [...document.fonts].filter((f) => f.status === 'error').map((f) => `${f.family} ${f.weight}`);
      const missingImages = [...document.images].filter((img) => !img.complete || img.naturalWidth === 0).map((img) => img.getAttribute('src'));
      return { failed, missingImages, loaded: [...document.fonts].filter((f) => f.status === 'loaded').length };
    });
    if (ready.failed.length > 0) throw new PrintError(`polices non chargées pour « ${doc.title} » : ${ready.failed.join(', ')}`);
    if (ready.missingImages.length > 0) throw new PrintError(`images non chargées pour « ${doc.title} » : ${ready.missingImages.join(', ')}`);
    if (ready.loaded === 0) throw new PrintError(`aucune police chargée pour « ${doc.title} »`);
    throwIfAborted(options.signal);
    return await page.pdf({
      printBackground: true,
      preferCSSPageSize: true,
      outline: options.outline ?? true,
      tagged: true,
      timeout: 120_000,
    });
  } catch (error) {
    if (error instanceof PrintError) throw error;
    throwIfAborted(options.signal);
    // Puppeteer's message is English: kept as the cause, shown with --debug.
    const why = (error as Error)?.name === 'TimeoutError' ? 'le navigateur n’a pas répondu à temps' : 'le navigateur s’est arrêté ou a refusé la page';
    throw new PrintError(`impression de « ${doc.title} » impossible : ${why} ; un navigateur qui répond est attendu (--debug donne le détail)`, { cause: error });
  } finally {
    await page.close().catch(() => undefined);
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
