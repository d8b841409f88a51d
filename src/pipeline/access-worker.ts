/** A worker thread running the accessibility pass (see access-pool.ts): bytes and metadata in, bytes and report out. */
import { setFlagsFromString } from 'node:v8';
import { parentPort, workerData } from 'node:worker_threads';
import { accessPiece, accessWithReport, type PieceOptions } from './access.js';
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

/**
 * V8's budget for inlining into one optimised function, lowered from 920 bytes of bytecode: in a process that
 * lives for one build, most of the pass's cost past its real work was TurboFan compiling (≈ 1.1 s of its 3.3 s
 * of processor on the 68 pieces of the three kits), and smaller inlined graphs compile much faster for code
 * that runs a little slower once compiled. V8 flags are the process's, not this thread's: the build's own thread
 * compiles with it too from here on (measured: a clean build's processor time 17.6 → 15.5 s, 3 alternated pairs,
 * same bytes). A setting read when each function is compiled, so that setting it now is safe.
 */
const LEAN_COMPILER = '--max-inlined-bytecode-size-cumulative=300';
if ((workerData as { leanCompiler?: boolean } | undefined)?.leanCompiler) setFlagsFromString(LEAN_COMPILER);

parentPort?.on('message', (job: AccessJob) => {
  (job.meta ? accessWithReport(job.bytes, job.meta) : accessPiece(job.bytes, job.piece)).then(
    ({ bytes, report }) => {
      const own = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
      parentPort!.postMessage({ id: job.id, bytes, report }, own ? [bytes.buffer as ArrayBuffer] : []);
    },
    (error: unknown) => parentPort!.postMessage({ id: job.id, error: error instanceof Error ? error.message : String(error) }),
  );
});
