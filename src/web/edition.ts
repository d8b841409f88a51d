import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Fiche, Kit } from '../model.js';
import { themeKey } from '../pipeline/inputs.js';
import { sha256, type ManifestKit, type ManifestWebFile, type OutputFile } from '../pipeline/publish.js';
import { webBody } from './body.js';
import { renderFichePage, renderKitPage, kitStyle, type PdfFile } from './page.js';
import { ficheWebPath, kitStylePath, kitWebPath, webImagePath } from './paths.js';

function hash(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex');
}

/** What the web edition of a kit is made from, besides the kit itself: its PDFs as printed (their sizes are shown). */
export interface WebKitInput {
  kit: Kit;
  /** Each fiche's PDF, by number, and the key of everything the PDF was made from (see inputs.ts). */
  pdfs: Map<number, PdfFile & { inputs: string }>;
  booklet: PdfFile;
  /** The cover thumbnail, relative to dist/. */
  cover?: string;
  /** The kit's entry in the previous build's manifest, whose unchanged pages are taken as they are. */
  previous?: ManifestKit;
  /** The output folder, where the previous build's pages are. */
  outDir: string;
}

/** The web edition of one kit: the files to write and what the manifest says of them. */
export interface WebKit {
  files: OutputFile[];
  /** Each fiche's page, by number. */
  fiches: Map<number, ManifestWebFile>;
  kit: NonNullable<ManifestKit['web']>;
  /** Pages made by this build, and pages taken unchanged from the previous one. */
  written: string[];
  reused: string[];
}

/** The kit settings a fiche's page shows (header, footer, addresses, colours). */
function shownSettings(kit: Kit) {
  const c = kit.config;
  return { id: kit.id, title: c.title, publisher: c.publisher, edition: c.edition, baseUrl: c.baseUrl, accent: c.accent, parts: c.parts };
}

const neighbourOf = (f: Fiche | undefined) => (f ? { number: f.number, name: f.name, title: f.meta.title } : null);

/**
 * Makes the web edition of a kit: a page per fiche, the kit's page, its colours and the images its fiches show.
 * A page whose inputs (its fiche's PDF key, its PDF's size, its neighbours, the kit settings it shows, kitess's code
 * and templates) are those of the previous build is taken from it unchanged, not made again.
 */
export async function makeWebKit(input: WebKitInput): Promise<WebKit> {
  const { kit, pdfs, previous, outDir } = input;
  const files: OutputFile[] = [];
  const written: string[] = [];
  const reused: string[] = [];
  const theme = themeKey();
  const reuse = async (old: ManifestWebFile | undefined, filePath: string, inputs: string): Promise<Uint8Array | undefined> => {
    if (!old || old.path !== filePath || old.inputs !== inputs) return undefined;
    const file = path.join(outDir, old.path);
    if (!existsSync(file)) return undefined;
    const bytes = await readFile(file);
    return sha256(bytes) === old.sha256 ? bytes : undefined;
  };
  const add = (filePath: string, bytes: Uint8Array, inputs: string | undefined, wasReused: boolean): ManifestWebFile => {
    files.push({ path: filePath, bytes });
    if (inputs !== undefined) (wasReused ? reused : written).push(filePath);
    return { path: filePath, bytes: bytes.byteLength, sha256: sha256(bytes), ...(inputs !== undefined ? { inputs } : {}) };
  };

  const fiches = new Map<number, ManifestWebFile>();
  const images = new Map<string, string>();
  for (const [i, fiche] of kit.fiches.entries()) {
    const pdf = pdfs.get(fiche.number)!;
    const previousFiche = kit.fiches[i - 1];
    const nextFiche = kit.fiches[i + 1];
    const filePath = ficheWebPath(kit.id, fiche);
    const inputs = hash({ theme, fiche: pdf.inputs, pdf: { path: pdf.path, pages: pdf.pages, bytes: pdf.bytes }, kit: shownSettings(kit), previous: neighbourOf(previousFiche), next: neighbourOf(nextFiche) });
    for (const image of fiche.images) images.set(image.src, image.absPath);
    const old = await reuse(previous?.fiches.find((f) => f.number === fiche.number)?.web, filePath, inputs);
    if (old) {
      fiches.set(fiche.number, add(filePath, old, inputs, true));
      continue;
    }
    const body = await webBody(kit, fiche, filePath);
    const html = renderFichePage({ kit, fiche, body, pdf, previous: previousFiche, next: nextFiche });
    fiches.set(fiche.number, add(filePath, Buffer.from(html), inputs, false));
  }

  const pagePath = kitWebPath(kit.id);
  const summary = kit.fiches.map((f) => ({ n: f.number, name: f.name, title: f.meta.title, summary: f.meta.summary, part: f.meta.part, updated: f.meta.updated }));
  const pdfList = kit.fiches.map((f) => pdfs.get(f.number)!).map((p) => ({ path: p.path, pages: p.pages, bytes: p.bytes }));
  const pageInputs = hash({ theme, config: kit.config, fiches: summary, pdfs: pdfList, booklet: input.booklet, cover: input.cover ?? null });
  const oldPage = await reuse(previous?.web?.page, pagePath, pageInputs);
  const page = add(pagePath, oldPage ?? Buffer.from(renderKitPage({ kit, booklet: input.booklet, pdfs, ...(input.cover ? { cover: input.cover } : {}) })), pageInputs, !!oldPage);

  // The kit's colours and its fiches' images: small, copied every time.
  const others = [add(kitStylePath(kit.id), Buffer.from(kitStyle(kit)), undefined, false)];
  for (const [src, absPath] of [...images].sort(([a], [b]) => a.localeCompare(b))) others.push(add(webImagePath(kit.id, src), await readFile(absPath), undefined, false));
  return { files, fiches, kit: { page, files: others }, written, reused };
}

/** What the web edition of the kits built adds to a build: its files, the manifest entries that list them. */
export interface WebEdition {
  files: OutputFile[];
  kits: ManifestKit[];
  written: string[];
  reused: string[];
}

/**
 * The web edition of the kits a build printed: each kit's manifest entry (its PDFs as printed) gains its pages.
 * Nothing is written here: the publish stage writes the files.
 */
export async function makeWebEdition(kits: Kit[], entries: ManifestKit[], previous: ManifestKit[] | undefined, outDir: string): Promise<WebEdition> {
  const out: WebEdition = { files: [], kits: [], written: [], reused: [] };
  for (const entry of entries) {
    const kit = kits.find((k) => k.id === entry.id);
    if (!kit) {
      out.kits.push(entry);
      continue;
    }
    const pdfs = new Map(entry.fiches.map((f) => [f.number, { path: f.path, pages: f.pages, bytes: f.bytes, inputs: f.inputs ?? '' }]));
    const web = await makeWebKit({ kit, pdfs, booklet: entry.booklet, ...(entry.cover ? { cover: entry.cover } : {}), previous: previous?.find((k) => k.id === kit.id), outDir });
    out.files.push(...web.files);
    out.written.push(...web.written);
    out.reused.push(...web.reused);
    out.kits.push({ ...entry, fiches: entry.fiches.map((f) => ({ ...f, web: web.fiches.get(f.number)! })), web: web.kit });
  }
  return out;
}
