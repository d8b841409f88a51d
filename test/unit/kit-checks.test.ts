import { rmSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { prepareKits } from '../../src/prepare.js';
import { copySheets, edit } from '../helpers/fixtures.js';

describe('a fiche whose frontmatter is wrong (issue 6)', () => {
  it('still has its body checked, and references to it are not reported as unknown fiches', async () => {
    const sheets = copySheets('pipeline');
    edit(path.join(sheets, 'demo/02-commande-publique.md'), 'mise-a-jour: 2026-02-17', 'mise-a-jour: 17/02/2026');
    edit(path.join(sheets, 'demo/02-commande-publique.md'), ':::a-retenir', ':::a-savoir');
    edit(path.join(sheets, 'demo/02-commande-publique.md'), 'comme le rappelle :fiche[1]', 'comme le rappelle :fiche[8]');
    const { diagnostics } = await prepareKits(sheets, ['demo']);
    expect(diagnostics.map((d) => [path.basename(d.file), d.line, d.rule])).toEqual([
      ['02-commande-publique.md', 6, 'fiche-schema'],
      ['02-commande-publique.md', 24, 'encadre-inconnu'],
      ['02-commande-publique.md', 22, 'renvoi-inconnu'],
    ]);
    expect(diagnostics[2]!.message).toContain('un numéro parmi 1, 2, 3 est attendu');
  });
});

describe('preparing the same kit again in one process (the preview, issue 16)', () => {
  it('takes the unchanged fiches as they were made, and makes again an edited fiche or one whose image went', async () => {
    const sheets = copySheets('pipeline');
    const first = await prepareKits(sheets, ['demo']);
    expect(first.diagnostics).toEqual([]);
    const again = await prepareKits(sheets, ['demo']);
    // The same objects: not read nor transformed again.
    expect(again.kits[0]!.fiches).toEqual(first.kits[0]!.fiches);
    for (const [i, fiche] of again.kits[0]!.fiches.entries()) expect(fiche).toBe(first.kits[0]!.fiches[i]);

    edit(path.join(sheets, 'demo/03-contractualisation.md'), ':::contacts', ':::a-savoir');
    const edited = await prepareKits(sheets, ['demo']);
    expect(edited.kits[0]!.fiches[0]).toBe(first.kits[0]!.fiches[0]);
    expect(edited.kits[0]!.fiches[2]).not.toBe(first.kits[0]!.fiches[2]);
    expect(edited.diagnostics.map((d) => [path.basename(d.file), d.rule])).toEqual([['03-contractualisation.md', 'encadre-inconnu']]);
    // Its message is given at every build until the fiche is fixed, not only the first time.
    expect((await prepareKits(sheets, ['demo'])).diagnostics.map((d) => d.rule)).toEqual(['encadre-inconnu']);

    // kit.yml is part of a fiche's analysis key, in this process as in the cache on disk (analysisKey): a changed
    // kit.yml makes every fiche again.
    const before = (await prepareKits(sheets, ['demo'])).kits[0]!.fiches;
    edit(path.join(sheets, 'demo/kit.yml'), /^titre: .*$/m, 'titre: Un autre titre');
    const retitled = await prepareKits(sheets, ['demo']);
    expect(retitled.analysed).toEqual({ fresh: before.map((f) => f.source.path), reused: [] });
    for (const [i, fiche] of retitled.kits[0]!.fiches.entries()) expect(fiche).not.toBe(before[i]);

    rmSync(path.join(sheets, 'demo/schema.svg'));
    const missing = await prepareKits(sheets, ['demo']);
    expect(missing.diagnostics.map((d) => [path.basename(d.file), d.rule])).toEqual([
      ['02-commande-publique.md', 'image-introuvable'],
      ['03-contractualisation.md', 'encadre-inconnu'],
    ]);
  });
});
