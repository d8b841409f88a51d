/** Every content stream of a document, pages and the form XObjects they draw, walked with their context. */
import { PDFArray, PDFDict, PDFDocument, PDFNumber, PDFRef, PDFStream } from 'pdf-lib';
import { readContent, type ContentOps } from './content.js';
import { context, multiply, walk, type Frame, type Geometry, type Matrix, type Step } from './interpret.js';
import { getDict, inherited, pageContent, pdfName, streamBytes } from './objects.js';

/** The number of pages of a PDF. */
export async function countPages(bytes: Uint8Array): Promise<number> {
  return (await PDFDocument.load(bytes, { updateMetadata: false })).getPageCount();
}

/** One content stream: a page's (all its streams joined) or a form XObject's. */
export interface ContentUnit {
  /** 0-based page index (of the page that draws it, for a form). */
  page: number;
  pageRef: PDFRef;
  /** The form XObject, when the unit is one. */
  form?: { ref: PDFRef | undefined; stream: PDFStream; name: string };
  ops: ContentOps;
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
function formsDrawn(ops: ContentOps, resources: PDFDict | undefined, base: Matrix): { name: string; ref: PDFRef | undefined; stream: PDFStream; ctm: Matrix; stack: Frame[] }[] {
  const xobjects = getDict(resources, 'XObject');
  if (!xobjects || !ops.uses('Do')) return [];
  const found: { name: string; ref: PDFRef | undefined; stream: PDFStream; ctm: Matrix; stack: Frame[] }[] = [];
  let ctm = base;
  const saved: Matrix[] = [];
  const stack: Frame[] = [];
  for (let index = 0; index < ops.length; index++) {
    const name = ops.name(index);
    if (name === 'q') saved.push(ctm);
    else if (name === 'Q') ctm = saved.pop() ?? ctm;
    else if (name === 'cm') ctm = multiply([0, 1, 2, 3, 4, 5].map((k) => ops.num(index, k)) as Matrix, ctm);
    else if (name === 'BMC' || name === 'BDC') {
      const second = ops.operand(index, 1);
      const props = second instanceof Map ? second : undefined;
      const mcid = props?.get('MCID');
      stack.push({ tag: ops.nameAt(index, 0) ?? '', props, mcid: typeof mcid === 'number' ? mcid : undefined, open: index });
    } else if (name === 'EMC') stack.pop();
    else if (name === 'Do') {
      const key = ops.nameAt(index, 0);
      if (key === undefined) continue;
      const ref = xobjects.get(pdfName(key));
      const xo = ref instanceof PDFRef ? xobjects.context.lookup(ref) : ref;
      if (xo instanceof PDFStream && xo.dict.lookup(pdfName('Subtype')) === pdfName('Form')) found.push({ name: key, ref: ref instanceof PDFRef ? ref : undefined, stream: xo, ctm, stack: [...stack] });
    }
  }
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
      let ops: ContentOps;
      try {
        ops = readContent(bytes);
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
      ops: readContent(bytes),
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
 * including where a form is drawn; `geometry` as for walk. The step `visit` gets is one object reused for the
 * next: `visit` reads what it needs of it and keeps none.
 */
export function walkUnits(doc: PDFDocument, visit: (unit: ContentUnit, step: Step) => void, skipOther = false, geometry: Geometry = 'all'): void {
  forEachUnit(doc, (unit) => walk(unit.ops, unit.resources, unit.base, skipOther, unit.outer, geometry, visit, unit));
}

export { context };
