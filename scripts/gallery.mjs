// npm run galerie: renders the pictures of the README's « Galerie » into docs/images/ — the cover, a part opener
// with the competences diagram, a fiche with a chart, the back cover, and the download page at 1280 and 375 px.
// The three kits are built from sheets/ into a temporary folder. In a copy of fiche 1 of the Kit MunicipalESS, its
// key figures are written in the new form (number in bold first, year of the data last, the same facts) and one of
// them, a real series, is drawn as a :::graphique box — sheets/ itself is not touched.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from '../build/src/build.js';
import { launchBrowser, resolveBrowser } from '../build/src/browser.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, 'docs/images');
const work = mkdtempSync(path.join(os.tmpdir(), 'kitess-galerie-'));
const sheets = path.join(work, 'sheets');
cpSync(path.join(root, 'sheets'), sheets, { recursive: true });

const CHART = `
:::graphique[Salariés de l'ESS par famille, fin 2019]
| Famille | Salariés |
|---|---|
| Associations | 2 000 000 |
| Coopératives | 320 000 |
| Mutuelles | 137 000 |
| Fondations | 108 000 |

Source : Carenews, d'après les données de l'ESS à fin 2019 (voir les chiffres clés de cette fiche).
:::
`;
const fiche = path.join(sheets, 'communes', readdirSync(path.join(sheets, 'communes')).find((n) => n.startsWith('01-')));
const KEY_FIGURES = `:::chiffres-cles
- **2,6 millions** de salariés, soit 10,2 % de l'emploi salarié et 13,6 % de l'emploi privé (2019)
- **150 000** entreprises et 210 000 établissements employeurs environ (2019)
- **2 millions** de salariés dans les associations, les premières employeuses de l'ESS (2019)
`;
const text = readFileSync(fiche, 'utf8').replace(/:::chiffres-cles\n(?:- .*\n)+/, KEY_FIGURES);
// After the key figures box of the fiche's first section.
const at = text.indexOf('\n:::\n', text.indexOf(':::chiffres-cles')) + 5;
writeFileSync(fiche, `${text.slice(0, at)}${CHART}${text.slice(at)}`);

const handle = await launchBrowser(resolveBrowser());
try {
  const dist = path.join(work, 'dist');
  await build({ sheetsDir: sheets, outDir: dist, log: (m) => console.log(m) }, { browser: handle });
  mkdirSync(out, { recursive: true });

  /** One page of a PDF as a PNG of docs/images/. */
  const page = (pdf, number, name, dpi = 70) => {
    const prefix = path.join(work, 'page');
    execFileSync('pdftoppm', ['-png', '-r', String(dpi), '-f', String(number), '-l', String(number), '-singlefile', pdf, prefix]);
    renameSync(`${prefix}.png`, path.join(out, name));
    console.log(`docs/images/${name}`);
  };
  const pages = (pdf) => Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [pdf], { encoding: 'utf8' }))[1]);
  const find = (pdf, needle) => {
    for (let p = 1; p <= pages(pdf); p++) if (execFileSync('pdftotext', ['-f', String(p), '-l', String(p), pdf, '-'], { encoding: 'utf8' }).includes(needle)) return p;
    throw new Error(`« ${needle} » introuvable dans ${pdf}`);
  };

  const communes = path.join(dist, 'communes/kit-municipaless.pdf');
  const departements = path.join(dist, 'departements/kit-departementaless.pdf');
  page(communes, 1, 'galerie-couverture-communes.png');
  page(departements, 1, 'galerie-couverture-departements.png');
  page(communes, find(communes, 'PARTIE 1'), 'galerie-ouverture-schema-communes.png', 90);
  page(communes, find(communes, 'PARTIE 3'), 'galerie-ouverture-thematiques-communes.png');
  page(path.join(dist, 'communes/fiches', path.basename(fiche).replace(/\.md$/, '.pdf')), 1, 'galerie-fiche-graphique-communes.png', 90);
  page(communes, pages(communes), 'galerie-quatrieme-communes.png');

  for (const [width, height] of [[1280, 1000], [375, 1400]]) {
    const tab = await handle.browser.newPage();
    try {
      await tab.setViewport({ width, height });
      await tab.goto(`file://${path.join(dist, 'index.html')}`, { waitUntil: 'load' });
      await tab.evaluate(() => document.fonts.ready);
      const name = `galerie-telechargement-${width}.png`;
      await tab.screenshot({ path: path.join(out, name) });
      console.log(`docs/images/${name}`);
    } finally {
      await tab.close();
    }
  }
} finally {
  await handle.close();
  rmSync(work, { recursive: true, force: true });
}
