import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from '../../src/build.js';
import type { BrowserHandle } from '../../src/browser.js';
import { testBrowser } from '../helpers/browser.js';
import { copySheets } from '../helpers/fixtures.js';
import { pdfPages, pdfText } from '../helpers/pdf.js';

const FRONT = (n: number, title: string) => `---
numero: ${n}
titre: ${title}
partie: leviers
resume: Une fiche longue pour les tests de pagination.
mise-a-jour: 2026-02-24
budget: 4
sources:
  - titre: RTES
    adresse: https://www.rtes.fr/
---
`;

const paragraph = (i: number) =>
  `Paragraphe ${i}. Les collectivités territoriales soutiennent les structures de l'économie sociale et solidaire par des conventions pluriannuelles, des marchés réservés et un accompagnement des porteurs de projet sur tout le territoire.\n`;

let browser: BrowserHandle;
let fiches: string;

beforeAll(async () => {
  browser = await testBrowser();
  const sheets = copySheets('pipeline');
  const rows = Array.from({ length: 70 }, (_, i) => `| Ligne ${i + 1} | ${1000 + i} |`).join('\n');
  writeFileSync(path.join(sheets, 'demo/03-contractualisation.md'), `${FRONT(3, 'Un long tableau')}\n## Enjeux\n\n| Collectivité | Montant |\n|---|---|\n${rows}\n`);
  const filler = Array.from({ length: 13 }, (_, i) => paragraph(i + 1)).join('\n');
  const box = `:::exemple[Boîte indivisible (Nord)]\n${Array.from({ length: 8 }, (_, i) => `Ligne ${i + 1} de l'encadré, qui doit rester entière.`).join('\n\n')}\n\nDernière ligne de l'encadré.\n:::\n`;
  writeFileSync(path.join(sheets, 'demo/02-commande-publique.md'), `${FRONT(2, 'Un encadré en bas de page')}\n## Enjeux\n\n${filler}\n${box}\n## Suite\n\n${paragraph(99)}`);
  const dist = path.join(path.dirname(sheets), 'dist');
  await build({ sheetsDir: sheets, outDir: dist, asOf: '2026-06-01' }, { browser });
  fiches = path.join(dist, 'demo/fiches');
});

afterAll(async () => {
  await browser?.close();
});

describe('pagination rules of the print CSS (issue 6)', () => {
  it('repeats the table header on every page a long table runs over', () => {
    const file = path.join(fiches, '03-contractualisation.pdf');
    const pages = pdfPages(file);
    expect(pages).toBeGreaterThan(1);
    for (let p = 1; p <= pages; p++) {
      const text = pdfText(file, p);
      if (/Ligne \d+/.test(text)) expect(text, `page ${p}`).toMatch(/Collectivité\s+Montant/);
    }
  });

  it('never splits a table row across pages', () => {
    const file = path.join(fiches, '03-contractualisation.pdf');
    const all = [...Array(pdfPages(file)).keys()].map((i) => pdfText(file, i + 1));
    for (let row = 1; row <= 70; row++) {
      const holders = all.filter((t) => new RegExp(`Ligne ${row}\\s+${1000 + row - 1}`).test(t));
      expect(holders, `ligne ${row}`).toHaveLength(1);
    }
  });

  it('moves a box that would be split to the next page, whole', () => {
    const file = path.join(fiches, '02-commande-publique.pdf');
    const pages = [...Array(pdfPages(file)).keys()].map((i) => pdfText(file, i + 1));
    const title = pages.findIndex((t) => t.includes('Boîte indivisible'));
    const last = pages.findIndex((t) => t.includes('Dernière ligne de l’encadré'));
    expect(title).toBeGreaterThanOrEqual(0);
    expect(last).toBe(title);
    expect(pages.length).toBeGreaterThan(1);
  });
});
