/**
 * A small tokenizer for PDF content streams (ISO 32000-1, 7.8.2): operands then an operator, with the byte
 * range of every operation, so that a pass can edit a stream and copy every untouched byte as it was.
 *
 * Why not a library: pdf-lib has no content-stream parser, and its object parser reads « 0 0 RG » as the
 * reference « 0 0 R » followed by « G »; pdf.js keeps its lexer private and hands out operator lists without
 * byte positions; @libpdf/core does not export its parser and re-formats numbers when it writes; MuPDF.js is
 * AGPL. See the README, « Bibliothèques ».
 */

/** A name operand (`/Span`), without its slash, `#xx` escapes decoded. */
export class PdfName {
  constructor(readonly value: string) {}
  toString(): string {
    return `/${this.value}`;
  }
}

/** A string operand: its bytes, escapes decoded; `hex` when written `<…>`. */
export class PdfBytes {
  #bytes: Uint8Array | undefined;
  /**
   * Either the decoded bytes, or (for a hex string read from a stream) the stream and the range of its digits,
   * decoded only when asked: most shown strings are read as character codes, straight from the digits.
   */
  constructor(
    bytes: Uint8Array | undefined,
    readonly hex: boolean,
    private readonly source?: Uint8Array,
    private readonly from = 0,
    private readonly to = 0,
  ) {
    this.#bytes = bytes;
  }

  /** The string's bytes. */
  get bytes(): Uint8Array {
    if (!this.#bytes) {
      const b = this.source!;
      const out = new Uint8Array((this.to - this.from + 1) >> 1);
      let n = 0;
      let high = -1;
      for (let i = this.from; i < this.to; i++) {
        const v = HEX[b[i]!]!;
        if (v < 0) continue;
        if (high < 0) high = v;
        else {
          out[n++] = (high << 4) | v;
          high = -1;
        }
      }
      if (high >= 0) out[n++] = high << 4;
      this.#bytes = out.subarray(0, n);
    }
    return this.#bytes;
  }

  /** The string's character codes of `width` bytes (1 or 2), read from the hex digits when it has them. */
  codes(width: number, into: number[] = []): number[] {
    const b = this.source;
    if (!b || this.#bytes || width !== 2) {
      const bytes = this.bytes;
      if (width === 2) for (let i = 0; i + 1 < bytes.length; i += 2) into.push((bytes[i]! << 8) | bytes[i + 1]!);
      else for (const x of bytes) into.push(x);
      return into;
    }
    return hexCodes(b, this.from, this.to, 2, into);
  }
}

/** One operand of a content-stream operator. */
export type Operand = number | boolean | null | PdfName | PdfBytes | Operand[] | OperandDict;
/** A dictionary operand (`BDC`'s inline properties, inline image parameters). */
export type OperandDict = Map<string, Operand>;

/** One operation: its operator, its operands, and the bytes [start, end) it was read from. */
export interface Operation {
  op: string;
  operands: Operand[];
  start: number;
  end: number;
  /** For `BI`: the inline image's parameters and data (`operands` is empty). */
  image?: { params: OperandDict; data: Uint8Array };
}

/** A content stream that cannot be read: where and what. */
export class ContentSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(`${message} (octet ${offset})`);
  }
}

const WHITE = new Uint8Array(256);
for (const c of [0x00, 0x09, 0x0a, 0x0c, 0x0d, 0x20]) WHITE[c] = 1;
const DELIM = new Uint8Array(256);
for (const c of '()<>[]{}/%') DELIM[c.charCodeAt(0)] = 1;
const ESCAPES = new Int16Array(256).fill(-1);
for (const [k, v] of [[0x6e, 0x0a], [0x72, 0x0d], [0x74, 0x09], [0x62, 0x08], [0x66, 0x0c], [0x28, 0x28], [0x29, 0x29], [0x5c, 0x5c]] as const) ESCAPES[k] = v;
const HEX = new Int8Array(256).fill(-1);
for (let i = 0; i < 16; i++) {
  HEX['0123456789abcdef'.charCodeAt(i)] = i;
  HEX['0123456789ABCDEF'.charCodeAt(i)] = i;
}

const isRegular = (c: number) => !WHITE[c] && !DELIM[c];
/** An operator (or true, false, null before they are told apart): one shared object per name. */
class Keyword {
  /** Its number in KEYWORD_NAMES. */
  readonly code: number;
  constructor(readonly keyword: string) {
    this.code = KEYWORD_NAMES.length;
    KEYWORD_NAMES.push(keyword);
  }
}
/** Every keyword read so far, by code: an operation keeps its operator's code, not a reference to its name. */
const KEYWORD_NAMES: string[] = [];
const KEYWORDS = new Map<string, Keyword>();
const SHORT = new Map<number, Keyword>();
// The operators of ISO 32000-1 (table 51), written here so that an operation's name is the same string as the
// literals the walker and the pass compare it with: V8 then compares two names by identity, not by characters.
for (const word of [
  'b', 'B', 'b*', 'B*', 'BDC', 'BI', 'BMC', 'BT', 'BX', 'c', 'cm', 'CS', 'cs', 'd', 'd0', 'd1', 'Do', 'DP', 'EI', 'EMC', 'ET', 'EX', 'f', 'F', 'f*',
  'G', 'g', 'gs', 'h', 'i', 'ID', 'j', 'J', 'K', 'k', 'l', 'm', 'M', 'MP', 'n', 'q', 'Q', 're', 'RG', 'rg', 'ri', 's', 'S', 'SC', 'sc', 'SCN', 'scn', 'sh',
  'T*', 'Tc', 'Td', 'TD', 'Tf', 'Tj', 'TJ', 'TL', 'Tm', 'Tr', 'Ts', 'Tw', 'Tz', 'v', 'w', 'W', 'W*', 'y', "'", '"',
]) KEYWORDS.set(word, new Keyword(word));
/** One shared token object per operator name. */
function keyword(word: string): Keyword {
  let k = KEYWORDS.get(word);
  if (!k) KEYWORDS.set(word, (k = new Keyword(word)));
  return k;
}

/** The operators of one or two bytes, by their bytes (first + second × 256). */
const SHORTEST: (Keyword | undefined)[] = new Array(65536).fill(undefined);

/** The marker the parser uses for a closing `]` or `>>`. */
const CLOSE_ARRAY = Symbol('close-array');
const CLOSE_DICT = Symbol('close-dict');
type Token = Operand | Keyword | typeof CLOSE_ARRAY | typeof CLOSE_DICT;

/** The value of the last number readNumber read (a second result without an object per number). */
let numberRead = 0;

/**
 * Reads a number at b[start] (sign, digits, at most one point) from the bytes, without building a string: where
 * it ends, its value in numberRead; -1 when the bytes there are no number.
 */
function readNumber(b: Uint8Array, start: number): number {
  const c = b[start]!;
  if (!((c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2d || c === 0x2e)) return -1;
  let i = start;
  let sign = 1;
  if (c === 0x2d) {
    sign = -1;
    i++;
  } else if (c === 0x2b) i++;
  let value = 0;
  let digits = 0;
  while (i < b.length && b[i]! >= 0x30 && b[i]! <= 0x39) {
    value = value * 10 + (b[i]! - 0x30);
    i++;
    digits++;
  }
  if (b[i] === 0x2e) {
    i++;
    let scale = 0.1;
    while (i < b.length && b[i]! >= 0x30 && b[i]! <= 0x39) {
      value += (b[i]! - 0x30) * scale;
      scale /= 10;
      i++;
      digits++;
    }
  }
  if (digits === 0 || (i < b.length && isRegular(b[i]!))) return -1;
  numberRead = sign * value;
  return i;
}

class Lexer {
  pos = 0;
  constructor(readonly bytes: Uint8Array) {}

  skipSpace(): void {
    const b = this.bytes;
    while (this.pos < b.length) {
      const c = b[this.pos]!;
      if (WHITE[c]) this.pos++;
      else if (c === 0x25) {
        while (this.pos < b.length && b[this.pos] !== 0x0a && b[this.pos] !== 0x0d) this.pos++;
      } else break;
    }
  }

  /** The next token, or undefined at the end; `pos` must be at a token's first byte. */
  token(): Token | undefined {
    const b = this.bytes;
    const start = this.pos;
    const c = b[start];
    if (c === undefined) return undefined;
    switch (c) {
      case 0x2f: // /
        return this.name();
      case 0x28: // (
        return this.literal();
      case 0x3c: // <
        if (b[start + 1] === 0x3c) {
          this.pos += 2;
          return this.dict();
        }
        return this.hexString();
      case 0x3e: // >
        if (b[start + 1] === 0x3e) {
          this.pos += 2;
          return CLOSE_DICT;
        }
        throw new ContentSyntaxError('« > » inattendu', start);
      case 0x5b: // [
        this.pos++;
        return this.array();
      case 0x5d: // ]
        this.pos++;
        return CLOSE_ARRAY;
      case 0x7b: // { } only appear in PostScript calculator functions, not in content streams
      case 0x7d:
      case 0x29:
        throw new ContentSyntaxError(`« ${String.fromCharCode(c)} » inattendu`, start);
    }
    // A number: sign, digits, at most one point; read from the bytes without building a string.
    const numberEnd = readNumber(b, start);
    if (numberEnd >= 0) {
      this.pos = numberEnd;
      return numberRead;
    }
    let end = start;
    while (end < b.length && isRegular(b[end]!)) end++;
    this.pos = end;
    // Operators are one to three characters but for a few: found by their bytes, without building a string.
    if (end - start <= 3) {
      const key = c | ((end - start > 1 ? b[start + 1]! : 0) << 8) | ((end - start > 2 ? b[start + 2]! : 0) << 16);
      let k = SHORT.get(key);
      if (!k) SHORT.set(key, (k = keyword(latin1(b, start, end))));
      return k;
    }
    const word = latin1(b, start, end);
    if (word === 'true') return true;
    if (word === 'false') return false;
    if (word === 'null') return null;
    return keyword(word);
  }

  name(): PdfName {
    const b = this.bytes;
    let end = ++this.pos;
    while (end < b.length && isRegular(b[end]!)) end++;
    let raw = latin1(b, this.pos, end);
    this.pos = end;
    if (raw.includes('#')) raw = raw.replace(/#([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
    return new PdfName(raw);
  }

  literal(): PdfBytes {
    const b = this.bytes;
    const out: number[] = [];
    let depth = 1;
    let i = this.pos + 1;
    while (i < b.length) {
      const c = b[i++]!;
      if (c === 0x5c) {
        const n = b[i++];
        if (n === undefined) break;
        const simple = ESCAPES[n]!;
        if (simple >= 0) out.push(simple);
        else if (n >= 0x30 && n <= 0x37) {
          let v = n - 0x30;
          for (let k = 0; k < 2 && b[i]! >= 0x30 && b[i]! <= 0x37; k++) v = v * 8 + (b[i++]! - 0x30);
          out.push(v & 0xff);
        } else if (n === 0x0d) {
          if (b[i] === 0x0a) i++;
        } else if (n !== 0x0a) out.push(n);
        continue;
      }
      if (c === 0x28) depth++;
      else if (c === 0x29 && --depth === 0) {
        this.pos = i;
        return new PdfBytes(Uint8Array.from(out), false);
      }
      out.push(c);
    }
    throw new ContentSyntaxError('chaîne « ( » jamais fermée', this.pos);
  }

  hexString(): PdfBytes {
    // A loop rather than indexOf: most hex strings are one glyph's four digits.
    const b = this.bytes;
    let close = this.pos + 1;
    while (close < b.length && b[close] !== 0x3e) close++;
    if (close >= b.length) throw new ContentSyntaxError('chaîne « < » jamais fermée', this.pos);
    const string = new PdfBytes(undefined, true, this.bytes, this.pos + 1, close);
    this.pos = close + 1;
    return string;
  }

  array(): Operand[] {
    const items: Operand[] = [];
    for (;;) {
      this.skipSpace();
      const t = this.token();
      if (t === undefined) throw new ContentSyntaxError('tableau « [ » jamais fermé', this.pos);
      if (t === CLOSE_ARRAY) return items;
      if (t === CLOSE_DICT || isKeyword(t)) throw new ContentSyntaxError('élément de tableau illisible', this.pos);
      items.push(t);
    }
  }

  dict(): OperandDict {
    const dict: OperandDict = new Map();
    for (;;) {
      this.skipSpace();
      const key = this.token();
      if (key === CLOSE_DICT) return dict;
      if (!(key instanceof PdfName)) throw new ContentSyntaxError('clé de dictionnaire attendue', this.pos);
      this.skipSpace();
      const value = this.token();
      if (value === undefined || value === CLOSE_DICT || value === CLOSE_ARRAY || isKeyword(value)) throw new ContentSyntaxError('valeur de dictionnaire attendue', this.pos);
      dict.set(key.value, value);
    }
  }
}

function isKeyword(t: Token): t is Keyword {
  return t instanceof Keyword;
}

function latin1(bytes: Uint8Array, start: number, end: number): string {
  let s = '';
  for (let i = start; i < end; i++) s += String.fromCharCode(bytes[i]!);
  return s;
}

/** Reads an inline image's data after `ID`: up to the `EI` that stands alone between white space. */
function inlineImageEnd(bytes: Uint8Array, from: number): number {
  for (let i = from; i + 1 < bytes.length; i++) {
    if (bytes[i] === 0x45 && bytes[i + 1] === 0x49 && WHITE[bytes[i - 1]!] && (i + 2 >= bytes.length || !isRegular(bytes[i + 2]!))) return i;
  }
  throw new ContentSyntaxError('image en ligne sans « EI »', from);
}

/** How an operand of a ContentOps is kept: a number, a hex string's digits, or an object (name, literal string, array, dictionary, boolean, null). */
const NUM = 0;
const HEX_STRING = 1;
const OBJ = 2;

/** The character codes of a hex string's digits b[from, to), `width` bytes each (an odd last digit reads as its high half). */
function hexCodes(b: Uint8Array, from: number, to: number, width: number, into: number[]): number[] {
  let value = 0;
  let digits = 0;
  const per = width * 2;
  for (let i = from; i < to; i++) {
    const v = HEX[b[i]!]!;
    if (v < 0) continue;
    value = (value << 4) | v;
    if (++digits === per) {
      into.push(value);
      value = 0;
      digits = 0;
    }
  }
  if (width === 1 && digits === 1) into.push(value << 4);
  return into;
}

/**
 * A content stream's operations, kept in typed arrays rather than an object per operation and per operand:
 * operator names (interned strings), byte ranges, and the operands as numbers or byte ranges of the stream;
 * names, literal strings, arrays and dictionaries (a few per page) as objects. A page of Chromium's output is
 * tens of thousands of operations, most a glyph's « <0012> Tj » and « 4.2 0 Td »: read this way they cost the
 * garbage collector nothing. Operands are made objects only when someone asks (operand, operands, operation).
 */
export class ContentOps {
  /** The number of operations. */
  length = 0;
  /** Each operation's operator, as the code of its keyword (see name). */
  private opCodes: Int32Array;
  /** Each operation's bytes [start, end) in the stream. */
  starts: Int32Array;
  ends: Int32Array;
  /** Each operation's operands: slots argStart[i] to argEnd[i] (excluded) of the operand arrays. */
  argStart: Int32Array;
  argEnd: Int32Array;
  private operandCount = 0;
  private kinds: Uint8Array;
  private nums: Float64Array;
  /** For a hex string, the range of its digits. */
  private froms: Int32Array;
  private tos: Int32Array;
  private readonly objects = new Map<number, Operand>();
  private readonly images = new Map<number, { params: OperandDict; data: Uint8Array }>();

  constructor(readonly bytes: Uint8Array) {
    // Chromium's streams hold about one operation per 12 bytes and one operand per 8: grown if a stream holds more.
    const ops = (bytes.length >> 3) + 16;
    const operands = (bytes.length >> 2) + 16;
    this.opCodes = new Int32Array(ops);
    this.starts = new Int32Array(ops);
    this.ends = new Int32Array(ops);
    this.argStart = new Int32Array(ops);
    this.argEnd = new Int32Array(ops);
    this.kinds = new Uint8Array(operands);
    this.nums = new Float64Array(operands);
    this.froms = new Int32Array(operands);
    this.tos = new Int32Array(operands);
  }

  /** Adds an operand; its slot. */
  pushOperand(kind: number, value: number, from: number, to: number): number {
    const j = this.operandCount++;
    if (j === this.kinds.length) {
      const size = j * 2;
      this.kinds = grow(this.kinds, new Uint8Array(size));
      this.nums = grow(this.nums, new Float64Array(size));
      this.froms = grow(this.froms, new Int32Array(size));
      this.tos = grow(this.tos, new Int32Array(size));
    }
    this.kinds[j] = kind;
    this.nums[j] = value;
    this.froms[j] = from;
    this.tos[j] = to;
    return j;
  }

  /** Adds an operand kept as an object. */
  pushObject(value: Operand, from: number, to: number): void {
    this.objects.set(this.pushOperand(OBJ, 0, from, to), value);
  }

  /** Adds an operation whose operands are the slots from `firstArg` up to the last added. */
  pushOperation(code: number, start: number, end: number, firstArg: number): number {
    const i = this.length++;
    if (i === this.starts.length) {
      const size = i * 2;
      this.opCodes = grow(this.opCodes, new Int32Array(size));
      this.starts = grow(this.starts, new Int32Array(size));
      this.ends = grow(this.ends, new Int32Array(size));
      this.argStart = grow(this.argStart, new Int32Array(size));
      this.argEnd = grow(this.argEnd, new Int32Array(size));
    }
    this.opCodes[i] = code;
    this.starts[i] = start;
    this.ends[i] = end;
    this.argStart[i] = firstArg;
    this.argEnd[i] = this.operandCount;
    return i;
  }

  /** Adds an inline image (`BI … ID … EI`), without operands. */
  pushImage(start: number, end: number, params: OperandDict, data: Uint8Array): void {
    this.images.set(this.pushOperation(keyword('BI').code, start, end, this.operandCount), { params, data });
  }

  /** The slot count for the operands added so far. */
  get operandsSoFar(): number {
    return this.operandCount;
  }

  /** Operation i's operator: one shared string per name (compared by identity with the literals of the walker). */
  name(i: number): string {
    return KEYWORD_NAMES[this.opCodes[i]!]!;
  }

  /** Whether some operation has this operator. */
  uses(name: string): boolean {
    const code = KEYWORDS.get(name)?.code;
    if (code === undefined) return false;
    const codes = this.opCodes;
    for (let i = 0; i < this.length; i++) if (codes[i] === code) return true;
    return false;
  }

  /** How many operands operation i has. */
  count(i: number): number {
    return this.argEnd[i]! - this.argStart[i]!;
  }

  /** Operand k of operation i if it is a number, else 0. */
  num(i: number, k: number): number {
    const j = this.argStart[i]! + k;
    return j < this.argEnd[i]! && this.kinds[j] === NUM ? this.nums[j]! : 0;
  }

  /** Whether operand k of operation i is a number. */
  isNum(i: number, k: number): boolean {
    const j = this.argStart[i]! + k;
    return j < this.argEnd[i]! && this.kinds[j] === NUM;
  }

  /** Operand k of operation i if it is a name: its value. */
  nameAt(i: number, k: number): string | undefined {
    const j = this.argStart[i]! + k;
    if (j >= this.argEnd[i]! || this.kinds[j] !== OBJ) return undefined;
    const v = this.objects.get(j);
    return v instanceof PdfName ? v.value : undefined;
  }

  /** Operand k of operation i, as an object. */
  operand(i: number, k: number): Operand | undefined {
    const j = this.argStart[i]! + k;
    if (j >= this.argEnd[i]!) return undefined;
    const kind = this.kinds[j];
    if (kind === NUM) return this.nums[j]!;
    if (kind === HEX_STRING) return new PdfBytes(undefined, true, this.bytes, this.froms[j]!, this.tos[j]!);
    return this.objects.get(j);
  }

  /** The operands of operation i, as objects. */
  operands(i: number): Operand[] {
    const out: Operand[] = [];
    for (let k = 0, n = this.count(i); k < n; k++) out.push(this.operand(i, k)!);
    return out;
  }

  /** Operation i as an object. */
  operation(i: number): Operation {
    const image = this.images.get(i);
    return { op: this.name(i), operands: this.operands(i), start: this.starts[i]!, end: this.ends[i]!, ...(image ? { image } : {}) };
  }

  /**
   * The character codes a text operation shows, `width` bytes each: its last operand's for Tj, ' and ", its
   * array's strings for TJ. A hex string's codes are read from its digits.
   */
  codes(i: number, width: number, into: number[] = []): number[] {
    const n = this.count(i);
    if (n === 0) return into;
    const k = this.name(i) === 'TJ' ? 0 : n - 1;
    const j = this.argStart[i]! + k;
    if (this.kinds[j] === HEX_STRING) return hexCodes(this.bytes, this.froms[j]!, this.tos[j]!, width === 2 ? 2 : 1, into);
    const collect = (o: Operand | undefined) => {
      if (o instanceof PdfBytes) o.codes(width, into);
      else if (Array.isArray(o)) o.forEach(collect);
    };
    collect(this.objects.get(j));
    return into;
  }
}

function grow<T extends Int32Array | Float64Array | Uint8Array>(from: T, to: T): T {
  to.set(from);
  return to;
}

/** Reads a content stream into its operations, each with its operands and byte range (see ContentOps). */
export function readContent(data: Uint8Array): ContentOps {
  // A plain Uint8Array, whether the stream came as one or as a Buffer: the reader's code then sees one kind of array.
  const bytes = Object.getPrototypeOf(data) === Uint8Array.prototype ? data : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const out = new ContentOps(bytes);
  const lexer = new Lexer(bytes);
  const b = bytes;
  const n = b.length;
  let pos = 0;
  let start = -1;
  let firstArg = 0;
  for (;;) {
    while (pos < n) {
      const c = b[pos]!;
      if (WHITE[c]) pos++;
      else if (c === 0x25) {
        while (pos < n && b[pos] !== 0x0a && b[pos] !== 0x0d) pos++;
      } else break;
    }
    if (pos >= n) break;
    const at = pos;
    if (start < 0) {
      start = at;
      firstArg = out.operandsSoFar;
    }
    const c = b[pos]!;
    if (c === 0x3c && b[pos + 1] !== 0x3c) {
      // A hex string: kept as the range of its digits (most are one glyph's four).
      let close = pos + 1;
      while (close < n && b[close] !== 0x3e) close++;
      if (close >= n) throw new ContentSyntaxError('chaîne « < » jamais fermée', pos);
      out.pushOperand(HEX_STRING, 0, pos + 1, close);
      pos = close + 1;
      continue;
    }
    const numberEnd = readNumber(b, pos);
    if (numberEnd >= 0) {
      out.pushOperand(NUM, numberRead, at, numberEnd);
      pos = numberEnd;
      continue;
    }
    if (isRegular(c)) {
      // A keyword: an operator, or true, false, null. Those of one or two bytes (nearly all) found by their bytes.
      let end = pos + 1;
      while (end < n && isRegular(b[end]!)) end++;
      let t: Keyword | boolean | null;
      if (end - pos <= 2) {
        const key = c | (end - pos > 1 ? b[pos + 1]! << 8 : 0);
        t = SHORTEST[key] ?? (SHORTEST[key] = keyword(latin1(b, pos, end)));
        pos = end;
      } else {
        lexer.pos = pos;
        t = lexer.token() as Keyword | boolean | null;
        pos = lexer.pos;
      }
      if (!(t instanceof Keyword)) {
        out.pushObject(t, at, pos);
        continue;
      }
      if (t.keyword === 'BI') {
        lexer.pos = pos;
        const params: OperandDict = new Map();
        for (;;) {
          lexer.skipSpace();
          const key = lexer.token();
          if (key instanceof Keyword && key.keyword === 'ID') break;
          if (!(key instanceof PdfName)) throw new ContentSyntaxError('paramètre d’image en ligne illisible', lexer.pos);
          lexer.skipSpace();
          params.set(key.value, lexer.token() as Operand);
        }
        const dataStart = lexer.pos + 1;
        const ei = inlineImageEnd(bytes, dataStart);
        pos = ei + 2;
        out.pushImage(start, pos, params, bytes.subarray(dataStart, ei - 1));
      } else out.pushOperation(t.code, start, pos, firstArg);
      start = -1;
      continue;
    }
    // A name, a literal string, an array or a dictionary: read by the lexer, kept as an object.
    lexer.pos = pos;
    const t = lexer.token();
    if (t === CLOSE_ARRAY || t === CLOSE_DICT) throw new ContentSyntaxError('fermeture inattendue', at);
    pos = lexer.pos;
    out.pushObject(t as Operand, at, pos);
  }
  return out;
}

/** Splits a content stream into operations, each with its operands and byte range, as objects. */
export function tokenize(bytes: Uint8Array): Operation[] {
  const ops = readContent(bytes);
  const out: Operation[] = [];
  for (let i = 0; i < ops.length; i++) out.push(ops.operation(i));
  return out;
}

/** Writes an operand back as content-stream syntax. */
export function formatOperand(value: Operand): string {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : String(Number(value.toFixed(6)));
  if (value instanceof PdfName) return `/${value.value.replace(/[^!-~]|[#()<>[\]{}/%]/g, (c) => `#${c.charCodeAt(0).toString(16).padStart(2, '0')}`)}`;
  if (value instanceof PdfBytes) return `<${Buffer.from(value.bytes).toString('hex')}>`;
  if (Array.isArray(value)) return `[${value.map(formatOperand).join(' ')}]`;
  return `<<${[...value].map(([k, v]) => `${formatOperand(new PdfName(k))} ${formatOperand(v)}`).join(' ')}>>`;
}

/** One change to a content stream: replace bytes [from, to) by `insert` (from === to inserts). */
export interface Edit {
  from: number;
  to: number;
  insert: string;
}

/** Applies edits to a stream's bytes; untouched bytes are copied as they were. Edits must not overlap. */
export function applyEdits(bytes: Uint8Array, edits: Edit[]): Uint8Array {
  if (edits.length === 0) return bytes;
  const sorted = [...edits].sort((a, b) => a.from - b.from || a.to - b.to);
  const parts: Uint8Array[] = [];
  let pos = 0;
  for (const e of sorted) {
    if (e.from < pos) throw new Error(`overlapping content edits at ${e.from}`);
    parts.push(bytes.subarray(pos, e.from), Buffer.from(e.insert, 'latin1'));
    pos = e.to;
  }
  parts.push(bytes.subarray(pos));
  return new Uint8Array(Buffer.concat(parts));
}
