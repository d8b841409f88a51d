/**
 * `kitess build`: the one place that knows the order of the steps.
 *
 *   plan       what changed since the previous build (raw bytes only; nothing to do ends here)
 *   prepare    load → parse → transform, per kit (src/prepare.ts)
 *   render     each fiche's body, each booklet's own pages (HTML)
 *   print      each distinct page once: a fiche's body, a booklet's own pages (a pool of reused tabs)
 *   access     the accessibility pass over each printed piece, in a worker thread
 *   assemble   each fiche's PDF and each booklet from the pieces: headers, footers, links, bookmarks, XMP
 *   web        the web edition (src/web/): a page per fiche and per kit, from the same trees (not for the preview)
 *   publish    the staging folder, opened once the sources are checked: each output written into it as soon as it
 *              is final, then distribute (zips, download page), manifest, swap
 *
 * Pieces whose inputs did not change come from the previous build's cache instead of print and access; PDFs whose
 * inputs did not change are taken as they were.
 */
import os from 'node:os';
import v8 from 'node:v8';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { BrowserHandle } from './browser.js';
import type { BuildListener, LeftOut } from './build-events.js';
import { AbortedError, SourceError, throwIfAborted, type Diagnostic } from './errors.js';
import type { Fiche, Kit } from './model.js';
import type { AccessPool } from './pipeline/access-pool.js';
import type { Assembled, Piece } from './pipeline/assemble.js';
import type { Product } from './pipeline/outputs.js';
import type { FrameLayout } from './pipeline/pagination.js';
import { Ahead } from './pipeline/ahead.js';
import { planBuild, type PlanOptions } from './pipeline/plan.js';
import type { Printer } from './pipeline/print.js';
import { removeStaleStaging, sha256, type Manifest, type ManifestFile, type ManifestKit, type OutputFile, type Staging } from './pipeline/publish.js';
import type { RenderedDoc } from './pipeline/render.js';
import { Timings } from './timings.js';
import { VERSION } from './version.js';

/**
 * The modules of the steps after plan, loaded only when there is something to do: a build with nothing to do
 * starts none of the Markdown, PDF or browser machinery. Only kitess's own modules: once bundled
 * (scripts/bundle.mjs), a package written as CommonJS and imported here would keep only its default export.
 */
async function steps() {
  const [prepare, render, print, access, pool, assemble, pagination, cache, analyses, inputs, outputs, publish, distribute, check, edition, budget, schedule, format, pages, web] = await Promise.all([
    import('./prepare.js'),
    import('./pipeline/render.js'),
    import('./pipeline/print.js'),
    import('./pipeline/access.js'),
    import('./pipeline/access-pool.js'),
    import('./pipeline/assemble.js'),
    import('./pipeline/pagination.js'),
    import('./pipeline/cache.js'),
    import('./pipeline/analysis-cache.js'),
    import('./pipeline/inputs.js'),
    import('./pipeline/outputs.js'),
    import('./pipeline/publish.js'),
    import('./pipeline/distribute.js'),
    import('./pdfua/check.js'),
    import('./printshop/edition.js'),
    import('./budget.js'),
    import('./schedule.js'),
    import('./text/format.js'),
    import('./pdf/pages.js'),
    import('./web/edition.js'),
  ]);
  void access;
  return { ...prepare, ...render, ...print, ...pool, ...assemble, ...pagination, ...cache, ...analyses, ...inputs, ...outputs, ...publish, ...distribute, ...check, ...edition, ...budget, ...schedule, ...format, ...web, countPages: pages.countPages };
}

/** What `kitess build` is asked to do. */
export interface BuildOptions extends PlanOptions {
  /** Pages printed at once. */
  concurrency?: number;
  /** Explicit browser executable (--browser). */
  browserPath?: string;
  signal?: AbortSignal;
  /** Progress messages, in French. */
  log?: (message: string) => void;
  /** Told of each step as it happens (progress line, preview). */
  onEvent?: BuildListener;
  /** Absolute paths of fiche sources to print before the others (the preview's edited fiches). */
  first?: string[];
  /**
   * Called with the path of each of those fiches once its PDF is announced; the build waits for it before going on
   * (the preview lets the pages showing the fiche draw it before the booklet's assembly takes the processor).
   */
  offered?: (path: string) => Promise<void>;
}

/** Things a caller may inject: a browser already running (tests share one), the accessibility pass's threads. */
export interface BuildDeps {
  browser?: BrowserHandle;
  /** Threads of the accessibility pass kept by a caller that builds again and again (the preview); closed by it. */
  access?: AccessPool;
  /** Tabs kept by a caller that builds again and again (the preview), with its browser; closed by it. */
  printer?: Printer;
}

/** What a build produced. */
export interface BuildResult {
  kits: ManifestKit[];
  warnings: Diagnostic[];
  timings: Timings;
  /** PDFs made by this run, and PDFs taken unchanged from the previous build. */
  printed: string[];
  reused: string[];
  /** Whether a browser was started (none is when nothing needs printing). */
  launched: boolean;
  /** Sources left out of the outputs, and why: drafts, fiches not yet published, misnamed files (`24-logement.MD`). */
  leftOut: LeftOut[];
  /** The date the fiches were published by (`--as-of`). */
  asOf: string;
  /** Web pages made by this run, and web pages taken unchanged from the previous build (absent when nothing changed). */
  web?: { written: string[]; reused: string[] };
  /** Fiches parsed and transformed by this run, and fiches whose previous analysis was taken (absent when nothing changed). */
  analysed?: { fresh: string[]; reused: string[] };
}

/**
 * From this many fiches on, V8's heap grows by 60 % at most between two full collections instead of up to about
 * 2.5 times what is alive: what a build keeps alive hardly grows with the number of kits (the outputs are on disk),
 * but over a long build V8 lets its garbage pile up to some 200 MB more (10 kits × 25 fiches: peak PSS of the whole
 * process tree 1.04–1.09 GiB → 0.94–0.97 GiB). It costs some 7 % more processor time, which the three real kits
 * (65 fiches) are spared. Process-wide: the flag is read at every full collection.
 */
const LARGE_BUILD = 100;
const LARGE_BUILD_HEAP_GROWTH = 60;

/**
 * Up to this many pieces to pass (one fiche edited: its body and its booklet's own pages), the accessibility pass
 * runs in the build's thread: a thread of its own loads and compiles its own copy of the modules, which costs more
 * than the pass it would take off (one-fiche rebuild: 3.52 → 3.32 s, CPU 5.01 → 4.66 s, 5 alternated pairs).
 */
const FEW_PIECES = 2;

/** The Producer of every PDF and the manifest's generator. */
const GENERATOR = `kitess ${VERSION}`;

/**
 * Builds the kits: checks every source, prints with one Chromium only the pieces whose inputs changed since the
 * previous build, assembles the PDFs that depend on them, then replaces the output folder in one step. Source
 * errors throw a SourceError before anything is written; when nothing changed, no browser is started and nothing
 * is written.
 */
export async function build(options: BuildOptions, deps: BuildDeps = {}): Promise<BuildResult> {
  const timings = new Timings();
  const log = options.log ?? (() => undefined);
  const emit = options.onEvent ?? (() => undefined);
  const { signal } = options;

  // plan
  const plan = await planBuild(options);
  // What builds killed by SIGKILL left beside the output folder, provably kitess's and ownerless, goes first, even
  // when nothing is to be done.
  await removeStaleStaging(options.outDir);
  const keptPaths = (kits: ManifestKit[]) => kits.flatMap((k) => [k.booklet.path, ...k.fiches.map((f) => f.path)]);
  if (plan.changed.length === 0) {
    log('Rien n’a changé depuis la dernière construction : aucun PDF à réimprimer.');
    return { kits: plan.kept, warnings: [], timings, printed: [], reused: keptPaths(plan.kept), launched: false, leftOut: [...plan.stray, ...plan.kept.flatMap((k) => k.leftOut ?? [])], asOf: plan.settings.asOf };
  }
  if (plan.kept.length > 0) log(`Inchangé${plan.kept.length > 1 ? 's' : ''}, repris tel${plan.kept.length > 1 ? 's' : ''} quel${plan.kept.length > 1 ? 's' : ''} : ${plan.kept.map((k) => k.id).join(', ')}.`);

  // Chromium (and for a clean build the accessibility thread) starts now, while the other steps' modules load and
  // the sources are read and checked: it takes the second processor while this one parses. A build stopped by
  // source errors closes them unused; both stop as soon as the last piece is printed (before the web edition and the zips), and in any
  // case when the build ends.
  const { lazyBrowser } = await import('./browser.js');
  const { AccessPool, leanCompiler } = await import('./pipeline/access-pool.js');
  // A build of its own (not the preview's): see leanCompiler.
  if (!deps.access) leanCompiler();
  const browser = lazyBrowser(deps.browser, options.browserPath, signal);
  void browser.get().catch(() => undefined); // a failed start is reported by the first print that needs it
  // access: one thread takes the processor Chromium leaves idle; a second one would cost more memory than time. It
  // starts now, loading its modules while this thread parses, when a changed kit was never built here (every piece
  // of it is to print) or the pool is the caller's (the preview's, kept from one build to the next); otherwise once
  // the number of pieces to pass is known (below).
  const pool = deps.access ?? new AccessPool(1);
  const benchWithoutAccess = process.env.KITESS_BENCH_WITHOUT_ACCESS === '1';
  const newKit = plan.changed.some((id) => !plan.previous?.kits.some((k) => k.id === id));
  if (!benchWithoutAccess && (deps.access || newKit)) pool.start();
  let printer: Printer | undefined = deps.printer;
  const stopMachinery = async () => {
    if (!deps.access) await pool.close();
    if (!deps.printer) await printer?.close();
    await browser.close();
  };

  const {
    prepareKits, renderFicheBody, fichePdfUrl, Printer, printFrame, mapLimit, assembleFiche, assembleBooklet, planBooklet, PieceCache, bookletKey, ficheKey, frameKey,
    leftOutOf, kitOutputs, fichePath, bookletPath, printShopPath, mergeManifest, Staging, readManifest, distribute, formatFailures, makePrintEdition, budgetDiagnostic, publishedKit, countPages, pieceKept,
    ficheMeta, bookletMeta, pdfDate, makeWebEdition, AnalysisCache,
  } = await steps().catch(async (error: unknown) => {
    await stopMachinery();
    throw error;
  });

  const concurrency = options.concurrency ?? Math.max(2, os.availableParallelism());
  // A first printer tab loads the theme's stylesheets and fonts as soon as Chromium is up, while the sources are read.
  if (!deps.printer) {
    browser
      .get()
      .then((handle) => {
        printer ??= new Printer(handle.browser, concurrency);
        printer.warm();
      })
      .catch(() => undefined);
  }
  const print = async (doc: RenderedDoc, outline = true) => {
    printer ??= new Printer((await browser.get()).browser, concurrency);
    return timings.time('print', () => printer!.print(doc, { signal, outline }));
  };
  const access = async (bytes: Uint8Array, internal?: string[]): Promise<Piece> => {
    // `npm run bench` measures what the stage costs by building once without it; nothing else sets this.
    if (benchWithoutAccess) {
      return { bytes, pages: await countPages(bytes), failures: [{ condition: 'banc', message: 'passe d’accessibilité omise', count: 1, pages: [] }] };
    }
    // The pass's own time: pieces printed ahead queue for its thread, and their wait is not the pass's.
    const { bytes: out, report, ms } = await pool.run(bytes, undefined, internal ? { internal } : undefined);
    timings.add('access', ms);
    return { bytes: out, pages: report.pages!, failures: report.failures };
  };
  const warnIfNotAccessible = (file: string, made: Assembled) => {
    if (made.failures.length === 0 || benchWithoutAccess) return;
    log(`Attention : ${file} ne satisfait pas PDF/UA-1, qui n’y est donc pas déclaré :\n${formatFailures(made.failures).map((l) => `  ${l}`).join('\n')}`);
  };

  const entries: ManifestKit[] = [];
  const printed: string[] = [];
  const reused: string[] = [];
  const webPages = { written: [] as string[], reused: [] as string[] };
  let prepared: Awaited<ReturnType<typeof prepareKits>>;
  let changelog: Awaited<ReturnType<typeof import('./changelog.js').changesSince>> | undefined;
  let leftOut: LeftOut[];
  // Each output is written into the staging folder as soon as it is final; only paths, sizes and digests are kept.
  let staging: Staging | undefined;
  const kitTasks: Promise<void>[] = [];
  // A body printed ahead: its pass goes on in its thread while Chromium prints the next one.
  const ahead = new Ahead<{ passed: Promise<Piece> }>(concurrency);
  try {
    // prepare: load → parse → transform, the fiches the previous build analysed taken from its cache. A kit with
    // many fiches' bodies to print (never built in this output folder, built with `--force` or by another version
    // of kitess) has them printed as soon as it is checked, while the next kits are read (Chromium would otherwise
    // wait for them); a source error found later stops what is queued. A fiche or two edited wait for the check.
    const analyses = new AnalysisCache(options.outDir, !options.force);
    prepared = await prepareKits(options.sheetsDir, plan.changed, timings, analyses, (checked) => {
      const kit = publishedKit(checked, plan.settings.asOf, plan.settings.drafts);
      const bodies = kit.fiches.map((fiche) => ({ fiche, key: ficheKey(kit, fiche) })).filter(({ key }) => options.force || !pieceKept(options.outDir, kit.id, key));
      if (bodies.length <= FEW_PIECES) return;
      ahead.add(
        bodies.map(({ fiche, key }) => ({
          key,
          make: async () => {
            const passed = access(await print(await timings.time('render', () => renderFicheBody(kit, fiche))));
            passed.catch(() => undefined); // a piece nobody takes fails silently; one taken fails where it is taken
            return { passed };
          },
        })),
      );
    }, signal);
    if (prepared.diagnostics.some((d) => d.severity === 'erreur')) throw new SourceError(prepared.diagnostics);
    throwIfAborted(signal);
    const { changesSince } = options.changelog ? await import('./changelog.js') : { changesSince: undefined };
    changelog = options.changelog && changesSince ? await changesSince(options.changelog, options.sheetsDir) : undefined;
    const kits = prepared.kits.map((kit) => publishedKit(kit, plan.settings.asOf, plan.settings.drafts));
    leftOut = leftOutOf(prepared.kits, prepared.diagnostics, plan.settings);
    staging = await Staging.open(options.outDir, plan.changed);
    const stage = staging;

    const caches = new Map(kits.map((kit) => [kit.id, new PieceCache(options.outDir, kit.id, !options.force, stage)]));
    const previousEntry = (kit: Kit) => plan.previous?.kits.find((k) => k.id === kit.id);
    const jobs = kits.flatMap((kit) => kit.fiches.map((fiche) => ({ kit, fiche, key: ficheKey(kit, fiche) })));
    if (jobs.length >= LARGE_BUILD) v8.setFlagsFromString(`--heap-growing-percent=${LARGE_BUILD_HEAP_GROWTH}`);
    const keysOf = (kit: Kit) => jobs.filter((j) => j.kit === kit).map((j) => j.key);
    const changes = (kit: Kit) => changelog?.changes.find((c) => c.kit === kit.id);
    const bookletKeys = new Map(kits.map((kit) => [kit, bookletKey(kit, keysOf(kit), { ...plan.settings, changelog: changes(kit) ? JSON.stringify(changes(kit)) : undefined }, prepared.collection)]));
    const wantsPrint = (kit: Kit) => !!(options.print || options.recto || kit.config.print);
    const printKey = (kit: Kit) => sha256(Buffer.from(`${bookletKeys.get(kit)}\0impression\0${!!options.recto}`));

    // What the previous build left that this one can take as it is (linked into the staging folder).
    const reuse = (entry: ManifestFile | undefined, key: string, target: string) => reusable(options.outDir, entry, key, target, stage);
    const oldSingles = await Promise.all(jobs.map(({ kit, fiche, key }) => reuse(previousEntry(kit)?.fiches.find((f) => f.number === fiche.number && f.path === fichePath(kit, fiche)), key, fichePath(kit, fiche))));
    const oldBooklets = new Map(await Promise.all(kits.map(async (kit) => [kit, await reuse(previousEntry(kit)?.booklet, bookletKeys.get(kit)!, bookletPath(kit))] as const)));
    const oldPrints = new Map(
      await Promise.all(
        kits.map(async (kit) => {
          const old = previousEntry(kit)?.print;
          if (!wantsPrint(kit) || !old) return [kit, undefined] as const;
          const [p, x] = await Promise.all([reuse(old.booklet, printKey(kit), printShopPath(kit, 'impression')), reuse(old.pdfx, printKey(kit), printShopPath(kit, 'pdfx'))]);
          return [kit, p && x ? { print: p, pdfx: x, recto: old.recto, padding: old.padding } : undefined] as const;
        }),
      ),
    );
    const needsPieces = (kit: Kit) => !oldBooklets.get(kit) || (wantsPrint(kit) && !oldPrints.get(kit));
    const needed = jobs.map((job, i) => !oldSingles[i] || needsPieces(job.kit));
    // Every kept piece is looked up, needed or not, so that the cache keeps it for the next build.
    const cached: (Piece | undefined)[] = await Promise.all(jobs.map((job) => caches.get(job.kit.id)!.get(job.key)));
    const toPrint = jobs.filter((_, i) => needed[i] && !cached[i]).length;
    emit({ type: 'fiches', toPrint, reused: jobs.length - toPrint });
    // The pieces the pass may get: the fiches to print, and each booklet's own pages (twice with a print-shop version).
    const toPass = toPrint + kits.filter(needsPieces).reduce((n, kit) => n + (wantsPrint(kit) ? 2 : 1), 0);
    if (!benchWithoutAccess) {
      if (toPass <= FEW_PIECES) pool.runHere(); // nothing if its thread is already started
      else pool.start();
    }

    const pieces: (Piece | undefined)[] = new Array(jobs.length);
    const singles: Product[] = new Array(jobs.length);

    // Booklets: their own pages printed (or kept) for the fiches' lengths, then assembled with the fiches' bodies.
    const bookletOf = async (kit: Kit, variant: { bleed?: boolean; recto?: boolean }): Promise<Assembled> => {
      const mine = jobs.map((job, i) => ({ ...job, piece: pieces[i]! })).filter((j) => j.kit === kit);
      const lengths = new Map(mine.map((j) => [j.fiche.number, j.piece.pages]));
      const extras = { changes: changes(kit), collection: prepared.collection, bleed: !!variant.bleed, recto: !!variant.recto };
      const cache = caches.get(kit.id)!;
      const key = frameKey(kit, lengths, extras);
      let frame = await cache.get(key);
      let layout = frame?.extra ? layoutOf(frame.extra) : undefined;
      if (!frame || !layout) {
        const raw = await printFrame((doc, o) => print(doc, o.outline), kit, lengths, extras, signal);
        frame = { ...(await access(raw.bytes, kit.fiches.map((f) => fichePdfUrl(kit, f)))), extra: layoutJson(raw.layout) };
        layout = raw.layout;
      }
      await cache.put(key, frame);
      const booklet = planBooklet(kit, lengths, layout.front, layout.back, variant.recto);
      return timings.time('assemble', () => assembleBooklet(kit, { plan: booklet, frame: frame!, layout: layout!, fiches: new Map(mine.map((j) => [j.fiche.number, j.piece])) }, bookletMeta(kit, GENERATOR), variant));
    };
    const bookletFor = async (kit: Kit): Promise<Product> => {
      const old = oldBooklets.get(kit);
      if (old) return old;
      emit({ type: 'booklet-start', kit: kit.id, title: kit.config.title });
      const made = await bookletOf(kit, {});
      warnIfNotAccessible(bookletPath(kit), made);
      emit({ type: 'booklet', kit: kit.id, title: kit.config.title, path: bookletPath(kit), pages: made.pages, bytes: made.bytes });
      return { file: await stage.write(bookletPath(kit), made.bytes), pages: made.pages, inputs: bookletKeys.get(kit)!, reused: false };
    };
    // Print-shop versions (--print, --recto, or `print: true` in kit.yml): bleed, crop marks, PDF/X-1a. The
    // booklet's own pages are printed at the larger size; the fiches' bodies are the same pieces.
    const editionFor = async (kit: Kit) => {
      if (!wantsPrint(kit)) return undefined;
      const old = oldPrints.get(kit);
      if (old) return old;
      emit({ type: 'printshop-start', kit: kit.id, title: kit.config.title });
      const recto = !!options.recto;
      const made = await bookletOf(kit, { bleed: true, recto });
      warnIfNotAccessible(printShopPath(kit, 'impression'), made);
      const title = `${kit.config.title} – ${kit.config.subtitle}`;
      const e = await timings.time('assemble', () => makePrintEdition(made.bytes, { title, date: pdfDate(kit), signal }));
      if (e.transparent.length === 1) log(`Attention : la page ${e.transparent[0]} de la version imprimeur de ${kit.config.title} contient de la transparence ; la version PDF/X la convertit en image.`);
      if (e.transparent.length > 1) log(`Attention : les pages ${e.transparent.join(', ')} de la version imprimeur de ${kit.config.title} contiennent de la transparence ; la version PDF/X les convertit en images.`);
      const product = async (suffix: 'impression' | 'pdfx', bytes: Uint8Array): Promise<Product> => ({ file: await stage.write(printShopPath(kit, suffix), bytes), pages: e.pages, inputs: printKey(kit), reused: false });
      const done = { print: await product('impression', e.print), pdfx: await product('pdfx', e.pdfx), recto, padding: e.padding };
      emit({ type: 'printshop', kit: kit.id, title: kit.config.title, paths: [printShopPath(kit, 'impression'), printShopPath(kit, 'pdfx')] });
      return done;
    };

    // A kit whose fiches are all done gets its booklet and print-shop version while the next kits' fiches print;
    // its fiches' bodies are then let go, so that only the pieces of a kit or two are held at a time. A fiche over
    // its page budget stops the build before its kit's booklet is made; nothing is published.
    const overBudget = new Map<Kit, Diagnostic[]>();
    const booklets = new Map<Kit, Product>();
    const editions = new Map<Kit, Awaited<ReturnType<typeof editionFor>>>();
    const finishKit = async (kit: Kit) => {
      const mine = jobs.flatMap((job, i) => (job.kit === kit ? [i] : []));
      const over = mine.flatMap((i) => budgetDiagnostic(kit, jobs[i]!.fiche, singles[i]!.pages) ?? []);
      if (over.length > 0) overBudget.set(kit, over);
      else {
        booklets.set(kit, await bookletFor(kit));
        editions.set(kit, await editionFor(kit));
      }
      for (const i of mine) pieces[i] = cached[i] = undefined;
    };
    const fichesLeft = new Map(kits.map((kit) => [kit, jobs.filter((j) => j.kit === kit).length]));
    const startKit = (kit: Kit) => {
      const task = finishKit(kit);
      task.catch(() => undefined); // awaited below; a failure meanwhile is not an unhandled rejection
      kitTasks.push(task);
    };
    for (const kit of kits) if (fichesLeft.get(kit) === 0) startKit(kit);

    // Fiches: render → print → access each body not kept, then assemble its own PDF; the fiches asked first
    // (the preview's edited ones) before the others, then kit after kit.
    const first = new Set(options.first ?? []);
    const order = jobs.map((_, i) => i).sort((a, b) => Number(first.has(jobs[b]!.fiche.source.absPath)) - Number(first.has(jobs[a]!.fiche.source.absPath)));
    await mapLimit(order, concurrency, async (i) => {
      const { kit, fiche, key } = jobs[i]!;
      if (needed[i]) {
        let piece: Piece | undefined = cached[i];
        if (!piece) {
          const printed = await ahead.take(key);
          piece = printed ? await printed.passed : await access(await print(await timings.time('render', () => renderFicheBody(kit, fiche))));
          await caches.get(kit.id)!.put(key, piece);
        }
        pieces[i] = piece;
      }
      if (oldSingles[i]) singles[i] = oldSingles[i]!;
      else {
        const made = await timings.time('assemble', () => assembleFiche(pieces[i]!, kit, fiche, ficheMeta(kit, fiche, GENERATOR)));
        warnIfNotAccessible(fichePath(kit, fiche), made);
        emit({ type: 'fiche', kit: kit.id, number: fiche.number, title: fiche.meta.title, path: fichePath(kit, fiche), pages: made.pages, bytes: made.bytes });
        singles[i] = { file: await stage.write(fichePath(kit, fiche), made.bytes), pages: made.pages, inputs: key, reused: false };
        if (first.has(fiche.source.absPath)) await options.offered?.(fichePath(kit, fiche));
      }
      const left = fichesLeft.get(kit)! - 1;
      fichesLeft.set(kit, left);
      if (left === 0) startKit(kit);
    });
    await Promise.all(kitTasks);
    if (overBudget.size > 0) throw new SourceError([...prepared.diagnostics, ...kits.flatMap((kit) => overBudget.get(kit) ?? [])]);
    await stopMachinery();

    const files: OutputFile[] = [];
    kits.forEach((kit) => {
      const out = kitOutputs(kit, {
        booklet: booklets.get(kit)!,
        fiches: jobs.flatMap((job, i) => (job.kit === kit ? [singles[i]!] : [])),
        ...(editions.get(kit) ? { print: editions.get(kit)! } : {}),
        rawKey: plan.rawKeys.get(kit.id),
        ...(changes(kit) ? { changes: changes(kit)! } : {}),
        themes: (fiche: Fiche) => prepared.themes?.of(kit.id, fiche.name),
        leftOut: leftOut.filter((l) => l.kit === kit.id),
        previous: { entry: previousEntry(kit), outDir: options.outDir },
      });
      files.push(...out.files, ...analyses.outputs(kit.id));
      entries.push(out.entry);
      printed.push(...out.printed);
      reused.push(...out.reused);
    });

    // web: a page per fiche and one per kit, from the same trees as the PDFs (their sizes shown); pages whose
    // inputs did not change are taken from the previous build. The preview, which shows only PDFs, skips it.
    if (options.web !== false) {
      const web = await timings.time('render', () => makeWebEdition(kits, entries, plan.previous?.kits, options.outDir));
      files.push(...web.files);
      entries.splice(0, entries.length, ...web.kits);
      webPages.written.push(...web.written);
      webPages.reused.push(...web.reused);
    }
    for (const file of files) await stage.write(file.path, file.bytes);
    throwIfAborted(signal);

    // publish, then distribute (zips, download page) into the staging folder
    emit({ type: 'publish' });
    await timings.time('publish', async () => {
      const merged = mergeManifest(plan.previous ?? (await readManifest(options.outDir)), GENERATOR, entries, changelog?.label);
      const manifest: Manifest = { ...merged, ...(prepared.themes ? { themes: prepared.themes.list } : {}) };
      await stage.commit(manifest, distribute);
    });
  } catch (error) {
    ahead.stop();
    // Steps still running (a kit's booklet when a fiche failed) finish before the staging folder goes.
    await Promise.allSettled(kitTasks);
    await staging?.discard();
    if (signal?.aborted) throw new AbortedError(`Construction interrompue : ${existsSync(options.outDir) ? `le dossier ${options.outDir} est resté tel quel` : 'rien n’a été écrit'}.`);
    throw error;
  } finally {
    await stopMachinery();
  }
  const all = [...entries, ...plan.kept].sort((a, b) => a.id.localeCompare(b.id));
  return {
    kits: all,
    // Misnamed files are listed among what was left out, not again among the warnings.
    warnings: prepared.diagnostics.filter((d) => d.rule !== 'fichier-ignore'),
    timings,
    printed,
    reused: [...reused, ...keptPaths(plan.kept)],
    launched: browser.launched(),
    leftOut: [...plan.stray, ...leftOut, ...plan.kept.flatMap((k) => k.leftOut ?? [])],
    asOf: plan.settings.asOf,
    web: webPages,
    analysed: prepared.analysed,
  };
}

/** A PDF of the previous build whose inputs are those of this one, with whole bytes: linked into the staging folder at `target`. */
async function reusable(outDir: string, entry: ManifestFile | undefined, key: string, target: string, staging: Staging): Promise<Product | undefined> {
  if (!entry || entry.inputs !== key) return undefined;
  const file = path.join(outDir, entry.path);
  if (!existsSync(file)) return undefined;
  const bytes = await readFile(file);
  if (sha256(bytes) !== entry.sha256) return undefined;
  await staging.keep(target, file);
  return { file: { path: target, bytes: bytes.byteLength, sha256: entry.sha256 }, pages: entry.pages, inputs: key, reused: true };
}

/** A booklet's own pages' layout as the cache keeps it (JSON), and back. */
function layoutJson(layout: FrameLayout): unknown {
  return { ...layout, openers: [...layout.openers] };
}
function layoutOf(value: unknown): FrameLayout | undefined {
  const v = value as Partial<Omit<FrameLayout, 'openers'>> & { openers?: [string, number][] };
  if (typeof v?.front !== 'number' || !Array.isArray(v.openers)) return undefined;
  return { front: v.front, edito: v.edito!, toc: v.toc!, back: v.back!, openers: new Map(v.openers) };
}
