import { readFile } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { PROJECT_ROOT, TEMPLATES_DIR } from '../assets.js';
import { launchBrowser, resolveBrowser, type BrowserHandle } from '../browser.js';
import type { BuildEvent } from '../build-events.js';
import { build } from '../build.js';
import { createProgress, plural, seconds, type OutStream } from '../cli/progress.js';
import { countLine, errorsFirst } from '../cli/summary.js';
import { AbortedError, SourceError, type Diagnostic } from '../errors.js';
import { AccessPool } from '../pipeline/access-pool.js';
import { Printer } from '../pipeline/print.js';
import { readManifest, type Manifest } from '../pipeline/publish.js';
import { formatDiagnostic } from '../report.js';
import { indexPage, viewerPage } from './pages.js';
import { watchSources, type SourceWatch } from './watch.js';

const require = createRequire(import.meta.url);
/** pdf.js, which draws the PDFs in the preview page: only these folders of its package are served. */
const PDFJS_DIR = path.dirname(require.resolve('pdfjs-dist/package.json'));
const PDFJS_SERVED = ['legacy/build/', 'standard_fonts/', 'cmaps/', 'wasm/'];
/** The preview page's own script and stylesheet. */
const CLIENT_DIR = path.join(PROJECT_ROOT, 'src', 'preview', 'client');

/** What `kitess preview` is asked to do. */
export interface PreviewOptions {
  sheetsDir: string;
  outDir: string;
  kits?: string[];
  /** Port on 127.0.0.1; 0 picks a free one. */
  port: number;
  browserPath?: string;
  drafts?: boolean;
  /** Where progress and errors are written (the terminal's stderr by default). */
  terminal?: OutStream;
  quiet?: boolean;
  /** Told of each change seen, each PDF made available and each build's end (tests, measurements). */
  onEvent?: (event: PreviewEvent) => void;
  /**
   * Stops the preview (Ctrl-C): the build under way is interrupted at once like `kitess build`'s (the output
   * folder left as it was, the browser closed), no other starts; the caller then calls close().
   */
  signal?: AbortSignal;
}

/** What the preview tells its caller, with the time it happened (performance.now()). */
export type PreviewEvent =
  | { type: 'change'; files: string[]; at: number }
  | { type: 'pdf'; path: string; at: number }
  | { type: 'built'; ok: boolean; printed: string[]; at: number };

/** A running preview server. */
export interface PreviewServer {
  url: string;
  /** Settles when the first build has ended (rejected only when the browser cannot start). */
  ready: Promise<void>;
  /** Resolves after the next build has ended (for tests and scripts). */
  nextBuild(): Promise<void>;
  /** Whether stopping the preview (its signal, or close()) interrupted a build under way. */
  interrupted(): boolean;
  /** Stops the preview: a build under way is interrupted, then the watch, the server and the browser are closed. */
  close(): Promise<void>;
}

/** The build's state as the pages show it. */
interface State {
  building: boolean;
  /** What is being done, in French (« Fiches : 3/20 »). */
  step: string;
  /** Diagnostics of the last failed build, errors first. */
  errors: Diagnostic[];
  /** Message of the last failed build when it is not about the sources (browser, printing). */
  failure?: string;
  warnings: number;
}

const CONTENT_TYPES: Record<string, string> = {
  '.pdf': 'application/pdf',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.wasm': 'application/wasm',
  '.bcmap': 'application/octet-stream',
  '.pfb': 'application/octet-stream',
  '.ttf': 'font/ttf',
};

/** The file under `root` a URL path names, or undefined when it would leave `root`. */
function inside(root: string, relative: string): string | undefined {
  const file = path.resolve(root, relative);
  return file.startsWith(path.resolve(root) + path.sep) ? file : undefined;
}

/**
 * The preview: serves the kits' PDFs on 127.0.0.1 at once, builds them (progress on the page and in the
 * terminal), then rebuilds on every save that chokidar sees. The fiches just saved are printed first, and each
 * PDF is offered to the pages as soon as it is printed, before the booklet; errors go on every page open, over
 * the last good PDFs, and in full in the terminal.
 */
export async function startPreview(options: PreviewOptions, deps: { browser?: BrowserHandle } = {}): Promise<PreviewServer> {
  const terminal = options.terminal ?? process.stderr;
  const say = (line: string) => {
    if (!options.quiet) terminal.write(`${line}\n`);
  };
  const notify = options.onEvent ?? (() => undefined);
  // A browser that cannot be found is reported before anything is served.
  const choice = deps.browser ? undefined : resolveBrowser(options.browserPath);
  const state: State = { building: false, step: '', errors: [], warnings: 0 };
  let manifest: Manifest | undefined = await readManifest(options.outDir);
  /** PDFs printed by the build under way, served before it publishes them. */
  const fresh = new Map<string, Uint8Array>();
  /** A version per PDF path, raised each time it is printed, so that pages know when to redraw. */
  const versions = new Map<string, number>();
  const clients = new Map<http.ServerResponse, string>();
  let waiters: (() => void)[] = [];
  let lastWarnings = '';
  let handle: BrowserHandle | undefined;
  // The accessibility pass's thread, started once for every build of the session: a new one would cost each save
  // ~0.3 s (a thread loading its modules).
  const access = new AccessPool(1);
  // The printer's tabs, likewise kept from one build to the next: each keeps its stylesheets and fonts loaded.
  let printer: Printer | undefined;
  // Stopping the preview aborts the build under way: each build gets this signal, as `kitess build` gets the
  // command line's. Its own browser is closed at once, so that the prints in flight end now rather than in turn.
  const stop = new AbortController();
  let interrupted = false;
  stop.signal.addEventListener('abort', () => {
    if (!deps.browser) void handle?.close();
  }, { once: true });
  if (options.signal?.aborted) stop.abort();
  else options.signal?.addEventListener('abort', () => stop.abort(), { once: true });

  const send = (event: string, data: unknown) => {
    const text = `event: ${event}\ndata: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`;
    for (const client of clients.keys()) client.write(text);
  };
  const publishState = () => send('etat', state);

  /** Pages that redraw a new version of a PDF: each waits until that many of them have drawn it. */
  let loading: { file: string; version: number; left: number; done: () => void }[] = [];
  /**
   * Resolves once every page showing `file` has drawn its new version (at most 0.5 s): the build waits for it
   * before assembling the booklet, whose work (on this thread and on the machine's other core) would otherwise
   * delay serving the PDF to the page and drawing it there.
   */
  const offered = (file: string) => {
    const left = [...clients.values()].filter((f) => f === file).length;
    if (left === 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => finish(), 500);
      const entry = { file, version: versions.get(file) ?? 0, left, done: () => finish() };
      const finish = () => {
        clearTimeout(timer);
        loading = loading.filter((l) => l !== entry);
        resolve();
      };
      loading.push(entry);
    });
  };
  const drawn = (file: string, version: number) => {
    for (const l of [...loading]) if (l.file === file && version >= l.version && --l.left <= 0) l.done();
  };

  const onBuildEvent = (e: BuildEvent) => {
    switch (e.type) {
      case 'fiches':
        state.step = e.toPrint ? `Impression de ${plural(e.toPrint, 'fiche')}…` : 'Aucune fiche à réimprimer.';
        break;
      case 'fiche':
      case 'booklet': {
        fresh.set(e.path, e.bytes);
        versions.set(e.path, (versions.get(e.path) ?? 0) + 1);
        send('pdf', { path: e.path, version: versions.get(e.path) });
        notify({ type: 'pdf', path: e.path, at: performance.now() });
        state.step = e.type === 'fiche' ? `Fiche ${e.number} « ${e.title} » imprimée.` : `Livret ${e.title} imprimé.`;
        break;
      }
      case 'booklet-start':
        state.step = `Impression du livret ${e.title}…`;
        break;
      case 'printshop-start':
        state.step = `Version imprimeur du livret ${e.title}…`;
        break;
      case 'printshop':
        state.step = `Version imprimeur du livret ${e.title} prête.`;
        break;
      case 'publish':
        state.step = 'Écriture des fichiers…';
        break;
    }
    publishState();
  };

  /** The sources of the fiches open in a page: printed first, with the edited ones. */
  const viewedSources = () =>
    [...clients.values()].flatMap((file) => {
      const m = /^([^/]+)\/fiches\/([^/]+)\.pdf$/.exec(file);
      return m ? [path.join(options.sheetsDir, m[1]!, `${m[2]}.md`)] : [];
    });

  const runBuild = async (changed: string[]) => {
    const started = performance.now();
    Object.assign(state, { building: true, step: 'Lecture et vérification des fiches…' });
    publishState();
    const progress = createProgress({ stream: terminal, quiet: options.quiet });
    let ok = false;
    let printed: string[] = [];
    try {
      const result = await build(
        {
          sheetsDir: options.sheetsDir,
          outDir: options.outDir,
          kits: options.kits,
          drafts: options.drafts,
          first: [...changed, ...viewedSources()],
          signal: stop.signal,
          offered,
          // The preview shows the PDFs only: the web edition is not made for it.
          web: false,
          onEvent: (e) => {
            progress.listener(e);
            onBuildEvent(e);
          },
          log: progress.log,
        },
        { browser: handle, access, printer },
      );
      progress.stop();
      ok = true;
      printed = result.printed;
      manifest = await readManifest(options.outDir);
      Object.assign(state, { errors: [], failure: undefined, warnings: result.warnings.length });
      const warnings = errorsFirst(result.warnings).map(formatDiagnostic).join('\n');
      if (warnings && warnings !== lastWarnings) say(`${warnings}\n⚠ ${countLine(result.warnings)}`);
      lastWarnings = warnings;
      say(`✓ À jour en ${seconds(performance.now() - started)}${printed.length ? ` : ${printed.map((p) => path.basename(p)).join(', ')}` : ' : rien à réimprimer'}.`);
    } catch (error) {
      progress.stop();
      if (error instanceof AbortedError || stop.signal.aborted) {
        // Stopped on purpose: the caller says so (exit 130); the output folder is as it was.
        interrupted = true;
      } else if (error instanceof SourceError) {
        Object.assign(state, { errors: errorsFirst(error.diagnostics), failure: undefined });
        say(`${state.errors.map(formatDiagnostic).join('\n')}\n\n✗ ${countLine(error.diagnostics)} : l'aperçu garde les PDF précédents et affiche les erreurs dans la page.`);
      } else {
        Object.assign(state, { errors: [], failure: (error as Error).message });
        say(`✗ La construction a échoué : ${(error as Error).message}`);
      }
    } finally {
      fresh.clear();
      state.building = false;
      state.step = '';
      publishState();
      send('fin', { ok, versions: Object.fromEntries(printed.map((p) => [p, versions.get(p) ?? 0])) });
      notify({ type: 'built', ok, printed, at: performance.now() });
      const done = waiters;
      waiters = [];
      for (const w of done) w();
    }
  };

  let running: Promise<void> | undefined;
  let queued: Set<string> | undefined;
  const schedule = (files: string[]) => {
    if (stop.signal.aborted) return;
    if (running) {
      queued ??= new Set();
      for (const f of files) queued.add(f);
      return;
    }
    running = runBuild(files).finally(() => {
      running = undefined;
      if (queued) {
        const next = [...queued];
        queued = undefined;
        schedule(next);
      }
    });
  };

  const serveFile = async (res: http.ServerResponse, file: string, body?: Uint8Array, cache = 'no-store') => {
    let bytes = body;
    // The output folder is swapped in one rename when a build publishes: try again for a moment.
    for (let attempt = 0; !bytes; attempt++) {
      try {
        bytes = await readFile(file);
      } catch (error) {
        if (attempt >= 10) throw error;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    res.writeHead(200, { 'content-type': CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream', 'cache-control': cache });
    res.end(bytes);
  };

  const server = http.createServer(async (req, res) => {
    const port = (server.address() as AddressInfo | null)?.port;
    // Only pages of this machine: a request naming another host (DNS rebinding) is refused.
    if (req.headers.host !== `127.0.0.1:${port}` && req.headers.host !== `localhost:${port}`) {
      res.writeHead(403, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('Aperçu réservé à cette machine : ouvrez http://127.0.0.1:' + port + '/');
      return;
    }
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const html = (text: string) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(text);
    };
    try {
      if (url.pathname === '/evenements') {
        res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
        res.write(`event: etat\ndata: ${JSON.stringify(state)}\n\n`);
        clients.set(res, url.searchParams.get('f') ?? '');
        req.on('close', () => clients.delete(res));
        return;
      }
      if (url.pathname === '/') return html(indexPage(manifest));
      if (url.pathname === '/favicon.ico') {
        res.writeHead(204);
        res.end();
        return;
      }
      // A page tells it has drawn a version of its PDF (the page being read, on screen).
      if (url.pathname === '/dessinee' && req.method === 'POST') {
        drawn(url.searchParams.get('f') ?? '', Number(url.searchParams.get('v')));
        res.writeHead(204);
        res.end();
        return;
      }
      if (url.pathname === '/apercu') {
        const file = url.searchParams.get('f') ?? '';
        return html(viewerPage(manifest, file, String(versions.get(file) ?? 0)));
      }
      const relative = decodeURIComponent(url.pathname.slice(1));
      if (relative.startsWith('fichiers/')) {
        const file = relative.slice('fichiers/'.length);
        const target = inside(options.outDir, file);
        if (target) return await serveFile(res, target, fresh.get(file));
      }
      if (relative.startsWith('client/')) {
        const target = inside(CLIENT_DIR, relative.slice('client/'.length));
        if (target) return await serveFile(res, target);
      }
      if (relative.startsWith('pdfjs/') && PDFJS_SERVED.some((dir) => relative.slice('pdfjs/'.length).startsWith(dir))) {
        const target = inside(PDFJS_DIR, relative.slice('pdfjs/'.length));
        // pdf.js does not change while kitess runs: kept by the browser, it is neither fetched nor compiled again
        // when another page is opened.
        if (target) return await serveFile(res, target, undefined, 'max-age=86400');
      }
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('Page introuvable.');
    } catch {
      if (!res.headersSent) res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('Fichier introuvable.');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  let watch: SourceWatch | undefined;
  const ready = (async () => {
    handle = deps.browser ?? (await launchBrowser(choice!));
    if (stop.signal.aborted) return;
    printer = new Printer(handle.browser, Math.max(2, os.availableParallelism()));
    watch = await watchSources([options.sheetsDir, TEMPLATES_DIR], (files) => {
      notify({ type: 'change', files, at: performance.now() });
      say(`Modifié : ${files.map((f) => path.relative(process.cwd(), f)).join(', ')}`);
      schedule(files);
    }, { ignore: [options.outDir] });
    schedule([]);
    await running;
  })();
  // A failure to start is the caller's to report (through `ready`); it must not go unhandled meanwhile.
  ready.catch(() => undefined);

  return {
    url: `http://127.0.0.1:${port}/`,
    ready,
    nextBuild: () => new Promise<void>((resolve) => waiters.push(resolve)),
    interrupted: () => interrupted,
    async close() {
      stop.abort();
      await ready.catch(() => undefined);
      await watch?.close();
      for (const c of clients.keys()) c.end();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      while (running) await running;
      await access.close();
      await printer?.close();
      if (!deps.browser) await handle?.close();
    },
  };
}
