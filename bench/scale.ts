/**
 * The bench's scale scenario (issue 16): a sheets folder of many kits made from a real one — `kits` copies of
 * sheets/communes, each with `fiches` fiches (the real ones, then copies of its thematic fiches under new numbers
 * and titles) and a title, booklet and address of its own.
 */
import { mkdir, readdir, readFile, writeFile, copyFile } from 'node:fs/promises';
import path from 'node:path';

/** Writes the generated kits into `dir` (a new folder); returns how many fiches each kit has. */
export async function generateKits(sheetsDir: string, dir: string, kits: number, fiches: number): Promise<number> {
  const model = path.join(sheetsDir, 'communes');
  const names = (await readdir(model)).sort();
  const sources = names.filter((n) => /^\d\d-.*\.md$/.test(n));
  // Copies are made from the thematic fiches (no cross-reference to a fiche that would not exist elsewhere).
  const thematic = [] as string[];
  for (const n of sources) if (/^partie: thematiques$/m.test(await readFile(path.join(model, n), 'utf8'))) thematic.push(n);
  for (let k = 1; k <= kits; k++) {
    const id = `essai-${String(k).padStart(2, '0')}`;
    const out = path.join(dir, id);
    await mkdir(out, { recursive: true });
    for (const n of names) if (!/^\d\d-.*\.md$/.test(n) && n !== 'kit.yml') await copyFile(path.join(model, n), path.join(out, n));
    const config = (await readFile(path.join(model, 'kit.yml'), 'utf8'))
      .replace(/^identifiant: .*$/m, `identifiant: ${id}`)
      .replace(/^titre: .*$/m, `titre: Kit Essai ${k}`)
      .replace(/^livret: .*$/m, `livret: kit-essai-${k}`)
      .replace(/^adresse-web: .*$/m, `adresse-web: https://kits.example.org/${id}/`);
    await writeFile(path.join(out, 'kit.yml'), config);
    let number = 0;
    for (const n of sources.slice(0, fiches)) {
      number++;
      await copyFile(path.join(model, n), path.join(out, n));
    }
    for (let i = 0; number < fiches; i++) {
      number++;
      const from = thematic[i % thematic.length]!;
      const text = (await readFile(path.join(model, from), 'utf8'))
        .replace(/^numero: \d+$/m, `numero: ${number}`)
        .replace(/^titre: "?(.*?)"?$/m, (_all, title: string) => `titre: "${title.replace(/"/g, '')} (copie ${number})"`);
      await writeFile(path.join(out, `${String(number).padStart(2, '0')}-copie-${from.slice(3)}`), text);
    }
  }
  return fiches;
}
