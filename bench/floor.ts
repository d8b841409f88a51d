/**
 * The bench's floors: plain Puppeteer scripts that print every PDF a build outputs, each from its final HTML,
 * run as a child process (`node build/bench/floor.js <config.json>`) and timed by the bench like a build.
 *
 * - `reuse`, the floor the targets are measured against (issue 16): one browser, one tab per worker loaded once
 *   with the theme's stylesheets and fonts, each document swapped into it and printed once with page.pdf —
 *   nothing else (no pdf-lib, no second print, no publication).
 * - `newtab`, the floor of issue 8, kept as a second row: a new tab per document, its page loaded through request
 *   interception (fonts included), as kitess printed before issue 16.
 * - `pieces`, what printing alone costs kitess's way: the reuse floor's method, printing only the distinct pages —
 *   each fiche's body once, each booklet's own pages once (cover, sommaire, openers, back) — and nothing else:
 *   no accessibility pass, no assembly, no web edition (its documents prepared first, as in the other floors).
 *
 * - `grouped`, the cheapest printing of those distinct pages found: the same pages, but each kit's fiche bodies
 *   printed in as many documents as there are workers (each body starting on a new page) instead of one document
 *   per fiche — what printing alone would cost if the per-document overhead went away (issue 16's blocker).
 *
 * All prepare the documents the same way (prepareKits, renderFiche, renderBooklet with the booklet's final
 * pagination, read back from the clean build) and report that time apart.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer';
import { CHROMIUM_FLAGS, resolveBrowser } from '../src/browser.js';
import { serveRequest } from '../src/pipeline/print.js';
import { DOC_ORIGIN, documentHtml, renderBooklet, renderFiche, renderFicheBody, renderFrame, type RenderedDoc } from '../src/pipeline/render.js';
import { prepareKits, selectKits } from '../src/prepare.js';

/** What the bench gives a floor. */
export interface FloorConfig {
  mode: 'reuse' | 'newtab' | 'pieces' | 'grouped';
  sheetsDir: string;
  outDir: string;
  /** Final start page of each fiche in each booklet, as the clean build found them: kit id → [number, page][]. */
  starts: Record<string, [number, number][]>;
  /** The fiches the clean build published (its manifest), per kit: the floor prints exactly those. */
  fiches: Record<string, number[]>;
  concurrency: number;
}

/** What a floor reports on its standard output. */
export interface FloorReport {
  /** From process start to every HTML document rendered (Node start-up, imports, prepareKits, render). */
  prepMs: number;
  /** From browser launch to browser closed (every document printed and written). */
  printMs: number;
  documents: number;
  browserVersion: string;
}

const PDF_OPTIONS = { printBackground: true, preferCSSPageSize: true, outline: true, tagged: true, timeout: 120_000 } as const;

/** The issue 8 floor: a new tab per document, loaded through request interception. */
async function printInNewTab(browser: Browser, doc: RenderedDoc): Promise<Uint8Array> {
  const page = await browser.newPage();
  try {
    await page.setRequestInterception(true);
    page.on('request', (request) => {
      serveRequest(request, doc).catch(() => undefined);
    });
    await page.goto(`${DOC_ORIGIN}/document.html`, { waitUntil: 'load' });
    return await page.pdf(PDF_OPTIONS);
  } finally {
    await page.close();
  }
}

/** A worker's tab of the reuse floor: loaded once with every stylesheet, then each document swapped in. */
async function reusedTab(browser: Browser, current: { doc?: RenderedDoc }): Promise<Page> {
  const page = await browser.newPage();
  await page.setRequestInterception(true);
  const shell = documentHtml({ title: '', style: '', bleed: true, bodyClass: '', body: '' }).replace('href="/templates/print-bleed.css"', 'href="/templates/print-bleed.css" id="bleed"').replace('<style>', '<style id="style">');
  page.on('request', (request) => {
    const doc = current.doc ?? ({ html: shell } as RenderedDoc);
    serveRequest(request, { ...doc, html: shell }).catch(() => undefined);
  });
  await page.goto(`${DOC_ORIGIN}/document.html`, { waitUntil: 'load' });
  return page;
}

async function printInReusedTab(page: Page, doc: RenderedDoc): Promise<Uint8Array> {
  await page.evaluate(async (p) => {
    document.documentElement.className = p.bleed ? 'print-bleed' : '';
    (document.getElementById('bleed') as HTMLLinkElement).disabled = !p.bleed;
    document.getElementById('style')!.textContent = p.style;
    document.body.className = p.bodyClass;
    document.body.innerHTML = p.body;
    await document.fonts.ready;
    await Promise.all([...document.images].map((img) => img.decode().catch(() => undefined)));
  }, doc.parts);
  return page.pdf(PDF_OPTIONS);
}

/** A kit's fiche bodies in `groups` documents, each body starting on a new page (they share one stylesheet). */
function groupedBodies(bodies: RenderedDoc[], groups: number): RenderedDoc[] {
  const n = Math.min(groups, bodies.length);
  return Array.from({ length: n }, (_, g) => {
    const group = bodies.slice(Math.floor((g * bodies.length) / n), Math.floor(((g + 1) * bodies.length) / n));
    const body = group.map((doc, i) => (i ? '<div style="break-before: page"></div>' : '') + doc.parts.body).join('');
    return { ...group[0]!, parts: { ...group[0]!.parts, body } };
  });
}

async function main(configPath: string): Promise<void> {
  const config = JSON.parse(await readFile(configPath, 'utf8')) as FloorConfig;
  const ids = await selectKits(config.sheetsDir);
  const prepared = await prepareKits(config.sheetsDir, ids);
  const kits = prepared.kits
    .filter((kit) => config.fiches[kit.id])
    .map((kit) => ({ ...kit, fiches: kit.fiches.filter((f) => config.fiches[kit.id]!.includes(f.number)) }));
  const docs: RenderedDoc[] = [];
  const pieces = config.mode === 'pieces' || config.mode === 'grouped';
  for (const kit of kits) {
    if (config.mode === 'grouped') docs.push(...groupedBodies(kit.fiches.map((fiche) => renderFicheBody(kit, fiche)), config.concurrency));
    else for (const fiche of kit.fiches) docs.push(pieces ? renderFicheBody(kit, fiche) : renderFiche(kit, fiche));
  }
  for (const kit of kits) {
    const starts = new Map(config.starts[kit.id] ?? []);
    docs.push(pieces ? renderFrame(kit, starts, { collection: prepared.collection }) : renderBooklet(kit, starts, { collection: prepared.collection }));
  }
  const prepMs = performance.now();

  const args = [...CHROMIUM_FLAGS];
  if (process.getuid?.() === 0) args.push('--no-sandbox');
  const browser = await puppeteer.launch({ executablePath: resolveBrowser().executablePath, headless: true, args, pipe: true });
  const browserVersion = await browser.version();
  await mkdir(config.outDir, { recursive: true });
  let next = 0;
  const worker = async () => {
    const current: { doc?: RenderedDoc } = {};
    const page = config.mode === 'newtab' ? undefined : await reusedTab(browser, current);
    while (next < docs.length) {
      const i = next++;
      current.doc = docs[i]!;
      const bytes = page ? await printInReusedTab(page, docs[i]!) : await printInNewTab(browser, docs[i]!);
      await writeFile(path.join(config.outDir, `${String(i).padStart(3, '0')}.pdf`), bytes);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(config.concurrency, docs.length) }, worker));
  } finally {
    await browser.close();
  }
  const report: FloorReport = { prepMs, printMs: performance.now() - prepMs, documents: docs.length, browserVersion };
  process.stdout.write(`${JSON.stringify({ floor: report })}\n`);
}

await main(process.argv[2]!);
