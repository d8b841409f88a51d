/**
 * The pieces a build printed (fiches' bodies, booklets' own pages), after their accessibility pass, kept for the
 * next build in `<sortie>/.kitess-cache/<kit>/`: a build reprints only the pieces whose inputs changed, and
 * assembles the others' PDFs again from these. Written into the staging folder as each piece is made, like every
 * output (a failed build leaves the previous cache as it was); a rebuilt kit's folder holds exactly the pieces its
 * last build used.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Failure } from '../pdfua/check.js';
import type { Piece } from './assemble.js';
import { CACHE_DIR, type Staging } from './publish.js';

export { CACHE_DIR };

/** What is kept beside a piece's bytes: its length, its failures, and for a booklet's own pages where they are. */
interface PieceMeta {
  pages: number;
  failures: Failure[];
  sha256: string;
  extra?: unknown;
}

/** A piece read from, or to be written into, the cache. */
export interface CachedPiece extends Piece {
  /** Whatever the stage that made it keeps with it (the booklet's own pages keep their layout). */
  extra?: unknown;
}

function files(kit: string, key: string): { pdf: string; json: string } {
  return { pdf: path.join(CACHE_DIR, kit, `${key}.pdf`), json: path.join(CACHE_DIR, kit, `${key}.json`) };
}

/** Whether the previous build kept a piece with this key (its bytes are checked only when it is read). */
export function pieceKept(outDir: string, kit: string, key: string): boolean {
  return existsSync(path.join(outDir, files(kit, key).pdf));
}

/** A kit's cached pieces: read from the previous build's output folder, and those of this build written to the staging folder. */
export class PieceCache {
  private readonly written = new Set<string>();

  constructor(
    private readonly outDir: string,
    private readonly kit: string,
    private readonly enabled: boolean,
    private readonly staging: Staging,
  ) {}

  /** The piece with this key, if the previous build kept it and its bytes are whole; kept for the next build. */
  async get(key: string): Promise<CachedPiece | undefined> {
    if (!this.enabled) return undefined;
    const f = files(this.kit, key);
    try {
      const [bytes, json] = await Promise.all([readFile(path.join(this.outDir, f.pdf)), readFile(path.join(this.outDir, f.json), 'utf8')]);
      const meta = JSON.parse(json) as PieceMeta;
      if (createHash('sha256').update(bytes).digest('hex') !== meta.sha256) return undefined;
      if (!this.written.has(key)) {
        this.written.add(key);
        await Promise.all([this.staging.keep(f.pdf, path.join(this.outDir, f.pdf)), this.staging.keep(f.json, path.join(this.outDir, f.json))]);
      }
      return { bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), pages: meta.pages, failures: meta.failures, ...(meta.extra !== undefined ? { extra: meta.extra } : {}) };
    } catch {
      return undefined;
    }
  }

  /** Keeps a piece of this build for the next one: written now into the staging folder. */
  async put(key: string, piece: CachedPiece): Promise<void> {
    if (this.written.has(key)) return;
    this.written.add(key);
    const f = files(this.kit, key);
    const { sha256 } = await this.staging.write(f.pdf, piece.bytes);
    const meta: PieceMeta = { pages: piece.pages, failures: piece.failures, sha256, ...(piece.extra !== undefined ? { extra: piece.extra } : {}) };
    await this.staging.write(f.json, `${JSON.stringify(meta)}\n`);
  }
}
