import { PDFBool, PDFDict, PDFDocument, PDFHexString, PDFName, PDFNull, PDFNumber, PDFString, type PDFObject } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { nodeIdOf } from '../../src/pdf/ids.js';
import { writeDocument } from '../../src/pipeline/incremental.js';

describe('structure ids read without decoding every string (issue 16, assembly)', () => {
  // What pdf-lib's decoding says, which the shortcut must always agree with.
  const decoded = (value: PDFString | PDFHexString) => {
    const text = value.decodeText();
    return /^node\d+$/.test(text) ? text : undefined;
  };
  const strings: (PDFString | PDFHexString)[] = [
    PDFString.of('node12'),
    PDFString.of('node'),
    PDFString.of('node12a'),
    PDFString.of('xnode1'),
    PDFString.of(''),
    PDFString.of('\\156ode12'), // « n » escaped in octal
    PDFString.of('n\\157de3'),
    PDFString.of('\u00FE\u00FF\u0000n\u0000o\u0000d\u0000e\u00001'), // UTF-16BE with its byte-order mark
    PDFString.of('Titre (avec parenthèses\\)'),
    PDFHexString.fromText('node5'), // UTF-16BE
    PDFHexString.fromText('Été 2026, une longue phrase'),
    PDFHexString.of('6E6F646535'), // PDFDocEncoding, short
    PDFHexString.of('6e6f64653132333435'),
    PDFHexString.of('6E6F6465313233343536373839'),
    PDFHexString.of('4D6F6E207469747265206C6F6E67'),
    PDFHexString.of('FFFE6E006F00640065003700'), // UTF-16LE
    PDFHexString.of('FEFF004E006F00640065'),
  ];
  it('finds exactly the ids that decoding the strings finds, escaped or hexadecimal ones included', () => {
    const found = strings.map((s) => nodeIdOf(s));
    expect(found).toEqual(strings.map(decoded));
    expect(found.filter((f) => f !== undefined)).toEqual(['node12', 'node12', 'node3', 'node1', 'node5', 'node5', 'node12345', 'node123456789', 'node7']);
  });
});

describe('a document written as pdf-lib writes it (issue 16, assembly)', () => {
  it('writes every object, dictionaries and arrays of all kinds of values included, with the bytes pdf-lib gives it', async () => {
    const doc = await PDFDocument.create({ updateMetadata: false });
    const page = doc.addPage([595.28, 841.89]);
    const ctx = doc.context;
    const values: PDFObject[] = [
      PDFNumber.of(0),
      PDFNumber.of(-3),
      PDFNumber.of(70000),
      PDFNumber.of(0.000001),
      PDFNumber.of(12.5),
      PDFBool.True,
      PDFBool.False,
      PDFNull,
      PDFName.of('Nom avec espace#'),
      PDFString.of('texte (échappé\\)'),
      PDFHexString.fromText('Été'),
      page.ref,
    ];
    const nested = ctx.obj({ Inner: ctx.obj([1, [2, [3]], { Deep: 'Name' }]) }) as PDFDict;
    const refs = [ctx.register(ctx.obj(values)), ctx.register(nested), ctx.register(ctx.obj({ Empty: ctx.obj({}), List: ctx.obj([]) }))];
    page.node.set(PDFName.of('Extra'), ctx.obj(refs));
    const bytes = Buffer.from(writeDocument(doc));
    const text = bytes.toString('latin1');
    for (const [ref, obj] of ctx.enumerateIndirectObjects()) {
      const expected = Buffer.alloc(obj.sizeInBytes());
      obj.copyBytesInto(expected, 0);
      const head = `\n${ref.objectNumber} 0 obj\n`;
      const at = text.indexOf(head) + head.length;
      expect(at).toBeGreaterThan(head.length - 1);
      expect(bytes.subarray(at, at + expected.length).equals(expected)).toBe(true);
      expect(text.slice(at + expected.length, at + expected.length + 8)).toBe('\nendobj\n');
    }
    // And it reads back: the same page, the same values.
    const back = await PDFDocument.load(bytes, { updateMetadata: false });
    expect(back.getPageCount()).toBe(1);
    expect(back.getPage(0).getWidth()).toBeCloseTo(595.28, 2);
  });
});

describe('texts written as PDF hexadecimal strings (issue 16, assembly)', () => {
  it('gives the string pdf-lib gives, accents, symbols and characters outside the BMP included', async () => {
    const { hexText } = await import('../../src/pdf/objects.js');
    for (const text of ['', 'Fiche 5 – L’ESS (p. 12)', 'Été « guillemets »\u00A0!', 'émoji 😀 et \uD800 seul']) expect(hexText(text).asString()).toBe(PDFHexString.fromText(text).asString());
  });
});
