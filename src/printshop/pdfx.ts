import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PDFArray, PDFDict, PDFDocument, PDFName, PDFNumber, PDFRawStream, PDFStream, type PDFObject } from 'pdf-lib';
import { PrintError, throwIfAborted } from '../errors.js';

/**
 * The PDF/X flavour kitess writes: PDF/X-1a:2001. It is what Debian's Ghostscript (10.0) actually produces
 * with `-dPDFX`: PDF 1.3, every colour converted to CMYK, every font embedded, no transparency (a page using
 * some is flattened). Ghostscript 10.0 cannot write PDF/X-4 (it forces PDF 1.3 in PDF/X mode), and PDF/X-1a is
 * the version every print shop accepts.
 */
export const PDFX = { version: 'PDF/X-1:2001', conformance: 'PDF/X-1a:2001' } as const;

/** CMYK profiles shipped with Debian's Ghostscript (package libgs-common), in order of preference. */
const CMYK_PROFILES = [
  '/usr/share/color/icc/ghostscript/default_cmyk.icc',
  '/usr/share/ghostscript/iccprofiles/default_cmyk.icc',
];

/** What the output intent says of the printing condition: Ghostscript's generic coated-paper CMYK profile. */
const OUTPUT_CONDITION = 'Artifex CMYK SWOP Profile (Ghostscript default_cmyk.icc)';

/** The CMYK ICC profile the conversion targets and the output intent embeds. */
export function cmykProfile(): string {
  const found = CMYK_PROFILES.find((p) => existsSync(p));
  if (!found) {
    throw new PrintError(
      `profil ICC CMYK introuvable (${CMYK_PROFILES.join(', ')}) : installez Ghostscript de Debian (apt-get install ghostscript) pour la version PDF/X.`,
    );
  }
  return found;
}

/** A PostScript string literal, as hex: safe for any text or path. */
function psHex(bytes: Uint8Array): string {
  return `<${Buffer.from(bytes).toString('hex')}>`;
}

/** A PDF text string (UTF-16BE with its byte order mark), as a PostScript hex literal. */
function psText(text: string): string {
  const utf16 = Buffer.from(text, 'utf16le').swap16();
  return psHex(Buffer.concat([Buffer.from([0xfe, 0xff]), utf16]));
}

/**
 * The PDFX_def.ps prologue Ghostscript runs before the document: the PDF/X keys of the document information,
 * the ICC profile as a stream, and the output intent that points to it from the catalog.
 */
export function pdfxDefinitions(title: string, profile: string): string {
  return `%!PS
% kitess: PDF/X-1a:2001 definitions (after Ghostscript's lib/PDFX_def.ps).
[ /GTS_PDFXVersion (${PDFX.version})
  /GTS_PDFXConformance (${PDFX.conformance})
  /Title ${psText(title)}
  /Trapped /False
/DOCINFO pdfmark

[/_objdef {kitess_icc} /type /stream /OBJ pdfmark
[{kitess_icc} << /N 4 >> /PUT pdfmark
[{kitess_icc} ${psHex(Buffer.from(profile))} (r) file /PUT pdfmark

[/_objdef {kitess_intent} /type /dict /OBJ pdfmark
[{kitess_intent} <<
  /Type /OutputIntent
  /S /GTS_PDFX
  /OutputCondition (${OUTPUT_CONDITION})
  /OutputConditionIdentifier (Custom)
  /RegistryName (http://www.color.org)
  /Info (${OUTPUT_CONDITION})
  /DestOutputProfile {kitess_icc}
>> /PUT pdfmark
[{Catalog} << /OutputIntents [ {kitess_intent} ] >> /PUT pdfmark
`;
}

function isTransparentGState(gs: PDFObject | undefined): boolean {
  if (!(gs instanceof PDFDict)) return false;
  for (const key of ['ca', 'CA']) {
    const alpha = gs.lookup(PDFName.of(key));
    if (alpha instanceof PDFNumber && alpha.asNumber() < 1) return true;
  }
  const smask = gs.lookup(PDFName.of('SMask'));
  if (smask && !(smask instanceof PDFName && smask.asString() === '/None')) return true;
  const blend = gs.lookup(PDFName.of('BM'));
  if (blend instanceof PDFName && !['/Normal', '/Compatible'].includes(blend.asString())) return true;
  const blends = blend instanceof PDFArray ? blend : undefined;
  return !!blends && blends.size() > 0 && !['/Normal', '/Compatible'].includes(String(blends.lookup(0)));
}

function resourcesAreTransparent(resources: PDFObject | undefined, seen: Set<PDFObject>): boolean {
  if (!(resources instanceof PDFDict) || seen.has(resources)) return false;
  seen.add(resources);
  const states = resources.lookup(PDFName.of('ExtGState'));
  if (states instanceof PDFDict && [...states.entries()].some(([, v]) => isTransparentGState(states.context.lookup(v)))) return true;
  const xobjects = resources.lookup(PDFName.of('XObject'));
  if (!(xobjects instanceof PDFDict)) return false;
  for (const [, ref] of xobjects.entries()) {
    const stream = xobjects.context.lookup(ref);
    if (!(stream instanceof PDFStream || stream instanceof PDFRawStream)) continue;
    const dict = stream.dict;
    if (dict.lookup(PDFName.of('SMask')) || dict.lookup(PDFName.of('SMaskInData'))) return true;
    if (resourcesAreTransparent(dict.lookup(PDFName.of('Resources')), seen)) return true;
  }
  return false;
}

/** The pages (from 1) that use transparency, which PDF/X-1a forbids and Ghostscript flattens into an image. */
export function transparentPages(pdf: PDFDocument): number[] {
  const seen = new Set<PDFObject>();
  return pdf
    .getPages()
    .map((page, i) => (resourcesAreTransparent(page.node.Resources(), seen) ? i + 1 : 0))
    .filter((n) => n > 0);
}

/** Runs Ghostscript; resolves with its messages, rejects with a French PrintError. */
function ghostscript(args: string[], env: NodeJS.ProcessEnv, signal?: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('gs', args, { env, signal, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') {
        reject(new PrintError('Ghostscript (gs) est introuvable : il faut le paquet Debian ghostscript (bash scripts/setup.sh l’installe) pour la version PDF/X.'));
      } else reject(error);
    });
    child.on('close', (code) => {
      if (code === 0) resolve(output);
      else reject(new PrintError(`Ghostscript a échoué (code ${code}) pendant la conversion PDF/X : ${output.trim().split('\n').slice(-3).join(' ')}`));
    });
  });
}

/**
 * Ghostscript derives the trailer's /ID from the temporary file names: replace it, in place and at the same
 * length, by a digest of the file's content, so that the same sources give the same bytes.
 */
export function stableId(bytes: Uint8Array): Uint8Array {
  const tail = Buffer.from(bytes.subarray(Math.max(0, bytes.length - 2048))).toString('latin1');
  const match = /\/ID\s*\[\s*<([0-9A-Fa-f]{32})>\s*<([0-9A-Fa-f]{32})>\s*\]/.exec(tail);
  if (!match) return bytes;
  const start = bytes.length - tail.length + match.index;
  const out = Buffer.from(bytes);
  out.fill(0x30, start, start + match[0].length);
  const digest = createHash('md5').update(out).digest('hex').toUpperCase();
  out.write(`/ID [<${digest}><${digest}>]`.padEnd(match[0].length, ' '), start, 'latin1');
  return new Uint8Array(out);
}

/** What the PDF/X conversion needs to know of the document. */
export interface PdfxOptions {
  title: string;
  /** Creation date written by Ghostscript (SOURCE_DATE_EPOCH), so that builds are reproducible. */
  date: Date;
  signal?: AbortSignal;
}

/**
 * Converts a print PDF (with its TrimBox and BleedBox) into a PDF/X-1a:2001 file with Ghostscript: CMYK with
 * Ghostscript's default CMYK profile as output intent, fonts embedded, boxes kept. Links and the ArtBox are
 * removed first: PDF/X-1a admits no annotation on the page and wants the TrimBox alone.
 */
export async function toPdfX(bytes: Uint8Array, options: PdfxOptions): Promise<Uint8Array> {
  throwIfAborted(options.signal);
  const profile = cmykProfile();
  const pdf = await PDFDocument.load(bytes, { updateMetadata: false });
  for (const page of pdf.getPages()) {
    page.node.delete(PDFName.of('Annots'));
    page.node.delete(PDFName.of('ArtBox'));
  }
  const dir = await mkdtemp(path.join(os.tmpdir(), 'kitess-pdfx-'));
  try {
    const input = path.join(dir, 'impression.pdf');
    const defs = path.join(dir, 'PDFX_def.ps');
    const output = path.join(dir, 'pdfx.pdf');
    await writeFile(input, await pdf.save({ useObjectStreams: false }));
    await writeFile(defs, pdfxDefinitions(options.title, profile));
    const args = [
      '-q',
      '-dBATCH',
      '-dNOPAUSE',
      '-dSAFER',
      `--permit-file-read=${profile}`,
      '-sDEVICE=pdfwrite',
      '-dPDFX=true',
      '-dCompatibilityLevel=1.3',
      '-sColorConversionStrategy=CMYK',
      '-sProcessColorModel=DeviceCMYK',
      `-sOutputICCProfile=${profile}`,
      '-dAutoRotatePages=/None',
      '-dEmbedAllFonts=true',
      '-dSubsetFonts=true',
      '-dDownsampleColorImages=false',
      '-dDownsampleGrayImages=false',
      '-dDownsampleMonoImages=false',
      '-r600',
      `-sOutputFile=${output}`,
      defs,
      input,
    ];
    const env = { ...process.env, SOURCE_DATE_EPOCH: String(Math.floor(options.date.getTime() / 1000)) };
    const messages = await ghostscript(args, env, options.signal);
    // Ghostscript does not fail when the input breaks PDF/X: it says so and writes a plain PDF.
    if (/reverting to normal PDF output|not permitted in PDF\/X/i.test(messages)) {
      throw new PrintError(`la conversion PDF/X de « ${options.title} » a échoué : ${messages.trim().replace(/\s+/g, ' ')}`);
    }
    return stableId(new Uint8Array(await readFile(output)));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
