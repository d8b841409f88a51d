import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { copySheets, edit } from '../helpers/fixtures.js';
import { pdfText } from '../helpers/pdf.js';

describe('kitess build: progress and summary (issue 15)', () => {
  it('shows plain progress lines off a terminal, then what was built, what was left out and why, and the time', () => {
    const sheets = copySheets('pipeline');
    const dist = path.join(path.dirname(sheets), 'dist');
    edit(path.join(sheets, 'demo/02-commande-publique.md'), 'mise-a-jour: 2026-02-17', 'mise-a-jour: 2026-02-17\npublication: 2026-12-07');
    edit(path.join(sheets, 'demo/03-contractualisation.md'), 'mise-a-jour: 2026-02-24', 'mise-a-jour: 2026-02-24\nstatut: brouillon');
    const r = runCli(['build', '--sheets', sheets, '--out', dist, '--as-of', '2026-06-01']);
    expect(r.code).toBe(0);
    // Progress goes to stderr, as plain lines (the test's output is not a terminal).
    expect(r.stderr.split('\n')).toEqual(['Impression de 1 fiche…', '1 fiche imprimée.', 'Impression du livret Kit DémoESS…', expect.stringMatching(/^Livret Kit DémoESS imprimé : \d+ pages\.$/), '']);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(new RegExp(`^✓ Construit en \\d+,\\d s, dans ${dist}/ :$`));
    expect(lines.slice(1)).toEqual([
      '  Fiches : 1 (1 imprimée)',
      expect.stringMatching(/^ {2}Livrets : demo\/kit-demoess\.pdf \(\d+ pages, imprimé\)$/),
      '  Archives : demo/demo-fiches.zip, kits-ess.zip',
      '  Laissés de côté (2) :',
      expect.stringMatching(/demo\/02-commande-publique\.md {2}fiche 2 « Commande publique responsable » : pas encore parue : publication le 2026-12-07, construction à la date du 2026-06-01 \(--as-of\)$/),
      expect.stringMatching(/demo\/03-contractualisation\.md {2}fiche 3 « Modes de contractualisation » : brouillon \(statut: brouillon\), incluse avec --drafts$/),
    ]);
    expect(pdfText(path.join(dist, 'demo/kit-demoess.pdf'))).not.toContain('Modes de contractualisation');

    // Nothing changed: the summary says so, still lists what is left out, and -q silences everything.
    const again = runCli(['build', '--sheets', sheets, '--out', dist, '--as-of', '2026-06-01']);
    expect(again.stdout).toMatch(/^✓ Rien à réimprimer : .*dist\/ est à jour/);
    expect(again.stdout).toContain('  Laissés de côté (2) :');
    const quiet = runCli(['build', '--sheets', sheets, '--out', dist, '--as-of', '2026-06-01', '--force', '-q']);
    expect(quiet.code).toBe(0);
    expect(quiet.stdout + quiet.stderr).toBe('');
  });
});
