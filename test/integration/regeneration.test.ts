import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from '../../src/build.js';
import type { BrowserHandle } from '../../src/browser.js';
import type { Manifest } from '../../src/pipeline/publish.js';
import { testBrowser } from '../helpers/browser.js';
import { runCli } from '../helpers/cli.js';
import { copySheets, edit } from '../helpers/fixtures.js';
import { pdfLinkAnnotations, pdfLinks, pdfText } from '../helpers/pdf.js';

let browser: BrowserHandle;
beforeAll(async () => {
  browser = await testBrowser();
});
afterAll(async () => {
  await browser?.close();
});

const readManifest = (dist: string): Manifest => JSON.parse(readFileSync(path.join(dist, 'manifest.json'), 'utf8'));
const fixture = () => {
  const sheets = copySheets('pipeline');
  return { sheets, dist: path.join(path.dirname(sheets), 'dist') };
};

describe('incremental builds', () => {
  it('launches no browser when nothing changed, then prints only the edited fiche and its booklet', async () => {
    const { sheets, dist } = fixture();
    const first = await build({ sheetsDir: sheets, outDir: dist, asOf: '2026-06-01' }, { browser });
    expect(first.printed).toHaveLength(4);
    const messages: string[] = [];
    const second = await build({ sheetsDir: sheets, outDir: dist, asOf: '2026-06-01', log: (m) => messages.push(m) });
    expect(second.launched).toBe(false);
    expect(second.printed).toEqual([]);
    expect(messages.join('\n')).toContain('Rien n’a changé');

    const before = readManifest(dist);
    edit(path.join(sheets, 'demo/03-contractualisation.md'), 'précise la différence', 'explique la différence');
    const third = await build({ sheetsDir: sheets, outDir: dist, asOf: '2026-06-01' }, { browser });
    expect(third.printed.sort()).toEqual(['demo/fiches/03-contractualisation.pdf', 'demo/kit-demoess.pdf']);
    const after = readManifest(dist);
    const sha = (m: Manifest, n: number) => m.kits[0]!.fiches.find((f) => f.number === n)!.sha256;
    expect(sha(after, 1)).toBe(sha(before, 1));
    expect(sha(after, 3)).not.toBe(sha(before, 3));
    expect(pdfText(path.join(dist, 'demo/fiches/03-contractualisation.pdf'))).toContain('explique la différence');
  });

  it('prints again the fiches that refer to a fiche whose title changed', async () => {
    const { sheets, dist } = fixture();
    await build({ sheetsDir: sheets, outDir: dist, asOf: '2026-06-01' }, { browser });
    edit(path.join(sheets, 'demo/02-commande-publique.md'), 'titre: Commande publique responsable', 'titre: Achats publics responsables');
    const r = await build({ sheetsDir: sheets, outDir: dist, asOf: '2026-06-01' }, { browser });
    expect(r.printed.sort()).toEqual(['demo/fiches/01-de-quoi-parle-t-on.pdf', 'demo/fiches/02-commande-publique.pdf', 'demo/kit-demoess.pdf']);
    expect(pdfText(path.join(dist, 'demo/fiches/01-de-quoi-parle-t-on.pdf')).replace(/\s+/g, ' ')).toContain('« Achats publics responsables »');
  });
});

/** The PDFs a build wrote, by path, as its manifest lists them. */
const pdfsOf = (dist: string) =>
  readManifest(dist)
    .kits.flatMap((k) => [k.booklet, ...k.fiches])
    .map((f) => f.path)
    .sort();

/** Builds the same sources again with --force in another folder and expects the same PDFs, byte for byte. */
async function expectSameAsForced(sheets: string, dist: string): Promise<void> {
  const forced = path.join(path.dirname(sheets), 'forced');
  rmSync(forced, { recursive: true, force: true });
  await build({ sheetsDir: sheets, outDir: forced, asOf: '2026-06-01', force: true }, { browser });
  expect(pdfsOf(dist)).toEqual(pdfsOf(forced));
  for (const file of pdfsOf(forced)) expect(readFileSync(path.join(dist, file)).equals(readFileSync(path.join(forced, file))), file).toBe(true);
}

describe('incremental builds print what a forced build prints', () => {
  it('gives a renamed fiche its new web address in its QR code and links, in its PDF and in the booklet', async () => {
    const { sheets, dist } = fixture();
    await build({ sheetsDir: sheets, outDir: dist, asOf: '2026-06-01' }, { browser });
    renameSync(path.join(sheets, 'demo/02-commande-publique.md'), path.join(sheets, 'demo/02-achats-responsables.md'));
    await build({ sheetsDir: sheets, outDir: dist, asOf: '2026-06-01' }, { browser });

    const own = await pdfLinkAnnotations(path.join(dist, 'demo/fiches/02-achats-responsables.pdf'));
    expect(own.map((a) => a.uri)).toContain('https://kits.example.org/demo/achats-responsables/');
    expect(pdfText(path.join(dist, 'demo/fiches/02-achats-responsables.pdf'))).toContain('kits.example.org/demo/achats-responsables/');
    // Fiche 1 refers to fiche 2: its link names fiche 2's new PDF.
    expect(await pdfLinks(path.join(dist, 'demo/fiches/01-de-quoi-parle-t-on.pdf'))).toContain('https://kits.example.org/demo/fiches/02-achats-responsables.pdf');
    // Nothing printed names the old address: not a link, not a link's description, in the fiche nor in the booklet
    // (whose sommaire links to fiche 2's first page, not to a PDF online).
    for (const file of ['demo/fiches/02-achats-responsables.pdf', 'demo/fiches/01-de-quoi-parle-t-on.pdf', 'demo/kit-demoess.pdf']) {
      for (const annot of await pdfLinkAnnotations(path.join(dist, file))) expect(`${annot.uri ?? ''} ${annot.contents ?? ''}`, file).not.toMatch(/commande-publique/);
    }
    const booklet = await pdfLinks(path.join(dist, 'demo/kit-demoess.pdf'));
    expect(booklet).toContain('https://kits.example.org/demo/achats-responsables/');
    expect(booklet.filter((uri) => uri.endsWith('.pdf'))).toEqual([]);
    await expectSameAsForced(sheets, dist);
  });

  it('prints the covers again when the publisher’s logo is edited under the same name', async () => {
    const { sheets, dist } = fixture();
    await build({ sheetsDir: sheets, outDir: dist, asOf: '2026-06-01' }, { browser });
    const logo = path.join(sheets, 'demo/logo-rtes.svg');
    writeFileSync(logo, readFileSync(logo, 'utf8').replace(/<\/svg>\s*$/, '<circle cx="29" cy="29" r="20" fill="#c00000"/></svg>\n'));
    const r = await build({ sheetsDir: sheets, outDir: dist, asOf: '2026-06-01' }, { browser });
    expect(r.printed).toEqual(['demo/kit-demoess.pdf']);
    await expectSameAsForced(sheets, dist);
  });
});

describe('reproducible output', () => {
  it('gives byte-identical PDFs and zips for the same sources', async () => {
    const { sheets } = fixture();
    const a = path.join(path.dirname(sheets), 'a');
    const b = path.join(path.dirname(sheets), 'b');
    await build({ sheetsDir: sheets, outDir: a, asOf: '2026-06-01' }, { browser });
    await build({ sheetsDir: sheets, outDir: b, asOf: '2026-06-01', force: true }, { browser });
    const [ma, mb] = [readManifest(a), readManifest(b)];
    const files = (m: Manifest) => [...m.kits.flatMap((k) => [k.booklet, ...k.fiches, k.zip!]), m.zip!].map((f) => [f.path, f.sha256]);
    expect(files(mb)).toEqual(files(ma));
    for (const [file] of files(ma)) expect(readFileSync(path.join(b, file!)).equals(readFileSync(path.join(a, file!)))).toBe(true);
  });
});

describe('publication schedule', () => {
  it('keeps only the fiches published by --as-of, leaves drafts out unless --drafts, and the contents follow', async () => {
    const { sheets, dist } = fixture();
    edit(path.join(sheets, 'demo/03-contractualisation.md'), 'mise-a-jour: 2026-02-24', 'mise-a-jour: 2026-02-24\npublication: 2026-04-01');
    edit(path.join(sheets, 'demo/02-commande-publique.md'), 'mise-a-jour: 2026-02-17', 'mise-a-jour: 2026-02-17\nstatut: brouillon');
    await build({ sheetsDir: sheets, outDir: dist, asOf: '2026-03-15' }, { browser });
    expect(readManifest(dist).kits[0]!.fiches.map((f) => f.number)).toEqual([1]);
    expect(existsSync(path.join(dist, 'demo/fiches/02-commande-publique.pdf'))).toBe(false);
    const toc = pdfText(path.join(dist, 'demo/kit-demoess.pdf'), 3);
    expect(toc).toContain('ESS : de quoi parle-t-on ?');
    expect(toc).not.toContain('Modes de contractualisation');
    expect(pdfText(path.join(dist, 'demo/fiches/01-de-quoi-parle-t-on.pdf'))).toContain('fiche 2 (à paraître)');

    await build({ sheetsDir: sheets, outDir: dist, asOf: '2026-04-01' }, { browser });
    expect(readManifest(dist).kits[0]!.fiches.map((f) => f.number)).toEqual([1, 3]);
    await build({ sheetsDir: sheets, outDir: dist, asOf: '2026-04-01', drafts: true }, { browser });
    expect(readManifest(dist).kits[0]!.fiches.map((f) => f.number)).toEqual([1, 2, 3]);
  });

  it('rejects an unreadable --as-of date with exit code 2', () => {
    const { sheets, dist } = fixture();
    const r = runCli(['build', '--sheets', sheets, '--out', dist, '--as-of', '04/03/2021']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('AAAA-MM-JJ');
  });
});

describe('distribution', () => {
  let dist: string;
  let manifest: Manifest;
  beforeAll(async () => {
    const f = fixture();
    dist = f.dist;
    await build({ sheetsDir: f.sheets, outDir: dist, asOf: '2026-06-01' }, { browser });
    manifest = readManifest(dist);
  });

  it('zips each kit’s fiches and everything, listed in the manifest', () => {
    const kit = manifest.kits[0]!;
    const kitZip = unzipSync(readFileSync(path.join(dist, kit.zip!.path)));
    expect(Object.keys(kitZip).sort()).toEqual(kit.fiches.map((f) => f.path).sort());
    for (const f of kit.fiches) expect(Buffer.from(kitZip[f.path]!).equals(readFileSync(path.join(dist, f.path)))).toBe(true);
    const all = unzipSync(readFileSync(path.join(dist, manifest.zip!.path)));
    expect(Object.keys(all)).toContain(kit.booklet.path);
    expect(manifest.zip!.files).toBe(kit.fiches.length + 1);
  });

  it('prints on each fiche a QR code and the short link to its web page, which links its latest PDF (issue 18)', async () => {
    const file = path.join(dist, 'demo/fiches/02-commande-publique.pdf');
    expect(await pdfLinks(file)).toContain('https://kits.example.org/demo/commande-publique/');
    expect(pdfText(file, 1)).toContain('kits.example.org/demo/commande-publique/');
    expect(readFileSync(path.join(dist, 'demo/commande-publique/index.html'), 'utf8')).toContain('href="../fiches/02-commande-publique.pdf"');
    const images = execFileSync('pdfimages', ['-list', file], { encoding: 'utf8' });
    const { doc } = await import('../helpers/pdf.js').then((m) => m.loadPdfFile(file));
    expect(doc.getPageCount()).toBeGreaterThan(0);
    expect(images).toBeDefined();
  });

  it('writes a download page that loads in Chromium, works on a phone, and links only to files of dist/', async () => {
    const page = await browser.browser.newPage();
    try {
      await page.setViewport({ width: 375, height: 800 });
      await page.goto(`file://${path.join(dist, 'index.html')}`, { waitUntil: 'load' });
      expect(await page.$eval('html', (el) => el.lang)).toBe('fr');
      expect(await page.title()).toContain('Kits ESS');
      const hrefs = await page.$$eval('a[href]', (as) => as.map((a) => a.getAttribute('href')!));
      const files = hrefs.filter((h) => !h.startsWith('#'));
      expect(files).toContain('demo/kit-demoess.pdf');
      expect(files).toContain('demo/fiches/01-de-quoi-parle-t-on.pdf');
      for (const href of files) expect(existsSync(path.join(dist, decodeURI(href))), href).toBe(true);
      // Every image has its text alternative, except a picture inside a link that names it already (the kit chooser).
      const images = await page.$$eval('img', (imgs) => imgs.map((i) => ({ alt: i.alt, ok: i.complete && i.naturalWidth > 0, named: !!i.closest('a')?.textContent?.trim() })));
      expect(images.length).toBeGreaterThan(0);
      for (const img of images) expect((img.alt.length > 0 || img.named) && img.ok).toBe(true);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
      const text = (await page.$eval('body', (b) => b.innerText)).replace(/\u00A0/g, ' ');
      expect(text).toContain('Livret PDF (9 pages');
      expect(text).toContain('mise à jour le 10 février 2026');
      await page.keyboard.press('Tab');
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('A');
    } finally {
      await page.close();
    }
  });
});

describe('editions', () => {
  it('lists fiches added, removed and changed since a git ref, naming the changed sections', () => {
    const { sheets } = fixture();
    const repo = path.dirname(sheets);
    const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, encoding: 'utf8' });
    git('init', '-q');
    git('-c', 'user.email=t@example.org', '-c', 'user.name=t', 'add', '.');
    git('-c', 'user.email=t@example.org', '-c', 'user.name=t', 'commit', '-qm', 'édition 1');
    git('tag', 'edition-1');
    edit(path.join(sheets, 'demo/02-commande-publique.md'), 'Le sourcing permet', 'Le sourcing préalable permet');
    rmSync(path.join(sheets, 'demo/03-contractualisation.md'));
    writeFileSync(
      path.join(sheets, 'demo/04-foncier.md'),
      '---\nnumero: 4\ntitre: Foncier\npartie: leviers\nresume: Le foncier.\nmise-a-jour: 2026-03-01\nsources:\n  - titre: RTES\n    adresse: https://www.rtes.fr/\n---\n\n## Enjeux\n\nTexte.\n',
    );
    const r = runCli(['changelog', 'edition-1', '--sheets', sheets]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('+ fiche 4 « Foncier » (nouvelle)');
    expect(r.stdout).toContain('- fiche 3 « Modes de contractualisation » (retirée)');
    expect(r.stdout).toContain('~ fiche 2 « Commande publique responsable » : Leviers d’action');
    expect(r.stdout).not.toContain('fiche 1 «');
    const json = JSON.parse(runCli(['changelog', 'edition-1', '--sheets', sheets, '--format', 'json']).stdout);
    expect(json.kits[0].changed).toEqual([{ number: 2, title: 'Commande publique responsable', sections: ['Leviers d’action'] }]);
  });

  it('compares with a previous manifest and adds a « Nouveautés de cette édition » page to the booklet and the download page', async () => {
    const { sheets, dist } = fixture();
    await build({ sheetsDir: sheets, outDir: dist, asOf: '2026-06-01' }, { browser });
    const old = path.join(path.dirname(dist), 'edition-1.json');
    writeFileSync(old, readFileSync(path.join(dist, 'manifest.json')));
    edit(path.join(sheets, 'demo/01-de-quoi-parle-t-on.md'), 'resume: Les familles', 'resume: Toutes les familles');
    const r = runCli(['changelog', old, '--sheets', sheets]);
    expect(r.stdout).toContain('~ fiche 1 « ESS : de quoi parle-t-on ? » : En-tête (titre et résumé)');
    await build({ sheetsDir: sheets, outDir: dist, asOf: '2026-06-01', changelog: old }, { browser });
    const booklet = path.join(dist, 'demo/kit-demoess.pdf');
    expect(pdfText(booklet, 3)).toContain('Nouveautés de cette édition');
    expect(pdfText(booklet, 3)).toContain('Fiche 1');
    expect(pdfText(booklet, 4)).toContain('Sommaire');
    expect(readFileSync(path.join(dist, 'index.html'), 'utf8')).toContain('Nouveautés de cette édition');
  });
});
