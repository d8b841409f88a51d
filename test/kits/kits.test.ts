import { createRequire } from 'node:module';
import path from 'node:path';
import { readFileSync } from 'node:fs';
import type { Element } from 'hast';
import { visit } from 'unist-util-visit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from '../../src/build.js';
import type { BrowserHandle } from '../../src/browser.js';
import type { Kit } from '../../src/model.js';
import type { Manifest } from '../../src/pipeline/publish.js';
import { prepareKits } from '../../src/prepare.js';
import { testBrowser } from '../helpers/browser.js';
import { tempDir } from '../helpers/fixtures.js';
import { checkPdf, formatFailures } from '../../src/pdfua/check.js';
import { loadPdfFile, pdfLinks, pdfPages, pdfText, widestWordSpaces, wordPosition } from '../helpers/pdf.js';
import { AUDIT_PHRASES, AUDIT_WORDS, searchCounts, sumCounts } from '../helpers/search.js';

const SHEETS = path.resolve(import.meta.dirname, '../../sheets');

/** What each kit's issue asks for. */
const KITS = [
  { id: 'communes', title: 'Kit MunicipalESS', fiches: [20, 24] },
  { id: 'departements', title: 'Kit DépartementalESS', fiches: [18, 22] },
  { id: 'regions', title: 'Kit RégionalESS', fiches: [18, 22] },
] as const;

let browser: BrowserHandle;
let dist: string;
let manifest: Manifest;
let kits: Kit[];

beforeAll(async () => {
  const prepared = await prepareKits(SHEETS, KITS.map((k) => k.id));
  expect(prepared.diagnostics.filter((d) => d.severity === 'erreur')).toEqual([]);
  kits = prepared.kits;
  browser = await testBrowser();
  dist = path.join(tempDir(), 'dist');
  await build({ sheetsDir: SHEETS, outDir: dist }, { browser });
  manifest = JSON.parse(readFileSync(path.join(dist, 'manifest.json'), 'utf8'));
});

afterAll(async () => {
  await browser?.close();
});

function boxes(kit: Kit, number: number): string[] {
  const fiche = kit.fiches.find((f) => f.number === number)!;
  const found: string[] = [];
  visit(fiche.body, 'element', (node: Element) => {
    const cls = node.properties.className;
    if (node.tagName === 'aside' && Array.isArray(cls)) found.push(...cls.map(String).filter((c) => c.startsWith('box-')));
  });
  return found;
}

function levers(kit: Kit, number: number): number {
  const fiche = kit.fiches.find((f) => f.number === number)!;
  let count = 0;
  visit(fiche.body, 'element', (node: Element) => {
    if (node.tagName === 'h3') count++;
  });
  return count;
}

describe.each(KITS)('$title', ({ id, title, fiches: [min, max] }) => {
  const kit = () => kits.find((k) => k.id === id)!;
  const entry = () => manifest.kits.find((k) => k.id === id)!;

  it(`has between ${min} and ${max} fiches, numbered from 1 without gaps`, () => {
    const numbers = kit().fiches.map((f) => f.number).sort((a, b) => a - b);
    expect(numbers.length).toBeGreaterThanOrEqual(min);
    expect(numbers.length).toBeLessThanOrEqual(max);
    expect(numbers).toEqual(numbers.map((_, i) => i + 1));
    expect(entry().fiches).toHaveLength(numbers.length);
  });

  it('opens with the three introductory fiches, then levers, themes and resources, in the order of kit.yml', () => {
    const parts = kit().config.parts.map((p) => p.id);
    expect(parts).toEqual(['cles', 'leviers', 'thematiques', 'ressources']);
    expect(kit().fiches.filter((f) => f.meta.part === 'cles').map((f) => f.number)).toEqual([1, 2, 3]);
    const order = kit().fiches.map((f) => parts.indexOf(f.meta.part));
    expect(order).toEqual([...order].sort((a, b) => a - b));
  });

  it('keeps every fiche within its page budget (2 pages, 4 at most)', () => {
    for (const f of entry().fiches) {
      const budget = kit().fiches.find((x) => x.number === f.number)!.meta.budget ?? kit().config.budget;
      expect(budget).toBeLessThanOrEqual(4);
      expect(f.pages, `${f.path}`).toBeLessThanOrEqual(budget);
      expect(pdfPages(path.join(dist, f.path))).toBe(f.pages);
    }
  });

  it('prints a booklet of 40 to 64 pages', () => {
    const pages = pdfPages(path.join(dist, entry().booklet.path));
    expect(pages).toBe(entry().booklet.pages);
    expect(pages).toBeGreaterThanOrEqual(40);
    expect(pages).toBeLessThanOrEqual(64);
    expect(pdfText(path.join(dist, entry().booklet.path), 1)).toContain(title);
  });

  it('gives every fiche a chiffres clés box, an exemple box, a pour aller plus loin box, 3 to 6 levers and sources', () => {
    for (const fiche of kit().fiches) {
      const found = boxes(kit(), fiche.number);
      expect(found, fiche.source.path).toContain('box-chiffres-cles');
      expect(found, fiche.source.path).toContain('box-exemple');
      expect(found, fiche.source.path).toContain('box-pour-aller-plus-loin');
      expect(levers(kit(), fiche.number), fiche.source.path).toBeGreaterThanOrEqual(3);
      expect(levers(kit(), fiche.number), fiche.source.path).toBeLessThanOrEqual(6);
      expect(fiche.meta.sources.length, fiche.source.path).toBeGreaterThan(0);
      expect(fiche.meta.sources.some((s) => s.url), fiche.source.path).toBe(true);
    }
  });

  it('dates every chiffres clés box and names its source', () => {
    for (const fiche of kit().fiches) {
      const text = readFileSync(fiche.source.absPath, 'utf8');
      const box = /:::chiffres-cles[\s\S]*?\n:::/.exec(text)![0];
      expect(box, fiche.source.path).toMatch(/(19|20)\d\d/);
      expect(box, fiche.source.path).toMatch(/Sources?\s*:/);
    }
  });

  it('justifies its text without loose lines: hyphenation keeps word spaces close to normal (issue 6)', () => {
    const ratios = entry().fiches.flatMap((f) => widestWordSpaces(path.join(dist, f.path)));
    expect(ratios.length).toBeGreaterThan(500);
    // A normal word space is about 0.2 of the line’s height. Without hyphenation 3 to 4 % of lines go over twice that
    // and the widest space reaches 0.7–0.8; with it, under 2 % and 0.6 at most.
    const loose = ratios.filter((r) => r > 0.4).length / ratios.length;
    expect(loose).toBeLessThan(0.02);
    expect(Math.max(...ratios)).toBeLessThan(0.65);
  });

  it('publishes PDFs that pass kitess’s PDF/UA checker, contrast included (issue 12)', async () => {
    for (const file of [entry().booklet, ...entry().fiches]) {
      expect(formatFailures(await checkPdf(readFileSync(path.join(dist, file.path)))), file.path).toEqual([]);
    }
  });

  it('lets a reader find ordinary words and apostrophe phrases with poppler and pdf.js: at least 99 % of them (issue 12)', async () => {
    const files = [entry().booklet, ...entry().fiches].map((f) => path.join(dist, f.path));
    const words = sumCounts(await Promise.all(files.map((f) => searchCounts(f, AUDIT_WORDS))));
    AUDIT_WORDS.forEach((word, i) => {
      expect(words.truth[i], word).toBeGreaterThan(0);
      expect(words.pdftotext[i]! / words.truth[i]!, `pdftotext « ${word} »`).toBeGreaterThanOrEqual(0.99);
      expect(words.pdfjs[i]! / words.foldedTruth[i]!, `pdf.js « ${word} »`).toBeGreaterThanOrEqual(0.99);
    });
    const phrases = sumCounts(await Promise.all(files.map((f) => searchCounts(f, AUDIT_PHRASES))));
    const total = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    expect(total(phrases.truth)).toBeGreaterThan(0);
    expect(total(phrases.pdftotext) / total(phrases.truth)).toBeGreaterThanOrEqual(0.99);
    expect(total(phrases.pdfjs) / total(phrases.foldedTruth)).toBeGreaterThanOrEqual(0.99);
  });

  it('opens each of its parts on one page, listing the fiches with their start pages (issue 17)', async () => {
    const file = path.join(dist, entry().booklet.path);
    const { outline } = await loadPdfFile(file);
    const parts = outline.filter((o) => o.depth === 0 && kit().config.parts.some((p) => p.title.replace('’', "'") === o.title.replace('’', "'")));
    expect(parts).toHaveLength(4);
    for (const part of parts) {
      const index = outline.indexOf(part);
      const first = outline[index + 1]!;
      expect(first.depth).toBe(1);
      // The opener is one page: the part's first fiche starts on the next one.
      expect(first.pageIndex, part.title).toBe(part.pageIndex + 1);
      const opener = pdfText(file, part.pageIndex + 1).replace(/\s+/g, ' ');
      for (const child of outline.slice(index + 1).filter((o, i, all) => o.depth === 1 && all.slice(0, i).every((x) => x.depth === 1))) {
        expect(opener).toContain(`p. ${child.pageIndex + 1}`);
      }
    }
    // Every opener sets its rank and title at the same place, whatever its list or diagram.
    const ranks = parts.map((part) => wordPosition(file, part.pageIndex + 1, 'PARTIE'));
    expect(new Set(ranks.map((r) => `${r?.x},${r?.y}`)).size, JSON.stringify(ranks)).toBe(1);
    // The first part's opener shows the competences diagram.
    expect(pdfText(file, parts[0]!.pageIndex + 1)).toMatch(/LEVIERS DE L’ESS/);
  });

  it('links its back cover to the download page and to each kit of the collection', async () => {
    const back = await pdfLinks(path.join(dist, entry().booklet.path), -1);
    for (const other of kits) expect(back, other.id).toContain(other.config.baseUrl);
    expect(back.some((uri) => uri.endsWith('/') && !kits.some((k) => k.config.baseUrl === uri))).toBe(true);
  });

  it('files every fiche under at least one theme of the download page (issue 17)', () => {
    for (const f of entry().fiches) expect(f.themes?.length ?? 0, f.path).toBeGreaterThan(0);
  });

  it('has an édito of about 200 words', () => {
    const words = kit().config.edito.split(/\s+/).filter(Boolean).length;
    expect(words).toBeGreaterThanOrEqual(150);
    expect(words).toBeLessThanOrEqual(260);
  });
});

describe('the web edition of the three kits (issue 18)', () => {
  it('shows every page without horizontal scroll at 375 and 1280 px, and axe-core finds nothing on any', async () => {
    const pages = ['index.html', ...manifest.kits.flatMap((k) => [k.web!.page.path, ...k.fiches.map((f) => f.web!.path)])];
    expect(pages.length).toBe(1 + manifest.kits.length + manifest.kits.reduce((n, k) => n + k.fiches.length, 0));
    const axe = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
    const tab = await browser.browser.newPage();
    try {
      for (const width of [375, 1280]) {
        await tab.setViewport({ width, height: 800 });
        for (const page of pages) {
          await tab.goto(`file://${path.join(dist, page)}`, { waitUntil: 'load' });
          expect(await tab.evaluate(() => document.documentElement.scrollWidth), `${page} à ${width} px`).toBeLessThanOrEqual(width);
          // axe-core is evaluated through the DevTools protocol, which the pages' Content-Security-Policy does not govern.
          await tab.evaluate(axe);
          const violations = await tab.evaluate(async () => {
            const r = await (window as unknown as { axe: { run: (o: object) => Promise<{ violations: { id: string; nodes: { target: string[] }[] }[] }> } }).axe.run({ resultTypes: ['violations'] });
            return r.violations.map((v) => `${v.id} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
          });
          expect(violations, `${page} à ${width} px`).toEqual([]);
        }
      }
    } finally {
      await tab.close();
    }
  });
});
