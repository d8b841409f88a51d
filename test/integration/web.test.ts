import { createHash } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Page } from 'puppeteer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, type BuildResult } from '../../src/build.js';
import type { BrowserHandle } from '../../src/browser.js';
import type { Manifest } from '../../src/pipeline/publish.js';
import { testBrowser } from '../helpers/browser.js';
import { copySheets, edit, FIXTURES, tempDir } from '../helpers/fixtures.js';
import { serveFolder } from '../helpers/static-server.js';

// Issue 18: the web edition — a page per fiche and per kit, search, sharing, read on a phone.
const require = createRequire(import.meta.url);
const AXE = require.resolve('axe-core/axe.min.js');
const sheets = path.join(FIXTURES, 'web/sheets');
let browser: BrowserHandle;
let dist: string;
let manifest: Manifest;
let result: BuildResult;

beforeAll(async () => {
  browser = await testBrowser();
  dist = path.join(tempDir(), 'dist');
  result = await build({ sheetsDir: sheets, outDir: dist, asOf: '2026-06-01' }, { browser });
  manifest = JSON.parse(readFileSync(path.join(dist, 'manifest.json'), 'utf8'));
});

afterAll(async () => {
  await browser?.close();
});

/** Every HTML page of the web edition, relative to dist/: the download page, the kits' pages, the fiches' pages. */
const pages = () => ['index.html', ...manifest.kits.flatMap((k) => [k.web!.page.path, ...k.fiches.map((f) => f.web!.path)])];
const fileUrl = (page: string) => `file://${path.join(dist, page)}`;

/** Opens a page of dist/, recording every request it makes. */
async function open(url: string, width: number, options: { javaScript?: boolean } = {}): Promise<{ page: Page; requests: string[] }> {
  const page = await browser.browser.newPage();
  const requests: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  // Anything the Content-Security-Policy refuses is a request kitess should not make.
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) requests.push(`refusé par la CSP : ${m.text()}`);
  });
  await page.setJavaScriptEnabled(options.javaScript ?? true);
  await page.setViewport({ width, height: 800 });
  await page.goto(url, { waitUntil: 'load' });
  await page.evaluate(() => document.fonts.ready);
  return { page, requests };
}

async function axe(page: Page): Promise<string[]> {
  // Evaluated through the DevTools protocol, which the page's Content-Security-Policy does not govern.
  await page.evaluate(readFileSync(AXE, 'utf8'));
  return page.evaluate(async () => {
    const r = await (window as unknown as { axe: { run: (o: object) => Promise<{ violations: { id: string; nodes: { target: string[] }[] }[] }> } }).axe.run({ resultTypes: ['violations'] });
    return r.violations.map((v) => `${v.id} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
  });
}

describe('web edition (issue 18)', () => {
  it('writes a page per fiche at a stable address, and a page per kit, listed in the manifest with their sha256', () => {
    expect(pages()).toEqual([
      'index.html',
      'autre/index.html',
      'autre/essai/index.html',
      'demo/index.html',
      'demo/de-quoi-parle-t-on/index.html',
      'demo/commande-publique/index.html',
      'demo/contractualisation/index.html',
    ]);
    for (const kit of manifest.kits) {
      for (const file of [kit.web!.page, ...kit.web!.files, ...kit.fiches.map((f) => f.web!)]) {
        const bytes = readFileSync(path.join(dist, file.path));
        expect(bytes.byteLength, file.path).toBe(file.bytes);
      }
    }
    expect(manifest.web!.files.map((f) => f.path)).toEqual(expect.arrayContaining(['web/kitess-web.css', 'web/recherche.js', 'pagefind/pagefind.js', 'pagefind/pagefind-entry.json']));
    expect(result.web!.written).toHaveLength(6);
  });

  it('shows each page well at 375 and 1280 px: no horizontal scroll, every link found in dist/, no request to another host, axe-core finds nothing', async () => {
    for (const file of pages()) {
      for (const width of [375, 1280]) {
        const { page, requests } = await open(fileUrl(file), width);
        try {
          const where = `${file} à ${width} px`;
          expect(await page.evaluate(() => document.documentElement.scrollWidth), where).toBeLessThanOrEqual(width);
          // Every link and resource of the page, except the sources' addresses on the web.
          const links = await page.$$eval('a[href], link[href]:not([rel=canonical]), img[src], script[src]', (els) =>
            els.map((e) => ({ tag: e.tagName, url: (e as HTMLAnchorElement).href || (e as HTMLImageElement).src, raw: e.getAttribute('href') ?? e.getAttribute('src') })),
          );
          for (const link of links) {
            if (/^https?:/.test(link.url)) {
              expect(link.tag, `${where} : ${link.raw}`).toBe('A');
              continue;
            }
            if (link.url.startsWith('data:')) continue;
            const target = new URL(link.url);
            expect(target.protocol, `${where} : ${link.raw}`).toBe('file:');
            expect(existsSync(decodeURIComponent(target.pathname)), `${where} : ${link.raw}`).toBe(true);
            if (target.hash && target.pathname === new URL(page.url()).pathname) {
              expect(await page.$(`[id="${decodeURIComponent(target.hash.slice(1))}"]`), `${where} : ${link.raw}`).not.toBeNull();
            }
          }
          expect(requests.filter((r) => !r.startsWith('file://') && !r.startsWith('data:')), where).toEqual([]);
          expect(await axe(page), where).toEqual([]);
        } finally {
          await page.close();
        }
      }
    }
  });

  it('gives every page lang fr, one h1, headings in order, landmarks, a skip link, a Content-Security-Policy and sharing metadata', async () => {
    for (const file of pages()) {
      const { page } = await open(fileUrl(file), 375);
      try {
        const facts = await page.evaluate(() => ({
          lang: document.documentElement.lang,
          h1: document.querySelectorAll('h1').length,
          levels: [...document.querySelectorAll('h1, h2, h3, h4, h5, h6')].map((h) => Number(h.tagName[1])),
          main: document.querySelectorAll('main').length,
          skip: document.querySelector('a.skip')?.getAttribute('href'),
          csp: document.querySelector('meta[http-equiv="Content-Security-Policy"]')?.getAttribute('content') ?? '',
          title: document.title,
          og: document.querySelector('meta[property="og:title"]')?.getAttribute('content'),
          description: document.querySelector('meta[name="description"]')?.getAttribute('content') ?? document.querySelector('meta[property="og:description"]')?.getAttribute('content'),
        }));
        expect(facts.lang, file).toBe('fr');
        expect(facts.h1, file).toBe(1);
        expect(facts.levels[0], file).toBe(1);
        facts.levels.forEach((level, i) => i > 0 && expect(level - facts.levels[i - 1]!, `${file} : titres ${facts.levels.join(' ')}`).toBeLessThanOrEqual(1));
        expect(facts.main, file).toBe(1);
        expect(facts.skip, file).toBe('#contenu');
        expect(facts.csp, file).toContain("default-src 'none'");
        expect(facts.csp, file).not.toContain('unsafe-inline');
        expect(facts.og, file).toBeTruthy();
        expect(facts.description, file).toBeTruthy();
        // The focused skip link shows.
        await page.keyboard.press('Tab');
        expect(await page.evaluate(() => document.activeElement?.classList.contains('skip') && document.activeElement.getBoundingClientRect().left >= 0), file).toBe(true);
      } finally {
        await page.close();
      }
    }
  });

  it('shares a fiche by its title and summary, and links its latest PDF with its size', async () => {
    const html = readFileSync(path.join(dist, 'demo/commande-publique/index.html'), 'utf8');
    expect(html).toContain('<meta property="og:title" content="Commande publique responsable – Fiche 2 du Kit DémoESS">');
    expect(html).toMatch(/<meta property="og:description" content="Acheter mieux avec les acteurs de l’ESS du territoire.">/);
    expect(html).toContain('<meta property="og:url" content="https://kits.example.org/demo/commande-publique/">');
    const { page } = await open(fileUrl('demo/commande-publique/index.html'), 375);
    try {
      const pdf = await page.$eval('.fiche-pdf a', (a) => [a.getAttribute('href'), a.textContent!.replace(/\s+/g, ' ')]);
      const entry = manifest.kits.find((k) => k.id === 'demo')!.fiches.find((f) => f.number === 2)!;
      expect(pdf[0]).toBe('../fiches/02-commande-publique.pdf');
      expect(pdf[1]!.trim()).toBe(`Télécharger la fiche (PDF, ${entry.pages} page${entry.pages > 1 ? 's' : ''}, ${Math.round(entry.bytes / 1024)} Ko)`);
      // Header: kit, number and part, title, summary, last update.
      expect(await page.$eval('.fiche-head', (h) => h.textContent!.replace(/\s+/g, ' '))).toMatch(/Fiche n° 2 · Leviers d’action.*Commande publique responsable.*Acheter mieux.*Mise à jour le 17 février 2026/);
    } finally {
      await page.close();
    }
  });

  it('leads a cross-reference to the other fiche’s page, and shows the boxes, the diagram and the charts', async () => {
    const { page } = await open(fileUrl('demo/de-quoi-parle-t-on/index.html'), 375);
    try {
      expect(await page.$$eval('.box .box-kicker', (ks) => ks.map((k) => `${k.tagName} ${k.textContent}`))).toEqual(['H3 Chiffres clés', 'H3 Exemple']);
      expect(await page.$eval('figure.schema svg', (s) => s.getAttribute('aria-label')!.replace(/\s/g, ' '))).toContain('Schéma « L’ESS au cœur des compétences');
      await Promise.all([page.waitForNavigation(), page.click('a.fiche-ref')]);
      expect(page.url()).toBe(fileUrl('demo/commande-publique/index.html'));
      expect(await page.$eval('h1', (h) => h.textContent)).toBe('Commande publique responsable');
      // The wide table scrolls inside itself, the page does not.
      const table = await page.$eval('.table-scroll', (d) => [d.scrollWidth > d.clientWidth, d.getAttribute('tabindex')]);
      expect(table).toEqual([true, '0']);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    } finally {
      await page.close();
    }
    const charts = await open(fileUrl('demo/contractualisation/index.html'), 375);
    try {
      // Charts drawn again for the column of a phone: their labels stay about 10 px.
      const sizes = await charts.page.$$eval('figure.chart svg', (svgs) => svgs.map((s) => s.getBoundingClientRect().width / Number(s.getAttribute('viewBox')!.split(' ')[2]) * 8.5));
      expect(sizes).toHaveLength(2);
      for (const size of sizes) expect(size).toBeGreaterThan(9);
      expect(await charts.page.$$eval('figure.chart svg', (s) => s.map((e) => e.getAttribute('role')))).toEqual(['img', 'img']);
    } finally {
      await charts.page.close();
    }
  });

  it('reads without JavaScript: the fiche whole, the download page as the plain list without a search box', async () => {
    const fiche = await open(fileUrl('demo/commande-publique/index.html'), 375, { javaScript: false });
    try {
      expect(await fiche.page.$eval('main', (m) => (m as HTMLElement).innerText)).toContain('Le sourcing permet de connaître l’offre locale');
    } finally {
      await fiche.page.close();
    }
    const home = await open(fileUrl('index.html'), 375, { javaScript: false });
    try {
      expect(await home.page.$eval('#recherche', (s) => getComputedStyle(s).display)).toBe('none');
      const links = await home.page.$$eval('li.fiche a.fiche-title', (as) => as.map((a) => a.getAttribute('href')));
      expect(links).toEqual(['autre/essai/index.html', 'demo/de-quoi-parle-t-on/index.html', 'demo/commande-publique/index.html', 'demo/contractualisation/index.html']);
    } finally {
      await home.page.close();
    }
  });

  it('says, when the download page is opened from disk, that search needs a web address, and keeps the list', async () => {
    const { page } = await open(fileUrl('index.html'), 375);
    try {
      await page.waitForFunction(() => !document.getElementById('recherche')!.hidden);
      expect(await page.$eval('#recherche-etat', (p) => p.textContent)).toContain('ouverte depuis le disque');
      expect(await page.$eval('#recherche form', (f) => getComputedStyle(f).display)).toBe('none');
      expect(await page.$$eval('li.fiche', (l) => l.length)).toBe(4);
    } finally {
      await page.close();
    }
  });

  describe('search, from a static web host', () => {
    let server: Awaited<ReturnType<typeof serveFolder>>;
    beforeAll(async () => {
      server = await serveFolder(dist);
    });
    afterAll(async () => {
      await server?.close();
    });

    const search = async (page: Page, words: string) => {
      await page.$eval('#recherche-mots', (i) => ((i as HTMLInputElement).value = ''));
      await page.type('#recherche-mots', words);
      await page.keyboard.press('Enter');
      await page.waitForFunction((w) => document.getElementById('recherche-etat')!.textContent!.includes(`« ${w} »`), {}, words);
      return page.$$eval('#recherche-resultats li', (lis) => lis.map((li) => ({ href: li.querySelector('a')!.getAttribute('href')!, title: li.querySelector('a')!.textContent, text: li.textContent! })));
    };

    it('finds a word of a fiche of each kit, in French (plural for singular, elided words), and leads to its page', async () => {
      const { page, requests } = await open(server.url, 375);
      try {
        await page.waitForSelector('#recherche:not([hidden]) form');
        const sourcing = await search(page, 'sourcing');
        expect(sourcing.map((r) => r.href)).toEqual([`${server.url}demo/commande-publique/index.html`]);
        expect(sourcing[0]!.text).toContain('Kit DémoESS');
        // The index's straight apostrophes are shown curly again, as in the fiche.
        expect(sourcing[0]!.text).toContain('l’offre locale');
        expect(sourcing[0]!.text).not.toContain("'");
        // « l’alimentation » in the second kit's fiche.
        const food = await search(page, 'alimentation');
        expect(food.map((r) => r.href)).toEqual([`${server.url}autre/essai/index.html`]);
        expect(food[0]!.title).toBe('Une fiche du second kit');
        // Stemming: « coopérative » finds « coopératives ».
        expect((await search(page, 'coopérative')).map((r) => r.href)).toEqual([`${server.url}demo/de-quoi-parle-t-on/index.html`]);
        expect(await page.$eval('#recherche-etat', (p) => p.textContent)).toBe('1 fiche contient « coopérative ».');
        expect(await search(page, 'xylophone')).toEqual([]);
        expect(await page.$eval('#recherche-etat', (p) => p.textContent)).toBe('Aucune fiche ne contient « xylophone ».');
        await search(page, 'sourcing');
        await Promise.all([page.waitForNavigation(), page.click('#recherche-resultats a')]);
        expect(await page.$eval('h1', (h) => h.textContent)).toBe('Commande publique responsable');
        expect(requests.filter((r) => !r.startsWith(server.url) && !r.startsWith('data:'))).toEqual([]);
      } finally {
        await page.close();
      }
    });

    it('passes axe-core with the search box and its results shown, at 375 and 1280 px', async () => {
      for (const width of [375, 1280]) {
        const { page } = await open(`${server.url}?q=coop%C3%A9ratives`, width);
        try {
          await page.waitForFunction(() => document.querySelectorAll('#recherche-resultats li').length > 0);
          expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
          expect(await axe(page), `${width} px`).toEqual([]);
        } finally {
          await page.close();
        }
      }
    });
  });
});

describe('web edition builds (issue 18)', () => {
  const webFiles = (m: Manifest) => [
    ...m.kits.flatMap((k) => [k.web!.page, ...k.web!.files, ...k.fiches.map((f) => f.web!)]),
    ...m.web!.files,
  ];

  it('makes the same bytes from the same sources', async () => {
    const again = path.join(tempDir(), 'dist');
    await build({ sheetsDir: sheets, outDir: again, asOf: '2026-06-01' }, { browser });
    const second: Manifest = JSON.parse(readFileSync(path.join(again, 'manifest.json'), 'utf8'));
    expect(webFiles(second)).toEqual(webFiles(manifest));
    const list = (dir: string) => readdirSync(path.join(dir, 'pagefind'), { recursive: true }).map(String).sort();
    expect(list(again)).toEqual(list(dist));
  });

  it('rewrites only the pages whose inputs changed, and removes the page of a fiche that is gone', async () => {
    const copy = copySheets('web');
    const out = path.join(path.dirname(copy), 'dist');
    await build({ sheetsDir: copy, outDir: out, asOf: '2026-06-01' }, { browser });
    const before: Manifest = JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8'));
    edit(path.join(copy, 'demo/03-contractualisation.md'), 'précise la différence', 'explique la différence');
    const second = await build({ sheetsDir: copy, outDir: out, asOf: '2026-06-01' }, { browser });
    // The edited fiche's page, and the kit's page (its PDF's size is shown there); the other fiches' pages are kept.
    expect(second.web!.written.sort()).toEqual(['demo/contractualisation/index.html', 'demo/index.html']);
    expect(second.web!.reused.sort()).toEqual(['demo/commande-publique/index.html', 'demo/de-quoi-parle-t-on/index.html']);
    const after: Manifest = JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8'));
    expect(readFileSync(path.join(out, 'demo/contractualisation/index.html'), 'utf8')).toContain('explique la différence');
    // The search index follows: a page changed, so its files are made again and the old ones removed.
    expect(after.web!.search).not.toBe(before.web!.search);
    for (const f of before.web!.files.filter((f) => !after.web!.files.some((g) => g.path === f.path))) expect(existsSync(path.join(out, f.path)), f.path).toBe(false);
    for (const f of after.web!.files) expect(existsSync(path.join(out, f.path)), f.path).toBe(true);

    // A fiche taken out (a draft): its page goes with its PDF.
    edit(path.join(copy, 'demo/03-contractualisation.md'), 'partie: leviers', 'partie: leviers\nstatut: brouillon');
    await build({ sheetsDir: copy, outDir: out, asOf: '2026-06-01' }, { browser });
    expect(existsSync(path.join(out, 'demo/contractualisation'))).toBe(false);
    expect(readFileSync(path.join(out, 'demo/commande-publique/index.html'), 'utf8')).not.toContain('contractualisation/index.html');
  });

  it('never writes through the previous output: its pages, shared files, search index and manifest keep their bytes', async () => {
    // publish starts the new folder as hard links to the previous one's files: a writer that did not replace a link
    // (a page, the stylesheet, the search index, the download page, the manifest) would change the previous output.
    const copy = copySheets('web');
    const out = path.join(path.dirname(copy), 'dist');
    await build({ sheetsDir: copy, outDir: out, asOf: '2026-06-01' }, { browser });
    // A second name for each file of the first build, so that its bytes can be read once that folder is replaced.
    const witness = path.join(path.dirname(copy), 'temoin');
    const files = readdirSync(out, { recursive: true }).map(String).filter((f) => statSync(path.join(out, f)).isFile());
    const digest = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
    const before = new Map(files.map((f) => [f, digest(path.join(out, f))]));
    for (const f of files) {
      mkdirSync(path.dirname(path.join(witness, f)), { recursive: true });
      linkSync(path.join(out, f), path.join(witness, f));
    }
    expect(files).toEqual(expect.arrayContaining(['manifest.json', 'index.html', 'web/kitess-web.css', 'demo/contractualisation/index.html']));
    expect(files.some((f) => f.startsWith('pagefind/'))).toBe(true);
    edit(path.join(copy, 'demo/03-contractualisation.md'), 'précise la différence', 'explique la différence');
    const second = await build({ sheetsDir: copy, outDir: out, asOf: '2026-06-01' }, { browser });
    expect(second.web!.written).toContain('demo/contractualisation/index.html');
    for (const f of files) expect(digest(path.join(witness, f)), f).toBe(before.get(f));
  });
});
