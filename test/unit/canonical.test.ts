import { PDFDict, PDFDocument, PDFName, PDFRef, PDFString } from 'pdf-lib';
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

describe('structure ids renamed in tree order, then the IDTree sorted (reproducible builds, issue 16)', () => {
  it('gives a sorted IDTree when Chromium numbered the elements against the order of the tree', async () => {
    // Two elements whose Chromium ids run against the tree's order: the IDTree, sorted by those ids, lists the
    // second element first. Renamed in tree order, the ids no longer sort that way: the pass must sort again.
    const doc = await PDFDocument.create({ updateMetadata: false });
    doc.addPage();
    const ctx = doc.context;
    const root = ctx.nextRef();
    const [a, b] = [ctx.nextRef(), ctx.nextRef()];
    ctx.assign(a, ctx.obj({ Type: 'StructElem', S: 'P', P: root, ID: PDFString.of('node00000031') }));
    ctx.assign(b, ctx.obj({ Type: 'StructElem', S: 'P', P: root, ID: PDFString.of('node00000022') }));
    const names = [PDFString.of('node00000022'), b, PDFString.of('node00000031'), a];
    const leaf = ctx.register(ctx.obj({ Names: names, Limits: [names[0]!, names[2]!] }));
    ctx.assign(root, ctx.obj({ Type: 'StructTreeRoot', K: [a, b], IDTree: ctx.register(ctx.obj({ Kids: [leaf] })) }));
    doc.catalog.set(PDFName.of('StructTreeRoot'), root);
    doc.catalog.set(PDFName.of('MarkInfo'), ctx.obj({ Marked: true }));
    const { accessPiece } = await import('../../src/pipeline/access.js');
    const { bytes } = await accessPiece(await doc.save({ useObjectStreams: false }));
    const out = await PDFDocument.load(bytes, { updateMetadata: false });
    const tree = out.catalog.lookup(PDFName.of('StructTreeRoot'), PDFDict) as PDFDict;
    const leafOut = ((tree.lookup(PDFName.of('IDTree')) as PDFDict).lookup(PDFName.of('Kids')) as import('pdf-lib').PDFArray).lookup(0) as PDFDict;
    const keys = (leafOut.lookup(PDFName.of('Names')) as import('pdf-lib').PDFArray).asArray().filter((_, i) => i % 2 === 0).map((k) => (k as PDFString).decodeText());
    expect(keys).toEqual(['node00000001', 'node00000002']);
    const limits = (leafOut.lookup(PDFName.of('Limits')) as import('pdf-lib').PDFArray).asArray().map((k) => (k as PDFString).decodeText());
    expect(limits).toEqual(['node00000001', 'node00000002']);
  });
});
