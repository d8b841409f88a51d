import { watch, type FSWatcher } from 'node:fs';
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Element } from 'hast';
import { toHtml } from 'hast-util-to-html';
import { h } from 'hastscript';
import { TEMPLATES_DIR } from './assets.js';
import { launchBrowser, resolveBrowser } from './browser.js';
import { build } from './build.js';
import { SourceError, type Diagnostic } from './errors.js';
import { readManifest } from './pipeline/publish.js';
import { formatDiagnostic } from './report.js';

/** What `kitess preview` is asked to do. */
export interface PreviewOptions {
  sheetsDir: string;
  outDir: string;
  kits?: string[];
  /** Port on 127.0.0.1; 0 picks a free one. */
  port: number;
  browserPath?: string;
  drafts?: boolean;
  log?: (message: string) => void;
}

/** A running preview server. */
export interface PreviewServer {
  url: string;
  /** Resolves after the next rebuild has finished (for tests and scripts). */
  nextBuild(): Promise<void>;
  close(): Promise<void>;
}

const RELOAD = "new EventSource('/evenements').addEventListener('reload', () => location.reload());";
const STYLE = `body{font-family:system-ui,sans-serif;margin:0;color:#1d1d1b}header{padding:.6rem 1rem;background:#f3f3ee;display:flex;gap:1rem;align-items:baseline;flex-wrap:wrap}
main{padding:1rem}iframe{border:0;width:100%;height:calc(100vh - 3.2rem)}a{color:#0b4f8a}a:focus-visible{outline:3px solid #000}
pre.errors{background:#fff0f0;border-left:4px solid #b00020;padding:1rem;white-space:pre-wrap}li{margin:.2rem 0}`;

function page(title: string, body: (Element | null)[]): string {
  return `${toHtml({
    type: 'root',
    children: [
      { type: 'doctype' },
      h('html', { lang: 'fr' }, [
        h('head', [h('meta', { charSet: 'utf-8' }), h('meta', { name: 'viewport', content: 'width=device-width, initial-scale=1' }), h('title', title), h('style', STYLE)]),
        h('body', [...body, h('script', RELOAD)]),
      ]),
    ],
  })}\n`;
}

/** Starts the preview: builds into its own folder, serves it on 127.0.0.1, rebuilds and reloads on every change. */
export async function startPreview(options: PreviewOptions): Promise<PreviewServer> {
  const log = options.log ?? (() => undefined);
  const handle = await launchBrowser(resolveBrowser(options.browserPath));
  let diagnostics: Diagnostic[] = [];
  let failure: string | undefined;
  let building: Promise<void> | undefined;
  let pending = false;
  let waiters: (() => void)[] = [];
  const clients = new Set<http.ServerResponse>();

  const rebuild = async (): Promise<void> => {
    try {
      const result = await build(
        { sheetsDir: options.sheetsDir, outDir: options.outDir, kits: options.kits, drafts: options.drafts, log },
        { browser: handle },
      );
      diagnostics = result.warnings;
      failure = undefined;
    } catch (error) {
      diagnostics = error instanceof SourceError ? error.diagnostics : [];
      failure = (error as Error).message;
      log(`Aperçu : ${failure}`);
    }
    for (const client of clients) client.write('event: reload\ndata: \n\n');
    const done = waiters;
    waiters = [];
    for (const w of done) w();
  };
  const schedule = () => {
    if (building) {
      pending = true;
      return;
    }
    building = rebuild().finally(() => {
      building = undefined;
      if (pending) {
        pending = false;
        schedule();
      }
    });
  };

  await rebuild();

  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    try {
      if (url.pathname === '/evenements') {
        res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
        res.write(': aperçu kitess\n\n');
        clients.add(res);
        req.on('close', () => clients.delete(res));
        return;
      }
      if (url.pathname.startsWith('/fichiers/')) {
        const file = path.resolve(options.outDir, decodeURIComponent(url.pathname.slice('/fichiers/'.length)));
        if (!file.startsWith(path.resolve(options.outDir) + path.sep)) throw new Error('hors du dossier');
        const body = await readFile(file);
        const type = file.endsWith('.pdf') ? 'application/pdf' : file.endsWith('.svg') ? 'image/svg+xml' : 'application/octet-stream';
        res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' });
        res.end(body);
        return;
      }
      if (url.pathname === '/apercu') {
        const file = url.searchParams.get('f') ?? '';
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(page(`Aperçu – ${file}`, [h('header', [h('a', { href: '/' }, '← Tous les PDF'), h('strong', file)]), h('iframe', { src: `/fichiers/${file}`, title: `Aperçu de ${file}` })]));
        return;
      }
      if (url.pathname === '/') {
        const manifest = await readManifest(options.outDir);
        const errors = diagnostics.length || failure ? h('pre.errors', [failure ? `${failure}\n\n` : '', diagnostics.map(formatDiagnostic).join('\n')]) : null;
        const kits = (manifest?.kits ?? []).map((kit) =>
          h('section', [
            h('h2', kit.title),
            h('ul', [
              h('li', h('a', { href: `/apercu?f=${encodeURIComponent(kit.booklet.path)}` }, `Livret (${kit.booklet.pages} pages)`)),
              ...kit.fiches.map((f) => h('li', h('a', { href: `/apercu?f=${encodeURIComponent(f.path)}` }, `Fiche ${f.number} – ${f.title} (${f.pages} pages)`))),
            ]),
          ]),
        );
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(page('Aperçu des kits', [h('header', [h('h1', 'Aperçu des kits'), h('span', 'rechargé à chaque modification des fiches ou des gabarits')]), h('main', [errors, ...kits])]));
        return;
      }
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('Page introuvable.');
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('Fichier introuvable.');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  const watchers: FSWatcher[] = [options.sheetsDir, TEMPLATES_DIR].map((dir) => watch(dir, { recursive: true }, () => debounce()));
  let timer: NodeJS.Timeout | undefined;
  const debounce = () => {
    clearTimeout(timer);
    timer = setTimeout(schedule, 150);
  };
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    nextBuild: () => new Promise<void>((resolve) => waiters.push(resolve)),
    async close() {
      clearTimeout(timer);
      for (const w of watchers) w.close();
      for (const c of clients) c.end();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await building;
      await handle.close();
    },
  };
}
