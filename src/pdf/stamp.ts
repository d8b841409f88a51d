/**
 * Running headers, footers and folios drawn on printed pages after the fact, as pagination artifacts
 * (`/Artifact <</Type /Pagination /Subtype /Header>> BDC … EMC`): a fiche's body is printed once, and each PDF it
 * goes into (the fiche alone, its booklet) gets its own. They are set in Source Sans 3 from the Fontsource package,
 * the font Chromium sets them in, embedded as a subset of the glyphs used, and stay text a reader can select and
 * search; placed where Chromium's CSS margin boxes put them (8 pt, the kit's accent colour).
 */
import { readFileSync } from 'node:fs';
import { inflateSync } from 'node:zlib';
import path from 'node:path';
import * as fontkit from 'fontkit';
import { createHash } from 'node:crypto';
import { PDFArray, PDFDict, PDFName, PDFRawStream, PDFRef, type PDFDocument, type PDFFont, type PDFPage } from 'pdf-lib';
import { FONT_PACKAGES } from '../assets.js';
import { flateStream } from './objects.js';

/** The two weights the margin boxes use. */
export type StampWeight = 400 | 600;

/** One line of text in a margin box. */
export interface StampText {
  text: string;
  weight: StampWeight;
  /** Where the line sits: its left edge, its centre or its right edge at `x`. */
  align: 'left' | 'center' | 'right';
  x: number;
  /** Baseline, in points from the bottom of the page. */
  y: number;
  /** Header or footer, for the artifact's subtype. */
  place: 'Header' | 'Footer';
}

/** Font size of the margin boxes, in points (templates: 8pt). */
export const STAMP_SIZE = 8;

/** Where Chromium puts the margin boxes of an A4 page with kitess.css's margins (measured on its PDFs). */
export const MARGIN_BOXES = {
  left: 48,
  right: 547.52,
  center: 297.82,
  /** Baselines, from the top of the page for the header, from the bottom for the footer. */
  headerFromTop: 29.25,
  footerFromBottom: 22.17,
} as const;

/** An OpenType font as bytes, from a WOFF 1.0 file (ISO/IEC 14496-22): each table inflated, the directory rewritten. */
export function woffToSfnt(woff: Uint8Array): Uint8Array {
  const b = Buffer.from(woff.buffer, woff.byteOffset, woff.byteLength);
  if (b.toString('latin1', 0, 4) !== 'wOFF') throw new Error('not a WOFF font');
  const flavor = b.readUInt32BE(4);
  const count = b.readUInt16BE(12);
  const tables: { tag: string; checksum: number; data: Buffer }[] = [];
  for (let i = 0; i < count; i++) {
    const at = 44 + 20 * i;
    const offset = b.readUInt32BE(at + 4);
    const compressed = b.readUInt32BE(at + 8);
    const length = b.readUInt32BE(at + 12);
    const raw = b.subarray(offset, offset + compressed);
    tables.push({ tag: b.toString('latin1', at, at + 4), checksum: b.readUInt32BE(at + 16), data: compressed < length ? inflateSync(raw) : Buffer.from(raw) });
  }
  let search = 1;
  let log = 0;
  while (search * 2 <= count) {
    search *= 2;
    log++;
  }
  const head = Buffer.alloc(12 + 16 * count);
  head.writeUInt32BE(flavor, 0);
  head.writeUInt16BE(count, 4);
  head.writeUInt16BE(search * 16, 6);
  head.writeUInt16BE(log, 8);
  head.writeUInt16BE(count * 16 - search * 16, 10);
  const parts: Buffer[] = [head];
  let offset = head.length;
  tables.forEach((t, i) => {
    const at = 12 + 16 * i;
    head.write(t.tag, at, 'latin1');
    head.writeUInt32BE(t.checksum, at + 4);
    head.writeUInt32BE(offset, at + 8);
    head.writeUInt32BE(t.data.length, at + 12);
    const padded = (t.data.length + 3) & ~3;
    parts.push(t.data, Buffer.alloc(padded - t.data.length));
    offset += padded;
  });
  return new Uint8Array(Buffer.concat(parts));
}

/** The Fontsource files of a weight: latin first, then latin-ext for what latin lacks. */
const SUBSETS = ['latin', 'latin-ext'] as const;

interface SourceFont {
  bytes: Uint8Array;
  font: fontkit.Font;
}

const sources = new Map<string, SourceFont>();

function sourceFont(weight: StampWeight, subset: (typeof SUBSETS)[number]): SourceFont {
  const key = `${weight}-${subset}`;
  let found = sources.get(key);
  if (!found) {
    const file = path.join(FONT_PACKAGES['source-sans-3']!, 'files', `source-sans-3-${subset}-${weight}-normal.woff`);
    const bytes = woffToSfnt(readFileSync(file));
    found = { bytes, font: fontkit.create(Buffer.from(bytes)) as fontkit.Font };
    sources.set(key, found);
  }
  return found;
}

/** Splits a text into runs set in one Fontsource file each. */
function runs(text: string, weight: StampWeight): { text: string; subset: (typeof SUBSETS)[number] }[] {
  const out: { text: string; subset: (typeof SUBSETS)[number] }[] = [];
  for (const char of text) {
    const cp = char.codePointAt(0)!;
    const subset = SUBSETS.find((s) => sourceFont(weight, s).font.hasGlyphForCodePoint(cp)) ?? 'latin';
    const last = out[out.length - 1];
    if (last && last.subset === subset) last.text += char;
    else out.push({ text: char, subset });
  }
  return out;
}

/**
 * fontkit 2 as pdf-lib 1.17 calls it: pdf-lib was written against its own fork of fontkit 1, whose subsets
 * stream their bytes (`encodeStream`); fontkit 2's return them at once (`encode`).
 */
const FONTKIT_FOR_PDF_LIB = {
  create(data: Uint8Array) {
    // The same Fontsource file for every document: read once, its layouts kept (pdf-lib lays out each text it
    // encodes), its subsets made per document.
    let font = adapted.get(data);
    if (!font) {
      const base = fontkit.create(Buffer.from(data)) as fontkit.Font & { createSubset(): { encode(): Uint8Array } };
      canonicalGlyphs(base);
      const createSubset = base.createSubset.bind(base);
      const layout = base.layout.bind(base);
      const layouts = new Map<string, fontkit.GlyphRun>();
      font = Object.assign(Object.create(base) as typeof base, {
        layout(text: string, features?: unknown) {
          if (features !== undefined) return layout(text, features as never);
          let run = layouts.get(text);
          if (!run) layouts.set(text, (run = layout(text)));
          return run;
        },
        createSubset() {
          const subset = createSubset();
          return Object.assign(subset, {
            encodeStream() {
              const handlers = new Map<string, (value?: unknown) => void>();
              setImmediate(() => {
                try {
                  handlers.get('data')?.(subset.encode());
                  handlers.get('end')?.();
                } catch (error) {
                  handlers.get('error')?.(error);
                }
              });
              const stream = {
                on(event: string, handler: (value?: unknown) => void) {
                  handlers.set(event, handler);
                  return stream;
                },
              };
              return stream;
            },
          });
        },
      });
      adapted.set(data, font);
    }
    return font;
  },
};
const adapted = new WeakMap<Uint8Array, object>();

/**
 * fontkit keeps each glyph it makes with the characters it was made for, and pdf-lib maps the glyph back to them in
 * the PDF's ToUnicode. Made by a text, a glyph drawn for several characters (the space and the no-break space) reads
 * as whichever came first in the process; made as the component of an accented capital a subset was encoded with
 * (« É » draws « E »), it reads as nothing at all. Either way the bytes depended on what the process had stamped
 * before: a one-fiche rebuild did not give the bytes of a clean build. Every glyph of the font's character map is
 * made here, before any text, for the lowest of its characters.
 */
function canonicalGlyphs(font: fontkit.Font): void {
  for (const cp of [...font.characterSet].sort((a, b) => a - b)) font.glyphForCodePoint(cp);
}

/** A run laid out: its width at the stamps' size, and after each glyph the TJ adjustment kerning makes. */
function setRun(text: string, weight: StampWeight, subset: (typeof SUBSETS)[number]): { width: number; kerns: number[] } {
  const font = FONTKIT_FOR_PDF_LIB.create(sourceFont(weight, subset).bytes) as fontkit.Font;
  const run = font.layout(text);
  const scale = 1000 / font.unitsPerEm;
  const kerns = run.glyphs.map((g, i) => (g.advanceWidth - run.positions[i]!.xAdvance) * scale);
  return { width: (run.advanceWidth / font.unitsPerEm) * STAMP_SIZE, kerns };
}

/** The stamp fonts of one document, embedded as subsets on first use. */
export class StampFonts {
  private readonly fonts = new Map<string, { font: PDFFont; name: string }>();

  constructor(private readonly doc: PDFDocument) {}

  async font(weight: StampWeight, subset: (typeof SUBSETS)[number]): Promise<{ font: PDFFont; name: string }> {
    const key = `${weight}-${subset}`;
    let f = this.fonts.get(key);
    if (!f) {
      this.doc.registerFontkit(FONTKIT_FOR_PDF_LIB as never);
      f = { font: await this.doc.embedFont(sourceFont(weight, subset).bytes, { subset: true }), name: `KitessStamp${weight}${subset === 'latin' ? '' : 'Ext'}` };
      this.fonts.set(key, f);
    }
    return f;
  }

  /** The width of a text at the stamps' size, kerning included (as Chromium sets it). */
  async width(text: string, weight: StampWeight): Promise<number> {
    let w = 0;
    for (const run of runs(text, weight)) w += setRun(run.text, weight, run.subset).width;
    return w;
  }

  /**
   * Writes the embedded subsets into the document (pdf-lib makes them at save time otherwise), each named with a
   * subset tag drawn from its glyphs (pdf-lib's is random): the same stamps give the same bytes.
   */
  async embed(): Promise<PDFRef[]> {
    const refs: PDFRef[] = [];
    const ctx = this.doc.context;
    for (const { font } of this.fonts.values()) {
      await font.embed();
      refs.push(font.ref);
      const type0 = ctx.lookup(font.ref);
      const descendants = type0 instanceof PDFDict ? type0.lookup(PDFName.of('DescendantFonts')) : undefined;
      const cid = descendants instanceof PDFArray ? descendants.lookup(0) : undefined;
      const descriptor = cid instanceof PDFDict ? cid.lookup(PDFName.of('FontDescriptor')) : undefined;
      const file = descriptor instanceof PDFDict ? descriptor.lookup(PDFName.of('FontFile2')) : undefined;
      if (!(type0 instanceof PDFDict) || !(cid instanceof PDFDict) || !(descriptor instanceof PDFDict) || !(file instanceof PDFRawStream)) continue;
      const digest = createHash('sha256').update(file.getContents()).digest();
      const tag = Array.from(digest.subarray(0, 6), (b) => String.fromCharCode(65 + (b % 26))).join('');
      const name = PDFName.of(`${tag}+${font.name.replace(/-\d+$/, '')}`);
      type0.set(PDFName.of('BaseFont'), name);
      cid.set(PDFName.of('BaseFont'), name);
      descriptor.set(PDFName.of('FontName'), name);
    }
    return refs;
  }

  /** The content-stream operations drawing the texts on a page, and the font resources they use. */
  async draw(texts: StampText[], colour: [number, number, number]): Promise<{ ops: string; fonts: Map<string, PDFRef> }> {
    const fonts = new Map<string, PDFRef>();
    const rgb = colour.map((c) => Number(c.toFixed(4))).join(' ');
    let ops = '';
    for (const place of ['Header', 'Footer'] as const) {
      const lines = texts.filter((t) => t.place === place);
      if (lines.length === 0) continue;
      ops += `/Artifact <</Type /Pagination /Subtype /${place}>> BDC\nBT\n${rgb} rg\n`;
      for (const line of lines) {
        const width = await this.width(line.text, line.weight);
        let x = line.align === 'left' ? line.x : line.align === 'right' ? line.x - width : line.x - width / 2;
        for (const run of runs(line.text, line.weight)) {
          const { font, name } = await this.font(line.weight, run.subset);
          fonts.set(name, font.ref);
          // pdf-lib lays the text out as fontkit does here (same glyphs): its codes, 4 hex digits a glyph, and
          // after each glyph the kerning Chromium applies, in thousandths of the size.
          const hex = font.encodeText(run.text).toString().slice(1, -1);
          const set = setRun(run.text, line.weight, run.subset);
          const items = set.kerns.map((k, i) => `<${hex.slice(4 * i, 4 * i + 4)}>${k ? ` ${num(k)}` : ''}`);
          ops += `/${name} ${STAMP_SIZE} Tf\n1 0 0 1 ${num(x)} ${num(line.y)} Tm\n[${items.join(' ')}] TJ\n`;
          x += set.width;
        }
      }
      ops += 'ET\nEMC\n';
    }
    return { ops, fonts };
  }
}

function num(n: number): string {
  return String(Number(n.toFixed(3)));
}

/** The #rrggbb colour as PDF's 0–1 components. */
export function rgbOf(hex: string): [number, number, number] {
  const m = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex.trim());
  if (!m) return [0, 0, 0];
  return [parseInt(m[1]!, 16) / 255, parseInt(m[2]!, 16) / 255, parseInt(m[3]!, 16) / 255];
}

/**
 * Adds drawn operations to a page, after its own content, which is wrapped in `q … Q` so that whatever state it
 * leaves does not reach them; registers the fonts they use in the page's resources. Returns the objects changed.
 */
export function appendToPage(doc: PDFDocument, page: PDFPage, ops: string, fonts: Map<string, PDFRef>): PDFRef[] {
  const ctx = doc.context;
  const changed: PDFRef[] = [page.ref];
  const before = ctx.register(flateStream(ctx, Buffer.from('q\n', 'latin1')));
  const after = ctx.register(flateStream(ctx, Buffer.from(`Q\n${ops}`, 'latin1')));
  const contents = page.node.get(PDFName.of('Contents'));
  const list = contents instanceof PDFArray ? contents.asArray() : contents ? [contents] : [];
  page.node.set(PDFName.of('Contents'), ctx.obj([before, ...list, after]));
  if (fonts.size > 0) {
    const held = page.node.get(PDFName.of('Resources'));
    let resources = held instanceof PDFRef ? ctx.lookup(held) : held;
    if (!(resources instanceof PDFDict)) {
      resources = ctx.obj({}) as PDFDict;
      page.node.set(PDFName.of('Resources'), resources);
    }
    if (held instanceof PDFRef) changed.push(held);
    const heldFonts = (resources as PDFDict).get(PDFName.of('Font'));
    let fontDict = heldFonts instanceof PDFRef ? ctx.lookup(heldFonts) : heldFonts;
    if (!(fontDict instanceof PDFDict)) {
      fontDict = ctx.obj({}) as PDFDict;
      (resources as PDFDict).set(PDFName.of('Font'), fontDict);
    }
    if (heldFonts instanceof PDFRef) changed.push(heldFonts);
    for (const [name, ref] of fonts) (fontDict as PDFDict).set(PDFName.of(name), ref);
  }
  return changed;
}
