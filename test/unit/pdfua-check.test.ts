import { PDFArray, PDFDict, PDFDocument, PDFHexString, PDFName, PDFNumber, PDFRawStream, type PDFRef } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { checkDocument } from '../../src/pdfua/check.js';
import { CONDITIONS } from '../../src/pdfua/conditions.js';
import { xmpPacket } from '../../src/pdf/xmp.js';

/**
 * Small PDFs built by hand, each failing one condition of kitess's PDF/UA checker, next to one that passes:
 * a tagged page whose only text is a tagged paragraph, with XMP, language and title.
 */
interface Options {
  content?: string;
  /** Structure elements under Document: [type, kids (types or MCIDs), extra entries]. */
  tree?: (ctx: PDFDocument['context'], doc: PDFRef, page: PDFRef) => PDFRef[];
  roleMap?: Record<string, string>;
  xmp?: string | null;
  displayDocTitle?: boolean | null;
  lang?: string | null;
  toUnicode?: string;
  annots?: (ctx: PDFDocument['context'], page: PDFRef) => PDFRef[];
  tabs?: string | null;
}

const TOUNICODE = '1 begincodespacerange <0000> <FFFF> endcodespacerange 2 beginbfchar <0001> <0020> <0024> <0069> endbfchar';

async function make(o: Options = {}): Promise<PDFDocument> {
  const doc = await PDFDocument.create({ updateMetadata: false });
  const ctx = doc.context;
  const page = doc.addPage([595, 842]);
  const tu = ctx.register(PDFRawStream.of(ctx.obj({}), Buffer.from(o.toUnicode ?? TOUNICODE, 'latin1')));
  const fontFile = ctx.register(PDFRawStream.of(ctx.obj({}), new Uint8Array([0])));
  const descriptor = ctx.obj({ Type: 'FontDescriptor', FontName: 'X', FontFile2: fontFile });
  const cid = ctx.obj({ Type: 'Font', Subtype: 'CIDFontType2', BaseFont: 'X', CIDToGIDMap: 'Identity', FontDescriptor: descriptor, CIDSystemInfo: { Registry: PDFHexString.fromText('Adobe'), Ordering: PDFHexString.fromText('Identity'), Supplement: 0 } });
  const font = ctx.register(ctx.obj({ Type: 'Font', Subtype: 'Type0', BaseFont: 'X', Encoding: 'Identity-H', DescendantFonts: [ctx.register(cid)], ToUnicode: tu }));
  page.node.set(PDFName.of('Resources'), ctx.obj({ Font: { F1: font } }));
  const content = o.content ?? '/P <</MCID 0>> BDC BT /F1 10 Tf 1 0 0 1 50 400 Tm <0024> Tj ET EMC';
  page.node.set(PDFName.of('Contents'), ctx.register(PDFRawStream.of(ctx.obj({}), Buffer.from(content, 'latin1'))));
  page.node.set(PDFName.of('StructParents'), PDFNumber.of(0));
  const rootRef = ctx.nextRef();
  const docRef = ctx.nextRef();
  const kids = o.tree ? o.tree(ctx, docRef, page.ref) : [ctx.register(ctx.obj({ Type: 'StructElem', S: 'P', P: docRef, Pg: page.ref, K: 0 }))];
  // The first element holds MCID 0; only those whose parent is the Document are its kids.
  ctx.assign(docRef, ctx.obj({ Type: 'StructElem', S: 'Document', P: rootRef, K: kids.filter((k) => (ctx.lookup(k) as PDFDict).get(PDFName.of('P')) === docRef) }));
  const parents = ctx.obj([kids[0]!]);
  const root = ctx.obj({ Type: 'StructTreeRoot', K: docRef, ParentTree: { Nums: [0, parents] } }) as PDFDict;
  if (o.roleMap) root.set(PDFName.of('RoleMap'), ctx.obj(o.roleMap));
  if (o.annots) {
    const annots = o.annots(ctx, page.ref);
    page.node.set(PDFName.of('Annots'), ctx.obj(annots));
    const nums = (root.lookup(PDFName.of('ParentTree')) as PDFDict).lookup(PDFName.of('Nums')) as PDFArray;
    annots.forEach((a, i) => {
      const parent = (ctx.lookup(a) as PDFDict).get(PDFName.of('P'));
      nums.push(PDFNumber.of(1 + i));
      nums.push(parent ?? kids[0]!);
    });
    if (o.tabs !== null) page.node.set(PDFName.of('Tabs'), PDFName.of(o.tabs ?? 'S'));
  }
  ctx.assign(rootRef, root);
  doc.catalog.set(PDFName.of('StructTreeRoot'), rootRef);
  doc.catalog.set(PDFName.of('MarkInfo'), ctx.obj({ Marked: true }));
  if (o.lang !== null) doc.setLanguage(o.lang ?? 'fr-FR');
  if (o.displayDocTitle !== null) doc.catalog.set(PDFName.of('ViewerPreferences'), ctx.obj({ DisplayDocTitle: o.displayDocTitle ?? true }));
  const xmp = o.xmp === undefined ? xmpPacket({ title: 'Essai', author: 'RTES', subject: 'S', keywords: [], lang: 'fr-FR', producer: 'kitess', creatorTool: 'kitess', date: new Date(0), pdfua: true }) : o.xmp;
  if (xmp !== null) doc.catalog.set(PDFName.of('Metadata'), ctx.register(PDFRawStream.of(ctx.obj({ Type: 'Metadata', Subtype: 'XML' }), Buffer.from(xmp, 'utf8'))));
  return doc;
}

const conditions = async (o: Options) => checkDocument(await make(o)).map((f) => f.condition);

const elem = (ctx: PDFDocument['context'], type: string, parent: PDFRef, kids: unknown[], extra: Record<string, unknown> = {}) => {
  const ref = ctx.nextRef();
  ctx.assign(ref, ctx.obj({ Type: 'StructElem', S: type, P: parent, K: kids as never, ...(extra as object) }));
  return ref;
};

describe('kitess’s PDF/UA checker on small PDFs', () => {
  it('passes a small tagged PDF with XMP, language and title', async () => {
    expect(await conditions({})).toEqual([]);
    expect(Object.keys(CONDITIONS)).toContain('01-005');
  });

  it('01-003, 01-004, 01-005: artifacts in tagged content, tags in artifacts, content neither', async () => {
    expect(await conditions({ content: '/P <</MCID 0>> BDC BT /F1 10 Tf <0024> Tj ET EMC 0 0 5 5 re f' })).toEqual(['01-005']);
    expect(await conditions({ content: '/P <</MCID 0>> BDC /Artifact BMC 0 0 5 5 re f EMC EMC' })).toEqual(['01-003']);
    expect(await conditions({ content: '/Artifact BMC /P <</MCID 0>> BDC 0 0 5 5 re f EMC EMC' })).toEqual(['01-004']);
  });

  it('06-001 to 06-003, 07-001, 07-002, 11-001: document level', async () => {
    expect(await conditions({ xmp: null })).toEqual(['06-001']);
    expect(await conditions({ xmp: xmpPacket({ title: 'Essai', author: '', subject: '', keywords: [], lang: 'fr', producer: '', creatorTool: '', date: new Date(0), pdfua: false }) })).toEqual(['06-002']);
    expect(await conditions({ xmp: '<x:xmpmeta xmlns:x="adobe:ns:meta/"><pdfuaid:part>1</pdfuaid:part></x:xmpmeta>' })).toEqual(['06-003']);
    expect(await conditions({ displayDocTitle: null })).toEqual(['07-001']);
    expect(await conditions({ displayDocTitle: false })).toEqual(['07-002']);
    expect(await conditions({ lang: null })).toEqual(['11-001']);
  });

  it('02-001, 02-002, 02-003: role map', async () => {
    const strong = (ctx: PDFDocument['context'], doc: PDFRef, page: PDFRef) => [elem(ctx, 'Strong', doc, [0], { Pg: page })];
    expect(await conditions({ tree: strong })).toEqual(['02-001']);
    expect(await conditions({ tree: strong, roleMap: { Strong: 'Span' } })).toEqual([]);
    expect(await conditions({ tree: strong, roleMap: { Strong: 'Gras', Gras: 'Strong' } })).toEqual(['02-002']);
    expect(await conditions({ roleMap: { P: 'Span' } })).toEqual(['02-003']);
  });

  it('09-005, 09-006: lists of Lbl and LBody, tables of contents of TOCI', async () => {
    const list = (inner: string) => (ctx: PDFDocument['context'], doc: PDFRef, page: PDFRef) => {
      const l = ctx.nextRef();
      const li = ctx.nextRef();
      const body = elem(ctx, inner, li, [0], { Pg: page });
      ctx.assign(li, ctx.obj({ Type: 'StructElem', S: 'LI', P: l, K: [body] }));
      ctx.assign(l, ctx.obj({ Type: 'StructElem', S: 'L', P: doc, K: [li] }));
      return [body, l];
    };
    expect(await conditions({ tree: list('LBody') })).toEqual([]);
    expect(await conditions({ tree: list('NonStruct') })).toEqual(['09-005']);
    const toc = (ctx: PDFDocument['context'], doc: PDFRef, page: PDFRef) => {
      const l = ctx.nextRef();
      const item = elem(ctx, 'TOCI', l, [0], { Pg: page });
      ctx.assign(l, ctx.obj({ Type: 'StructElem', S: 'L', P: doc, K: [item] }));
      return [item, l];
    };
    expect(await conditions({ tree: toc })).toEqual(expect.arrayContaining(['09-006']));
  });

  it('13-004, 14-002, 14-003: figures need a text, headings start at H1 and skip no level', async () => {
    expect(await conditions({ tree: (ctx, doc, page) => [elem(ctx, 'Figure', doc, [0], { Pg: page })] })).toEqual(['13-004']);
    expect(await conditions({ tree: (ctx, doc, page) => [elem(ctx, 'Figure', doc, [0], { Pg: page, Alt: PDFHexString.fromText('Un schéma') })] })).toEqual([]);
    expect(await conditions({ lang: null, tree: (ctx, doc, page) => [elem(ctx, 'Figure', doc, [0], { Pg: page, Alt: PDFHexString.fromText('Un schéma') })] })).toEqual(['11-001', '11-002']);
    expect(await conditions({ tree: (ctx, doc, page) => [elem(ctx, 'H2', doc, [0], { Pg: page })] })).toEqual(['14-002']);
    expect(await conditions({ tree: (ctx, doc, page) => [elem(ctx, 'H1', doc, [0], { Pg: page }), elem(ctx, 'H3', doc, [], { Pg: page })] })).toEqual(['14-003']);
  });

  it('28-008, 28-009, 28-011, 28-012: links are tagged Link, described, in tab order', async () => {
    const link = (contents: boolean, inLink: boolean) => (ctx: PDFDocument['context'], page: PDFRef) => {
      const annot = ctx.obj({ Type: 'Annot', Subtype: 'Link', Rect: [0, 0, 10, 10], StructParent: 1, A: { S: 'URI', URI: PDFHexString.fromText('https://rtes.fr/') } }) as PDFDict;
      if (contents) annot.set(PDFName.of('Contents'), PDFHexString.fromText('https://rtes.fr/'));
      const ref = ctx.register(annot);
      if (inLink) annot.set(PDFName.of('P'), ctx.register(ctx.obj({ Type: 'StructElem', S: 'Link', K: { Type: 'OBJR', Obj: ref, Pg: page } })));
      return [ref];
    };
    expect(await conditions({ annots: link(true, true) })).toEqual([]);
    expect(await conditions({ annots: link(false, true) })).toEqual(['28-012']);
    expect(await conditions({ annots: link(true, false) })).toEqual(['28-011']);
    expect(await conditions({ annots: link(true, true), tabs: null })).toEqual(['28-008']);
    expect(await conditions({ annots: link(true, true), tabs: 'R' })).toEqual(['28-009']);
    expect(await conditions({ annots: link(true, true), lang: null })).toEqual(['11-001', '11-004']);
  });

  it('10-001, 31-028, texte-U+00AD: every glyph reads as Unicode, never U+0000 nor a soft hyphen', async () => {
    expect(await conditions({ content: '/P <</MCID 0>> BDC BT /F1 10 Tf <0099> Tj ET EMC' })).toEqual(['10-001']);
    expect(await conditions({ toUnicode: `${TOUNICODE} 1 beginbfchar <0081> <0000> endbfchar` })).toEqual(['31-028']);
    expect(await conditions({ content: '/P <</MCID 0>> BDC BT /F1 10 Tf <0024> Tj /Span <</ActualText <feff00ad>>> BDC <0001> Tj EMC ET EMC' })).toEqual(['texte-U+00AD']);
  });

  it('contrast: a pale text on a pale band fails, the same text on white passes', async () => {
    const band = '/Artifact BMC .925 .953 .937 rg 0 300 595 200 re f EMC ';
    expect(await conditions({ content: `${band}/P <</MCID 0>> BDC .1843 .4902 .3098 rg BT /F1 10 Tf 1 0 0 1 50 400 Tm <0024> Tj ET EMC` })).toEqual(['contraste']);
    expect(await conditions({ content: `/P <</MCID 0>> BDC .1843 .4902 .3098 rg BT /F1 10 Tf 1 0 0 1 50 400 Tm <0024> Tj ET EMC` })).toEqual([]);
  });

  it('contrast: a border drawn as an even-odd ring is no background; a rounded white card on a dark page is', async () => {
    const text = '/P <</MCID 0>> BDC .11 .11 .11 rg BT /F1 10 Tf 1 0 0 1 50 400 Tm <0024> Tj ET EMC';
    const ring = '/Artifact BMC .18 .49 .31 rg 0 300 595 200 re 10 310 575 180 re f* EMC ';
    expect(await conditions({ content: ring + text })).toEqual([]);
    const page = '/Artifact BMC .18 .49 .31 rg 0 0 595 842 re f EMC ';
    const card = '/Artifact BMC 1 1 1 rg 20 300 m 500 300 l 520 300 520 320 520 320 c 520 480 l 20 480 l h f EMC ';
    expect(await conditions({ content: page + text })).toEqual(['contraste']);
    expect(await conditions({ content: page + card + text })).toEqual([]);
  });
});
