import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from '../../src/build.js';
import type { BrowserHandle } from '../../src/browser.js';
import { SourceError } from '../../src/errors.js';
import type { Manifest } from '../../src/pipeline/publish.js';
import { testBrowser } from '../helpers/browser.js';
import { runCli } from '../helpers/cli.js';
import { copySheets, edit, FIXTURES, tempDir } from '../helpers/fixtures.js';
import { PDFDocument, PDFName, type PDFDict, type PDFRawStream, type PDFString } from 'pdf-lib';
import { walkUnits } from '../../src/pdf/pages.js';
import { elements, readTree, typeOf } from '../../src/pdf/structure.js';
import { checkPdf, formatFailures } from '../../src/pdfua/check.js';
import { loadPdfFile, pageLinks, pdfFonts, pdfInfo, pdfjsText, pdfLinks, pdfPages, pdfText, pdftotextReadingOrder } from '../helpers/pdf.js';

let browser: BrowserHandle;
let dist: string;
let manifest: Manifest;
const sheets = path.join(FIXTURES, 'pipeline/sheets');

beforeAll(async () => {
  browser = await testBrowser();
  dist = path.join(tempDir(), 'dist');
  await build({ sheetsDir: sheets, outDir: dist, kits: ['demo'] }, { browser });
  manifest = JSON.parse(readFileSync(path.join(dist, 'manifest.json'), 'utf8'));
});

afterAll(async () => {
  await browser?.close();
});

const booklet = () => path.join(dist, 'demo/kit-demoess.pdf');
const fiche = (name: string) => path.join(dist, 'demo/fiches', name);

describe('single-fiche PDFs', () => {
  it('writes one A4 PDF per fiche', () => {
    expect(readdirSync(path.join(dist, 'demo/fiches')).sort()).toEqual(['01-de-quoi-parle-t-on.pdf', '02-commande-publique.pdf', '03-contractualisation.pdf']);
    expect(pdfInfo(fiche('01-de-quoi-parle-t-on.pdf'))['Page size']).toContain('(A4)');
  });

  it('prints the kit, fiche number and title in the header, page x/y and edition in the footer, on every page', () => {
    const file = fiche('01-de-quoi-parle-t-on.pdf');
    const pages = pdfPages(file);
    for (let p = 1; p <= pages; p++) {
      const text = pdfText(file, p);
      expect(text).toContain('Kit DémoESS · Fiche 1');
      expect(text).toContain('ESS : de quoi parle-t-on ?');
      expect(text).toContain(`Page ${p} / ${pages}`);
      expect(text).toContain('Édition n° 3 · mars 2026');
    }
  });

  it('links a cross-reference to the other fiche’s PDF, where that PDF is published', async () => {
    const text = pdfText(fiche('01-de-quoi-parle-t-on.pdf')).replace(/\s+/g, ' ');
    expect(text).toContain('fiche 2 « Commande publique responsable »');
    const site = 'https://kits.example.org/demo/';
    const pdfs = (await pdfLinks(fiche('01-de-quoi-parle-t-on.pdf'))).filter((uri) => uri.startsWith(site) && uri.endsWith('.pdf'));
    expect(pdfs).toContain(`${site}fiches/02-commande-publique.pdf`);
    // The kit's folder of the output is its site: each linked PDF is a file there.
    for (const uri of pdfs) expect(existsSync(path.join(dist, 'demo', decodeURI(uri.slice(site.length)))), uri).toBe(true);
  });

  it('sets metadata, language, tags and embeds only the bundled fonts', async () => {
    const file = fiche('02-commande-publique.pdf');
    const info = pdfInfo(file);
    expect(info.Title).toBe('Kit DémoESS – Fiche 2 : Commande publique responsable');
    expect(info.Author).toBe('RTES – Réseau des collectivités territoriales pour une économie solidaire');
    expect(info.Subject).toBe("Acheter mieux avec les acteurs de l'ESS du territoire.");
    expect(info.Keywords).toContain('ESS');
    expect(info.Tagged).toBe('yes');
    expect(info.CreationDate).toContain('2026-03-01');
    const { lang } = await loadPdfFile(file);
    expect(lang).toContain('fr');
    const fonts = pdfFonts(file);
    expect(fonts.length).toBeGreaterThan(0);
    for (const f of fonts) {
      expect(f.embedded).toBe(true);
      expect(f.name).toMatch(/\+(SourceSerif4|SourceSans3)/);
    }
  });

  it('prints the SVG image of the kit with its caption', () => {
    expect(pdfText(fiche('02-commande-publique.pdf'))).toContain("Les étapes d’un achat responsable");
  });
});

describe('booklet', () => {
  it('has a cover, an édito, a contents page, the fiches and a back cover', () => {
    const pages = pdfPages(booklet());
    // Cover, édito, contents, then each part's opener and its fiches (1 + 1 and 1 + 2 pages), back cover.
    expect(pages).toBe(9);
    expect(pdfText(booklet(), 1)).toContain('Kit DémoESS');
    expect(pdfText(booklet(), 1)).toContain('Édition n° 3 · mars 2026');
    expect(pdfText(booklet(), 2)).toContain('Édito');
    expect(pdfText(booklet(), 3)).toContain('Sommaire');
    expect(pdfText(booklet(), pages)).toContain('https://kits.example.org/demo/');
  });

  it('lists each fiche in the contents with the page where it really starts', () => {
    const toc = pdfText(booklet(), 3);
    const entries = [...toc.matchAll(/^\s*(\d+)\s+(.+?)\s+(\d+)\s*$/gm)].map((m) => ({ number: Number(m[1]), page: Number(m[3]) }));
    expect(entries.map((e) => e.number)).toEqual([1, 2, 3]);
    for (const e of entries) {
      const text = pdfText(booklet(), e.page);
      expect(text).toContain(`FICHE N° ${e.number} `);
      expect(pdfText(booklet(), e.page - 1)).not.toContain(`FICHE N° ${e.number} `);
    }
  });

  it('names the current fiche in the running header and numbers pages continuously', () => {
    const pages = pdfPages(booklet());
    // Pages 4 and 6 open the parts: no running header nor folio there.
    for (const p of [5, 7, 8]) {
      const text = pdfText(booklet(), p);
      expect(text).toMatch(/Kit DémoESS · Fiche \d/);
      expect(text).toMatch(new RegExp(`\\s${p}\\s*$`));
    }
  });

  it('has bookmarks: one per fiche, nested under its part, opening its first page', async () => {
    const { outline } = await loadPdfFile(booklet());
    expect(outline.map((o) => [o.depth, o.title, o.pageIndex + 1])).toEqual([
      [0, 'Couverture', 1],
      [0, 'Édito', 2],
      [0, 'Sommaire', 3],
      [0, 'Premières clés', 4],
      [1, 'Fiche 1 – ESS\u00a0: de quoi parle-t-on\u00a0?', 5],
      [0, 'Leviers d’action', 6],
      [1, 'Fiche 2 – Commande publique responsable', 7],
      [1, 'Fiche 3 – Modes de contractualisation', 8],
      [0, 'Quatrième de couverture', 9],
    ]);
  });

  it('prints a cross-reference as the fiche alone does, linked to the target fiche’s first page, that page in its description (issue 16)', async () => {
    const text = pdfText(booklet(), 5);
    expect(text).toMatch(/fiche 2 « Commande publique\s+responsable »/);
    expect(text).not.toMatch(/\(p\. \d+\)/);
    const links = await pageLinks(booklet(), 5);
    expect(links).toContainEqual({ contents: 'fiche 2 « Commande publique responsable » (p. 7)', target: 7 });
  });

  it('passes qpdf’s structural check, fiches and booklet alike', () => {
    for (const file of [booklet(), fiche('01-de-quoi-parle-t-on.pdf')]) {
      expect(execFileSync('qpdf', ['--check', file], { encoding: 'utf8' })).toContain('No syntax or stream encoding errors');
    }
  });

  it('sets the booklet metadata', () => {
    const info = pdfInfo(booklet());
    expect(info.Title).toBe("Kit DémoESS – Un kit d'essai pour les tests de kitess");
    expect(info.Tagged).toBe('yes');
  });
});

describe('manifest', () => {
  it('describes every PDF with its pages, size and sha256', () => {
    const kit = manifest.kits.find((k) => k.id === 'demo')!;
    expect(kit).toMatchObject({ id: 'demo', title: 'Kit DémoESS', edition: { number: 3, date: '2026-03-01' } });
    for (const file of [kit.booklet, ...kit.fiches]) {
      const bytes = readFileSync(path.join(dist, file.path));
      expect(file.bytes).toBe(bytes.byteLength);
      expect(file.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
      expect(file.pages).toBe(pdfPages(path.join(dist, file.path)));
    }
    expect(kit.fiches.map((f) => [f.number, f.title])).toEqual([
      [1, 'ESS : de quoi parle-t-on ?'],
      [2, 'Commande publique responsable'],
      [3, 'Modes de contractualisation'],
    ]);
  });
});

describe('bad input', () => {
  it('gives the file:line:column of a broken fiche, exits 1, and leaves the earlier dist/ untouched', () => {
    const copy = copySheets('pipeline');
    const out = path.join(path.dirname(copy), 'dist');
    const ok = runCli(['build', 'demo', '--sheets', copy, '--out', out, '-q']);
    expect(ok.code).toBe(0);
    const before = readFileSync(path.join(out, 'demo/kit-demoess.pdf'));
    edit(path.join(copy, 'demo/02-commande-publique.md'), ':::a-retenir', ':::a-savoir');
    const broken = runCli(['build', 'demo', '--sheets', copy, '--out', out]);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/02-commande-publique\.md:(\d+):1 {2}erreur {2}encadré « a-savoir » inconnu/);
    expect(readFileSync(path.join(out, 'demo/kit-demoess.pdf')).equals(before)).toBe(true);
    expect(readdirSync(path.dirname(out)).filter((n) => n.startsWith('dist.'))).toEqual([]);
  });

  it('refuses to print anything when a source has an error', async () => {
    const copy = copySheets('pipeline');
    edit(path.join(copy, 'demo/01-de-quoi-parle-t-on.md'), 'voir :fiche[2]', 'voir :fiche[9]');
    const out = path.join(path.dirname(copy), 'dist');
    const error = await build({ sheetsDir: copy, outDir: out }, { browser }).catch((e) => e);
    expect(error).toBeInstanceOf(SourceError);
    expect((error as SourceError).diagnostics[0]).toMatchObject({ line: 14, rule: 'renvoi-inconnu' });
    expect(existsSync(out)).toBe(false);
  });

  it('stops when a later kit has a source error, though an earlier kit’s fiches were already printing: nothing is written', async () => {
    // A clean build prints a kit's fiches as soon as that kit is checked, while the next kits are read.
    const copy = copySheets('pipeline');
    cpSync(path.join(copy, 'demo'), path.join(copy, 'zeta'), { recursive: true });
    edit(path.join(copy, 'zeta/kit.yml'), 'identifiant: demo', 'identifiant: zeta');
    edit(path.join(copy, 'zeta/kit.yml'), 'livret: kit-demoess', 'livret: kit-zetaess');
    edit(path.join(copy, 'zeta/02-commande-publique.md'), ':::a-retenir', ':::a-savoir');
    const out = path.join(path.dirname(copy), 'dist');
    const error = await build({ sheetsDir: copy, outDir: out }, { browser }).catch((e) => e);
    expect(error).toBeInstanceOf(SourceError);
    expect((error as SourceError).diagnostics.map((d) => [d.file, d.rule])).toEqual([[path.join(copy, 'zeta', '02-commande-publique.md'), 'encadre-inconnu']]);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(path.dirname(out))).toEqual(['sheets']);
    // The same sources, mended, build both kits.
    edit(path.join(copy, 'zeta/02-commande-publique.md'), ':::a-savoir', ':::a-retenir');
    const result = await build({ sheetsDir: copy, outDir: out }, { browser });
    expect(result.kits.map((k) => k.id)).toEqual(['demo', 'zeta']);
    expect(readFileSync(path.join(out, 'zeta/kit-zetaess.pdf')).length).toBeGreaterThan(0);
    expect(readFileSync(path.join(out, 'demo/fiches/02-commande-publique.pdf')).equals(readFileSync(fiche('02-commande-publique.pdf')))).toBe(true);
  });

  it('names an unknown kit and exits 2', () => {
    const r = runCli(['build', 'nulle-part', '--sheets', sheets, '--out', path.join(tempDir(), 'dist')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('kit « nulle-part » inconnu');
  });
});


describe('accessible PDFs (issue 12)', () => {
  const all = () => [booklet(), ...readdirSync(path.join(dist, 'demo/fiches')).map((f) => fiche(f))];

  it('passes kitess’s PDF/UA checker, contrast included, and only then claims PDF/UA-1 in XMP', async () => {
    for (const file of all()) {
      const failures = await checkPdf(readFileSync(file));
      expect(formatFailures(failures), file).toEqual([]);
      const { doc } = await loadPdfFile(file);
      const xmp = Buffer.from((doc.catalog.lookup(PDFName.of('Metadata')) as PDFRawStream).getContents()).toString('utf8');
      expect(xmp).toContain('<pdfuaid:part>1</pdfuaid:part>');
      expect(xmp).toContain(`<rdf:li xml:lang="fr-FR">${pdfInfo(file).Title!.replace(/'/g, "'")}</rdf:li>`);
      expect(xmp).toContain('<dc:language><rdf:Bag><rdf:li>fr-FR</rdf:li></rdf:Bag></dc:language>');
      expect(xmp).toContain('<dc:creator><rdf:Seq><rdf:li>RTES');
      expect(xmp).toMatch(/<pdf:Producer>kitess /);
      expect(pdfInfo(file)['Metadata Stream']).toBe('yes');
    }
  });

  it('gives a clean text layer: no soft hyphen, no U+0000, apostrophes as U+2019, in pdftotext and pdf.js', async () => {
    for (const file of all()) {
      for (const text of [pdftotextReadingOrder(file), await pdfjsText(file)]) {
        expect(text, file).not.toMatch(/[\u00AD\u0000\u02BC]/);
      }
    }
    expect(pdftotextReadingOrder(fiche('02-commande-publique.pdf'))).toContain('l’ESS');
    expect(await pdfjsText(fiche('02-commande-publique.pdf'))).toContain('l’ESS');
  });

  it('marks running headers and footers as pagination artifacts', async () => {
    const { doc } = await loadPdfFile(fiche('01-de-quoi-parle-t-on.pdf'));
    const found: Record<string, string> = {};
    walkUnits(doc, (_, step) => {
      const artifact = step.stack.find((f) => f.tag === 'Artifact');
      const subtype = artifact?.props?.get('Subtype');
      if (step.kind === 'text' && subtype && 'value' in (subtype as object)) {
        const key = (subtype as { value: string }).value;
        found[key] = (found[key] ?? '') + step.text;
      }
    });
    expect(found.Header).toContain('Kit DémoESS · Fiche 1');
    expect(found.Footer).toContain('Page 1');
  });

  it('describes every link by its target and tags the sommaire as TOC/TOCI', async () => {
    const contents = async (file: string) => {
      const { doc } = await loadPdfFile(file);
      return doc.getPages().flatMap((p) => {
        const annots = p.node.Annots();
        return annots ? annots.asArray().map((a) => (doc.context.lookup(a) as PDFDict).lookup(PDFName.of('Contents'))).map((c) => (c as PDFString).decodeText()) : [];
      });
    };
    expect(await contents(fiche('01-de-quoi-parle-t-on.pdf'))).toContain('fiche 2 « Commande publique responsable »');
    expect((await contents(booklet())).some((c) => /^fiche 2 « Commande publique responsable » \(p\. \d+\)$/.test(c))).toBe(true);
    const { doc } = await loadPdfFile(booklet());
    const types = elements(readTree(doc)!.root).map((e) => typeOf(e.elem.dict));
    expect(types.filter((t) => t === 'TOCI')).toHaveLength(3);
  });

  it('builds without the pass when the bench asks it (KITESS_BENCH_WITHOUT_ACCESS=1), and then claims no PDF/UA', async () => {
    // The bench's measure of what the pass costs runs the bundled command line down this path.
    const out = path.join(tempDir(), 'dist');
    const r = runCli(['build', 'demo', '--sheets', sheets, '--out', out, '-q'], process.cwd(), { KITESS_BENCH_WITHOUT_ACCESS: '1' });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const written: Manifest = JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8'));
    expect(written.kits[0]!.fiches.map((f) => f.pages)).toEqual(manifest.kits[0]!.fiches.map((f) => f.pages));
    const { doc } = await loadPdfFile(path.join(out, 'demo/kit-demoess.pdf'));
    const xmp = Buffer.from((doc.catalog.lookup(PDFName.of('Metadata')) as PDFRawStream).getContents()).toString('utf8');
    expect(xmp).not.toContain('pdfuaid');
  });

  it('checks any PDF from the command line: kitess check-pdf', async () => {
    const ok = runCli(['check-pdf', fiche('01-de-quoi-parle-t-on.pdf')]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('aucune condition d’échec PDF/UA-1 trouvée');
    const plain = await PDFDocument.create();
    plain.addPage().drawText('Bonjour');
    const file = path.join(tempDir(), 'sans-balises.pdf');
    writeFileSync(file, await plain.save());
    const bad = runCli(['check-pdf', file]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/01-005 {2}contenu ni balisé ni marqué Artifact : \d+ fois/);
    expect(bad.stdout).toContain('UA-7.1  pas d’arbre de structure');
    expect(bad.stdout).toContain('31-009  police utilisée non incorporée');
    expect(bad.stderr).toContain('1 PDF sur 1 ne satisfait pas les vérifications PDF/UA-1');
    const json = JSON.parse(runCli(['check-pdf', '--format', 'json', file]).stdout);
    expect(json[0].failures.map((f: { condition: string }) => f.condition)).toContain('06-001');
    expect(runCli(['check-pdf', path.join(tempDir(), 'absent.pdf')]).code).toBe(2);
    expect(runCli(['check-pdf', '--format', 'texte', file]).code).toBe(1);
    const english = runCli(['check-pdf', '--format', 'text', file]);
    expect(english.code).toBe(2);
    expect(english.stderr).toContain('« texte » ou « json »');
  });

  it('reports a truncated or damaged PDF as failing the check, in French, with the others', async () => {
    const whole = readFileSync(fiche('01-de-quoi-parle-t-on.pdf'));
    const truncated = path.join(tempDir(), 'tronque.pdf');
    writeFileSync(truncated, whole.subarray(0, Math.floor(whole.length / 3)));
    const damaged = path.join(tempDir(), 'abime.pdf');
    writeFileSync(damaged, Buffer.concat([whole.subarray(0, 20), Buffer.alloc(whole.length - 40, 0x20), whole.subarray(whole.length - 20)]));
    const run = runCli(['check-pdf', fiche('01-de-quoi-parle-t-on.pdf'), truncated, damaged]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`✗ ${truncated} : fichier illisible comme PDF : il est tronqué ou incomplet (la marque de fin « %%EOF » manque)`);
    expect(run.stdout).toContain(`✗ ${damaged} : fichier illisible comme PDF : sa structure (table des objets, objets) est endommagée`);
    expect(run.stdout).toContain('aucune condition d’échec PDF/UA-1 trouvée');
    expect(run.stderr).toContain('2 PDF sur 3 ne satisfont pas les vérifications PDF/UA-1');
    expect(`${run.stdout}${run.stderr}`).not.toMatch(/Cannot|undefined|reading|Trying|Invalid/);
    const json = JSON.parse(runCli(['check-pdf', '--format', 'json', truncated]).stdout);
    expect(json).toEqual([{ file: truncated, failures: [expect.objectContaining({ condition: 'lecture', count: 1 })] }]);
  });

  it('names a fiche’s bookmarks as its headings are written: spaces kept, not in capitals, a box with its label', async () => {
    const { outline } = await loadPdfFile(fiche('01-de-quoi-parle-t-on.pdf'));
    expect(outline.map((o) => [o.depth, o.title])).toEqual([
      [0, 'ESS\u00a0: de quoi parle-t-on\u00a0?'],
      [1, 'Enjeux'],
      [2, 'Chiffres clés'],
      [1, 'Les familles de l’ESS'],
      [2, 'Exemple\u00a0: Ville de Lille (Nord)'],
      [1, 'Notes'],
      [1, 'Sources'],
    ]);
  });

  it('labels boxes with headings: they are in the fiche’s outline, under its sections', async () => {
    const { outline } = await loadPdfFile(fiche('02-commande-publique.pdf'));
    expect(outline.some((o) => o.depth >= 2 && /retenir/i.test(o.title))).toBe(true);
  });
});
