import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { PDFDict, PDFDocument, PDFName } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserHandle } from '../../src/browser.js';
import type { Kit } from '../../src/model.js';
import { accessWithReport } from '../../src/pipeline/access.js';
import { finishPdf, loadPdf, type PdfMeta } from '../../src/pipeline/assemble.js';
import { printPdf } from '../../src/pipeline/print.js';
import { renderBooklet, renderFiche } from '../../src/pipeline/render.js';
import { checkPdf } from '../../src/pdfua/check.js';
import { prepareKits } from '../../src/prepare.js';
import { testBrowser } from '../helpers/browser.js';
import { FIXTURES, tempDir } from '../helpers/fixtures.js';
import { pdftotextReadingOrder, renders } from '../helpers/pdf.js';

/**
 * The accessibility pass on real Chromium output (issue 12): what it fixes, and that it changes nothing a
 * reader sees — poppler renders every page to the same pixels before and after.
 */
let browser: BrowserHandle;
let kit: Kit;
const dir = tempDir();
const before: Record<string, { bytes: Uint8Array; meta: PdfMeta }> = {};

beforeAll(async () => {
  browser = await testBrowser();
  const prepared = await prepareKits(path.join(FIXTURES, 'pipeline/sheets'), ['demo']);
  kit = prepared.kits[0]!;
  // The whole documents as Chromium prints them in one go (margin boxes included): the pass must handle those too.
  for (const [which, doc] of [
    ['fiche', renderFiche(kit, kit.fiches[0]!)],
    ['booklet', renderBooklet(kit, new Map(kit.fiches.map((f, i) => [f.number, 4 + i])))],
  ] as const) {
    const pdf = await loadPdf(await printPdf(browser.browser, doc, { outline: true }));
    const meta: PdfMeta = { title: doc.title, author: kit.config.publisher, subject: doc.subject, keywords: doc.keywords, date: new Date('2026-03-01T00:00:00Z'), producer: 'kitess test' };
    before[which] = { bytes: await finishPdf(pdf, meta), meta };
  }
});

afterAll(async () => {
  await browser?.close();
});

describe.each(['fiche', 'booklet'])('the pass over a %s printed by Chromium', (which) => {
  it('turns the failures the audit found into none', async () => {
    const { bytes, meta } = before[which]!;
    const failed = (await checkPdf(bytes)).map((f) => f.condition);
    for (const c of ['01-005', '02-001', '06-001', '09-005', '28-012', 'texte-U+00AD']) expect(failed).toContain(c);
    const { bytes: after, report } = await accessWithReport(bytes, meta);
    expect(report.failures).toEqual([]);
    expect(await checkPdf(after)).toEqual([]);
    expect(report.softHyphens).toBeGreaterThan(20);
  });

  it('renders every page to the same pixels before and after', async () => {
    const { bytes, meta } = before[which]!;
    const { bytes: after } = await accessWithReport(bytes, meta);
    const a = path.join(dir, `${which}-before.pdf`);
    const b = path.join(dir, `${which}-after.pdf`);
    writeFileSync(a, bytes);
    writeFileSync(b, after);
    const ra = renders(a, 60);
    const rb = renders(b, 60);
    expect(rb.length).toBe(ra.length);
    ra.forEach((page, i) => expect(page.equals(rb[i]!), `page ${i + 1}`).toBe(true));
    // Same words, without the soft hyphens.
    expect(pdftotextReadingOrder(b)).toBe(pdftotextReadingOrder(a).replaceAll('\u00AD', ''));
  });

  it('still finds in what it wrote what it cannot fix, as a fresh reading of the written bytes does', async () => {
    // Fonts without ToUnicode: no glyph of the text layer reads as anything (10-001), which the pass does not fix.
    const doc = await PDFDocument.load(before[which]!.bytes, { updateMetadata: false });
    for (const [, obj] of doc.context.enumerateIndirectObjects()) if (obj instanceof PDFDict) obj.delete(PDFName.of('ToUnicode'));
    const broken = await doc.save({ useObjectStreams: false });
    const { bytes: after, report } = await accessWithReport(broken, before[which]!.meta);
    expect(report.failures.map((f) => f.condition)).toContain('10-001');
    // The pass's own check of what it wrote: the same failures, same counts and pages, as the checker reading
    // the written file from scratch.
    expect(report.failures).toEqual(await checkPdf(after, { skip: ['06-002'], contrast: false }));
  });

  it('gives the same bytes for the same input', async () => {
    const { bytes, meta } = before[which]!;
    const one = await accessWithReport(bytes, meta);
    const two = await accessWithReport(bytes, meta);
    expect(Buffer.from(one.bytes).equals(Buffer.from(two.bytes))).toBe(true);
  });
});
