import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { check } from '../../src/check.js';
import { runCli } from '../helpers/cli.js';
import { copySheets, edit, FIXTURES } from '../helpers/fixtures.js';

/** The repository: the CLI runs there, so it names files relative to it. */
const ROOT = path.resolve(import.meta.dirname, '../..');
const sheets = (variant: 'bad' | 'good') => path.join(FIXTURES, 'http-seulement', variant, 'sheets');
const where = (d: { line: number; column: number; rule: string }) => `${d.line}:${d.column} ${d.rule}`;

describe('http-seulement: a source with no https version, accepted once in the fiche (issue 15)', () => {
  it('without it, the source and the body links to it warn lien-non-https, and --strict fails', async () => {
    const { diagnostics } = await check({ sheetsDir: sheets('bad') });
    expect(diagnostics.map(where).sort()).toEqual(['16:110 lien-non-https', '16:4 lien-non-https', '9:14 lien-non-https']);
    const r = runCli(['check', '--strict', '--sheets', path.relative(ROOT, sheets('bad'))], ROOT);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('⚠ 0 erreur, 3 avertissements');
  });

  it('with `http-seulement: oui`, neither the source nor the links to its address warn, and --strict passes', async () => {
    const { diagnostics } = await check({ sheetsDir: sheets('good') });
    expect(diagnostics).toEqual([]);
    const r = runCli(['check', '--strict', '--sheets', path.relative(ROOT, sheets('good'))], ROOT);
    expect(r.stdout).toContain('✓ aucun problème trouvé');
    expect(r.code).toBe(0);
  });

  it('accepts only that address: another http:// link in the same fiche still warns', async () => {
    const dir = copySheets('http-seulement/good');
    edit(path.join(dir, 'essai/01-essai.md'), "comme son [renvoi][r].", 'comme son [renvoi][r], pas [celle-ci](http://www.archives.example.org/autre.html).');
    const { diagnostics } = await check({ sheetsDir: dir });
    expect(diagnostics.map((d) => d.message)).toEqual(['lien « http://www.archives.example.org/autre.html » non sécurisé : une adresse en https:// est attendue']);
  });

  it('is a yes/no field: another value is an error naming what is expected', async () => {
    const dir = copySheets('http-seulement/good');
    edit(path.join(dir, 'essai/01-essai.md'), 'http-seulement: oui', 'http-seulement: peut-être');
    const { diagnostics } = await check({ sheetsDir: dir });
    expect(diagnostics.filter((d) => d.severity === 'erreur').map((d) => `${d.line}:${d.column} ${d.message}`)).toEqual([
      expect.stringMatching(/^10:21 .*« oui » ou « non » est attendu/),
    ]);
  });
});
