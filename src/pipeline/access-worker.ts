/** A worker thread running the accessibility pass (see access-pool.ts): bytes and metadata in, bytes and report out. */
import { parentPort } from 'node:worker_threads';
import { accessWithReport } from './access.js';
import type { PdfMeta } from './assemble.js';

/** One job of the pool. */
export interface AccessJob {
  id: number;
  bytes: Uint8Array;
  meta: PdfMeta;
}

parentPort?.on('message', (job: AccessJob) => {
  accessWithReport(job.bytes, job.meta).then(
    ({ bytes, report }) => {
      const own = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
      parentPort!.postMessage({ id: job.id, bytes, report }, own ? [bytes.buffer as ArrayBuffer] : []);
    },
    (error: unknown) => parentPort!.postMessage({ id: job.id, error: error instanceof Error ? error.message : String(error) }),
  );
});
