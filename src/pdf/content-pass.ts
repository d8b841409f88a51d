/**
 * The accessibility edits of one content stream, worked out from its operations: what becomes an artifact,
 * which invisible soft-hyphen glyphs go, which ActualText loses its soft hyphen, and the text of each MCID.
 * Nothing here moves a glyph: only marked-content operators and invisible glyphs are added or removed.
 */
import type { PDFDict } from 'pdf-lib';
import { decodeTextString } from './cmap.js';
import { PdfBytes, type ContentOps, type Edit } from './content.js';
import { context as innerContext, walk, type Frame, type Matrix, type Step } from './interpret.js';
import type { FontInfo } from './objects.js';

/** U+00AD, the soft hyphen Chromium writes as ActualText for every hyphenation opportunity. */
const SHY = '\u00AD';

/** What the pass found and changes in one stream. */
export interface ContentFixes {
  edits: Edit[];
  /** MCIDs whose sequence held only decoration (rules, bands, box backgrounds): now artifacts. */
  decorative: number[];
  /** The text each MCID shows (ActualText where given), for link descriptions. */
  text: Map<number, TextRun>;
  /** Glyphs whose Unicode mapping must change: font → code → text. */
  glyphs: Map<FontInfo, Map<number, string>>;
  /** The fonts the stream shows text with. */
  fonts: Set<FontInfo>;
  /** Counts, for reports and tests. */
  stats: { softHyphens: number; artifacts: number };
}

/** The text of a marked-content sequence, and the baselines of its first and last glyphs. */
export interface TextRun {
  text: string;
  first?: number;
  last?: number;
  /** Where the first and last glyphs start, and the last one's size: a wide gap on one line is a word space. */
  firstX?: number;
  lastX?: number;
  size?: number;
}

/**
 * Joins two pieces of text the way a reader reads them: a new line is a word space, except after a hyphen
 * (« centres-⏎villes ») or a line-end hyphen that only broke the word (marked U+00AD: « revitali­⏎sation »).
 */
export function joinRuns(a: TextRun, b: TextRun): TextRun {
  let text = a.text;
  const newLine = a.last !== undefined && b.first !== undefined && Math.abs(a.last - b.first) > 2;
  const spaced = (t: string) => /\s$/.test(t) || /^\s/.test(b.text);
  if (newLine) {
    if (text.endsWith(SHY)) text = text.slice(0, -1);
    else if (text && b.text && !/[\-‐]$/.test(text) && !spaced(text)) text += ' ';
  } else if (text && b.text && a.lastX !== undefined && b.firstX !== undefined && b.firstX - a.lastX > 1.5 * (a.size ?? 10) && !spaced(text)) text += ' ';
  return {
    text: text + b.text,
    ...(a.first ?? b.first) !== undefined ? { first: (a.first ?? b.first)! } : {},
    ...(b.last ?? a.last) !== undefined ? { last: (b.last ?? a.last)! } : {},
    ...(a.firstX ?? b.firstX) !== undefined ? { firstX: (a.firstX ?? b.firstX)! } : {},
    ...(b.lastX ?? a.lastX) !== undefined ? { lastX: (b.lastX ?? a.lastX)! } : {},
    ...(b.size ?? a.size) !== undefined ? { size: (b.size ?? a.size)! } : {},
  };
}

/** Whether a character is white space (ordinary, no-break or narrow). */
function isSpace(c: string): boolean {
  return c === ' ' || c === '\u00A0' || c === '\u202F' || c === '\u2009' || c === '\n' || c === '\t';
}

/** Builds a TextRun glyph after glyph, with the rules of joinRuns, without an object per glyph. */
class RunBuilder {
  private text: string;
  private first: number | undefined;
  private last: number | undefined;
  private firstX: number | undefined;
  private lastX: number | undefined;
  private size: number | undefined;
  constructor(start?: TextRun) {
    this.text = start?.text ?? '';
    this.first = start?.first;
    this.last = start?.last;
    this.firstX = start?.firstX;
    this.lastX = start?.lastX;
    this.size = start?.size;
  }
  add(text: string, at: { x?: number | undefined; y?: number | undefined; size?: number | undefined } | undefined): void {
    const y = at?.y;
    const x = at?.x;
    if (this.text && text && y !== undefined && this.last !== undefined) {
      const end = this.text[this.text.length - 1]!;
      const spaced = isSpace(end) || isSpace(text[0]!);
      if (Math.abs(this.last - y) > 2) {
        if (end === SHY) this.text = this.text.slice(0, -1);
        else if (end !== '-' && end !== '‐' && !spaced) this.text += ' ';
      } else if (x !== undefined && this.lastX !== undefined && x - this.lastX > 1.5 * (this.size ?? 10) && !spaced) this.text += ' ';
    }
    this.text += text;
    if (y !== undefined) {
      this.first ??= y;
      this.last = y;
    }
    if (x !== undefined) {
      this.firstX ??= x;
      this.lastX = x;
      this.size = at?.size ?? 10;
    }
  }
  done(): TextRun {
    return {
      text: this.text,
      ...(this.first !== undefined ? { first: this.first } : {}),
      ...(this.last !== undefined ? { last: this.last } : {}),
      ...(this.firstX !== undefined ? { firstX: this.firstX } : {}),
      ...(this.lastX !== undefined ? { lastX: this.lastX } : {}),
      ...(this.size !== undefined ? { size: this.size } : {}),
    };
  }
}

/** How the pass classifies untagged content: running headers and footers, or other layout. */
function artifactOpen(kind: 'header' | 'footer' | 'layout'): string {
  if (kind === 'header') return '/Artifact <</Type /Pagination /Subtype /Header>> BDC\n';
  if (kind === 'footer') return '/Artifact <</Type /Pagination /Subtype /Footer>> BDC\n';
  return '/Artifact <</Type /Layout>> BDC\n';
}

function actualText(step: Step): string | undefined {
  const frame = step.stack[step.stack.length - 1];
  const at = frame?.props?.get('ActualText');
  return at instanceof PdfBytes ? decodeTextString(at.bytes) : undefined;
}

function utf16Hex(text: string): string {
  let hex = 'feff';
  for (let i = 0; i < text.length; i++) hex += text.charCodeAt(i).toString(16).padStart(4, '0');
  return hex;
}

/** Where untagged text is: a running header above the page's middle, a footer below. */
function place(y: number | undefined, height: number): 'header' | 'footer' | 'layout' {
  return y === undefined ? 'layout' : y > height / 2 ? 'header' : 'footer';
}

/** Every MCID: the text of each is wanted. */
const ALL = { has: () => true };

const POSITION = new Set(['Td', 'TD', 'Tm', 'T*', 'Tc', 'Tw', 'Tz', 'TL', 'Ts', 'Tf']);

/** Works out a stream's fixes. `height` is the page height, to tell headers from footers. */
export function contentFixes(ops: ContentOps, resources: PDFDict | undefined, height: number, base?: Matrix, formsWithTags?: (step: Step) => boolean, outer: readonly Frame[] = [], wanted: { has(mcid: number): boolean } = ALL): ContentFixes {
  const fixer = new Fixer(ops, walk(ops, resources, base, true, [], 'text'), outer);
  fixer.softHyphens();
  // 2. The fonts the stream uses: their glyphs that read as U+02BC or with a soft hyphen are fixed once, per font.
  for (const s of fixer.steps) if (s.kind === 'text' && s.font) fixer.fixes.fonts.add(s.font);
  fixer.mcids(wanted);
  fixer.artifacts(height, formsWithTags);
  return fixer.fixes;
}

/**
 * The work on one stream, phase by phase. A class, not closures inside contentFixes: V8 then compiles each
 * phase on its own, and its optimised code does not depend on one call's closures (each new call would throw it away).
 */
class Fixer {
  readonly fixes: ContentFixes = { edits: [], decorative: [], text: new Map(), glyphs: new Map(), fonts: new Set(), stats: { softHyphens: 0, artifacts: 0 } };
  /**
   * Only the operations the pass judges have a step (text, paint, marked content, images, forms…): the others
   * (glyph positioning, path points) are read from `ops`, so that a page does not hold a step per operation.
   */
  readonly at: (Step | undefined)[];
  /** Matching EMC of every BMC/BDC. */
  readonly closeOf = new Map<number, number>();
  readonly removed = new Set<number>();
  readonly incidental = new Set<number>();
  // The stack changes only where marked content opens or closes: its context is worked out once per stack.
  private lastStack: readonly Frame[] | undefined = undefined;
  private lastContext: ReturnType<typeof innerContext> = 'none';

  constructor(
    readonly ops: ContentOps,
    readonly steps: Step[],
    readonly outer: readonly Frame[],
  ) {
    this.at = new Array(ops.length);
    for (const s of steps) this.at[s.index] = s;
    const open: number[] = [];
    for (const s of steps) {
      if (s.kind === 'open') open.push(s.index);
      else if (s.kind === 'close' && open.length) this.closeOf.set(open.pop()!, s.index);
    }
  }

  context(stack: readonly Frame[]): ReturnType<typeof innerContext> {
    if (stack !== this.lastStack) {
      this.lastStack = stack;
      this.lastContext = this.outer.length ? innerContext([...this.outer, ...stack]) : innerContext(stack);
    }
    return this.lastContext;
  }

  kindAt(i: number): Step['kind'] {
    return this.at[i]?.kind ?? 'other';
  }

  /** The marked content open at operation i: that of the last step before it, once a closing step has closed. */
  stackAt(i: number): readonly Frame[] {
    for (let j = i; j >= 0; j--) {
      const s = this.at[j];
      if (s) return s.kind === 'close' && j < i ? s.stack.slice(0, -1) : s.stack;
    }
    return [];
  }

  del(i: number): void {
    this.removed.add(i);
    this.fixes.edits.push({ from: this.ops.starts[i]!, to: this.ops.ends[i]!, insert: '' });
  }

  setGlyph(font: FontInfo | undefined, code: number, text: string): void {
    if (!font) return;
    let m = this.fixes.glyphs.get(font);
    if (!m) this.fixes.glyphs.set(font, (m = new Map()));
    m.set(code, text);
  }

  /** The steps of the text shown between operations from and to (excluded). */
  shownIn(from: number, to: number): Step[] {
    const shown: Step[] = [];
    for (let k = from; k < to; k++) if (this.at[k]?.kind === 'text') shown.push(this.at[k]!);
    return shown;
  }

  /** 1. Soft hyphens: the zero-width glyph and its span go; a ligature's ActualText loses the soft hyphen. */
  softHyphens(): void {
    const { ops, fixes, closeOf } = this;
    for (const s of this.steps) {
      if (s.kind !== 'open' || s.name !== 'BDC') continue;
      const actual = s.stack[s.stack.length - 1]?.props?.get('ActualText');
      if (!(actual instanceof PdfBytes)) continue;
      this.softHyphen(s, decodeTextString(actual.bytes), ops, fixes, closeOf);
    }
  }

  private softHyphen(s: Step, text: string, ops: ContentOps, fixes: ContentFixes, closeOf: Map<number, number>): void {
    if (!text.includes(SHY)) return;
    const close = closeOf.get(s.index);
    if (close === undefined) return;
    const shows = this.shownIn(s.index + 1, close);
    const isBlank = (x: Step) => (x.text ?? '').trim() === '' && !(x.text ?? '').includes('\uFFFD');
    const blanks = shows.filter(isBlank);
    const visible = shows.filter((x) => !isBlank(x));
    let onlyPositioning = true;
    for (let k = s.index + 1; k < close && onlyPositioning; k++) onlyPositioning = this.kindAt(k) === 'text' || POSITION.has(ops.name(k));
    // The soft hyphen's own glyph is a zero-width space: it goes, its positioning stays.
    for (const x of blanks) this.del(x.index);
    fixes.stats.softHyphens++;
    if (text === SHY && onlyPositioning && visible.length === 0) {
      this.del(s.index);
      this.del(close);
      // At a line end, Chromium draws the visible hyphen in a text object of its own: it only breaks the word.
      const limit = Math.min(ops.length, close + 8);
      if (close + 2 < limit && ops.name(close + 1) === 'ET' && ops.name(close + 2) === 'BT') {
        let end = close + 3;
        while (end < limit && ops.name(end) !== 'ET') end++;
        const shown = this.shownIn(close + 3, end);
        if (end < limit && shown.length === 1 && /^[-‐]$/.test(shown[0]!.text ?? '')) this.incidental.add(shown[0]!.index);
      }
      return;
    }
    const clean = text.replaceAll(SHY, '');
    fixes.edits.push({ from: s.start, to: s.end, insert: `/Span <</ActualText <${utf16Hex(clean)}>>> BDC` });
    this.removed.add(s.index);
    // A ligature formed across a soft hyphen (« f­f ») has no Unicode of its own: give it the ActualText's.
    if (visible.length === 1 && visible[0]!.codes?.length === 1) {
      const code = visible[0]!.codes[0]!;
      const mapped = visible[0]!.font?.toUnicode?.map.get(code);
      if (mapped === undefined || mapped === '\u0000' || mapped.includes(SHY)) this.setGlyph(visible[0]!.font, code, clean);
    }
  }

  /** 3. MCID text, and decorative MCIDs (paths only, no text or image) that become artifacts. */
  mcids(wanted: { has(mcid: number): boolean }): void {
    const { steps, at, closeOf, fixes, removed, incidental } = this;
    for (let p = 0; p < steps.length; p++) {
      const s = steps[p]!;
      if (s.kind !== 'open') continue;
      const frame = s.stack[s.stack.length - 1]!;
      if (frame.mcid === undefined) continue;
      const close = closeOf.get(s.index);
      if (close === undefined) continue;
      // The steps inside the sequence: steps[p + 1] up to the one of index `close`, excluded.
      let last = p + 1;
      while (last < steps.length && steps[last]!.index < close) last++;
      const run = new RunBuilder(fixes.text.get(frame.mcid));
      let skipUntil = -1;
      for (let q = p + 1; q < last && wanted.has(frame.mcid); q++) {
        const x = steps[q]!;
        if (x.index <= skipUntil) continue;
        if (x.kind === 'open' && x.name === 'BDC') {
          const actual = actualText(x);
          if (actual !== undefined) {
            skipUntil = closeOf.get(x.index) ?? x.index;
            let first: Step | undefined;
            for (let j = x.index + 1; j < skipUntil && !first; j++) if (at[j]?.kind === 'text') first = at[j];
            run.add(actual.includes(SHY) ? actual.replaceAll(SHY, '') : actual, first);
            continue;
          }
        }
        if (x.kind !== 'text' || removed.has(x.index)) continue;
        const t = x.text ?? '';
        run.add(incidental.has(x.index) ? SHY : t.includes(SHY) ? t.replaceAll(SHY, '') : t, x);
      }
      if (wanted.has(frame.mcid)) fixes.text.set(frame.mcid, run.done());
      let paints = 0;
      let other = 0;
      for (let q = p + 1; q < last; q++) {
        const kind = steps[q]!.kind;
        if (kind === 'paint') paints++;
        else if (kind === 'text' || kind === 'image' || kind === 'form' || kind === 'shading') other++;
      }
      const decorative = paints > 0 && other === 0 && this.context(s.stack.slice(0, -1)) === 'none';
      if (decorative) {
        fixes.decorative.push(frame.mcid);
        fixes.edits.push({ from: s.start, to: s.end, insert: artifactOpen('layout').trimEnd() });
        removed.add(s.index);
      }
    }
  }

  /** Wraps operations from … to in an artifact. */
  wrap(from: number, to: number, kind: 'header' | 'footer' | 'layout'): void {
    const { ops, fixes } = this;
    fixes.edits.push({ from: ops.starts[from]!, to: ops.starts[from]!, insert: artifactOpen(kind) });
    fixes.edits.push({ from: ops.ends[to]!, to: ops.ends[to]!, insert: '\nEMC' });
    fixes.stats.artifacts++;
  }

  /** 4. Content outside any marked content: running headers and footers, decoration. */
  artifacts(height: number, formsWithTags: ((step: Step) => boolean) | undefined): void {
    const { ops, at, removed } = this;
    let pathStart = -1;
    for (let i = 0; i < ops.length; i++) {
      const name = ops.name(i);
      const s = at[i];
      if ((name === 'm' || name === 're') && pathStart < 0) pathStart = i;
      if (s?.kind === 'clip') pathStart = -1;
      if (name === 'BT' && this.context(this.stackAt(i)) === 'none') {
        // A whole text object outside marked content: one artifact, unless tagged content opens inside it.
        let end = i + 1;
        let tagged = false;
        while (end < ops.length && ops.name(end) !== 'ET') {
          const e = at[end];
          if (e?.kind === 'open' && (e.stack[e.stack.length - 1]!.mcid !== undefined || e.stack[e.stack.length - 1]!.tag === 'Artifact')) tagged = true;
          end++;
        }
        const shown = this.shownIn(i + 1, end).filter((x) => !removed.has(x.index));
        if (!tagged && end < ops.length) {
          if (shown.length > 0) this.wrap(i, end, place(shown[0]!.y, height));
          i = end;
          continue;
        }
        for (const x of shown) if (this.context(x.stack) === 'none') this.wrap(x.index, x.index, place(x.y, height));
        i = end;
        continue;
      }
      if (!s) continue;
      const untagged = this.context(s.stack) === 'none';
      if (s.kind === 'paint') {
        if (untagged) this.wrap(pathStart >= 0 ? pathStart : i, i, 'layout');
        pathStart = -1;
      } else if ((s.kind === 'image' || s.kind === 'shading') && untagged) this.wrap(i, i, 'layout');
      else if (s.kind === 'form' && untagged && !(formsWithTags?.(s) ?? false)) this.wrap(i, i, 'layout');
    }
  }
}
