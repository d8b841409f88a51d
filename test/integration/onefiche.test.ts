import { cpSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { BrowserHandle } from '../../src/browser.js';
import { testBrowser } from '../helpers/browser.js';
import { copySheets, edit } from '../helpers/fixtures.js';
import { pdfText } from '../helpers/pdf.js';
import { unzipSync } from 'fflate';
import type { Manifest } from '../../src/pipeline/publish.js';

let browser: BrowserHandle;
beforeAll(async () => {
  browser = await testBrowser();
});
afterAll(async () => {
  await browser?.close();
});

/**
 * `build` as a new kitess process has it: modules evaluated afresh, so that nothing analysed by an earlier build
 * of this test is still in memory and only the cache on disk can give it.
 */
async function freshBuild() {
  vi.resetModules();
  return (await import('../../src/build.js')).build;
}

const fixture = () => {
  const sheets = copySheets('pipeline');
  return { sheets, root: path.dirname(sheets) };
};
const demo = (sheets: string, name: string) => path.join(sheets, 'demo', name);

/** Every file under a folder, relative to it, sorted. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}

describe('the analysis of unchanged fiches kept between builds (issue 16)', () => {
  it('rebuilds from the cache with outputs byte-identical to a clean build of the same sources', async () => {
    const { sheets, root } = fixture();
    const incremental = path.join(root, 'incremental');
    const first = await (await freshBuild())({ sheetsDir: sheets, outDir: incremental, asOf: '2026-06-01' }, { browser });
    expect(first.analysed!.reused).toEqual([]);
    expect(filesUnder(path.join(incremental, '.kitess-cache/demo/fiches'))).toHaveLength(3);

    edit(demo(sheets, '03-contractualisation.md'), 'précise la différence', 'explique la différence');
    const second = await (await freshBuild())({ sheetsDir: sheets, outDir: incremental, asOf: '2026-06-01' }, { browser });
    expect(second.analysed!.fresh.map((f) => path.basename(f))).toEqual(['03-contractualisation.md']);
    expect(second.analysed!.reused.map((f) => path.basename(f))).toEqual(['01-de-quoi-parle-t-on.md', '02-commande-publique.md']);

    const clean = path.join(root, 'clean');
    const third = await (await freshBuild())({ sheetsDir: sheets, outDir: clean, asOf: '2026-06-01', force: true }, { browser });
    expect(third.analysed!.reused).toEqual([]);
    // Every output and every analysis kept, byte for byte; the printed pieces kept beside them are Chromium's raw
    // output, which carries the time it was printed (the PDFs made from them do not).
    const piece = /^\.kitess-cache\/demo\/[0-9a-f]{64}\.(pdf|json)$/;
    const files = filesUnder(clean).filter((f) => !piece.test(f));
    expect(filesUnder(incremental).filter((f) => !piece.test(f))).toEqual(files);
    expect(files.filter((f) => f.startsWith('.kitess-cache/demo/fiches/'))).toHaveLength(3);
    expect(files).toContain('demo/fiches/01-de-quoi-parle-t-on.pdf');
    for (const file of files) expect(readFileSync(path.join(incremental, file)).equals(readFileSync(path.join(clean, file))), file).toBe(true);
  });

  it('prints again, with the new title, a fiche taken from the cache that cites a fiche whose title changed', async () => {
    const { sheets, root } = fixture();
    const dist = path.join(root, 'dist');
    await (await freshBuild())({ sheetsDir: sheets, outDir: dist, asOf: '2026-06-01' }, { browser });
    edit(demo(sheets, '02-commande-publique.md'), 'titre: Commande publique responsable', 'titre: Achats publics responsables');
    const r = await (await freshBuild())({ sheetsDir: sheets, outDir: dist, asOf: '2026-06-01' }, { browser });
    expect(r.analysed!.reused.map((f) => path.basename(f))).toContain('01-de-quoi-parle-t-on.md');
    expect(r.printed).toContain('demo/fiches/01-de-quoi-parle-t-on.pdf');
    expect(pdfText(path.join(dist, 'demo/fiches/01-de-quoi-parle-t-on.pdf')).replace(/\s+/g, ' ')).toContain('« Achats publics responsables »');
  });

  it('reports an unchanged fiche’s warnings at every build, and places the kit’s checks in a cached fiche', async () => {
    const { sheets, root } = fixture();
    const dist = path.join(root, 'dist');
    edit(demo(sheets, '01-de-quoi-parle-t-on.md'), 'réunit des associations', 'réunit des **associations');
    const first = await (await freshBuild())({ sheetsDir: sheets, outDir: dist, asOf: '2026-06-01' }, { browser });
    const unclosed = first.warnings.filter((d) => d.rule === 'gras-non-ferme');
    expect(unclosed).toHaveLength(1);

    edit(demo(sheets, '03-contractualisation.md'), 'précise la différence', 'explique la différence');
    const second = await (await freshBuild())({ sheetsDir: sheets, outDir: dist, asOf: '2026-06-01' }, { browser });
    expect(second.analysed!.reused.map((f) => path.basename(f))).toContain('01-de-quoi-parle-t-on.md');
    expect(second.warnings.filter((d) => d.rule === 'gras-non-ferme')).toEqual(unclosed);

    // Fiche 3 moves to the first part: the contents list 1, 3, then 2, and fiche 2, taken from the cache, is the one
    // out of order, reported at its « partie: » line. (This test used to make fiche 2 take fiche 3's number, reported
    // as a duplicate at fiche 3: a fiche now keeps its file name's number for the kit's checks, so that mistake is
    // one error at fiche 2's own « numero: », see test/check/numbering.test.ts.)
    edit(demo(sheets, '03-contractualisation.md'), 'partie: leviers', 'partie: cles');
    const third = await (await freshBuild())({ sheetsDir: sheets, outDir: dist, asOf: '2026-06-01' }, { browser });
    expect(third.analysed!.reused.map((f) => path.basename(f))).toContain('02-commande-publique.md');
    const order = third.warnings.filter((d) => d.rule === 'ordre-sommaire');
    expect(order).toEqual([expect.objectContaining({ file: expect.stringContaining('02-commande-publique.md'), line: 4, column: 9, severity: 'avertissement' })]);
  });
});

describe('the zips of a rebuild (issue 16)', () => {
  it('keeps a zip whose members did not change as it was, and makes again those whose members changed', async () => {
    const { sheets, root } = fixture();
    cpSync(path.join(sheets, 'demo'), path.join(sheets, 'autre'), { recursive: true });
    edit(path.join(sheets, 'autre/kit.yml'), /^identifiant: demo$/m, 'identifiant: autre');
    const dist = path.join(root, 'dist');
    const manifest = (): Manifest => JSON.parse(readFileSync(path.join(dist, 'manifest.json'), 'utf8'));
    const inode = (file: string) => statSync(path.join(dist, file)).ino;
    await (await freshBuild())({ sheetsDir: sheets, outDir: dist, asOf: '2026-06-01' }, { browser });
    const before = manifest();
    const zipOf = (m: Manifest, kit: string) => m.kits.find((k) => k.id === kit)!.zip!;
    const inodes = { autre: inode(zipOf(before, 'autre').path), demo: inode(zipOf(before, 'demo').path), all: inode(before.zip!.path) };

    edit(demo(sheets, '03-contractualisation.md'), 'précise la différence', 'explique la différence');
    await (await freshBuild())({ sheetsDir: sheets, outDir: dist, asOf: '2026-06-01' }, { browser });
    const after = manifest();
    // The other kit's zip: the same file, the same entry.
    expect(zipOf(after, 'autre')).toEqual(zipOf(before, 'autre'));
    expect(inode(zipOf(after, 'autre').path)).toBe(inodes.autre);
    // The edited kit's zip and the zip of everything: made again, with the new PDF in them.
    expect(zipOf(after, 'demo').sha256).not.toBe(zipOf(before, 'demo').sha256);
    expect(inode(zipOf(after, 'demo').path)).not.toBe(inodes.demo);
    expect(inode(after.zip!.path)).not.toBe(inodes.all);
    for (const zip of [zipOf(after, 'demo'), zipOf(after, 'autre'), after.zip!]) {
      const members = unzipSync(readFileSync(path.join(dist, zip.path)));
      expect(Object.keys(members).length).toBe(zip.files);
      for (const [name, bytes] of Object.entries(members)) expect(Buffer.from(bytes).equals(readFileSync(path.join(dist, name))), `${zip.path}: ${name}`).toBe(true);
    }
  });
});
