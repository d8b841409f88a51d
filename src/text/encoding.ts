/** The first byte of a source that is not UTF-8, where it is, and how many such bytes the file has. */
export interface BadByte {
  /** Offset of the byte in the file. */
  offset: number;
  byte: number;
  /** The byte read as Windows-1252. */
  char: string;
  /** Line and column (from 1) where the byte stands in the text as read. */
  line: number;
  column: number;
  /** The word around it, with the byte read as Windows-1252 (what a French editor most likely meant). */
  word: string;
  /** How many bytes of the file are not UTF-8 in all. */
  count: number;
}

/** A source file's text, and its first non-UTF-8 byte if it has one. */
export interface DecodedSource {
  text: string;
  bad?: BadByte;
}

const UTF8_BOM = [0xef, 0xbb, 0xbf];
const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
const lenient = new TextDecoder('utf-8', { fatal: false, ignoreBOM: false });
const windows1252 = new TextDecoder('windows-1252');

/**
 * Length of the valid UTF-8 sequence starting at `i`, or 0 when the byte there does not start one
 * (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF).
 */
function sequenceLength(bytes: Uint8Array, i: number): number {
  const b = bytes[i]!;
  if (b < 0x80) return 1;
  const cont = (k: number, lo = 0x80, hi = 0xbf) => i + k < bytes.length && bytes[i + k]! >= lo && bytes[i + k]! <= hi;
  if (b >= 0xc2 && b <= 0xdf) return cont(1) ? 2 : 0;
  if (b === 0xe0) return cont(1, 0xa0) && cont(2) ? 3 : 0;
  if ((b >= 0xe1 && b <= 0xec) || b === 0xee || b === 0xef) return cont(1) && cont(2) ? 3 : 0;
  if (b === 0xed) return cont(1, 0x80, 0x9f) && cont(2) ? 3 : 0;
  if (b === 0xf0) return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0;
  if (b >= 0xf1 && b <= 0xf3) return cont(1) && cont(2) && cont(3) ? 4 : 0;
  if (b === 0xf4) return cont(1, 0x80, 0x8f) && cont(2) && cont(3) ? 4 : 0;
  return 0;
}

/** Splits bytes into runs of valid UTF-8 and single bytes that are not. */
function* runs(bytes: Uint8Array): Generator<{ valid: boolean; start: number; end: number }> {
  let start = 0;
  let i = 0;
  while (i < bytes.length) {
    const n = sequenceLength(bytes, i);
    if (n > 0) {
      i += n;
      continue;
    }
    if (i > start) yield { valid: true, start, end: i };
    yield { valid: false, start: i, end: i + 1 };
    i++;
    start = i;
  }
  if (i > start) yield { valid: true, start, end: i };
}

/**
 * Reads a source file as UTF-8 (a byte-order mark is dropped). A file that is not UTF-8 — Windows editors save
 * Latin-1 or Windows-1252 by default — is still read, its stray bytes as U+FFFD, and its first stray byte is
 * located so that the error names its line and column.
 */
export function decodeSource(bytes: Uint8Array): DecodedSource {
  try {
    return { text: strict.decode(bytes) };
  } catch {
    // Not UTF-8: locate the first stray byte below.
  }
  const text = lenient.decode(bytes);
  let count = 0;
  let first: number | undefined;
  for (const run of runs(bytes)) {
    if (run.valid) continue;
    count++;
    first ??= run.start;
  }
  const offset = first ?? 0;
  const bom = UTF8_BOM.every((b, k) => bytes[k] === b) ? 3 : 0;
  // Everything before the first stray byte is valid UTF-8: its text gives the line and column.
  const before = strict.decode(bytes.subarray(bom, offset));
  const lineStart = before.lastIndexOf('\n') + 1;
  const line = before.split('\n').length;
  const column = [...before.slice(lineStart)].length + 1;
  // The word around the byte, read the way a Windows editor wrote it.
  let from = offset;
  let to = offset + 1;
  const inWord = (b: number | undefined) => b !== undefined && b > 0x20 && b !== 0x7f;
  while (from > 0 && inWord(bytes[from - 1])) from--;
  while (to < bytes.length && inWord(bytes[to])) to++;
  const word = repairToUtf8(bytes.subarray(from, to)).text.replace(/[.,;:!?»)\]]+$/u, '').replace(/^[«(\["]+/u, '');
  return { text, bad: { offset, byte: bytes[offset]!, char: windows1252.decode(bytes.subarray(offset, offset + 1)), line, column, word, count } };
}

/**
 * Converts a file to UTF-8: its valid UTF-8 is kept as it is and every other byte is read as Windows-1252
 * (which includes Latin-1's letters), so that a file saved in Latin-1, or partly pasted from one, comes out right.
 * Returns the text and the lines (from 1) that changed.
 */
export function repairToUtf8(bytes: Uint8Array): { text: string; lines: number[] } {
  let text = '';
  const lines = new Set<number>();
  const bom = UTF8_BOM.every((b, k) => bytes[k] === b) ? 3 : 0;
  for (const run of runs(bytes.subarray(bom))) {
    const chunk = bytes.subarray(bom + run.start, bom + run.end);
    if (run.valid) text += strict.decode(chunk);
    else {
      lines.add(text.split('\n').length);
      text += windows1252.decode(chunk);
    }
  }
  return { text, lines: [...lines] };
}
