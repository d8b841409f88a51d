import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from '../../src/build.js';
import type { BrowserHandle } from '../../src/browser.js';
import { SourceError } from '../../src/errors.js';
import { testBrowser } from '../helpers/browser.js';
import { runCli } from '../helpers/cli.js';
import { copySheets, edit, FIXTURES, tempDir } from '../helpers/fixtures.js';

/** Every file under a folder with the sha256 of its bytes: equal maps mean nothing was changed, added or removed. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort()) {
    const file = path.join(dir, name);
    if (statSync(file).isFile()) out[name] = createHash('sha256').update(readFileSync(file)).digest('hex');
  }
  return out;
}

let browser: BrowserHandle;

beforeAll(async () => {
  browser = await testBrowser();
});

afterAll(async () => {
  await browser?.close();
});

describe('--out that would replace sources is refused before anything is written (issue 13)', () => {
  it('build --out <sheets>, <sheets>/<kit>, the project folder: exit 2, the sources byte-identical', () => {
    const sheets = copySheets('pipeline');
    const project = path.dirname(sheets);
    const before = snapshot(project);
    for (const out of [sheets, path.join(sheets, 'demo'), path.join(sheets, 'demo', 'sortie'), project]) {
      const r = runCli(['build', 'demo', '--sheets', sheets, '--out', out, '--as-of', '2026-06-01'], project);
      expect(r.code, out).toBe(2);
      expect(r.stderr, out).toMatch(/^kitess : dossier de sortie « .* » refusé : (c’est|il est dans|il contient) (le dossier des fiches|le dossier du projet)/);
      expect(snapshot(project), out).toEqual(before);
    }
  });

  it('refuses kitess’s own templates and code, and a folder of other files that is no kitess output', async () => {
    const sheets = path.join(FIXTURES, 'pipeline/sheets');
    const root = path.resolve(import.meta.dirname, '../..');
    for (const out of [path.join(root, 'templates'), path.join(root, 'src'), path.join(root, 'src', 'dist')]) {
      await expect(build({ sheetsDir: sheets, outDir: out, kits: ['demo'] }, { browser })).rejects.toThrow(/^dossier de sortie « .* » refusé : (c’est|il est dans) le dossier (des gabarits|du code) de kitess/);
    }
    const documents = tempDir();
    writeFileSync(path.join(documents, 'lettre.odt'), 'à garder');
    const before = snapshot(documents);
    await expect(build({ sheetsDir: sheets, outDir: documents, kits: ['demo'] }, { browser })).rejects.toThrow(
      /refusé : il contient déjà des fichiers et aucune construction de kitess \(pas de manifest\.json\) ; un dossier vide ou nouveau est attendu$/,
    );
    expect(snapshot(documents)).toEqual(before);
  });
});

describe('a build replaces only what it wrote (issue 13)', () => {
  it('keeps the A5 booklet of kitess impose and other files; removes the PDF of a renamed fiche', async () => {
    const sheets = copySheets('pipeline');
    const out = path.join(path.dirname(sheets), 'dist');
    await build({ sheetsDir: sheets, outDir: out, kits: ['demo'], asOf: '2026-06-01' }, { browser });
    const booklet = path.join(out, 'demo', 'kit-demoess.pdf');
    const imposed = runCli(['impose', booklet], path.dirname(sheets));
    expect(imposed.code).toBe(0);
    const a5 = path.join(out, 'demo', 'kit-demoess-cahier-a5.pdf');
    const a5bytes = readFileSync(a5);
    writeFileSync(path.join(out, 'notes.txt'), 'mes notes');
    // The fiche is renamed and changed: the kit is rebuilt, the old PDF is kitess's and goes.
    renameSync(path.join(sheets, 'demo', '03-contractualisation.md'), path.join(sheets, 'demo', '03-contrats.md'));
    await build({ sheetsDir: sheets, outDir: out, kits: ['demo'], asOf: '2026-06-01' }, { browser });
    expect(readFileSync(a5)).toEqual(a5bytes);
    expect(readFileSync(path.join(out, 'notes.txt'), 'utf8')).toBe('mes notes');
    expect(readdirSync(path.join(out, 'demo', 'fiches')).sort()).toEqual(['01-de-quoi-parle-t-on.pdf', '02-commande-publique.pdf', '03-contrats.pdf']);
    // --force prints everything again: still the files kitess did not write are there.
    await build({ sheetsDir: sheets, outDir: out, kits: ['demo'], asOf: '2026-06-01', force: true }, { browser });
    expect(readFileSync(a5)).toEqual(a5bytes);
  });
});

describe('the page budget is an error of build (issue 13)', () => {
  it('stops before writing anything, at the fiche, saying by how much it overflows', async () => {
    const sheets = path.join(FIXTURES, 'check/pages-hors-budget/bad/sheets');
    const out = path.join(tempDir(), 'dist');
    const error = await build({ sheetsDir: sheets, outDir: out }, { browser }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SourceError);
    const over = (error as SourceError).diagnostics.filter((d) => d.rule === 'pages-hors-budget');
    expect(over.map((d) => `${path.basename(path.dirname(d.file))}/${path.basename(d.file)}:${d.line}:${d.column}`).sort()).toEqual(['autre/01-longue.md:2:9', 'essai/01-longue.md:7:9']);
    for (const d of over) expect(d.message).toMatch(/^\d+ pages imprimées : 1 au plus est attendue \(\d+ pages? de trop, budget (du kit|de la fiche)\)$/);
    expect(existsSync(out)).toBe(false);
    // The fiches printed before the error were written into the staging folder beside dist/: it is gone too.
    expect(readdirSync(path.dirname(out))).toEqual([]);
  });

  it('on the command line: exit 1, the positioned error, nothing written', () => {
    const out = path.join(tempDir(), 'dist');
    const root = path.resolve(import.meta.dirname, '../..');
    const r = runCli(['build', '--sheets', 'test/fixtures/check/pages-hors-budget/bad/sheets', '--out', out, '-q'], root);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^test\/fixtures\/check\/pages-hors-budget\/bad\/sheets\/autre\/01-longue\.md:2:9  erreur  \d+ pages imprimées : 1 au plus est attendue \(\d+ pages? de trop, budget du kit\)  \(pages-hors-budget\)$/m);
    expect(r.stderr).toMatch(/✗ 2 erreurs, 0 avertissement\n2 erreurs dans les sources : rien n'a été écrit\.\n$/);
    expect(existsSync(out)).toBe(false);
  });
});

describe('fiches left out of a build are named, with the reason (issue 13)', () => {
  it('a misnamed file, a draft, a fiche not yet published: in BuildResult.leftOut and one French line each in the summary', async () => {
    const sheets = copySheets('pipeline');
    const demo = path.join(sheets, 'demo');
    writeFileSync(path.join(demo, '24-logement.MD'), readFileSync(path.join(demo, '02-commande-publique.md')));
    edit(path.join(demo, '02-commande-publique.md'), 'partie: leviers', 'partie: leviers\nstatut: brouillon');
    edit(path.join(demo, '03-contractualisation.md'), /mise-a-jour: (.*)/, 'mise-a-jour: $1\npublication: 2026-12-07');
    const out = path.join(path.dirname(sheets), 'dist');
    const result = await build({ sheetsDir: sheets, outDir: out, kits: ['demo'], asOf: '2026-06-01' }, { browser });
    // As messages name files: relative to the working directory when inside it, absolute otherwise.
    const shown = (name: string) => (path.relative(process.cwd(), demo).startsWith('..') ? path.join(demo, name) : path.relative(process.cwd(), path.join(demo, name)));
    expect(result.leftOut).toEqual([
      { kit: 'demo', file: shown('24-logement.MD'), reason: 'fichier-ignore', detail: 'extension « .MD », « .md » en minuscules est attendu (renommez-le « 24-logement.md »)' },
      { kit: 'demo', file: shown('02-commande-publique.md'), reason: 'brouillon', number: 2, title: 'Commande publique responsable' },
      { kit: 'demo', file: shown('03-contractualisation.md'), reason: 'à paraître', number: 3, title: expect.any(String), published: '2026-12-07' },
    ]);
    expect(result.warnings.filter((d) => d.rule === 'fichier-ignore')).toEqual([]);
    expect(result.kits[0]!.fiches.map((f) => f.number)).toEqual([1]);

    // The command line's summary says it on every build, also when nothing changed and nothing is printed.
    const project = path.dirname(sheets);
    for (let run = 0; run < 2; run++) {
      const r = runCli(['build', 'demo', '--sheets', sheets, '--out', out, '--as-of', '2026-06-01'], project);
      expect(r.code).toBe(0);
      const lines = r.stdout.split('\n');
      expect(lines.filter((l) => /^ {4}sheets\/demo\//.test(l))).toEqual([
        '    sheets/demo/24-logement.MD  24-logement.MD : fichier ignoré : extension « .MD », « .md » en minuscules est attendu (renommez-le « 24-logement.md »)',
        '    sheets/demo/02-commande-publique.md  fiche 2 « Commande publique responsable » : brouillon (statut: brouillon), incluse avec --drafts',
        expect.stringMatching(/^ {4}sheets\/demo\/03-contractualisation\.md {2}fiche 3 « .+ » : pas encore parue : publication le 2026-12-07, construction à la date du 2026-06-01 \(--as-of\)$/),
      ]);
    }
  });
});

describe('kitess check lays the fiches out by default (issue 13)', () => {
  const root = path.resolve(import.meta.dirname, '../..');
  const bad = 'test/fixtures/check/pages-hors-budget/bad/sheets';

  it('reports a fiche over budget without --pages; --sans-pages skips it', () => {
    const r = runCli(['check', '--sheets', bad], root);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/01-longue\.md:7:9  erreur  \d+ pages imprimées : 1 au plus est attendue/);
    const skipped = runCli(['check', '--sans-pages', '--sheets', bad], root);
    expect(skipped.stdout).toBe('\n✓ aucun problème trouvé\n');
    expect(skipped.stderr).toBe('');
    expect(skipped.code).toBe(0);
  });

  it('without a browser, still checks the sources, says the budget was not checked, and exits on the sources alone', () => {
    const r = runCli(['check', '--sheets', bad], root, { PUPPETEER_EXECUTABLE_PATH: '/nulle-part/chromium' });
    expect(r.stdout).toBe('\n✓ aucun problème trouvé\n');
    expect(r.stderr).toBe(
      'Budget de pages non vérifié : navigateur introuvable à « /nulle-part/chromium » (variable PUPPETEER_EXECUTABLE_PATH) : le chemin d\'un exécutable Chromium ou Chrome est attendu.\n',
    );
    expect(r.code).toBe(0);
    const json = JSON.parse(runCli(['check', '--format', 'json', '--sheets', bad], root, { PUPPETEER_EXECUTABLE_PATH: '/nulle-part/chromium' }).stdout);
    expect(json).toMatchObject({ pagesChecked: false, pagesSkipped: expect.stringContaining('navigateur introuvable'), errors: 0 });
    // A browser named on the command line that is not there is an error of its own (exit 3).
    const named = runCli(['check', '--browser', '/nulle-part/chromium', '--sheets', bad], root);
    expect(named.code).toBe(3);
  });
});

describe('kitess check --convertir-utf8 (issue 13)', () => {
  it('rewrites the Latin-1 sources in UTF-8, says which lines changed, then checks them clean', () => {
    const sheets = copySheets('check/encodage/bad');
    const fiche = path.join(sheets, 'essai', '01-essai.md');
    const latin1 = readFileSync(fiche);
    const r = runCli(['check', '--convertir-utf8', '--sans-pages', '--sheets', sheets], path.dirname(sheets));
    expect(r.stdout).toBe(
      [
        'Converti en UTF-8 : sheets/autre/kit.yml (lignes 8, 15 : vérifiez les accents)',
        'Converti en UTF-8 : sheets/essai/01-essai.md (ligne 14 : vérifiez les accents)',
        '',
        '✓ aucun problème trouvé',
        '',
      ].join('\n'),
    );
    expect(r.code).toBe(0);
    expect(readFileSync(fiche, 'utf8')).toBe(new TextDecoder('windows-1252').decode(latin1));
    expect(readFileSync(fiche, 'utf8')).toContain('Les coopératives et l\'économie sociale.');
    // Nothing left to convert: a second run changes nothing.
    const again = runCli(['check', '--convertir-utf8', '--sans-pages', '--sheets', sheets], path.dirname(sheets));
    expect(again.stdout).toBe('\n✓ aucun problème trouvé\n');
  });
});
