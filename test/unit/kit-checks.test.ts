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
