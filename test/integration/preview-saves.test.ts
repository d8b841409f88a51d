import { unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SAVE_STYLES } from '../../bench/saves.js';
import { isEditorNoise } from '../../src/preview/watch.js';
import { pdfText } from '../helpers/pdf.js';
import { usePreview } from '../helpers/preview.js';

/**
 * Issue 15: every save is seen. Each way editors and tools save a file is driven three times, the styles
 * interleaved (an in-place write after a rename is the case fs.watch missed), and each save must give a
 * rebuilt PDF with the new text.
 */
const t = usePreview(['01-de-quoi-parle-t-on.md', '03-contractualisation.md']);
const events = t.events;

const flat = (file: string) => pdfText(file).replace(/\s+/g, '');

/** Waits until the preview has rebuilt and `check` holds after a build, or fails after `ms`. */
async function rebuiltUntil(check: () => boolean, ms = 90_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('no rebuild gave the saved text');
    await Promise.race([t.server.nextBuild(), new Promise((r) => setTimeout(r, 1000))]);
  }
}

describe('preview: every save is seen (issue 15)', () => {
  it('rebuilds after each save, whatever the way the file is saved, three times each', async () => {
    const fiche = path.join(t.sheets, 'demo', '01-de-quoi-parle-t-on.md');
    const pdf = path.join(t.out, 'demo/fiches/01-de-quoi-parle-t-on.pdf');
    const times: string[] = [];
    let marker = 0;
    for (let round = 1; round <= 3; round++) {
      for (const [style, save] of Object.entries(SAVE_STYLES)) {
        marker = 900_000 + round * 100 + Object.keys(SAVE_STYLES).indexOf(style);
        const seen = events.length;
        const savedAt = performance.now();
        save(fiche, (text) => text.replace(/Repère de test : \d+/, `Repère de test : ${marker}`));
        await rebuiltUntil(() => events.slice(seen).some((e) => e.type === 'built' && e.ok) && flat(pdf).includes(`Repère de test : ${marker}`.replace(/\s+/g, '')));
        const after = events.slice(seen);
        expect(after.some((e) => e.type === 'change' && e.files.includes(fiche)), `${style}, round ${round}: change seen`).toBe(true);
        const ready = after.find((e) => e.type === 'pdf' && e.path === 'demo/fiches/01-de-quoi-parle-t-on.pdf')!;
        const built = after.find((e) => e.type === 'built')!;
        times.push(`${style.padEnd(28)} round ${round}: fiche ${Math.round(ready.at - savedAt)} ms, booklet ${Math.round(built.at - savedAt)} ms`);
      }
    }
    // Not a timed assertion: printed for the record.
    console.log(`save → updated PDF in the preview (fixture kit):\n${times.join('\n')}`);
  });

  it('rebuilds for several files changed at once (git checkout), with both changes', async () => {
    const one = path.join(t.sheets, 'demo', '01-de-quoi-parle-t-on.md');
    const three = path.join(t.sheets, 'demo', '03-contractualisation.md');
    for (let round = 1; round <= 3; round++) {
      const seen = events.length;
      SAVE_STYLES['écriture sur place'](one, (t) => t.replace(/Repère de test : \d+/, `Repère de test : ${800_000 + round}`));
      SAVE_STYLES['écriture puis renommage'](three, (t) => t.replace(/Repère de test : \d+/, `Repère de test : ${810_000 + round}`));
      await rebuiltUntil(
        () =>
          flat(path.join(t.out, 'demo/fiches/01-de-quoi-parle-t-on.pdf')).includes(`${800_000 + round}`) &&
          flat(path.join(t.out, 'demo/fiches/03-contractualisation.pdf')).includes(`${810_000 + round}`),
      );
      const pdfs = events.slice(seen).filter((e) => e.type === 'pdf').map((e) => (e as { path: string }).path);
      expect(pdfs).toEqual(expect.arrayContaining(['demo/fiches/01-de-quoi-parle-t-on.pdf', 'demo/fiches/03-contractualisation.pdf', 'demo/kit-demoess.pdf']));
    }
  });

  it('starts no rebuild for an editor’s swap, backup or temporary files alone', async () => {
    const dir = path.join(t.sheets, 'demo');
    const seen = events.length;
    for (const name of ['.01-de-quoi-parle-t-on.md.swp', '01-de-quoi-parle-t-on.md~', '#01-de-quoi-parle-t-on.md#', '.goutputstream-Q1W2E3', '4913', 'sedAb12Cd']) {
      writeFileSync(path.join(dir, name), 'brouillon');
      unlinkSync(path.join(dir, name));
    }
    await new Promise((r) => setTimeout(r, 1500));
    expect(events.slice(seen)).toEqual([]);
    expect(['.x.md.swp', 'x.md~', '#x.md#', '.#x.md', '.goutputstream-ABCDEF', '4913', 'sedAb12Cd', 'x.crswap'].every((n) => isEditorNoise(`/k/${n}`))).toBe(true);
    expect(['01-x.md', 'kit.yml', 'schema.svg', 'kitess.css'].some((n) => isEditorNoise(`/k/${n}`))).toBe(false);
  });
});
