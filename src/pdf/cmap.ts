/** ToUnicode CMaps (ISO 32000-1, 9.10.3): read one into a table, write a table back as a CMap. */

/** What each character code of a font means in Unicode, and how many bytes a code takes. */
export interface ToUnicode {
  /** Code → text (one or more code points, e.g. « ff » for a ligature). */
  map: Map<number, string>;
  /** Bytes per character code (2 for Identity-H fonts, 1 for simple fonts). */
  bytes: number;
  /** The codespace ranges as written, kept when the CMap is written back. */
  codespace: string[];
}

function utf16(hex: string): string {
  const units: number[] = [];
  for (let i = 0; i + 4 <= hex.length; i += 4) units.push(parseInt(hex.slice(i, i + 4), 16));
  if (hex.length === 2) units.push(parseInt(hex, 16));
  return String.fromCharCode(...units);
}

/** Parses a ToUnicode CMap's text (bfchar and bfrange sections). */
export function parseToUnicode(text: string): ToUnicode {
  const map = new Map<number, string>();
  const codespace = [...text.matchAll(/begincodespacerange([\s\S]*?)endcodespacerange/g)].map((m) => m[1]!.trim());
  const first = /<([0-9a-fA-F]+)>/.exec(codespace[0] ?? '');
  const bytes = first ? Math.max(1, first[1]!.length / 2) : 2;
  for (const [, body] of text.matchAll(/beginbfchar([\s\S]*?)endbfchar/g)) {
    for (const [, code, dst] of body!.matchAll(/<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]*)>/g)) map.set(parseInt(code!, 16), utf16(dst!));
  }
  for (const [, body] of text.matchAll(/beginbfrange([\s\S]*?)endbfrange/g)) {
    for (const [, lo, hi, rest] of body!.matchAll(/<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*(<[0-9a-fA-F]*>|\[[^\]]*\])/g)) {
      const from = parseInt(lo!, 16);
      const to = parseInt(hi!, 16);
      if (rest!.startsWith('[')) {
        const dsts = [...rest!.matchAll(/<([0-9a-fA-F]*)>/g)].map((m) => m[1]!);
        for (let c = from; c <= to && c - from < dsts.length; c++) map.set(c, utf16(dsts[c - from]!));
      } else {
        const base = rest!.slice(1, -1);
        // The last code unit increments along the range.
        const head = base.slice(0, -4);
        const last = parseInt(base.slice(-4), 16);
        for (let c = from; c <= to; c++) map.set(c, utf16(head + (last + c - from).toString(16).padStart(4, '0')));
      }
    }
  }
  return { map, bytes, codespace };
}

function hexCode(code: number, bytes: number): string {
  return code.toString(16).padStart(bytes * 2, '0');
}

function hexText(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) out += text.charCodeAt(i).toString(16).padStart(4, '0');
  return out;
}

/** Writes a table back as a ToUnicode CMap, in bfchar sections of at most 100 entries. */
export function writeToUnicode(table: ToUnicode): string {
  const entries = [...table.map].sort((a, b) => a[0] - b[0]);
  const codespace = table.codespace.length ? table.codespace : [`<${hexCode(0, table.bytes)}> <${'ff'.repeat(table.bytes)}>`];
  const lines = [
    '/CIDInit /ProcSet findresource begin',
    '12 dict begin',
    'begincmap',
    '/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def',
    '/CMapName /Adobe-Identity-UCS def',
    '/CMapType 2 def',
    `${codespace.length} begincodespacerange`,
    ...codespace,
    'endcodespacerange',
  ];
  for (let i = 0; i < entries.length; i += 100) {
    const chunk = entries.slice(i, i + 100);
    lines.push(`${chunk.length} beginbfchar`, ...chunk.map(([code, text]) => `<${hexCode(code, table.bytes)}> <${hexText(text)}>`), 'endbfchar');
  }
  lines.push('endcmap', 'CMapName currentdict /CMap defineresource pop', 'end', 'end', '');
  return lines.join('\n');
}

/** Splits a shown string into character codes of `bytes` bytes each. */
export function charCodes(data: Uint8Array, bytes: number): number[] {
  const codes: number[] = [];
  if (bytes === 2) for (let i = 0; i + 1 < data.length; i += 2) codes.push((data[i]! << 8) | data[i + 1]!);
  else for (const b of data) codes.push(b);
  return codes;
}

/** Decodes a PDF text string (UTF-16BE with its byte order mark, or PDFDocEncoding taken as Latin-1). */
export function decodeTextString(data: Uint8Array): string {
  if (data.length >= 2 && data[0] === 0xfe && data[1] === 0xff) {
    let s = '';
    for (let i = 2; i + 1 < data.length; i += 2) s += String.fromCharCode((data[i]! << 8) | data[i + 1]!);
    return s;
  }
  return Buffer.from(data).toString('latin1');
}
