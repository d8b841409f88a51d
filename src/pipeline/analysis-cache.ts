/**
 * Each fiche as parse and transform left it — its frontmatter, its HTML tree, its references, images, key figures,
 * and the diagnostics found on the way — kept for the next build in `<sortie>/.kitess-cache/<kit>/fiches/`: a
 * build reads and transforms again only the fiches whose source changed. The checks that span the kit (numbers,
 * parts, cross-references, contents order, web addresses, key figures' age) run on every build over the cached
 * and the new fiches alike, and a cached fiche's own diagnostics are reported again at every build.
 *
 * The key of an entry holds everything the analysis reads: the fiche's text, its paths and the folder kitess runs
 * from (messages name files relative to it), the names of the kit folder's files (images are checked for
 * existence), the kit's kit.yml, and kitess itself (version, code, templates, fonts: `themeKey`). Titles of the
 * fiches a fiche cites are not in it: cross-references are resolved when rendering, from the kit of this build.
 * Written by publish like the printed pieces (cache.ts): a failed build leaves the previous entries as they were,
 * and a rebuilt kit's folder holds exactly the entries its last build used.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Diagnostic } from '../errors.js';
import type { Fiche, SourceFile } from '../model.js';
import { themeKey } from './inputs.js';
import { placesIn, type Frontmatter } from './parse.js';
import { CACHE_DIR, type OutputFile } from './publish.js';

/** Changes when the entries' shape changes, so that older entries are not read. */
const FORMAT = 1;

/** A fiche's analysis as the cache keeps it: the fiche without its source (read again) and its places (a function). */
interface Entry {
  format: number;
  key: string;
  frontmatter: Frontmatter;
  fiche: Omit<Fiche, 'source' | 'placeOf'>;
  diagnostics: Diagnostic[];
}

/** A fiche analysed by this build or an earlier one. */
export interface Analysis {
  fiche: Fiche;
  frontmatter: Frontmatter;
  diagnostics: Diagnostic[];
}

/** The serialized entry of each analysis, made once however many builds keep it (the preview builds again and again). */
const serialized = new WeakMap<Fiche, { key: string; bytes: Uint8Array }>();

/** The key of a fiche's analysis (see above); `inputs` are the fiche's own inputs, as prepare names them. */
export function analysisKey(inputs: string, kitConfig: string): string {
  return createHash('sha256').update(JSON.stringify([FORMAT, themeKey(), kitConfig, inputs])).digest('hex');
}

const file = (kit: string, key: string) => path.join(CACHE_DIR, kit, 'fiches', `${key}.json`);

/** The fiches' analyses the previous build kept, and those this build keeps for the next one. */
export class AnalysisCache {
  private readonly written = new Map<string, OutputFile>();

  constructor(
    private readonly outDir: string,
    private readonly enabled: boolean,
  ) {}

  /** The analysis with this key, if the previous build kept it; given the fiche's source as read by this build. */
  async get(kit: string, key: string, source: SourceFile): Promise<Analysis | undefined> {
    if (!this.enabled) return undefined;
    let bytes: Buffer;
    let entry: Entry;
    try {
      bytes = await readFile(path.join(this.outDir, file(kit, key)));
      entry = JSON.parse(bytes.toString('utf8')) as Entry;
    } catch {
      return undefined;
    }
    if (entry.format !== FORMAT || entry.key !== key) return undefined;
    const fiche: Fiche = { ...entry.fiche, source, placeOf: placesIn(entry.frontmatter, source.path) };
    serialized.set(fiche, { key, bytes });
    this.written.set(file(kit, key), { path: file(kit, key), bytes });
    return { fiche, frontmatter: entry.frontmatter, diagnostics: entry.diagnostics };
  }

  /** Keeps an analysis of this build for the next one. */
  put(kit: string, key: string, analysis: Analysis): void {
    let made = serialized.get(analysis.fiche);
    if (made?.key !== key) {
      const { source: _source, placeOf: _placeOf, ...fiche } = analysis.fiche;
      const entry: Entry = { format: FORMAT, key, frontmatter: analysis.frontmatter, fiche, diagnostics: analysis.diagnostics };
      made = { key, bytes: Buffer.from(JSON.stringify(entry)) };
      serialized.set(analysis.fiche, made);
    }
    this.written.set(file(kit, key), { path: file(kit, key), bytes: made.bytes });
  }

  /** The files publish writes: every analysis this build used, and no other. */
  outputs(kit: string): OutputFile[] {
    const prefix = path.join(CACHE_DIR, kit, 'fiches') + path.sep;
    return [...this.written.values()].filter((f) => f.path.startsWith(prefix));
  }
}
