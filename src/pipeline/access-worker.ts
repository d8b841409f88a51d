/** A worker thread running the accessibility pass (see access-pool.ts): bytes and metadata in, bytes and report out. */
import { parentPort } from 'node:worker_threads';
import { timedPass, type PieceOptions } from './access.js';
import type { PdfMeta } from '../pdf/meta.js';

/** One job of the pool. */
export interface AccessJob {
  id: number;
  bytes: Uint8Array;
  /** The document's metadata for the whole pass; none for a piece (see accessPiece). */
  meta?: PdfMeta;
  /** For a piece: see accessPiece. */
  piece?: PieceOptions;
}

parentPort?.on('message', (job: AccessJob) => {
  timedPass(job.bytes, job.meta, job.piece).then(
    ({ bytes, report, ms }) => {
      const own = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
      parentPort!.postMessage({ id: job.id, bytes, report, ms }, own ? [bytes.buffer as ArrayBuffer] : []);
    },
    (error: unknown) => parentPort!.postMessage({ id: job.id, error: error instanceof Error ? error.message : String(error) }),
  );
});
