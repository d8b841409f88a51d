import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/errors.js';
import { runCli } from '../helpers/cli.js';

/** The repository: the CLI runs there, so it names files relative to it. */
const ROOT = path.resolve(import.meta.dirname, '../..');
const fixture = (rule: string, variant: 'bad' | 'good') => `test/fixtures/check/${rule}/${variant}/sheets`;
const check = (...args: string[]) => runCli(['check', ...args], ROOT);

interface JsonReport {
  diagnostics: Diagnostic[];
  pages: { kit: string; number: number; file: string; pages: number; budget: number }[];
  errors: number;
  warnings: number;
}

describe('kitess check: the report', () => {
  it('prints « path:line:col  erreur  message  (rule) », a blank line and the counts, and exits 1 on an error', () => {
    const r = check('--sheets', fixture('numero-fichier', 'bad'));
    expect(r.stdout).toBe(
      [
        'test/fixtures/check/numero-fichier/bad/sheets/essai/02-autre.md:2:9  erreur  numéro 3 différent de celui du nom de fichier : 2 est attendu  (numero-fichier)',
        '',
        '✗ 1 erreur, 0 avertissement',
        '',
      ].join('\n'),
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
  });

  it('sorts the messages by file, line and column, and puts counts in the plural', () => {
    const r = check('--sheets', fixture('kit-schema', 'bad'));
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines.slice(0, 4).map((l) => l.split('  ')[0])).toEqual([
      'test/fixtures/check/kit-schema/bad/sheets/autre/kit.yml:1:14',
      'test/fixtures/check/kit-schema/bad/sheets/autre/kit.yml:16:18',
      'test/fixtures/check/kit-schema/bad/sheets/couleur/kit.yml:9:10',
      'test/fixtures/check/kit-schema/bad/sheets/essai/kit.yml:9:10',
    ]);
    expect(lines.slice(4)).toEqual(['', '✗ 4 erreurs, 0 avertissement']);
    expect(r.code).toBe(1);
  });

  it('prints warnings as « avertissement » and exits 0 when there are only warnings', () => {
    const r = check('--sheets', fixture('lien-non-https', 'bad'));
    const file = 'test/fixtures/check/lien-non-https/bad/sheets/essai/01-essai.md';
    expect(r.stdout).toBe(
      [
        `${file}:9:14  avertissement  source « http://www.rtes.fr/ » non sécurisée : une adresse en https:// est attendue  (lien-non-https)`,
        `${file}:14:9  avertissement  lien « http://www.rtes.fr/ » non sécurisé : une adresse en https:// est attendue  (lien-non-https)`,
        `${file}:14:52  avertissement  lien « http://www.rtes.fr/guide » non sécurisé : une adresse en https:// est attendue  (lien-non-https)`,
        '',
        '⚠ 0 erreur, 3 avertissements',
        '',
      ].join('\n'),
    );
    expect(r.code).toBe(0);
  });

  it('exits 1 on warnings with --strict', () => {
    const r = check('--strict', '--sheets', fixture('lien-non-https', 'bad'));
    expect(r.stdout).toContain('⚠ 0 erreur, 3 avertissements');
    expect(r.code).toBe(1);
  });

  it('says so and exits 0 when there is nothing to report, even with --strict', () => {
    const r = check('--strict', '--sheets', fixture('lien-non-https', 'good'));
    expect(r.stdout).toBe('\n✓ aucun problème trouvé\n');
    expect(r.code).toBe(0);
  });

  it('checks only the kits named', () => {
    const r = check('essai', '--sheets', fixture('kit-schema', 'bad'));
    expect(r.stdout).not.toContain('/autre/');
    expect(r.stdout).toContain('✗ 1 erreur, 0 avertissement');
    expect(r.code).toBe(1);
  });

  it('names an unknown kit and exits 2', () => {
    const r = check('nulle-part', '--sheets', fixture('kit-schema', 'good'));
    expect(r.stderr).toBe('kitess : kit « nulle-part » inconnu : « autre », « couleur », « essai » attendu\n');
    expect(r.code).toBe(2);
  });
});

describe('kitess check --format json', () => {
  it('prints the diagnostics with file, line, column, severity, message and rule, and the counts', () => {
    const r = check('--format', 'json', '--sheets', fixture('encadre-vide', 'bad'));
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as JsonReport;
    const file = 'test/fixtures/check/encadre-vide/bad/sheets/essai/01-essai.md';
    expect(report).toEqual({
      diagnostics: [
        { file, line: 16, column: 1, severity: 'erreur', message: 'encadré « a-retenir » vide : du contenu est attendu avant « ::: »', rule: 'encadre-vide' },
        { file, line: 19, column: 1, severity: 'erreur', message: 'encadré « exemple » vide : du contenu est attendu avant « ::: »', rule: 'encadre-vide' },
      ],
      pages: [],
      pagesChecked: false,
      converted: [],
      errors: 2,
      warnings: 0,
    });
    expect(r.stderr).toBe('');
  });

  it('counts warnings and keeps the same exit codes as the text report', () => {
    const plain = check('--format', 'json', '--sheets', fixture('lien-non-https', 'bad'));
    expect(plain.code).toBe(0);
    const report = JSON.parse(plain.stdout) as JsonReport;
    expect(report).toMatchObject({ errors: 0, warnings: 3 });
    for (const d of report.diagnostics) expect(d).toMatchObject({ severity: 'avertissement', rule: 'lien-non-https' });
    expect(check('--format', 'json', '--strict', '--sheets', fixture('lien-non-https', 'bad')).code).toBe(1);
  });

  it('gives a usage error as JSON too', () => {
    const r = check('--format', 'json', 'nulle-part', '--sheets', fixture('kit-schema', 'good'));
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout)).toMatchObject({ name: 'UsageError', exitCode: 2, message: expect.stringContaining('nulle-part') });
  });
});

describe('kitess check --pages', () => {
  it('prints each fiche’s page count and budget, and exits 0 when all fit', () => {
    const r = check('--pages', '--sheets', fixture('pages-hors-budget', 'good'));
    const dir = 'test/fixtures/check/pages-hors-budget/good/sheets';
    expect(r.stdout).toBe(
      [
        `${dir}/autre/01-courte.md  1 page / 1`,
        `${dir}/autre/02-longue.md  2 pages / 2`,
        `${dir}/essai/01-courte.md  1 page / 1`,
        `${dir}/essai/02-longue.md  2 pages / 2`,
        '',
        '✓ aucun problème trouvé',
        '',
      ].join('\n'),
    );
    expect(r.code).toBe(0);
  });

  it('flags the fiches over budget and exits 1; JSON gives the page counts', () => {
    const r = check('--pages', '--sheets', fixture('pages-hors-budget', 'bad'));
    const dir = 'test/fixtures/check/pages-hors-budget/bad/sheets';
    expect(r.stdout).toMatch(new RegExp(`^${dir}/autre/01-longue\\.md  \\d+ pages / 1\n${dir}/essai/01-longue\\.md  \\d+ pages / 1\n`));
    expect(r.stdout).toMatch(new RegExp(`^${dir}/autre/01-longue\\.md:2:9  erreur  \\d+ pages imprimées : 1 au plus est attendue \\(\\d+ pages? de trop, budget du kit\\)  \\(pages-hors-budget\\)$`, 'm'));
    expect(r.stdout).toMatch(new RegExp(`^${dir}/essai/01-longue\\.md:7:9  erreur  \\d+ pages imprimées : 1 au plus est attendue \\(\\d+ pages? de trop, budget de la fiche\\)  \\(pages-hors-budget\\)$`, 'm'));
    expect(r.stdout).toMatch(/\n✗ 2 erreurs, 0 avertissement\n$/);
    expect(r.code).toBe(1);

    const json = check('--pages', '--format', 'json', '--sheets', fixture('pages-hors-budget', 'bad'));
    const report = JSON.parse(json.stdout) as JsonReport;
    expect(report.pages.map((p) => [p.file, p.budget])).toEqual([
      [`${dir}/autre/01-longue.md`, 1],
      [`${dir}/essai/01-longue.md`, 1],
    ]);
    for (const p of report.pages) expect(p.pages).toBeGreaterThan(1);
    expect(report.errors).toBe(2);
    expect(json.code).toBe(1);
  });
});

describe('kitess check on the real kits', () => {
  // The page budget of the real kits is checked by their build (test/kits); here the sources alone.
  it('finds no error in sheets/ (warnings allowed) and exits 0', () => {
    const r = check('--sans-pages', '--sheets', path.join(ROOT, 'sheets'));
    expect(r.stdout.split('\n').filter((l) => l.includes('  erreur  '))).toEqual([]);
    expect(r.stdout).toMatch(/\n(✓ aucun problème trouvé|⚠ 0 erreur, \d+ avertissements?)\n$/);
    expect(r.code).toBe(0);
    const report = JSON.parse(check('--sans-pages', '--format', 'json', '--sheets', path.join(ROOT, 'sheets')).stdout) as JsonReport;
    expect(report.errors).toBe(0);
    expect(report.diagnostics.filter((d) => d.severity === 'erreur')).toEqual([]);
  });
});
