import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Page } from 'puppeteer';
import { describe, expect, it } from 'vitest';
import { setMarker } from '../../bench/saves.js';
import { copySheets, edit } from '../helpers/fixtures.js';
import { runCli } from '../helpers/cli.js';
import { pdfText } from '../helpers/pdf.js';
import { usePreview } from '../helpers/preview.js';

/** Issue 15: the preview page, driven in real Chromium — overlay on error, redrawn in place after a save, navigation. */
const t = usePreview(['02-commande-publique.md']);
const events = t.events;

async function open(url: string): Promise<Page> {
  const page = await t.browser.browser.newPage();
  await page.setViewport({ width: 1000, height: 800 });
  await page.goto(new URL(url, t.server.url).href);
  return page;
}

/** Opens a PDF's preview page and waits until its pages are drawn. */
async function openViewer(file: string, hash = ''): Promise<Page> {
  const page = await open(`/apercu?f=${encodeURIComponent(file)}${hash}`);
  await page.waitForFunction(() => document.body.dataset.rendu === 'oui', { timeout: 30_000 });
  return page;
}

/** Waits until a build that started after event number `seen` has ended. */
async function builtSince(seen: number): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!events.slice(seen).some((e) => e.type === 'built')) {
    if (Date.now() > deadline) throw new Error('no build ended');
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Fails with a clear message, instead of hanging until the test's own timeout, when a step takes too long. */
function within<T>(ms: number, label: string, step: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${label} : plus de ${ms / 1000} s`)), ms)));
  return Promise.race([step, late]).finally(() => clearTimeout(timer));
}

const text = (page: Page, selector: string) => page.$eval(selector, (e) => (e as HTMLElement).innerText);

/**
 * The main frame's navigations from now on (a reload, or even a change of the address), and whether the page's
 * document is still the one of now: the preview redraws in place, it must not reload.
 */
async function navigations(page: Page): Promise<() => Promise<{ urls: string[]; sameDocument: boolean }>> {
  const urls: string[] = [];
  page.on('framenavigated', (frame) => {
    if (frame === page.mainFrame()) urls.push(frame.url());
  });
  await page.evaluate(() => ((window as unknown as { sameDocument: boolean }).sameDocument = true));
  return async () => ({ urls, sameDocument: await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument === true) });
}
const none = { urls: [], sameDocument: true };

/**
 * Resolves (with performance.now() on this side) once the page shows a version of its PDF newer than the one it
 * shows now, and tells whether page `n` ever lost its picture meanwhile (a blank flash).
 */
async function nextVersion(page: Page, n: number): Promise<() => Promise<{ at: number; blank: boolean }>> {
  const shown = await page.evaluate((n) => {
    const w = window as unknown as { blankSeen: boolean };
    w.blankSeen = false;
    const frame = document.querySelector(`.page[data-page="${n}"]`)!;
    new MutationObserver(() => (w.blankSeen ||= !frame.querySelector('canvas'))).observe(frame, { childList: true });
    return Number(document.body.dataset.version);
  }, n);
  const drawn = page
    .waitForFunction((v) => Number(document.body.dataset.version) > v, { timeout: 60_000, polling: 'mutation' }, shown)
    .then(() => performance.now());
  return async () => {
    const at = await drawn;
    return { at, blank: await page.evaluate(() => (window as unknown as { blankSeen: boolean }).blankSeen) };
  };
}

/** The PDF the server serves now for `file` (published, or printed by the build under way). */
async function served(file: string): Promise<Uint8Array> {
  return new Uint8Array(await (await fetch(new URL(`fichiers/${file}`, t.server.url))).arrayBuffer());
}

/** The text of a PDF given as bytes, read back by pdftotext, without spaces. */
function flatText(bytes: Uint8Array): string {
  const file = path.join(t.out, '..', `lu-${Date.now()}.pdf`);
  writeFileSync(file, bytes);
  return pdfText(file).replace(/\s+/g, '');
}

/**
 * Whether page `n`'s picture in the viewer is exactly pdf.js's drawing of page `n` of `bytes`, drawn again here at
 * the viewer's scale: what is on screen is that PDF. (A string, so that the test runner does not rewrite the
 * import meant for the page.)
 */
async function showsPdf(page: Page, n: number, bytes: Uint8Array): Promise<boolean> {
  const script = `(async () => {
    const frame = document.querySelector('.page[data-page="${n}"]');
    const canvas = frame.querySelector('canvas');
    if (!canvas) return false;
    const pdfjs = await import('/pdfjs/legacy/build/pdf.min.mjs');
    const data = Uint8Array.from(atob(${JSON.stringify(Buffer.from(bytes).toString('base64'))}), (c) => c.charCodeAt(0));
    const task = pdfjs.getDocument({ data, wasmUrl: '/pdfjs/wasm/', standardFontDataUrl: '/pdfjs/standard_fonts/', cMapUrl: '/pdfjs/cmaps/' });
    try {
      const pdf = await task.promise;
      const first = (await pdf.getPage(1)).getViewport({ scale: 1 });
      const scale = parseFloat(frame.style.width) / first.width;
      const pdfPage = await pdf.getPage(${n});
      const viewport = pdfPage.getViewport({ scale: scale * (window.devicePixelRatio || 1) });
      const ours = document.createElement('canvas');
      ours.width = Math.round(viewport.width);
      ours.height = Math.round(viewport.height);
      await pdfPage.render({ canvas: ours, viewport }).promise;
      if (ours.width !== canvas.width || ours.height !== canvas.height) return false;
      const a = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
      const b = ours.getContext('2d').getImageData(0, 0, ours.width, ours.height).data;
      return a.every((x, i) => x === b[i]);
    } finally {
      await task.destroy();
    }
  })()`;
  return page.evaluate(script) as Promise<boolean>;
}
const ficheFile = 'demo/fiches/02-commande-publique.pdf';
const ficheSource = () => path.join(t.sheets, 'demo', '02-commande-publique.md');
/** Paragraphs that make fiche 2 (one page) two pages long, within its budget of two. */
const FILLER = 12;

describe('preview page in Chromium (issue 15)', () => {
  it('lists every PDF by title with « 1 page » / « N pages », and navigates to the previous and next fiche', async () => {
    const home = await open('/');
    try {
      const items = await home.$$eval('main li', (lis) => lis.map((li) => (li as HTMLElement).innerText));
      expect(items[0]).toMatch(/^Livret – Kit DémoESS \(\d+ pages\)$/);
      expect(items.slice(1)).toEqual(['Fiche 1 – ESS : de quoi parle-t-on ? (1 page)', 'Fiche 2 – Commande publique responsable (1 page)', 'Fiche 3 – Modes de contractualisation (1 page)']);
    } finally {
      await home.close();
    }
    const page = await openViewer(ficheFile);
    try {
      expect(await text(page, 'h1')).toBe('Fiche 2 – Commande publique responsable');
      expect(await page.title()).toBe('Fiche 2 – Commande publique responsable – aperçu');
      expect(await text(page, '.infos')).toMatch(/^1 page · ouvrir le PDF seul$/);
      expect(await page.$$eval('#pages canvas', (c) => c.length)).toBe(1);
      await Promise.all([page.waitForNavigation(), page.click('a[rel=next]')]);
      expect(await text(page, 'h1')).toBe('Fiche 3 – Modes de contractualisation');
      expect(await page.$('a[rel=next]')).toBeNull();
      await Promise.all([page.waitForNavigation(), page.click('a[rel=prev]')]);
      await Promise.all([page.waitForNavigation(), page.click('a[rel=prev]')]);
      expect(await text(page, 'h1')).toBe('Fiche 1 – ESS : de quoi parle-t-on ?');
      await Promise.all([page.waitForNavigation(), page.click('a[rel=prev]')]);
      expect(await text(page, 'h1')).toBe('Livret – Kit DémoESS');
    } finally {
      await page.close();
    }
  });

  it('redraws the fiche in place as soon as its PDF is printed again, before the booklet: the new text on screen, no reload', async () => {
    const page = await openViewer(ficheFile);
    try {
      const reloads = await navigations(page);
      const before = await served(ficheFile);
      expect(await showsPdf(page, 1, before)).toBe(true);
      // The reader's focus is on a link of the page: an update does not move it.
      await page.focus('a[rel=next]');
      const seen = events.length;
      const next = await nextVersion(page, 1);
      setMarker(ficheSource(), 424_242, writeFileSync);
      const drawn = await next();
      await builtSince(seen);
      const booklet = events.slice(seen).find((e) => e.type === 'pdf' && e.path === 'demo/kit-demoess.pdf');
      expect(booklet).toBeDefined();
      // On screen before the booklet is printed, from the same page: no navigation, never a blank page.
      expect(drawn.at).toBeLessThan(booklet!.at);
      expect(await reloads()).toEqual(none);
      expect(drawn.blank).toBe(false);
      // One pdf.js worker in the page, however many versions it has drawn.
      expect(page.workers()).toHaveLength(1);
      // What is drawn is the new PDF, with the new text.
      const after = await served(ficheFile);
      expect(flatText(after)).toContain('Repèredetest:424242');
      expect(await showsPdf(page, 1, after)).toBe(true);
      expect(await showsPdf(page, 1, before)).toBe(false);
      // Told to screen readers, politely; the focus has not moved.
      await page.waitForFunction(() => document.getElementById('annonce')!.textContent === 'Aperçu mis à jour : 1 page.');
      expect(await page.$eval('#annonce', (e) => [e.getAttribute('role'), e.getAttribute('aria-live')])).toEqual(['status', 'polite']);
      expect(await page.evaluate(() => (document.activeElement as HTMLAnchorElement).rel)).toBe('next');
      expect(await page.$$eval('#pages canvas', (c) => c.length)).toBe(1);
    } finally {
      await page.close();
    }
  });

  it('keeps the page the reader was on when the PDF is redrawn (#page=N), without reloading', async () => {
    const page = await openViewer('demo/kit-demoess.pdf');
    try {
      const pages = Number(await page.evaluate(() => document.body.dataset.pages));
      expect(pages).toBeGreaterThanOrEqual(5);
      await page.evaluate(() => document.querySelector('.page[data-page="5"]')!.scrollIntoView({ block: 'start' }));
      await page.waitForFunction(() => location.hash === '#page=5');
      await page.waitForFunction(() => (document.querySelector('.page[data-page="5"]') as HTMLElement).dataset.dessinee === 'oui');
      const topOf5 = () => page.$eval('.page[data-page="5"]', (e) => e.getBoundingClientRect().top);
      const before = await topOf5();
      const reloads = await navigations(page);
      const seen = events.length;
      const next = await nextVersion(page, 5);
      setMarker(ficheSource(), 434_343, writeFileSync);
      const drawn = await next();
      expect(await page.evaluate(() => [location.hash, document.body.dataset.pageCourante])).toEqual(['#page=5', '5']);
      // Page 5 is where it was (no scroll jump), at the top of the window under the header, drawn from the new booklet.
      const top = await topOf5();
      expect(Math.abs(top - before)).toBeLessThanOrEqual(2);
      const header = await page.$eval('header', (e) => e.getBoundingClientRect().bottom);
      expect(Math.abs(top - header)).toBeLessThan(150);
      expect(await page.$eval('.page[data-page="5"]', (e) => (e as HTMLElement).dataset.dessinee)).toBe('oui');
      expect(drawn.blank).toBe(false);
      await builtSince(seen);
      const booklet = await served('demo/kit-demoess.pdf');
      expect(flatText(booklet)).toContain('Repèredetest:434343');
      expect(await showsPdf(page, 5, booklet)).toBe(true);
      expect(await reloads()).toEqual(none);
    } finally {
      await page.close();
    }
  });

  it('follows the page count in place: a page added (frames, labels, « 2 pages »), then removed while the reader was on it', async () => {
    const page = await openViewer(ficheFile);
    const filler = Array.from({ length: FILLER }, (_, i) => `Paragraphe de remplissage ${i + 1} : ${'une phrase qui allonge la fiche sans rien dire de nouveau, '.repeat(3)}fin.`).join('\n\n');
    try {
      const reloads = await navigations(page);
      const labels = () => page.$$eval('.page', (frames) => frames.map((f) => f.getAttribute('aria-label')));
      let next = await nextVersion(page, 1);
      setMarker(ficheSource(), 454_545, (file, text) => writeFileSync(file, `${text.trimEnd()}\n\n${filler}\n`));
      await next();
      expect(await page.evaluate(() => document.body.dataset.pages)).toBe('2');
      expect(await labels()).toEqual(['Page 1 sur 2', 'Page 2 sur 2']);
      expect(await text(page, '.infos')).toBe('2 pages · ouvrir le PDF seul');
      await page.waitForFunction(() => document.getElementById('annonce')!.textContent === 'Aperçu mis à jour : 2 pages.');

      // The reader goes to page 2; the fiche gets back to one page: they are brought to page 1, drawn.
      await page.evaluate(() => document.querySelector('.page[data-page="2"]')!.scrollIntoView({ block: 'start' }));
      await page.waitForFunction(() => location.hash === '#page=2' && (document.querySelector('.page[data-page="2"]') as HTMLElement).dataset.dessinee === 'oui');
      next = await nextVersion(page, 1);
      setMarker(ficheSource(), 464_646, (file, text) => writeFileSync(file, text.replace(`\n\n${filler}\n`, '\n')));
      await next();
      expect(await page.evaluate(() => [document.body.dataset.pages, location.hash, document.body.dataset.pageCourante])).toEqual(['1', '#page=1', '1']);
      expect(await labels()).toEqual(['Page 1 sur 1']);
      expect(await text(page, '.infos')).toBe('1 page · ouvrir le PDF seul');
      const bytes = await served(ficheFile);
      expect(flatText(bytes)).toContain('Repèredetest:464646');
      expect(await showsPdf(page, 1, bytes)).toBe(true);
      // The same document all along: the address changed only by its #page (the reader's scroll, then the clamp).
      const moves = await reloads();
      expect(moves.sameDocument).toBe(true);
      expect(moves.urls.map((u) => new URL(u).hash)).toEqual(['#page=2', '#page=1']);
    } finally {
      await page.close();
    }
  });

  it('shows an error over the page being viewed, with file:line:column, message and rule, and removes it once fixed', async () => {
    const page = await openViewer(ficheFile);
    try {
      expect(await page.$eval('#erreurs', (e) => (e as HTMLElement).hidden)).toBe(true);
      edit(ficheSource(), ':::a-retenir', ':::encart');
      await page.waitForFunction(() => !document.getElementById('erreurs')!.hidden, { timeout: 60_000 });
      const overlay = await text(page, '#erreurs');
      expect(overlay).toContain('✗ 1 erreur dans les sources');
      expect(overlay).toMatch(/02-commande-publique\.md:24:1 encadré « encart » inconnu : encadrés admis « chiffres-cles ».* \(encadre-inconnu\)/);
      // The terminal has it in full, as check prints it.
      expect(t.terminal.text).toMatch(/02-commande-publique\.md:24:1 {2}erreur {2}encadré « encart » inconnu : encadrés admis « chiffres-cles ».* {2}\(encadre-inconnu\)\n\n✗ 1 erreur, 0 avertissement : l'aperçu garde les PDF précédents et affiche les erreurs dans la page\./);
      // The last good PDF stays under it.
      expect(await page.$$eval('#pages canvas', (c) => c.length)).toBe(1);
      expect(await text(page, '#etat')).toContain('La dernière construction a échoué');

      const seen = events.length;
      const reloads = await navigations(page);
      const next = await nextVersion(page, 1);
      // Fixed in one save (with a new text, so that the fiche is printed again).
      setMarker(ficheSource(), 444_444, (file, fixed) => writeFileSync(file, fixed.replace(':::encart', ':::a-retenir')));
      await next();
      await builtSince(seen);
      await page.waitForFunction(
        () => document.body.dataset.rendu === 'oui' && document.getElementById('erreurs')!.hidden && document.getElementById('etat')!.textContent === 'À jour',
        { timeout: 60_000 },
      );
      expect(await reloads()).toEqual(none);
    } finally {
      await page.close();
    }
  });

  it('passes axe-core on the home page, a viewer and the error overlay', async () => {
    const axe = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
    const audit = async (page: Page) => {
      await within(30_000, 'axe-core chargé', page.addScriptTag({ content: axe }));
      return within(
        60_000,
        'axe-core',
        page.evaluate(async () => {
          const result = await (window as unknown as { axe: { run(): Promise<{ violations: { id: string; nodes: unknown[] }[] }> } }).axe.run();
          return result.violations.map((v) => `${v.id} (${v.nodes.length})`);
        }),
      );
    };
    // The home page reloads after every build: it is audited and closed before the edits below, since closing a
    // page while it navigates can hang Chromium's close.
    const home = await open('/');
    try {
      expect(await audit(home)).toEqual([]);
    } finally {
      await within(30_000, 'fermeture de l’accueil', home.close());
    }
    const viewer = await openViewer(ficheFile);
    try {
      expect(await audit(viewer)).toEqual([]);
      const seen = events.length;
      edit(ficheSource(), ':::a-retenir', ':::encart');
      await viewer.waitForFunction(() => !document.getElementById('erreurs')!.hidden, { timeout: 60_000, polling: 100 });
      expect(await audit(viewer)).toEqual([]);
      await builtSince(seen);
      const again = events.length;
      edit(ficheSource(), ':::encart', ':::a-retenir');
      await builtSince(again);
      // Settled (redrawn if its PDF changed) before it is audited again, with its update announced, and closed.
      await viewer.waitForFunction(
        () => document.body.dataset.rendu === 'oui' && document.getElementById('erreurs')!.hidden && document.getElementById('etat')!.textContent === 'À jour',
        { timeout: 60_000 },
      );
      expect(await audit(viewer)).toEqual([]);
    } finally {
      await within(30_000, 'fermeture de l’aperçu', viewer.close());
    }
  });

  it('serves only this machine: bound to 127.0.0.1, and a request naming another host is refused', async () => {
    expect(t.server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.get(t.server.url, { headers: { host: 'kitess.example.org' } }, (res) => {
        res.resume();
        resolve(res.statusCode!);
      });
      req.on('error', reject);
    });
    expect(status).toBe(403);
    expect((await fetch(`${t.server.url}fichiers/..%2F..%2F..%2Fetc%2Fpasswd`)).status).toBe(404);
    expect((await fetch(`${t.server.url}pdfjs/package.json`)).status).toBe(404);
  });
});

describe('kitess preview on the command line (issue 15)', () => {
  it('prints the address before the first build, opens it with --ouvrir, shows progress while the build runs, and stops on Ctrl-C', async () => {
    const copy = copySheets('pipeline');
    const bin = path.resolve(import.meta.dirname, '../../bin/kitess.js');
    // --ouvrir hands the address to the usual browser: here a stand-in that writes down what it was given.
    const opened = path.join(path.dirname(copy), 'ouvert.txt');
    const stand = path.join(path.dirname(copy), 'navigateur.sh');
    writeFileSync(stand, `#!/bin/sh\necho "$1" > "${opened}"\n`, { mode: 0o755 });
    const args = [bin, 'preview', '--ouvrir', '--port', '0', '--sheets', copy, '--out', path.join(path.dirname(copy), 'apercu')];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1', BROWSER: stand } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    try {
      const deadline = Date.now() + 30_000;
      while (!/Aperçu sur (http:\/\/127\.0\.0\.1:\d+\/)/.test(stdout) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      const url = /Aperçu sur (http:\/\/127\.0\.0\.1:\d+\/)/.exec(stdout)![1]!;
      // The first build has not finished when the address is printed: the page says it is under way.
      expect(stderr).not.toContain('À jour');
      const home = await (await fetch(url)).text();
      expect(home).toContain('Première construction en cours');
      while (!stderr.includes('✓ À jour') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(stderr).toMatch(/^Impression de 3 fiches…$/m);
      expect(stderr).toMatch(/^Livret Kit DémoESS imprimé : \d+ pages\.$/m);
      expect(await (await fetch(url)).text()).toContain('Fiche 2 – Commande publique responsable');
      expect(readFileSync(opened, 'utf8').trim()).toBe(url);
    } finally {
      const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      child.kill('SIGINT');
      expect(await exit).toBe(0);
    }
  });

  it('stops at once, with exit code 3 and nothing served, when the browser cannot be found', () => {
    const copy = copySheets('pipeline');
    const r = runCli(['preview', '--port', '0', '--sheets', copy, '--browser', '/nulle/part/chrome']);
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('kitess : navigateur introuvable à « /nulle/part/chrome » (option --browser)');
  });
});
