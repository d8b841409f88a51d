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

/** Issue 15: the preview page, driven in real Chromium — overlay on error, reload after save, navigation. */
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
const ficheFile = 'demo/fiches/02-commande-publique.pdf';
const ficheSource = () => path.join(t.sheets, 'demo', '02-commande-publique.md');

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

  it('reloads the fiche page as soon as its PDF is printed again, before the booklet, with the new text', async () => {
    const page = await openViewer(ficheFile);
    try {
      const seen = events.length;
      let reloadedAt = 0;
      page.on('framenavigated', (frame) => {
        if (frame === page.mainFrame() && !reloadedAt) reloadedAt = performance.now();
      });
      const navigation = page.waitForNavigation({ timeout: 60_000 });
      setMarker(ficheSource(), 424_242, writeFileSync);
      await navigation;
      await page.waitForFunction(() => document.body.dataset.rendu === 'oui');
      await builtSince(seen);
      const booklet = events.slice(seen).find((e) => e.type === 'pdf' && e.path === 'demo/kit-demoess.pdf');
      expect(booklet).toBeDefined();
      expect(reloadedAt).toBeGreaterThan(0);
      expect(reloadedAt).toBeLessThan(booklet!.at);
      expect(pdfText(path.join(t.out, ficheFile)).replace(/\s+/g, '')).toContain('Repèredetest:424242');
    } finally {
      await page.close();
    }
  });

  it('keeps the page the reader was on after a reload (#page=N)', async () => {
    const page = await openViewer('demo/kit-demoess.pdf');
    try {
      const pages = Number(await page.evaluate(() => document.body.dataset.pages));
      expect(pages).toBeGreaterThanOrEqual(5);
      await page.evaluate(() => document.querySelector('.page[data-page="5"]')!.scrollIntoView({ block: 'start' }));
      await page.waitForFunction(() => location.hash === '#page=5');
      const seen = events.length;
      const navigation = page.waitForNavigation({ timeout: 60_000 });
      setMarker(ficheSource(), 434_343, writeFileSync);
      await navigation;
      await page.waitForFunction(() => document.body.dataset.rendu === 'oui');
      expect(await page.evaluate(() => [location.hash, document.body.dataset.pageCourante])).toEqual(['#page=5', '5']);
      // Page 5 is at the top of the window, under the header, and drawn.
      const top = await page.$eval('.page[data-page="5"]', (e) => e.getBoundingClientRect().top);
      const header = await page.$eval('header', (e) => e.getBoundingClientRect().bottom);
      expect(Math.abs(top - header)).toBeLessThan(150);
      expect(await page.$eval('.page[data-page="5"]', (e) => (e as HTMLElement).dataset.dessinee)).toBe('oui');
      await builtSince(seen);
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
      const navigation = page.waitForNavigation({ timeout: 60_000 });
      // Fixed in one save (with a new text, so that the fiche is printed again).
      setMarker(ficheSource(), 444_444, (file, fixed) => writeFileSync(file, fixed.replace(':::encart', ':::a-retenir')));
      await navigation;
      await builtSince(seen);
      await page.waitForFunction(
        () => document.body.dataset.rendu === 'oui' && document.getElementById('erreurs')!.hidden && document.getElementById('etat')!.textContent === 'À jour',
        { timeout: 60_000 },
      );
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
      // Settled (reloaded if its PDF changed) before it is closed.
      await viewer.waitForFunction(
        () => document.body.dataset.rendu === 'oui' && document.getElementById('erreurs')!.hidden && document.getElementById('etat')!.textContent === 'À jour',
        { timeout: 60_000 },
      );
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
