// npm run galerie: renders the pictures of the README's « Galerie » into docs/images/ — the covers, a part opener
// with the competences diagram, a fiche with key figures and a chart, the back cover, and the download page at
// 1280 and 375 px. The three kits are built from sheets/ as they are, into a temporary folder.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from '../build/src/build.js';
import { launchBrowser, resolveBrowser } from '../build/src/browser.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, 'docs/images');
const work = mkdtempSync(path.join(os.tmpdir(), 'kitess-galerie-'));
const sheets = path.join(root, 'sheets');
// The first fiche of the Kit MunicipalESS that draws a chart.
const withChart = readdirSync(path.join(sheets, 'communes')).filter((n) => /^\d{2}-.*\.md$/.test(n)).find((n) => readFileSync(path.join(sheets, 'communes', n), 'utf8').includes(':::graphique'));
if (!withChart) throw new Error('aucune fiche du Kit MunicipalESS ne contient de graphique');

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
  const chartFiche = path.join(dist, 'communes/fiches', withChart.replace(/\.md$/, '.pdf'));
  page(chartFiche, find(chartFiche, 'CHIFFRES CLÉS'), 'galerie-fiche-chiffres-cles-communes.png', 90);
  page(chartFiche, find(chartFiche, 'GRAPHIQUE'), 'galerie-fiche-graphique-communes.png', 90);
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
