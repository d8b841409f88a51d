import { PDFDocument, PDFName, PDFRef, PDFString, type PDFDict } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { canonicalStructureNumbers } from '../../src/pdf/canonical.js';

/** A one-page tagged document whose two table headers Chromium stored at object numbers in either order. */
async function headers(swapped: boolean): Promise<Uint8Array> {
  const doc = await PDFDocument.create({ updateMetadata: false });
  doc.addPage();
  const ctx = doc.context;
  const root = ctx.nextRef();
  const [a, b] = [ctx.nextRef(), ctx.nextRef()];
  const [first, second] = swapped ? [b, a] : [a, b];
  const th = (id: string) => ctx.obj({ Type: 'StructElem', S: 'TH', P: root, ID: PDFString.of(id) }) as PDFDict;
  ctx.assign(first, th('node00000001'));
  ctx.assign(second, th('node00000002'));
  const names = swapped ? [PDFString.of('node00000002'), second, PDFString.of('node00000001'), first] : [PDFString.of('node00000001'), first, PDFString.of('node00000002'), second];
  const leaf = ctx.register(ctx.obj({ Names: names, Limits: [names[0]!, names[2]!] }));
  ctx.assign(root, ctx.obj({ Type: 'StructTreeRoot', K: [first, second], IDTree: ctx.register(ctx.obj({ Kids: [leaf] })) }));
  doc.catalog.set(PDFName.of('StructTreeRoot'), root);
  canonicalStructureNumbers(doc, (_: PDFRef) => undefined);
  return doc.save({ useObjectStreams: false });
}

describe('structure elements numbered in tree order (reproducible builds, issue 12)', () => {
  it('gives the same bytes whichever object numbers Chromium gave the same elements, and sorts the IDTree', async () => {
    const [plain, swapped] = await Promise.all([headers(false), headers(true)]);
    expect(Buffer.from(swapped).equals(Buffer.from(plain))).toBe(true);
    const text = Buffer.from(plain).toString('latin1');
    expect(text).toMatch(/\/Names \[ \(node00000001\) \d+ 0 R \(node00000002\) \d+ 0 R \]/);
  });
});
