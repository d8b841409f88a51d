// npm run galerie: renders the pictures of the README's « Galerie » into docs/images/ — the covers, a part opener
// with the competences diagram, a fiche with key figures and a chart, the back cover, the download page at
// 1280 and 375 px, and the same fiche's web page on a phone and a desktop, with the search. The three kits are built from sheets/ as they are, into a temporary folder.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import http from 'node:http';
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

  // The web edition: the same fiche's page on a phone and on a desktop, and the search of the download page,
  // served over HTTP as a static host would (browsers do not load the search index from disk).
  const server = http.createServer((req, res) => {
    let file = path.join(dist, decodeURIComponent(new URL(req.url, 'http://127.0.0.1').pathname));
    if (existsSync(file) && statSync(file).isDirectory()) file = path.join(file, 'index.html');
    if (!file.startsWith(dist) || !existsSync(file)) return void res.writeHead(404).end();
    const types = { '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.js': 'text/javascript', '.svg': 'image/svg+xml', '.woff2': 'font/woff2' };
    res.writeHead(200, { 'content-type': types[path.extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const site = `http://127.0.0.1:${server.address().port}/`;
  const fichePage = `communes/${withChart.replace(/^\d{2}-/, '').replace(/\.md$/, '')}/`;
  try {
    for (const [name, url, width, height, scroll] of [
      ['galerie-web-fiche-375.png', fichePage, 375, 1500, undefined],
      ['galerie-web-fiche-graphique-375.png', fichePage, 375, 1100, 'figure.chart'],
      ['galerie-web-fiche-1280.png', fichePage, 1280, 1000, undefined],
      ['galerie-web-recherche-375.png', '?q=tiers-lieux', 375, 1100, '#recherche'],
    ]) {
      const tab = await handle.browser.newPage();
      try {
        await tab.setViewport({ width, height });
        await tab.goto(`${site}${url}`, { waitUntil: 'load' });
        await tab.evaluate(() => document.fonts.ready);
        if (url.startsWith('?')) await tab.waitForFunction(() => document.querySelectorAll('#recherche-resultats li').length > 0);
        if (scroll) await tab.$eval(scroll, (e) => window.scrollTo(0, e.getBoundingClientRect().top + window.scrollY - 16));
        await tab.screenshot({ path: path.join(out, name) });
        console.log(`docs/images/${name}`);
      } finally {
        await tab.close();
      }
    }
  } finally {
    server.close();
  }
} finally {
  await handle.close();
  rmSync(work, { recursive: true, force: true });
}
