/**
 * Walks a content stream's operations with the state a reader needs to judge them: the marked-content stack
 * (tagged, artifact, spans), the graphics state (transformation, fill colour and opacity), the text position,
 * and the Unicode text of every shown string. Used by the accessibility pass and by the PDF/UA checker.
 */
import { PDFDict, PDFNumber, PDFStream, PDFRef } from 'pdf-lib';
import type { ContentOps, OperandDict, Operation } from './content.js';
import { fontsOf, getDict, nameOf, pdfName, type FontInfo } from './objects.js';

/** One open marked-content sequence. */
export interface Frame {
  tag: string;
  /** Inline or named properties (`<</MCID 3>>`, `<</ActualText …>>`). */
  props?: OperandDict;
  mcid?: number;
  /** Index of the BMC/BDC operation. */
  open: number;
}

/** A 2-D affine matrix [a b c d e f]. */
export type Matrix = [number, number, number, number, number, number];

const IDENTITY: Matrix = [1, 0, 0, 1, 0, 0];

/** m × n (apply m, then n). */
export function multiply(m: Matrix, n: Matrix): Matrix {
  return [
    m[0] * n[0] + m[1] * n[2],
    m[0] * n[1] + m[1] * n[3],
    m[2] * n[0] + m[3] * n[2],
    m[2] * n[1] + m[3] * n[3],
    m[4] * n[0] + m[5] * n[2] + n[4],
    m[4] * n[1] + m[5] * n[3] + n[5],
  ];
}

/** Where a point lands through a matrix. */
export function apply(m: Matrix, x: number, y: number): [number, number] {
  return [m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]];
}

/** A rectangle in default user space (points, origin bottom-left). */
export interface Rect {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** What an operation does, as the walker classifies it. */
export type Kind = 'text' | 'paint' | 'clip' | 'image' | 'form' | 'shading' | 'open' | 'close' | 'other';

/** What the walker knows at one operation. */
export interface Step {
  /** The operation, as an object (made when asked: the fields below need none). */
  readonly op: Operation;
  /** Its operator, and its bytes [start, end) in the stream. */
  readonly name: string;
  readonly start: number;
  readonly end: number;
  index: number;
  kind: Kind;
  /** The marked-content sequences open at this operation (for 'close', before it closes). */
  stack: readonly Frame[];
  /** Inside BT … ET. */
  inText: boolean;
  /** For 'text': the font, its character codes and their Unicode text (U+FFFD where a code has no mapping). */
  font?: FontInfo;
  codes?: number[];
  text?: string;
  /** For 'text': the text origin, in default user space; the font size in points there. */
  x?: number;
  y?: number;
  size?: number;
  /** Fill colour (sRGB 0–1) and fill opacity. */
  fill: [number, number, number];
  /** The current transformation into default user space. */
  ctm: Matrix;
  alpha: number;
  /** For 'paint': the rectangles of the painted path, or for any other path its bounding box (and its rectangles). */
  rects?: Rect[];
  /** For 'form' and 'image': the XObject. */
  xobject?: { name: string; ref: PDFRef | undefined; stream: PDFStream };
}

const PAINT = new Set(['S', 's', 'f', 'F', 'f*', 'B', 'B*', 'b', 'b*']);

function gray(v: number): [number, number, number] {
  return [v, v, v];
}

function cmyk(c: number, m: number, y: number, k: number): [number, number, number] {
  return [(1 - c) * (1 - k), (1 - m) * (1 - k), (1 - y) * (1 - k)];
}

/** The colour an operation's numeric operands give (1 gray, 3 RGB, 4 CMYK), if any. */
function colour(ops: ContentOps, i: number): [number, number, number] | undefined {
  const nums: number[] = [];
  for (let k = 0, n = ops.count(i); k < n; k++) if (ops.isNum(i, k)) nums.push(ops.num(i, k));
  if (nums.length === 1) return gray(nums[0]!);
  if (nums.length === 3) return [nums[0]!, nums[1]!, nums[2]!];
  if (nums.length === 4) return cmyk(nums[0]!, nums[1]!, nums[2]!, nums[3]!);
  return undefined;
}

/** Decodes character codes through a font's ToUnicode table; U+FFFD where a code has no mapping. */
export function decodeCodes(font: FontInfo | undefined, codes: number[]): string {
  let s = '';
  for (const c of codes) s += font?.toUnicode?.map.get(c) ?? '\uFFFD';
  return s;
}

/** A step as the walker makes it: its character codes and text are read from the operation only when someone asks. */
class WalkStep implements Step {
  #codes: number[] | undefined;
  #text: string | undefined;
  constructor(
    private readonly ops: ContentOps,
    public index: number,
    public kind: Kind,
    public stack: readonly Frame[],
    public inText: boolean,
    public font: FontInfo | undefined,
    public x: number | undefined,
    public y: number | undefined,
    public size: number | undefined,
    public fill: [number, number, number],
    public alpha: number,
    public ctm: Matrix,
    public rects: Rect[] | undefined,
    public xobject: Step['xobject'],
  ) {}
  /** Makes this step another operation's: a walk that hands out its steps one at a time uses one object. */
  reset(index: number, kind: Kind, stack: readonly Frame[], inText: boolean, font: FontInfo | undefined, x: number | undefined, y: number | undefined, size: number | undefined, fill: [number, number, number], alpha: number, ctm: Matrix, rects: Rect[] | undefined, xobject: Step['xobject']): this {
    this.index = index;
    this.kind = kind;
    this.stack = stack;
    this.inText = inText;
    this.font = font;
    this.x = x;
    this.y = y;
    this.size = size;
    this.fill = fill;
    this.alpha = alpha;
    this.ctm = ctm;
    this.rects = rects;
    this.xobject = xobject;
    this.#codes = undefined;
    this.#text = undefined;
    return this;
  }
  get op(): Operation {
    return this.ops.operation(this.index);
  }
  get name(): string {
    return this.ops.name(this.index);
  }
  get start(): number {
    return this.ops.starts[this.index]!;
  }
  get end(): number {
    return this.ops.ends[this.index]!;
  }
  get codes(): number[] | undefined {
    if (this.#codes === undefined && this.kind === 'text') this.#codes = this.ops.codes(this.index, this.font?.bytes ?? 1);
    return this.#codes;
  }
  get text(): string | undefined {
    if (this.#text === undefined && this.kind === 'text') this.#text = decodeCodes(this.font, this.codes!);
    return this.#text;
  }
}

/**
 * What of the page's geometry a walk works out: `all`, text positions and the rectangles of painted paths (the
 * contrast check); `text`, text positions only (steps of painted paths have no `rects`); `none`, neither (text
 * steps have no `x`, `y`, `size`). Following every path point costs an allocation per point.
 */
export type Geometry = 'all' | 'text' | 'none';

/** The rectangle (x, y, w, h) through a matrix, as a box. */
function rectOf(ctm: Matrix, x: number, y: number, w: number, h: number): Rect {
  const pts = [apply(ctm, x, y), apply(ctm, x + w, y), apply(ctm, x, y + h), apply(ctm, x + w, y + h)];
  return { x0: Math.min(...pts.map((p) => p[0])), y0: Math.min(...pts.map((p) => p[1])), x1: Math.max(...pts.map((p) => p[0])), y1: Math.max(...pts.map((p) => p[1])) };
}

/** The MCID of a BDC's properties, if any. */
function mcidOf(props: OperandDict | undefined): number | undefined {
  const v = props?.get('MCID');
  return typeof v === 'number' ? v : undefined;
}

/**
 * Walks the operations of one content stream (a page's or a form's) with the given resources: a step for each
 * (but those of kind 'other' when `skipOther`), in order, returned; or, when `visit` is given, handed to it
 * one at a time (with `unit`) as one object that the next step reuses: `visit` must keep none. `base` is the transformation into default
 * user space (a form's Matrix times its caller's), `outer` the marked content open where a form is drawn.
 * `geometry` says what of the page's geometry the caller needs (see Geometry).
 */
export function walk<U>(ops: ContentOps, resources: PDFDict | undefined, base: Matrix = IDENTITY, skipOther = false, outer: readonly Frame[] = [], geometry: Geometry = 'all', visit?: (unit: U, step: Step) => void, unit?: U): Step[] {
  const steps: Step[] = [];
  let cursor: WalkStep | undefined;
  const paths = geometry === 'all';
  const positions = geometry !== 'none';
  const fonts = fontsOf(resources);
  const xobjects = getDict(resources, 'XObject');
  const gstates = getDict(resources, 'ExtGState');
  const properties = getDict(resources, 'Properties');
  interface G {
    ctm: Matrix;
    fill: [number, number, number];
    alpha: number;
    font: FontInfo | undefined;
    size: number;
    leading: number;
  }
  let g: G = { ctm: base, fill: [0, 0, 0], alpha: 1, font: undefined, size: 0, leading: 0 };
  const saved: G[] = [];
  // Immutable: a new array when a sequence opens or closes, shared by the steps in between.
  let stack: readonly Frame[] = outer;
  let inText = false;
  // The text line matrix, as six numbers (glyph advances are not followed: a show's origin is where its line
  // matrix puts it, which is where Chromium places every glyph).
  let t0 = 1;
  let t1 = 0;
  let t2 = 0;
  let t3 = 1;
  let t4 = 0;
  let t5 = 0;
  let rects: Rect[] = [];
  let onlyRects = true;
  let pathBox: Rect | undefined;
  let subpaths = 0;
  for (let index = 0; index < ops.length; index++) {
    const name = ops.name(index);
    let kind: Kind = 'other';
    let font: FontInfo | undefined;
    let x: number | undefined;
    let y: number | undefined;
    let size: number | undefined;
    let paintRects: Rect[] | undefined;
    let xobject: Step['xobject'];
    // The most frequent operators first (one glyph is « <0012> Tj » then « 4.2 0 Td » in Chromium's output).
    switch (name) {
      case 'Tj':
      case 'TJ':
        kind = 'text';
        font = g.font;
        if (positions) {
          const c = g.ctm;
          x = t4 * c[0] + t5 * c[2] + c[4];
          y = t4 * c[1] + t5 * c[3] + c[5];
          size = g.size * Math.hypot(t2 * c[0] + t3 * c[2], t2 * c[1] + t3 * c[3]);
        }
        break;
      case 'Td':
      case 'TD':
        if (name === 'TD') g.leading = -ops.num(index, 1);
        {
          // The most frequent operator (one per glyph in Chromium's output): only the translation changes.
          const tx = ops.num(index, 0);
          const ty = ops.num(index, 1);
          const e = tx * t0 + ty * t2 + t4;
          t5 = tx * t1 + ty * t3 + t5;
          t4 = e;
        }
        break;
      case 'q':
        saved.push({ ctm: g.ctm, fill: g.fill, alpha: g.alpha, font: g.font, size: g.size, leading: g.leading });
        break;
      case 'Q':
        g = saved.pop() ?? g;
        break;
      case 'cm':
        g.ctm = multiply([ops.num(index, 0), ops.num(index, 1), ops.num(index, 2), ops.num(index, 3), ops.num(index, 4), ops.num(index, 5)], g.ctm);
        break;
      case 'rg':
      case 'g':
      case 'k':
      case 'sc':
      case 'scn':
        g.fill = colour(ops, index) ?? g.fill;
        break;
      case 'gs': {
        const key = ops.nameAt(index, 0);
        const gs = key ? gstates?.lookup(pdfName(key)) : undefined;
        const ca = gs instanceof PDFDict ? gs.lookup(pdfName('ca')) : undefined;
        if (ca instanceof PDFNumber) g.alpha = ca.asNumber();
        break;
      }
      case 'BT':
        inText = true;
        t0 = 1;
        t1 = 0;
        t2 = 0;
        t3 = 1;
        t4 = 0;
        t5 = 0;
        break;
      case 'ET':
        inText = false;
        break;
      case 'Tf':
        const key = ops.nameAt(index, 0);
        g.font = key !== undefined ? fonts.get(key) : undefined;
        g.size = ops.num(index, 1);
        break;
      case 'TL':
        g.leading = ops.num(index, 0);
        break;
      case 'Tm':
        t0 = ops.num(index, 0);
        t1 = ops.num(index, 1);
        t2 = ops.num(index, 2);
        t3 = ops.num(index, 3);
        t4 = ops.num(index, 4);
        t5 = ops.num(index, 5);
        break;
      case 'T*':
      case "'":
      case '"':
        [t0, t1, t2, t3, t4, t5] = multiply([1, 0, 0, 1, 0, -g.leading], [t0, t1, t2, t3, t4, t5]);
        break;
      case 're':
        if (paths) rects.push(rectOf(g.ctm, ops.num(index, 0), ops.num(index, 1), ops.num(index, 2), ops.num(index, 3)));
        subpaths++;
        break;
      case 'm':
      case 'l':
      case 'c':
      case 'v':
      case 'y':
        // Any other path: its bounding box stands for it (a card with rounded corners, a band).
        onlyRects = false;
        if (name === 'm') subpaths++;
        for (let k = 0, n = ops.count(index); paths && k + 1 < n; k += 2) {
          const [px, py] = apply(g.ctm, ops.num(index, k), ops.num(index, k + 1));
          if (!pathBox) pathBox = { x0: px, y0: py, x1: px, y1: py };
          else {
            pathBox.x0 = Math.min(pathBox.x0, px);
            pathBox.y0 = Math.min(pathBox.y0, py);
            pathBox.x1 = Math.max(pathBox.x1, px);
            pathBox.y1 = Math.max(pathBox.y1, py);
          }
        }
        break;
      case 'h':
        onlyRects = false;
        break;
      case 'BMC':
      case 'BDC': {
        kind = 'open';
        const tag = ops.nameAt(index, 0) ?? '';
        let props: OperandDict | undefined;
        const second = ops.operand(index, 1);
        const resource = ops.nameAt(index, 1);
        if (second instanceof Map) props = second;
        else if (resource !== undefined) {
          const named = properties?.lookup(pdfName(resource));
          if (named instanceof PDFDict) {
            props = new Map();
            const mcid = named.lookup(pdfName('MCID'));
            if (mcid instanceof PDFNumber) props.set('MCID', mcid.asNumber());
          }
        }
        const mcid = mcidOf(props);
        // Every frame of one shape (props and mcid undefined when absent): code reading them sees one kind of object.
        stack = [...stack, { tag, props, mcid, open: index }];
        break;
      }
      case 'EMC':
        kind = 'close';
        break;
      case 'sh':
        kind = 'shading';
        break;
      case 'BI':
        kind = 'image';
        break;
      case 'Do': {
        const key = ops.nameAt(index, 0) ?? '';
        const ref = xobjects?.get(pdfName(key));
        const xo = ref instanceof PDFRef ? xobjects!.context.lookup(ref) : ref;
        if (xo instanceof PDFStream) {
          kind = nameOf(xo.dict.get(pdfName('Subtype'))) === 'Form' ? 'form' : 'image';
          xobject = { name: key, ref: ref instanceof PDFRef ? ref : undefined, stream: xo };
        }
        break;
      }
      default:
        if (PAINT.has(name)) {
          kind = 'paint';
          if (!paths) paintRects = undefined;
          else if (onlyRects) paintRects = rects;
          // A curved path of several subpaths is an outline (a rounded border): no background.
          else if (pathBox && subpaths <= 1) paintRects = [pathBox, ...rects];
        } else if (name === 'n') kind = 'clip';
    }
    if (kind === 'paint' || kind === 'clip') {
      if (rects.length) rects = [];
      onlyRects = true;
      pathBox = undefined;
      subpaths = 0;
    }
    if (!(skipOther && kind === 'other')) {
      if (!visit) steps.push(new WalkStep(ops, index, kind, stack, inText, font, x, y, size, g.fill, g.alpha, g.ctm, paintRects, xobject));
      else if (!cursor) visit(unit!, (cursor = new WalkStep(ops, index, kind, stack, inText, font, x, y, size, g.fill, g.alpha, g.ctm, paintRects, xobject)));
      else visit(unit!, cursor.reset(index, kind, stack, inText, font, x, y, size, g.fill, g.alpha, g.ctm, paintRects, xobject));
    }
    if (kind === 'close') stack = stack.slice(0, -1);
  }
  return steps;
}

/** Whether a marked-content stack is inside real content (an MCID), an artifact, or neither. */
export function context(stack: readonly Frame[]): 'tagged' | 'artifact' | 'none' {
  for (let i = stack.length - 1; i >= 0; i--) {
    if (stack[i]!.tag === 'Artifact') return 'artifact';
    if (stack[i]!.mcid !== undefined) return 'tagged';
  }
  return 'none';
}
