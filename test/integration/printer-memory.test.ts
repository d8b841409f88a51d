import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PDFDocument } from 'pdf-lib';
import type { Page } from 'puppeteer';
import type { BrowserHandle } from '../../src/browser.js';
import type { Kit } from '../../src/model.js';
import { COLLECT_EVERY, Printer } from '../../src/pipeline/print.js';
import { renderFicheBody, type RenderedDoc } from '../../src/pipeline/render.js';
import { prepareKits } from '../../src/prepare.js';
import { testBrowser } from '../helpers/browser.js';
import { FIXTURES } from '../helpers/fixtures.js';

/**
 * Issue 16, peak memory: a printer's tab is reused from one document to the next, and each document swapped out
 * leaves its DOM behind as garbage that Blink, with scripts disabled, hardly ever collects on its own. The printer
 * has the tab's renderer collect it every COLLECT_EVERY documents: the DOM nodes alive in the renderer (Blink's own
 * count, `Memory.getDOMCounters`) then stay those of the document in the tab, however many were printed.
 */
let browser: BrowserHandle;
let kit: Kit;

beforeAll(async () => {
  browser = await testBrowser();
  kit = (await prepareKits(path.join(FIXTURES, 'pipeline/sheets'), ['demo'])).kits[0]!;
});

afterAll(async () => {
  await browser?.close();
});

/** The DOM nodes alive in a page's renderer, garbage not yet collected included. */
async function domNodes(page: Page): Promise<number> {
  const session = await page.createCDPSession();
  try {
    return ((await session.send('Memory.getDOMCounters')) as { nodes: number }).nodes;
  } finally {
    await session.detach();
  }
}

describe('a printer tab reused for many documents', () => {
  it('has its renderer collect the documents it swapped out, every few documents', async () => {
    const printer = new Printer(browser.browser, 1);
    try {
      const docs: RenderedDoc[] = kit.fiches.map((f) => renderFicheBody(kit, f));
      const print = async (i: number) => {
        const bytes = await printer.print(docs[i % docs.length]!, { outline: false });
        expect((await PDFDocument.load(bytes)).getPageCount()).toBeGreaterThan(0);
      };
      await print(0);
      const page = (await browser.browser.pages()).find((p) => p.url().endsWith('/document.html'))!;
      const counts: number[] = [await domNodes(page)];
      for (let i = 1; i < 3 * COLLECT_EVERY; i++) {
        await print(i);
        // The collection runs after the print is returned, before the tab is given back.
        await printer.collected();
        counts.push(await domNodes(page));
      }
      // Without collections the count climbs with every document (each one adds its whole DOM)…
      const largest = Math.max(...counts.slice(0, COLLECT_EVERY - 1));
      expect(counts[COLLECT_EVERY - 2]!).toBeGreaterThan(counts[0]!);
      // …and right after each collection it is back to one document's worth, the one in the tab.
      for (let n = COLLECT_EVERY; n <= counts.length; n += COLLECT_EVERY) {
        expect(counts[n - 1]!, `after ${n} documents: ${counts.join(', ')}`).toBeLessThan(largest);
        expect(counts[n - 1]!, `after ${n} documents: ${counts.join(', ')}`).toBeLessThanOrEqual(2 * Math.max(...counts.slice(0, 1)));
      }
    } finally {
      await printer.close();
    }
  });
});

describe('the browser a build launches', () => {
  it('opens no page of its own interface (the address bar popup), which would take a renderer of its own', async () => {
    const printer = new Printer(browser.browser, 1);
    try {
      await printer.print(renderFicheBody(kit, kit.fiches[0]!), { outline: false });
    } finally {
      await printer.close();
    }
    const urls = browser.browser.targets().map((t) => t.url());
    expect(urls.filter((u) => u.startsWith('chrome://')), urls.join(' | ')).toEqual([]);
  });
});
