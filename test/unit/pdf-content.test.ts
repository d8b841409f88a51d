import { PDFDocument, PDFName, PDFRawStream } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { charCodes, parseToUnicode, writeToUnicode } from '../../src/pdf/cmap.js';
import { applyEdits, PdfBytes, PdfName, readContent, tokenize } from '../../src/pdf/content.js';
import { contentFixes, joinRuns } from '../../src/pdf/content-pass.js';
import { contrastRatio } from '../../src/pdfua/check.js';

const bytes = (s: string) => new Uint8Array(Buffer.from(s, 'latin1'));
const text = (b: Uint8Array) => Buffer.from(b).toString('latin1');

describe('content-stream tokenizer', () => {
  it('reads operators with their operands and byte ranges', () => {
    const src = '.1843 .4902 .3098 RG 0 0 0 rg\nBT /F4 10.66 Tf 1 0 0 -1 64 39 Tm <000c> Tj [(a) -20 (b\\)c)] TJ ET';
    const ops = tokenize(bytes(src));
    expect(ops.map((o) => o.op)).toEqual(['RG', 'rg', 'BT', 'Tf', 'Tm', 'Tj', 'TJ', 'ET']);
    // « 0 0 0 rg » is three numbers and an operator, not the reference « 0 0 R » (pdf-lib's object parser reads it so).
    expect(ops[1]!.operands).toEqual([0, 0, 0]);
    expect(ops[0]!.operands[0]).toBeCloseTo(0.1843, 6);
    expect((ops[3]!.operands[0] as PdfName).value).toBe('F4');
    expect(text((ops[5]!.operands[0] as PdfBytes).bytes)).toBe('\x00\x0c');
    const tj = ops[6]!.operands[0] as unknown[];
    expect(text((tj[2] as PdfBytes).bytes)).toBe('b)c');
    for (const op of ops) expect(src.slice(op.start, op.end)).toMatch(new RegExp(`${op.op.replace('*', '\\*')}$`));
  });

  it('reads marked-content properties, names with escapes and inline images', () => {
    const src = '/Span<</ActualText <feff00ad> >> BDC /A#20b BMC EMC EMC BI /W 1 /H 1 /BPC 8 /CS /G ID \x00\xff EI Q';
    const ops = tokenize(bytes(src));
    expect(ops.map((o) => o.op)).toEqual(['BDC', 'BMC', 'EMC', 'EMC', 'BI', 'Q']);
    const props = ops[0]!.operands[1] as Map<string, PdfBytes>;
    expect([...props.get('ActualText')!.bytes]).toEqual([0xfe, 0xff, 0x00, 0xad]);
    expect((ops[1]!.operands[0] as PdfName).value).toBe('A b');
    expect([...ops[4]!.image!.data]).toEqual([0x00, 0xff]);
  });

  it('applies edits and copies every untouched byte as it was', () => {
    const src = bytes('q 1 0 0 1 5 5 cm BT <01> Tj ET Q');
    const ops = tokenize(src);
    const bt = ops.find((o) => o.op === 'BT')!;
    const et = ops.find((o) => o.op === 'ET')!;
    const out = applyEdits(src, [
      { from: bt.start, to: bt.start, insert: '/Artifact BMC\n' },
      { from: et.end, to: et.end, insert: '\nEMC' },
    ]);
    expect(text(out)).toBe('q 1 0 0 1 5 5 cm /Artifact BMC\nBT <01> Tj ET\nEMC Q');
  });

  it('refuses a stream it cannot read, saying where', () => {
    expect(() => tokenize(bytes('BT (never closed Tj'))).toThrow(/octet/);
  });
});

describe('ToUnicode CMaps', () => {
  const cmap = `/CIDInit /ProcSet findresource begin 12 dict begin begincmap
1 begincodespacerange <0000> <FFFF> endcodespacerange
2 beginbfchar <0001> <0020> <00a9> <02BC> endbfchar
1 beginbfrange <0010> <0012> <0041> endbfrange
1 beginbfrange <0081> <0082> [<00660066> <006600660069>] endbfrange
endcmap CMapName currentdict /CMap defineresource pop end end`;

  it('reads bfchar and both forms of bfrange', () => {
    const t = parseToUnicode(cmap);
    expect(t.bytes).toBe(2);
    expect(t.map.get(0x01)).toBe(' ');
    expect(t.map.get(0xa9)).toBe('\u02BC');
    expect(t.map.get(0x12)).toBe('C');
    expect(t.map.get(0x82)).toBe('ffi');
    expect(charCodes(new Uint8Array([0x00, 0x12, 0x00, 0x81]), 2)).toEqual([0x12, 0x81]);
  });

  it('writes a table back that reads the same', () => {
    const t = parseToUnicode(cmap);
    t.map.set(0xa9, '\u2019');
    const again = parseToUnicode(writeToUnicode(t));
    expect([...again.map]).toEqual([...t.map].sort((a, b) => a[0] - b[0]));
  });
});

describe('text runs', () => {
  it('joins lines with a space, after a hyphen without one, and across a line-end break without the hyphen', () => {
    const line = (t: string, y: number) => ({ text: t, first: y, last: y, firstX: 0, lastX: 100, size: 10 });
    expect(joinRuns(line('des', 100), line('centres-villes', 88)).text).toBe('des centres-villes');
    expect(joinRuns(line('centres-', 100), line('villes', 88)).text).toBe('centres-villes');
    expect(joinRuns(line('revitali\u00AD', 100), line('sation', 88)).text).toBe('revitalisation');
    expect(joinRuns({ text: '1', first: 5, last: 5, firstX: 0, lastX: 0, size: 10 }, { text: 'Titre', first: 5, last: 5, firstX: 30, lastX: 80, size: 10 }).text).toBe('1 Titre');
  });
});

describe('contrast', () => {
  it('computes WCAG ratios: the kicker of November on its band fails, the darker accent passes', () => {
    const hex = (h: string) => [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16) / 255) as [number, number, number];
    expect(contrastRatio([0, 0, 0], [1, 1, 1])).toBeCloseTo(21, 5);
    expect(contrastRatio(hex('#2f7d4f'), hex('#ecf3ef'))).toBeCloseTo(4.48, 1);
  });
});

describe('content fixes on a small stream', () => {
  async function resources() {
    const doc = await PDFDocument.create();
    const ctx = doc.context;
    const tu = PDFRawStream.of(ctx.obj({}), bytes('1 begincodespacerange <0000> <FFFF> endcodespacerange\n4 beginbfchar <0001> <0020> <0024> <0069> <00a9> <02BC> <0081> <0000> endbfchar'));
    const font = ctx.obj({ Type: 'Font', Subtype: 'Type0', BaseFont: 'X', Encoding: 'Identity-H', ToUnicode: ctx.register(tu) });
    const res = ctx.obj({ Font: { F1: ctx.register(font) } });
    return res;
  }

  it('drops the soft-hyphen glyph and its span but keeps its positioning, and marks headers, footers and decoration as artifacts', async () => {
    const src = [
      'BT /F1 10 Tf 1 0 0 1 50 800 Tm <0024> Tj ET',
      '/P <</MCID 0>> BDC BT /F1 10 Tf 1 0 0 1 50 400 Tm <0024> Tj',
      '/Span<</ActualText <feff00ad> >> BDC',
      '4.2 0 Td <0001> Tj',
      'EMC',
      '0 0 Td <0024> Tj',
      '/Span<</ActualText <feff006600ad0066> >> BDC 5 0 Td <0081> Tj 8 0 Td <0001> Tj EMC',
      '3 0 Td <00a9> Tj ET EMC',
      '/NonStruct <</MCID 1>> BDC 0 0 600 1 re f EMC',
      '0 0 10 10 re f',
      'BT /F1 8 Tf 1 0 0 1 50 20 Tm <0024> Tj ET',
    ].join('\n');
    const ops = readContent(bytes(src));
    const fixes = contentFixes(ops, (await resources()) as never, 842);
    const out = text(applyEdits(bytes(src), fixes.edits));
    expect(out).not.toMatch(/feff00ad>/i);
    expect(out).toContain('4.2 0 Td');
    expect(out).not.toContain('<0001> Tj');
    expect(out).toContain('/Span <</ActualText <feff00660066>>> BDC');
    expect(out).toContain('/Artifact <</Type /Pagination /Subtype /Header>> BDC\nBT /F1 10 Tf 1 0 0 1 50 800 Tm <0024> Tj ET\nEMC');
    expect(out).toContain('/Artifact <</Type /Pagination /Subtype /Footer>> BDC\nBT /F1 8 Tf');
    expect(out).toContain('/Artifact <</Type /Layout>> BDC\n0 0 10 10 re f\nEMC');
    expect(out).toContain('/Artifact <</Type /Layout>> BDC 0 0 600 1 re f EMC');
    expect(fixes.decorative).toEqual([1]);
    expect(fixes.text.get(0)!.text).toBe('iiff\u02BC');
    const glyphs = [...fixes.glyphs.values()][0]!;
    expect(glyphs.get(0x81)).toBe('ff');
    expect(fixes.fonts.size).toBe(1);
    // What is left is still a valid stream.
    expect(() => tokenize(bytes(out))).not.toThrow();
    void PDFName;
  });
});
