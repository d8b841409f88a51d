import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { PDFArray, PDFDict, PDFName, PDFRef, PDFHexString, PDFString } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from '../../src/build.js';
import type { BrowserHandle } from '../../src/browser.js';
import { THUMB } from '../../src/design/thumbnail.js';
import type { Manifest } from '../../src/pipeline/publish.js';
import { testBrowser } from '../helpers/browser.js';
import { FIXTURES, tempDir } from '../helpers/fixtures.js';
import { loadPdfFile, pdfPages, pdfText } from '../helpers/pdf.js';

const require = createRequire(import.meta.url);
const sheets = path.join(FIXTURES, 'design/sheets');
let browser: BrowserHandle;
let dist: string;
let manifest: Manifest;

beforeAll(async () => {
  browser = await testBrowser();
  dist = path.join(tempDir(), 'dist');
  await build({ sheetsDir: sheets, outDir: dist, asOf: '2026-06-01' }, { browser });
  manifest = JSON.parse(readFileSync(path.join(dist, 'manifest.json'), 'utf8'));
});

afterAll(async () => {
  await browser?.close();
});

const booklet = () => path.join(dist, 'demo/kit-demoess.pdf');
const flat = (text: string) => text.replace(/\s+/g, ' ');

/** Every Figure of a PDF's structure tree, with its alternative text (read with pdf-lib). */
async function figures(file: string): Promise<string[]> {
  const { doc } = await loadPdfFile(file);
  const found: string[] = [];
  const walk = (node: unknown) => {
    const dict = node instanceof PDFRef ? doc.context.lookup(node) : node;
    if (!(dict instanceof PDFDict)) return;
    if (String(dict.get(PDFName.of('S'))) === '/Figure') {
      const alt = dict.lookup(PDFName.of('Alt'));
      found.push(alt instanceof PDFString || alt instanceof PDFHexString ? alt.decodeText() : '');
    }
    const kids = dict.get(PDFName.of('K'));
    for (const kid of kids instanceof PDFArray ? kids.asArray() : [kids]) walk(kid);
  };
  walk(doc.catalog.get(PDFName.of('StructTreeRoot')));
  return found;
}

describe('booklet (issue 17)', () => {
  it('opens each part on a page of its own, listing its fiches with the pages where they really start', async () => {
    const { outline } = await loadPdfFile(booklet());
    const at = (title: string) => outline.find((o) => o.title.startsWith(title))!.pageIndex + 1;
    // Cover, édito, contents, then each part: its opener, then its fiches; the back cover last.
    expect(at('Premières clés')).toBe(4);
    expect(at('Fiche 1')).toBe(5);
    expect(at('Leviers')).toBeGreaterThan(at('Fiche 1'));
    expect(at('Fiche 2')).toBe(at('Leviers') + 1);
    expect(pdfPages(booklet())).toBe(at('Fiche 3') + pdfPages(path.join(dist, 'demo/fiches/03-contractualisation.pdf')));
    const opener = flat(pdfText(booklet(), at('Leviers')));
    expect(opener).toMatch(/PARTIE 2 Leviers d’action 2 FICHES DANS CETTE PARTIE/);
    expect(opener).toContain(`2 Commande publique responsable p. ${at('Fiche 2')}`);
    expect(opener).toContain(`3 Modes de contractualisation p. ${at('Fiche 3')}`);
    // Openers have no running header nor folio.
    expect(opener).not.toContain('Kit DémoESS · Fiche');
  });

  it('prints the cover: logo, edition, level, title and subtitle', () => {
    const cover = flat(pdfText(booklet(), 1));
    for (const text of ['Édition n° 3 · mars 2026', 'POUR LES COMMUNES ET INTERCOMMUNALITÉS', 'Kit DémoESS', 'Un kit d’essai pour les tests de kitess', '3 fiches pratiques en 2 parties']) expect(cover).toContain(text);
  });

  it('presents every kit of the collection on the back cover, with the download page’s address and the edition', () => {
    const back = flat(pdfText(booklet(), pdfPages(booklet())));
    for (const text of ['Les 2 kits ESS du RTES', 'Kit AutreESS', 'Pour les régions', 'Kit DémoESS', 'CE LIVRET', 'kits.example.org/', 'Édition n° 3 · mars 2026']) expect(back).toContain(text);
  });

  it('tags the logo, the diagram, the charts and the QR codes as figures with their alternative text', async () => {
    const alts = await figures(booklet());
    const has = (pattern: RegExp) => expect(alts.some((a) => pattern.test(a.replace(/[\u00A0\u2009\u202F]/g, ' '))), String(pattern)).toBe(true);
    has(/^RTES – Réseau des collectivités territoriales pour une économie solidaire$/);
    has(/^Schéma « L’ESS au cœur des compétences du kit d’essai »\. .*Achats \[Code de la commande publique\] : Clauses sociales dans les marchés publics ; Marchés réservés \(fiche 2\)/);
    has(/^Graphique « Salariés de l’ESS en France » \(Salariés \(millions\), par année\) : 2015 : 2,3 ; 2017 : 2,4 ; 2019 : 2,6 ; 2021 : 2,7\.$/);
    has(/^Code QR vers la page de téléchargement des kits : https:\/\/kits\.example\.org\/$/);
    // The diagram's and the charts' wrappers are groups (Div), not Figures without alternative text.
    expect(alts.filter((a) => a === '').length).toBeLessThanOrEqual(1); // the Markdown image's <figure> (fiche 2), as on main
  });

  it('draws the charts with their labels and values as text a reader can select and search', () => {
    const text = flat(pdfText(path.join(dist, 'demo/fiches/03-contractualisation.pdf')));
    for (const label of ['2015', '2017', '2019', '2021', '2,3', '2,7', 'Coopératives', 'Mutuelles', '155 000', '22 000']) expect(text).toContain(label);
    expect(text).toContain('Associations employeuses de l’action sociale');
    expect(text).toContain('Source : Observatoire national de l’ESS (2019).');
  });

  it('sets the key figures large: the number in big type, its label smaller', async () => {
    const page = await browser.browser.newPage();
    try {
      // The fiche as printed, in a tab of its own: the number's font size against its label's.
      const { renderFiche } = await import('../../src/pipeline/render.js');
      const { prepareKits } = await import('../../src/prepare.js');
      const { serveRequest } = await import('../../src/pipeline/print.js');
      const { kits } = await prepareKits(sheets, ['demo']);
      const doc = renderFiche(kits[0]!, kits[0]!.fiches[0]!);
      await page.setRequestInterception(true);
      page.on('request', (r) => void serveRequest(r, doc).catch(() => undefined));
      await page.goto('https://kitess.invalid/document.html', { waitUntil: 'load' });
      const sizes = await page.$$eval('.key-figure', (items) =>
        items.map((li) => [parseFloat(getComputedStyle(li.querySelector('strong')!).fontSize), parseFloat(getComputedStyle(li.querySelector('.key-figure-label')!).fontSize)]),
      );
      expect(sizes).toHaveLength(3);
      for (const [value, label] of sizes) expect(value! / label!).toBeGreaterThan(2);
    } finally {
      await page.close();
    }
  });
});

describe('colours of the printed pages (issue 17)', () => {
  it('keeps every text of the covers, openers, diagram, charts and key figures at 4.5:1 or more against what is behind it', async () => {
    const { renderBooklet } = await import('../../src/pipeline/render.js');
    const { prepareKits } = await import('../../src/prepare.js');
    const { serveRequest } = await import('../../src/pipeline/print.js');
    const { kits, collection } = await prepareKits(sheets, ['demo']);
    const doc = renderBooklet(kits[0]!, new Map(), { collection });
    const page = await browser.browser.newPage();
    try {
      await page.setRequestInterception(true);
      page.on('request', (r) => void serveRequest(r, doc).catch(() => undefined));
      await page.emulateMediaType('print');
      await page.goto('https://kitess.invalid/document.html', { waitUntil: 'load' });
      const pairs = await page.evaluate(() => {
        const rgb = (css: string): number[] | undefined => {
          const m = /rgba?\(([\d.]+), ([\d.]+), ([\d.]+)(?:, ([\d.]+))?\)/.exec(css) ?? /color\(srgb ([\d.]+) ([\d.]+) ([\d.]+)(?: \/ ([\d.]+))?\)/.exec(css);
          if (!m) return undefined;
          const scale = css.startsWith('color(') ? 255 : 1;
          const alpha = m[4] === undefined ? 1 : Number(m[4]);
          return alpha < 0.5 ? undefined : [Number(m[1]) * scale, Number(m[2]) * scale, Number(m[3]) * scale];
        };
        const lum = (c: number[]) => {
          const [r, g, b] = c.map((v) => v / 255).map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
          return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
        };
        const out: { text: string; ratio: number }[] = [];
        const scope = document.querySelectorAll('.cover, .opener, .back-cover, figure.chart, figure.schema, .key-figures');
        for (const root of scope) {
          for (const el of [root, ...root.querySelectorAll('*')]) {
            if (el.closest('svg')) continue;
            const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent!.trim() !== '');
            if (!own) continue;
            const fg = rgb(getComputedStyle(el).color)!;
            let bg: number[] | undefined;
            for (let a: Element | null = el; a && !bg; a = a.parentElement) bg = rgb(getComputedStyle(a).backgroundColor);
            const [hi, lo] = [lum(fg), lum(bg ?? [255, 255, 255])].sort((x, y) => y - x);
            out.push({ text: el.textContent!.trim().slice(0, 40), ratio: (hi! + 0.05) / (lo! + 0.05) });
          }
        }
        return out;
      });
      expect(pairs.length).toBeGreaterThan(30);
      expect(pairs.filter((p) => p.ratio < 4.5)).toEqual([]);
    } finally {
      await page.close();
    }
  });
});

describe('download page (issue 17)', () => {
  const open = async (width: number, javaScript = true) => {
    const page = await browser.browser.newPage();
    await page.setJavaScriptEnabled(javaScript);
    await page.setViewport({ width, height: 900 });
    await page.goto(`file://${path.join(dist, 'index.html')}`, { waitUntil: 'load' });
    await page.evaluate(() => document.fonts.ready);
    return page;
  };

  it('opens with the kit chooser, and shows the publisher’s logo, in the pages’ font', async () => {
    const page = await open(1280);
    try {
      const chooser = await page.$$eval('nav.chooser a', (as) => as.map((a) => [a.getAttribute('href'), a.textContent]));
      expect(chooser.map(([href]) => href)).toEqual(['#autre', '#demo']);
      expect(chooser[1]![1]).toContain('Kit DémoESS');
      expect(await page.$eval('header .logo', (img) => [(img as HTMLImageElement).alt, (img as HTMLImageElement).naturalWidth > 0])).toEqual(['RTES – Réseau des collectivités territoriales pour une économie solidaire', true]);
      expect(await page.evaluate(() => document.fonts.check("16px 'Source Sans 3'"))).toBe(true);
      // The chooser comes before the first kit.
      const [chooserTop, kitTop] = await page.evaluate(() => [document.querySelector('nav.chooser')!.getBoundingClientRect().top, document.querySelector('section.kit')!.getBoundingClientRect().top]);
      expect(chooserTop).toBeLessThan(kitTop!);
    } finally {
      await page.close();
    }
  });

  it.each([375, 1280])('has no horizontal scroll at %i px', async (width) => {
    const page = await open(width);
    try {
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
    } finally {
      await page.close();
    }
  });

  it('groups each kit’s fiches by part', async () => {
    const page = await open(1280);
    try {
      const parts = await page.$$eval('#demo .part', (ps) => ps.map((p) => [p.querySelector('h3')!.textContent!.replace(/\s+/g, ' ').trim(), p.querySelectorAll('li.fiche').length]));
      expect(parts).toEqual([
        ['Premières clés (1)', 1],
        ['Leviers d’action (2)', 2],
      ]);
    } finally {
      await page.close();
    }
  });

  it('filters the fiches by theme without JavaScript, and lists them all again with « Tous les thèmes »', async () => {
    const page = await open(375, false);
    try {
      const visible = () => page.$$eval('li.fiche', (lis) => lis.filter((li) => getComputedStyle(li).display !== 'none').map((li) => li.querySelector('a')!.getAttribute('href')));
      expect(await visible()).toHaveLength(4);
      await page.click('label[for="theme-alimentation"]');
      expect(await visible()).toEqual(['autre/essai/index.html']);
      expect(await page.$eval('#demo .kit-empty', (p) => getComputedStyle(p).display)).toBe('block');
      await page.click('label[for="theme-achats"]');
      expect(await visible()).toEqual(['demo/commande-publique/index.html', 'demo/contractualisation/index.html']);
      await page.click('label[for="theme-tous"]');
      expect(await visible()).toHaveLength(4);
    } finally {
      await page.close();
    }
  });

  it('passes axe-core with no violation, at 375 and 1280 px', async () => {
    for (const width of [375, 1280]) {
      const page = await open(width);
      try {
        // Evaluated through the DevTools protocol: the page's Content-Security-Policy refuses inline scripts (issue 18).
        await page.evaluate(readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8'));
        const result = await page.evaluate(async () => {
          const r = await (window as unknown as { axe: { run: (o: object) => Promise<{ violations: { id: string; nodes: unknown[] }[] }> } }).axe.run({ resultTypes: ['violations'] });
          return r.violations.map((v) => `${v.id} (${v.nodes.length})`);
        });
        expect(result, `${width} px`).toEqual([]);
      } finally {
        await page.close();
      }
    }
  });

  it('draws cover thumbnails whose every line of text fits inside the page, measured in Chromium', async () => {
    for (const kit of manifest.kits) {
      const page = await browser.browser.newPage();
      try {
        await page.goto(`file://${path.join(dist, kit.cover!)}`, { waitUntil: 'load' });
        const boxes = await page.$$eval('path.line', (lines) => lines.map((l) => (l as SVGGraphicsElement).getBBox()).map((b) => [b.x, b.y, b.width, b.height]));
        expect(boxes.length, kit.id).toBeGreaterThanOrEqual(4);
        for (const [x, y, w, h] of boxes) {
          expect(x!).toBeGreaterThanOrEqual(THUMB.margin - 1);
          expect(x! + w!).toBeLessThanOrEqual(THUMB.width - THUMB.margin + 1);
          expect(y!).toBeGreaterThanOrEqual(0);
          expect(y! + h!).toBeLessThanOrEqual(THUMB.height - 4);
        }
      } finally {
        await page.close();
      }
    }
  });
});
