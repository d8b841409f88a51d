import { writeFileSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { check } from '../../src/check.js';
import type { Diagnostic } from '../../src/errors.js';
import { copySheets, edit } from '../helpers/fixtures.js';

/**
 * One mistake in a fiche's header gives one error, at that line, and none about the other files (s6): the fiche
 * keeps the number its file name gives (`02-achats.md` is fiche 2) for the cross-references and competences.yml.
 * The fixture: three fiches referring to one another, and a competences.yml naming all three.
 */
const report = (ds: Diagnostic[]) => ds.map((d) => `${path.basename(d.file)}:${d.line}:${d.column} ${d.rule} ${d.message}`);

async function checkWith(change: (sheets: string) => void): Promise<{ sheets: string; diagnostics: Diagnostic[] }> {
  const sheets = copySheets('numbering');
  change(sheets);
  const { diagnostics } = await check({ sheetsDir: sheets });
  return { sheets, diagnostics };
}

describe('a mistake in a fiche’s header is reported once, at its line', () => {
  it('the fixture has no mistake', async () => {
    expect(report((await checkWith(() => {})).diagnostics)).toEqual([]);
  });

  it('numero different from the file name’s: one error at numero, no missing fiche 2, no duplicate 3, no self-reference', async () => {
    const { sheets, diagnostics } = await checkWith((s) => edit(path.join(s, 'essai/02-achats.md'), 'numero: 2', 'numero: 3'));
    expect(report(diagnostics)).toEqual(['02-achats.md:2:9 numero-fichier numéro 3 différent de celui du nom de fichier : 2 est attendu']);
    expect(path.resolve(diagnostics[0]!.file)).toBe(path.join(sheets, 'essai/02-achats.md'));
  });

  it('an English key: one error at that key, competences.yml and the cross-references still find fiche 2', async () => {
    const { diagnostics } = await checkWith((s) => edit(path.join(s, 'essai/02-achats.md'), /^titre:/m, 'title:'));
    expect(report(diagnostics)).toEqual(['02-achats.md:3:1 fiche-schema champ « title » en anglais : « titre » est attendu']);
  });

  it('a date that does not exist: one error at mise-a-jour', async () => {
    const { diagnostics } = await checkWith((s) => edit(path.join(s, 'essai/02-achats.md'), 'mise-a-jour: 2026-02-10', 'mise-a-jour: 2026-13-45'));
    expect(report(diagnostics)).toEqual(["02-achats.md:6:14 fiche-schema « mise-a-jour » vaut le texte « 2026-13-45 » : cette date n'existe pas au calendrier"]);
  });

  it('two files with the same number: one duplicate error, and lists of numbers name each number once', async () => {
    const { sheets, diagnostics } = await checkWith((s) => {
      const dir = path.join(s, 'essai');
      writeFileSync(path.join(dir, '02-autre.md'), readFileSync(path.join(dir, '02-achats.md'), 'utf8').replace('Achats responsables', 'Autre'));
      edit(path.join(dir, 'competences.yml'), 'fiches: [1, 3]', 'fiches: [1, 9]');
      edit(path.join(dir, '03-contrats.md'), 'puis :fiche[1]', 'puis :fiche[8]');
    });
    expect(report(diagnostics).map((d) => d.replace(sheets, 'sheets'))).toEqual([
      '02-autre.md:2:9 numero-en-double numéro 2 déjà pris par sheets/essai/02-achats.md : un numéro unique est attendu',
      "03-contrats.md:14:22 renvoi-inconnu renvoi vers la fiche 8, qui n'existe pas dans le kit « essai » : un numéro parmi 1, 2, 3 est attendu",
      'competences.yml:9:17 schema-competences fiche 9 inexistante dans le kit : un numéro parmi 1, 2, 3 est attendu',
    ]);
  });
});
