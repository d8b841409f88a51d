/** Every content stream of a document, pages and the form XObjects they draw, walked with their context. */
import { PDFArray, PDFDict, PDFName, PDFNumber, PDFRef, PDFStream, type PDFDocument } from 'pdf-lib';
import { PdfName, tokenize, type Operation } from './content.js';
import { context, multiply, walk, type Frame, type Geometry, type Matrix, type Step } from './interpret.js';
import { getDict, inherited, pageContent, pdfName, streamBytes } from './objects.js';

/** One content stream: a page's (all its streams joined) or a form XObject's. */
export interface ContentUnit {
  /** 0-based page index (of the page that draws it, for a form). */
  page: number;
  pageRef: PDFRef;
  /** The form XObject, when the unit is one. */
  form?: { ref: PDFRef | undefined; stream: PDFStream; name: string };
  ops: Operation[];
  bytes: Uint8Array;
  resources: PDFDict | undefined;
  /** Into default user space. */
  base: Matrix;
  /** The StructParents key of the page or form. */
  key: number | undefined;
  /** Marked content open where a form is drawn (empty for a page). */
  outer: readonly Frame[];
  height: number;
}

function numberOf(obj: unknown): number | undefined {
  return obj instanceof PDFNumber ? obj.asNumber() : undefined;
}

function matrixOf(dict: PDFDict): Matrix {
  const m = dict.lookup(pdfName('Matrix'));
  if (m instanceof PDFArray && m.size() === 6) return m.asArray().map((v) => (v instanceof PDFNumber ? v.asNumber() : 0)) as Matrix;
  return [1, 0, 0, 1, 0, 0];
}

/** The forms a stream draws, with the transformation and marked content in force where each is drawn. */
function formsDrawn(ops: Operation[], resources: PDFDict | undefined, base: Matrix): { name: string; ref: PDFRef | undefined; stream: PDFStream; ctm: Matrix; stack: Frame[] }[] {
  const xobjects = getDict(resources, 'XObject');
  if (!xobjects) return [];
  const found: { name: string; ref: PDFRef | undefined; stream: PDFStream; ctm: Matrix; stack: Frame[] }[] = [];
  let ctm = base;
  const saved: Matrix[] = [];
  const stack: Frame[] = [];
  ops.forEach((op, index) => {
    const o = op.operands;
    if (op.op === 'q') saved.push(ctm);
    else if (op.op === 'Q') ctm = saved.pop() ?? ctm;
    else if (op.op === 'cm') ctm = multiply(o.map((v) => (typeof v === 'number' ? v : 0)) as Matrix, ctm);
    else if (op.op === 'BMC' || op.op === 'BDC') {
      const props = o[1] instanceof Map ? o[1] : undefined;
      const mcid = props?.get('MCID');
      stack.push({ tag: o[0] instanceof PdfName ? o[0].value : '', ...(props ? { props } : {}), ...(typeof mcid === 'number' ? { mcid } : {}), open: index });
    } else if (op.op === 'EMC') stack.pop();
    else if (op.op === 'Do' && o[0] instanceof PdfName) {
      const ref = xobjects.get(pdfName(o[0].value));
      const xo = ref instanceof PDFRef ? xobjects.context.lookup(ref) : ref;
      if (xo instanceof PDFStream && xo.dict.lookup(pdfName('Subtype')) === pdfName('Form')) found.push({ name: o[0].value, ref: ref instanceof PDFRef ? ref : undefined, stream: xo, ctm, stack: [...stack] });
    }
  });
  return found;
}

/**
 * Calls `visit` with each content unit of a document: each page, then the forms it draws (each once, at its
 * first use). A unit's operations live only during its call, so that a long booklet never holds all its
 * pages' tokens at once (which costs far more in garbage collection than in reading).
 */
export function forEachUnit(doc: PDFDocument, visit: (unit: ContentUnit) => void): void {
  const seenForms = new Set<PDFStream>();
  const run = (unit: ContentUnit) => {
    visit(unit);
    const forms = formsDrawn(unit.ops, unit.resources, unit.base);
    for (const form of forms) {
      if (seenForms.has(form.stream)) continue;
      seenForms.add(form.stream);
      const bytes = streamBytes(form.stream);
      let ops: Operation[];
      try {
        ops = tokenize(bytes);
      } catch {
        continue;
      }
      run({
        page: unit.page,
        pageRef: unit.pageRef,
        form: { ref: form.ref, stream: form.stream, name: form.name },
        ops,
        bytes,
        resources: getDict(form.stream.dict, 'Resources') ?? unit.resources,
        base: multiply(matrixOf(form.stream.dict), form.ctm),
        key: numberOf(form.stream.dict.lookup(pdfName('StructParents'))),
        outer: [...unit.outer, ...form.stack],
        height: unit.height,
      });
    }
  };
  doc.getPages().forEach((page, i) => {
    const bytes = pageContent(page.node);
    const resources = inherited(page.node, 'Resources');
    const box = page.getMediaBox();
    run({
      page: i,
      pageRef: page.ref,
      ops: tokenize(bytes),
      bytes,
      resources: resources instanceof PDFDict ? resources : undefined,
      base: [1, 0, 0, 1, 0, 0],
      key: numberOf(page.node.lookup(pdfName('StructParents'))),
      outer: [],
      height: box.y + box.height,
    });
  });
}

/**
 * Walks every operation of every unit (but those of kind 'other' when `skipOther`), its marked-content stack
 * including where a form is drawn; `geometry` as for walk.
 */
export function walkUnits(doc: PDFDocument, visit: (unit: ContentUnit, step: Step) => void, skipOther = false, geometry: Geometry = 'all'): void {
  forEachUnit(doc, (unit) => walk(unit.ops, unit.resources, (step) => visit(unit, step), unit.base, skipOther, unit.outer, geometry));
}

export { context };
