/**
 * Runs the accessibility pass in worker threads, so that it uses the processor Chromium leaves idle while the
 * main thread goes on driving the prints. Built once per build, closed in its `finally`, like the browser.
 * Where the compiled worker is not there (tests run the TypeScript sources), the pass runs in this thread.
 */
import { existsSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { timedPass, type AccessResult, type Passed, type PieceOptions } from './access.js';
import type { AccessJob } from './access-worker.js';
import type { PdfMeta } from '../pdf/meta.js';

const WORKER = fileURLToPath(new URL('./access-worker.js', import.meta.url));

/**
 * Lowers V8's budget for inlining into one optimised function (920 bytes of bytecode by default), for a process
 * that lives for one build. The accessibility pass's thread starts cold: over the 68 pieces of the three kits it
 * takes ≈ 3.1 s of processor, against ≈ 1.9 s for the same pieces a second time, most of the difference TurboFan
 * compiling on V8's background threads; the build's own thread compiles much code once too. Smaller inlined
 * graphs compile faster, for code that runs a little slower once compiled: the pass 3.1 → 2.8 s of processor
 * (4 alternated runs), a clean build 17.6 → 15.5 s (3 alternated pairs), same 68 PDFs. Not for the preview,
 * which lives long enough to repay full inlining. V8 reads the setting as it compiles each function: set when a
 * build starts, it holds for the pass's thread and for this one from then on.
 */
export function leanCompiler(): void {
  setFlagsFromString('--max-inlined-bytecode-size-cumulative=300');
}

interface Pending {
  job: AccessJob;
  resolve: (result: Passed) => void;
  reject: (error: Error) => void;
}

/** A small pool of worker threads for the accessibility pass. */
export class AccessPool {
  private readonly idle: Worker[] = [];
  private readonly all: Worker[] = [];
  private readonly queue: Pending[] = [];
  private readonly running = new Map<Worker, Pending>();
  private next = 0;
  private closed = false;
  private here = false;
  readonly threaded = existsSync(WORKER);

  /** At most `size` threads, started on first use. */
  constructor(private readonly size: number) {}

  /**
   * Starts a thread now rather than at the first job, so that it loads its modules while the build does
   * something else (reading the sources, starting Chromium).
   */
  start(): void {
    if (this.threaded && !this.closed && this.all.length < this.size) this.idle.push(this.spawn());
  }

  /**
   * Runs every pass in this thread from now on, unless a thread is already started: for a build with a piece or
   * two to pass, a thread of its own costs more (it loads and compiles its own copy of the modules) than it saves.
   */
  runHere(): void {
    if (this.all.length === 0) this.here = true;
  }

  /** Runs the pass over one PDF: the whole pass with its metadata, the piece pass without (see accessPiece). */
  async run(bytes: Uint8Array, meta?: PdfMeta, piece?: PieceOptions): Promise<Passed> {
    if (!this.threaded || this.here) return timedPass(bytes, meta, piece);
    if (this.closed) throw new Error('accessibility pool closed');
    return new Promise<Passed>((resolve, reject) => {
      this.queue.push({ job: { id: this.next++, bytes, ...(meta ? { meta } : {}), ...(piece ? { piece } : {}) }, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.queue.length > 0) {
      let worker = this.idle.pop();
      if (!worker && this.all.length < this.size) worker = this.spawn();
      if (!worker) return;
      const pending = this.queue.shift()!;
      this.running.set(worker, pending);
      worker.postMessage(pending.job);
    }
  }

  private spawn(): Worker {
    // A larger young generation: the pass makes many short-lived objects per glyph.
    const worker = new Worker(WORKER, { resourceLimits: { maxYoungGenerationSizeMb: 64 } });
    worker.on('message', (message: { id: number; bytes?: Uint8Array; report?: AccessResult['report']; ms?: number; error?: string }) => {
      const pending = this.running.get(worker);
      this.running.delete(worker);
      if (pending) {
        if (message.error !== undefined) pending.reject(new Error(message.error));
        else pending.resolve({ bytes: message.bytes!, report: message.report!, ms: message.ms! });
      }
      this.idle.push(worker);
      this.pump();
    });
    worker.on('error', (error) => {
      const pending = this.running.get(worker);
      this.running.delete(worker);
      pending?.reject(error);
      this.all.splice(this.all.indexOf(worker), 1);
      this.pump();
    });
    this.all.push(worker);
    return worker;
  }

  /** Stops every thread; jobs not yet done fail. */
  async close(): Promise<void> {
    this.closed = true;
    for (const pending of [...this.queue, ...this.running.values()]) pending.reject(new Error('accessibility pool closed'));
    this.queue.length = 0;
    this.running.clear();
    await Promise.all(this.all.map((w) => w.terminate()));
    this.all.length = 0;
    this.idle.length = 0;
  }
}
