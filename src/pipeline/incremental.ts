import { PDFRef, type PDFDocument, type PDFObject } from 'pdf-lib';

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

function serialize(ref: PDFRef, obj: PDFObject): Buffer {
  const body = Buffer.alloc(obj.sizeInBytes());
  obj.copyBytesInto(body, 0);
  return Buffer.concat([Buffer.from(`${ref.objectNumber} ${ref.generationNumber} obj\n`, 'latin1'), body, Buffer.from('\nendobj\n', 'latin1')]);
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
