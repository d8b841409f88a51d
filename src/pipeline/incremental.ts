import { createHash } from 'node:crypto';
import { PDFArray, PDFBool, PDFDict, PDFHexString, PDFName, PDFNull, PDFNumber, PDFRawStream, PDFRef, PDFString, type PDFDocument, type PDFObject } from 'pdf-lib';

/** Byte offsets of a PDF's objects, from its one classic cross-reference table; undefined for any other layout. */
export function classicXref(bytes: Uint8Array): { offsets: Map<number, number>; startxref: number } | undefined {
  const tail = Buffer.from(bytes.subarray(Math.max(0, bytes.length - 1024))).toString('latin1');
  const m = /startxref\s+(\d+)\s+%%EOF\s*$/.exec(tail);
  if (!m) return undefined;
  const startxref = Number(m[1]);
  const head = Buffer.from(bytes.subarray(startxref, startxref + 64)).toString('latin1');
  const sub = /^xref\s+0\s+(\d+)\s*\n/.exec(head);
  if (!sub) return undefined;
  const count = Number(sub[1]);
  const tableStart = startxref + sub[0].length;
  const table = Buffer.from(bytes.subarray(tableStart, tableStart + count * 20)).toString('latin1');
  const trailer = Buffer.from(bytes.subarray(tableStart + count * 20, tableStart + count * 20 + 256)).toString('latin1');
  if (!/^\s*trailer/.test(trailer) || /\/Prev\b/.test(trailer)) return undefined;
  const offsets = new Map<number, number>();
  for (let i = 0; i < count; i++) {
    const entry = table.slice(i * 20, i * 20 + 20);
    if (!/^\d{10} \d{5} [nf]/.test(entry)) return undefined;
    if (entry[17] === 'n') offsets.set(i, Number(entry.slice(0, 10)));
  }
  return { offsets, startxref };
}

/** The offset of a PDF's last cross-reference section (its final `startxref`), or undefined. */
export function lastStartxref(bytes: Uint8Array): number | undefined {
  const tail = Buffer.from(bytes.subarray(Math.max(0, bytes.length - 1024))).toString('latin1');
  const m = /startxref\s+(\d+)\s+%%EOF\s*$/.exec(tail);
  if (!m) return undefined;
  const at = Number(m[1]);
  return Buffer.from(bytes.subarray(at, at + 4)).toString('latin1') === 'xref' ? at : undefined;
}

/** Rewrites, in place and at equal length, the given objects' bytes (never a stream); false if that cannot be done. */
export function patchInPlace(bytes: Uint8Array, offsets: Map<number, number>, objects: number[], rewrite: (body: string) => string): boolean {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (const n of objects) {
    const start = offsets.get(n);
    if (start === undefined) return false;
    const end = buffer.indexOf('endobj', start, 'latin1');
    const body = buffer.subarray(start, end).toString('latin1');
    if (body.includes('stream')) return false;
    const next = rewrite(body);
    if (next.length !== body.length) return false;
    buffer.write(next, start, 'latin1');
  }
  return true;
}

/** What closes an indirect object. */
const ENDOBJ = '\nendobj\n';

function serialize(ref: PDFRef, obj: PDFObject): Buffer {
  // One buffer for the header, the body and the footer: written in place, not joined.
  const head = `${ref.objectNumber} ${ref.generationNumber} obj\n`;
  const size = obj.sizeInBytes();
  const out = Buffer.alloc(head.length + size + ENDOBJ.length);
  out.write(head, 0, 'latin1');
  obj.copyBytesInto(out, head.length);
  out.write(ENDOBJ, head.length + size, 'latin1');
  return out;
}

/**
 * Appends the changed and new objects of a document to the bytes it was loaded from, as a PDF incremental
 * update: the printed content is not rewritten, which is much faster than a full save.
 */
export function appendUpdate(doc: PDFDocument, original: Uint8Array, startxref: number, changed: Iterable<PDFRef>): Uint8Array {
  const refs = [...new Map([...changed].map((r) => [r.objectNumber, r])).values()].sort((a, b) => a.objectNumber - b.objectNumber);
  const parts: Buffer[] = [Buffer.from(original.buffer, original.byteOffset, original.byteLength)];
  let offset = original.byteLength;
  if (original[original.byteLength - 1] !== 0x0a) {
    parts.push(Buffer.from('\n'));
    offset += 1;
  }
  const entries: [number, number][] = [];
  for (const ref of refs) {
    const obj = doc.context.lookup(ref);
    if (!obj) continue;
    const chunk = serialize(ref, obj);
    entries.push([ref.objectNumber, offset]);
    parts.push(chunk);
    offset += chunk.length;
  }
  let xref = 'xref\n';
  for (let i = 0; i < entries.length; ) {
    let j = i;
    while (j + 1 < entries.length && entries[j + 1]![0] === entries[j]![0] + 1) j++;
    xref += `${entries[i]![0]} ${j - i + 1}\n`;
    for (let k = i; k <= j; k++) xref += `${String(entries[k]![1]).padStart(10, '0')} 00000 n \n`;
    i = j + 1;
  }
  const t = doc.context.trailerInfo;
  const trailer = [`/Size ${doc.context.largestObjectNumber + 1}`, `/Root ${String(t.Root)}`, t.Info ? `/Info ${String(t.Info)}` : '', t.ID ? `/ID ${String(t.ID)}` : '', `/Prev ${startxref}`]
    .filter(Boolean)
    .join(' ');
  parts.push(Buffer.from(`${xref}trailer\n<< ${trailer} >>\nstartxref\n${offset}\n%%EOF\n`, 'latin1'));
  return new Uint8Array(Buffer.concat(parts));
}

/**
 * Where every object of a PDF's newest revision starts, following the chain of classic cross-reference tables
 * (`/Prev`) that an incremental update leaves; undefined for cross-reference streams or anything unexpected.
 */
export function xrefOffsets(bytes: Uint8Array): Map<number, number> | undefined {
  const offsets = new Map<number, number>();
  let at = lastStartxref(bytes);
  const seen = new Set<number>();
  while (at !== undefined && !seen.has(at)) {
    seen.add(at);
    let pos = at + 4;
    const text = (from: number, length: number) => Buffer.from(bytes.subarray(from, from + length)).toString('latin1');
    for (;;) {
      const head = /^\s*(\d+)\s+(\d+)\s*\r?\n/.exec(text(pos, 64));
      if (!head) break;
      const first = Number(head[1]);
      const count = Number(head[2]);
      pos += head[0].length;
      const table = text(pos, count * 20);
      for (let i = 0; i < count; i++) {
        const entry = table.slice(i * 20, i * 20 + 20);
        if (!/^\d{10} \d{5} [nf]/.test(entry)) return undefined;
        if (!offsets.has(first + i)) offsets.set(first + i, entry[17] === 'n' ? Number(entry.slice(0, 10)) : -1);
      }
      pos += count * 20;
    }
    const trailer = /^\s*trailer\s*<<([\s\S]*?)>>\s*startxref/.exec(text(pos, 1024));
    if (!trailer) return undefined;
    const prev = /\/Prev\s+(\d+)/.exec(trailer[1]!);
    at = prev ? Number(prev[1]) : undefined;
    if (at !== undefined && text(at, 4) !== 'xref') return undefined;
  }
  for (const [n, o] of offsets) if (o < 0) offsets.delete(n);
  return offsets;
}

/** The bytes [start, end) of object `n` as stored at `offset`, up to and including its `endobj`. */
function storedObject(original: Uint8Array, offset: number, obj: PDFObject): Uint8Array | undefined {
  const buffer = Buffer.from(original.buffer, original.byteOffset, original.byteLength);
  let from = offset;
  if (obj instanceof PDFRawStream) {
    const keyword = buffer.indexOf('stream', offset, 'latin1');
    if (keyword < 0) return undefined;
    from = keyword + 6 + (buffer[keyword + 6] === 0x0d ? 2 : 1) + obj.contents.length;
  }
  const end = buffer.indexOf('endobj', from, 'latin1');
  return end < 0 ? undefined : original.subarray(offset, end + 6);
}

/**
 * Writes a document as one compact revision: objects not in `changed` are copied byte for byte from the file
 * they were read from, the others serialised by pdf-lib. Much faster than a full save (fonts and images are
 * copied, not rewritten) and, unlike an incremental update, leaves no replaced object behind.
 */
export function rewriteCompact(doc: PDFDocument, original: Uint8Array, offsets: Map<number, number>, changed: Set<number>): Uint8Array {
  const headerEnd = original.indexOf(0x0a, original.indexOf(0x0a) + 1) + 1;
  const header = original.subarray(0, headerEnd > 0 && headerEnd < 64 ? headerEnd : original.indexOf(0x0a) + 1);
  // Sizes first, then every object written into one buffer: copied as it was (then its line break), or serialised
  // by pdf-lib between its `obj` line and `endobj` — no buffer of its own for each object.
  const objects = [...doc.context.enumerateIndirectObjects()].sort((a, b) => a[0].objectNumber - b[0].objectNumber);
  const plan: { ref: PDFRef; obj: PDFObject; copied?: Uint8Array; head?: string; text?: true; size: number }[] = [];
  let length = header.byteLength;
  for (const [ref, obj] of objects) {
    const stored = offsets.get(ref.objectNumber);
    const copied = !changed.has(ref.objectNumber) && stored !== undefined ? storedObject(original, stored, obj) : undefined;
    if (copied) {
      plan.push({ ref, obj, copied, size: copied.length + 1 });
    } else {
      const text = asText(obj);
      const head = text === undefined ? `${ref.objectNumber} ${ref.generationNumber} obj\n` : `${ref.objectNumber} ${ref.generationNumber} obj\n${text}${ENDOBJ}`;
      plan.push({ ref, obj, head, size: head.length + (text === undefined ? obj.sizeInBytes() + ENDOBJ.length : 0), ...(text === undefined ? {} : { text: true }) });
    }
    length += plan[plan.length - 1]!.size;
  }
  const body = Buffer.allocUnsafe(length);
  body.set(header, 0);
  let offset = header.byteLength;
  const entries: [number, number][] = [];
  for (const item of plan) {
    entries.push([item.ref.objectNumber, offset]);
    if (item.copied) {
      body.set(item.copied, offset);
      body[offset + item.copied.length] = 0x0a;
    } else if (item.text) {
      body.write(item.head!, offset, 'latin1');
    } else {
      const at = offset + body.write(item.head!, offset, 'latin1');
      const end = at + item.obj.copyBytesInto(body, at);
      body.write(ENDOBJ, end, 'latin1');
    }
    offset += item.size;
  }
  const size = doc.context.largestObjectNumber + 1;
  const at = new Map(entries);
  let xref = `xref\n0 ${size}\n0000000000 65535 f \n`;
  for (let n = 1; n < size; n++) xref += at.has(n) ? `${String(at.get(n)).padStart(10, '0')} 00000 n \n` : '0000000000 00000 f \n';
  const t = doc.context.trailerInfo;
  // The file identifier is a digest of what is written, not Chromium's: the same content gives the same bytes.
  const digest = createHash('md5').update(body).digest('hex');
  const trailer = [`/Size ${size}`, `/Root ${String(t.Root)}`, t.Info ? `/Info ${String(t.Info)}` : '', `/ID [<${digest}> <${digest}>]`].filter(Boolean).join(' ');
  return new Uint8Array(Buffer.concat([body, Buffer.from(`${xref}trailer\n<< ${trailer} >>\nstartxref\n${offset}\n%%EOF\n`, 'latin1')]));
}


/**
 * An object other than a stream as pdf-lib writes it (`<<\n/Key value\n>>`, `[ a b ]`…), as one latin1 string: much
 * less work than pdf-lib's measuring then copying each piece byte by byte. Undefined for what it does not know.
 */
function asText(obj: PDFObject): string | undefined {
  if (obj instanceof PDFDict) {
    let out = '<<\n';
    for (const [key, value] of obj.entries()) {
      const text = asText(value);
      if (text === undefined) return undefined;
      out += `${key.asString()} ${text}\n`;
    }
    return `${out}>>`;
  }
  if (obj instanceof PDFArray) {
    let out = '[ ';
    for (let i = 0, n = obj.size(); i < n; i++) {
      const text = asText(obj.get(i));
      if (text === undefined) return undefined;
      out += `${text} `;
    }
    return `${out}]`;
  }
  if (obj instanceof PDFName || obj instanceof PDFNumber || obj instanceof PDFRef || obj instanceof PDFString || obj instanceof PDFHexString || obj instanceof PDFBool || obj === PDFNull) return obj.toString();
  return undefined;
}

/** Writes a document made in memory (no file it was read from): every object serialised, a digest for its /ID. */
export function writeDocument(doc: PDFDocument): Uint8Array {
  return rewriteCompact(doc, new Uint8Array(Buffer.from('%PDF-1.7\n%\xE2\xE3\xCF\xD3\n', 'latin1')), new Map(), new Set());
}
