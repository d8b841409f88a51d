/** Small helpers over pdf-lib's object model: streams, resources, fonts, page content. */
import { deflateSync, inflateSync } from 'node:zlib';
import { decodePDFRawStream, ParseSpeeds, PDFArray, PDFDict, PDFHexString, PDFName, PDFNumber, PDFRawStream, PDFRef, PDFStream, type PDFContext, type PDFObject } from 'pdf-lib';
import { parseToUnicode, type ToUnicode } from './cmap.js';
import { Remembered } from '../remembered.js';

/**
 * pdf-lib's `PDFName.of` and `PDFRef.of`, which its parser calls for every name and reference it reads, answered
 * from a table first: `PDFName.of` decodes the name's `#xx` escapes with a regular expression and `PDFRef.of` builds
 * a string key at every call. pdf-lib pools both and never empties its pools, so the table gives the very objects
 * pdf-lib would.
 */
const pdfLibNameOf = PDFName.of.bind(PDFName);
const namesRead = new Map<string, PDFName>();
PDFName.of = (name: string): PDFName => {
  let found = namesRead.get(name);
  if (!found) namesRead.set(name, (found = pdfLibNameOf(name)));
  return found;
};
const pdfLibRefOf = PDFRef.of.bind(PDFRef);
const refsRead: PDFRef[] = [];
PDFRef.of = (objectNumber: number, generationNumber = 0): PDFRef => {
  if (generationNumber !== 0 || !Number.isInteger(objectNumber) || objectNumber < 0 || objectNumber > 1e7) return pdfLibRefOf(objectNumber, generationNumber);
  return (refsRead[objectNumber] ??= pdfLibRefOf(objectNumber, 0));
};

/**
 * `PDFNumber.of` for small whole numbers (lengths, counts, marked-content ids, widths…), from a table: pdf-lib makes a
 * new object for each number it reads and writes it out as text at once, in a slow way. A PDFNumber is never changed
 * once made (a new one replaces it), so one object for each such value reads and writes the same.
 */
const pdfLibNumberOf = PDFNumber.of.bind(PDFNumber);
const smallNumbers: PDFNumber[] = [];
PDFNumber.of = (value: number): PDFNumber => {
  if (!Number.isInteger(value) || value < 0 || value >= 65536 || Object.is(value, -0)) return pdfLibNumberOf(value);
  return (smallNumbers[value] ??= pdfLibNumberOf(value));
};

/**
 * How kitess reads a PDF it made or printed when nothing else waits on this thread: without pdf-lib's pause (a timer
 * of at least a millisecond) every 100 objects, its dates untouched. Same objects.
 */
export const READ_WITHOUT_PAUSES = { updateMetadata: false, parseSpeed: ParseSpeeds.Fastest } as const;

const HEX_DIGITS = '0123456789ABCDEF';

/**
 * `PDFHexString.fromText`, without its helpers' cost for each character: the text in UTF-16BE after a byte-order mark,
 * four upper-case hexadecimal digits a code unit. The same string.
 */
export function hexText(text: string): PDFHexString {
  let hex = 'FEFF';
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    hex += HEX_DIGITS[unit >> 12]! + HEX_DIGITS[(unit >> 8) & 15]! + HEX_DIGITS[(unit >> 4) & 15]! + HEX_DIGITS[unit & 15]!;
  }
  return PDFHexString.of(hex);
}

/** A PDF name: `PDFName.of`, which this module answers from its table of names already read (see above). */
export function pdfName(name: string): PDFName {
  return PDFName.of(name);
}

/** Streams made by kitess in this process, with the bytes they were made from: no need to inflate them again. */
const madeFrom = new WeakMap<PDFStream, Uint8Array>();

/** The decoded bytes of a stream. */
export function streamBytes(stream: PDFStream): Uint8Array {
  const made = madeFrom.get(stream);
  if (made) return made;
  const filter = stream.dict.lookup(pdfName('Filter'));
  const contents = stream.getContents();
  if (!filter) return contents;
  const name = filter instanceof PDFArray && filter.size() === 1 ? filter.lookup(0) : filter;
  if (name instanceof PDFName && name.asString() === '/FlateDecode' && !stream.dict.get(pdfName('DecodeParms'))) return inflateSync(contents);
  return decodePDFRawStream(stream as PDFRawStream).decode();
}

/**
 * Short streams compressed once each: the `q` and `Q` kitess puts around every stamped page's content are the same
 * few bytes on every page, and zlib sets up its whole state for each call. Same bytes (same input, same level).
 */
const SHORT = 16;
const shortPacked = new Remembered<string, Uint8Array>(256);
function packedShort(bytes: Uint8Array): Uint8Array {
  const key = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  return shortPacked.get(key, () => deflateSync(bytes, { level: 5 })).slice();
}

/** A new Flate-compressed stream holding `bytes`, with the given extra dictionary entries. */
export function flateStream(ctx: PDFContext, bytes: Uint8Array, entries: Record<string, PDFObject> = {}): PDFRawStream {
  // Level 5: within 3 % of Chromium's own compression (level 6), a quarter faster.
  const packed = bytes.length <= SHORT ? packedShort(bytes) : deflateSync(bytes, { level: 5 });
  const dict = ctx.obj({}) as PDFDict;
  for (const [k, v] of Object.entries(entries)) dict.set(pdfName(k), v);
  dict.set(pdfName('Filter'), pdfName('FlateDecode'));
  dict.set(pdfName('Length'), PDFNumber.of(packed.length));
  const stream = PDFRawStream.of(dict, packed);
  madeFrom.set(stream, bytes);
  return stream;
}

/** The name of a PDFName, without its slash (pdf-lib decodes `#xx` escapes each time: only when there are some). */
export function nameOf(obj: PDFObject | undefined): string | undefined {
  if (!(obj instanceof PDFName)) return undefined;
  const encoded = obj.asString();
  return encoded.includes('#') ? obj.decodeText() : encoded.slice(1);
}

/** Looks a key up in a dictionary, following references. */
export function get(dict: PDFDict | undefined, key: string): PDFObject | undefined {
  return dict?.lookup(pdfName(key));
}

/** A dictionary entry that is a dictionary (or a stream's dictionary), or undefined. */
export function getDict(dict: PDFDict | undefined, key: string): PDFDict | undefined {
  const v = get(dict, key);
  if (v instanceof PDFDict) return v;
  if (v instanceof PDFStream) return v.dict;
  return undefined;
}

/** The items of an array entry, or of a single value, following references. */
export function items(obj: PDFObject | undefined, ctx: PDFContext): PDFObject[] {
  if (obj instanceof PDFRef) obj = ctx.lookup(obj);
  if (obj instanceof PDFArray) return obj.asArray().map((o) => (o instanceof PDFRef ? ctx.lookup(o) ?? o : o));
  return obj === undefined ? [] : [obj];
}

/** A font as the content interpreter needs it: how to turn its codes into text. */
export interface FontInfo {
  ref: PDFRef | undefined;
  dict: PDFDict;
  subtype: string;
  toUnicode?: ToUnicode;
  /** The ToUnicode stream's reference, when the font has one. */
  toUnicodeRef?: PDFRef;
  /** Bytes per character code. */
  bytes: number;
}

const fontCache = new WeakMap<PDFDict, FontInfo>();

/** Reads a font dictionary once: its subtype, code width and ToUnicode table. */
export function fontInfo(dict: PDFDict, ref: PDFRef | undefined): FontInfo {
  const cached = fontCache.get(dict);
  if (cached) return cached;
  const subtype = nameOf(dict.get(pdfName('Subtype'))) ?? '';
  const tuRaw = dict.get(pdfName('ToUnicode'));
  const tuStream = tuRaw instanceof PDFRef ? dict.context.lookup(tuRaw) : tuRaw;
  const toUnicode = tuStream instanceof PDFStream ? parseToUnicode(Buffer.from(streamBytes(tuStream)).toString('latin1')) : undefined;
  const info: FontInfo = {
    ref,
    dict,
    subtype,
    bytes: subtype === 'Type0' ? (toUnicode?.bytes ?? 2) : 1,
    ...(toUnicode ? { toUnicode } : {}),
    ...(tuRaw instanceof PDFRef ? { toUnicodeRef: tuRaw } : {}),
  };
  fontCache.set(dict, info);
  return info;
}

/** The fonts of a resource dictionary, by resource name. */
export function fontsOf(resources: PDFDict | undefined): Map<string, FontInfo> {
  const fonts = new Map<string, FontInfo>();
  const dict = getDict(resources, 'Font');
  if (!dict) return fonts;
  for (const [key, value] of dict.entries()) {
    const font = value instanceof PDFRef ? dict.context.lookup(value) : value;
    if (font instanceof PDFDict) fonts.set(nameOf(key)!, fontInfo(font, value instanceof PDFRef ? value : undefined));
  }
  return fonts;
}

/** The streams of a page's /Contents, in order. */
export function contentStreams(page: PDFDict): { ref: PDFRef | undefined; stream: PDFStream }[] {
  const raw = page.get(pdfName('Contents'));
  const refs = raw instanceof PDFArray ? raw.asArray() : raw ? [raw] : [];
  const out: { ref: PDFRef | undefined; stream: PDFStream }[] = [];
  for (const r of refs) {
    const s = r instanceof PDFRef ? page.context.lookup(r) : r;
    if (s instanceof PDFArray) {
      for (const inner of s.asArray()) {
        const t = inner instanceof PDFRef ? page.context.lookup(inner) : inner;
        if (t instanceof PDFStream) out.push({ ref: inner instanceof PDFRef ? inner : undefined, stream: t });
      }
    } else if (s instanceof PDFStream) out.push({ ref: r instanceof PDFRef ? r : undefined, stream: s });
  }
  return out;
}

/** A page's content as one byte string: its streams joined by a line break, as viewers read them. */
export function pageContent(page: PDFDict): Uint8Array {
  const parts = contentStreams(page).map((c) => streamBytes(c.stream));
  if (parts.length === 1) return parts[0]!;
  const joined: Uint8Array[] = [];
  parts.forEach((p, i) => joined.push(...(i ? [new Uint8Array([0x0a])] : []), p));
  return new Uint8Array(Buffer.concat(joined));
}

/** The inherited value of a page attribute (Resources, MediaBox…). */
export function inherited(page: PDFDict, key: string): PDFObject | undefined {
  let node: PDFDict | undefined = page;
  for (let i = 0; node && i < 64; i++) {
    const v = node.lookup(pdfName(key));
    if (v !== undefined) return v;
    const parent: PDFObject | undefined = node.lookup(pdfName("Parent"));
    node = parent instanceof PDFDict ? parent : undefined;
  }
  return undefined;
}
