import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCompetences, checkCompetences, drawCompetences } from '../../src/design/competences.js';
import { fitText, textWidth } from '../../src/design/fonts.js';
import { contrast, mix } from '../../src/design/svg.js';
import { readThemes } from '../../src/design/themes.js';
import { parseFrenchNumber } from '../../src/plugins/remark-charts.js';
import { readableOnWhite } from '../../src/pipeline/distribute.js';
import { copySheets, FIXTURES } from '../helpers/fixtures.js';
import { FRONTMATTER, processSheet } from '../helpers/sheet.js';
import { toHtml } from 'hast-util-to-html';

const ACCENTS = ['#2f7d4f', '#b5532a', '#2a5d9f'];

/** Text with its fixed spaces (no-break, narrow, thin) made plain, to compare with what a test writes. */
const plain = (text: string) => text.replace(/[\u00A0\u2009\u202F]/g, ' ');

describe('text set in drawings (issue 17)', () => {
  it('never lays a line wider than its box, and sets a title too long for its lines smaller rather than cutting it', () => {
    const fitted = fitText('Kit DépartementalESS', { maxWidth: 80, maxLines: 1, size: 27, minSize: 6, weight: 700 });
    expect(fitted.size).toBeLessThan(27);
    expect(fitted.lines).toEqual(['Kit DépartementalESS']);
    expect(textWidth(fitted.lines[0]!, fitted.size, 700)).toBeLessThanOrEqual(80);
    const wrapped = fitText('Développer l’économie sociale et solidaire dans les communes et les intercommunalités', { maxWidth: 178, maxLines: 4, size: 12.5, minSize: 7 });
    expect(wrapped.lines.length).toBeGreaterThan(1);
    for (const line of wrapped.lines) expect(textWidth(line, wrapped.size)).toBeLessThanOrEqual(178);
    expect(wrapped.lines.join(' ')).toBe('Développer l’économie sociale et solidaire dans les communes et les intercommunalités');
    expect(() => fitText('Anticonstitutionnellement', { maxWidth: 20, maxLines: 1, size: 12, minSize: 10 })).toThrow(/trop long/);
  });

  it('measures text with the printed font: a bold line is wider than the same line in regular', () => {
    expect(textWidth('Kit MunicipalESS', 10, 700)).toBeGreaterThan(textWidth('Kit MunicipalESS', 10, 400));
    expect(textWidth('iiii', 10)).toBeLessThan(textWidth('MMMM', 10));
  });
});

describe('colours (issue 17)', () => {
  it.each(ACCENTS)('keeps 4.5:1 for every text colour pair the design uses with accent %s', (accent) => {
    const tint = mix(accent, 0.86); // the diagram's competence boxes
    const inkOnAccent = contrast('#ffffff', accent); // covers, openers, key figures, diagram head
    expect(inkOnAccent).toBeGreaterThanOrEqual(4.5);
    expect(contrast('#1d1d1b', tint)).toBeGreaterThanOrEqual(4.5);
    expect(contrast('#4a4a48', tint)).toBeGreaterThanOrEqual(4.5);
    expect(contrast(mix(accent, -0.25), '#ffffff')).toBeGreaterThanOrEqual(4.5); // the diagram's fiche numbers and headings
    expect(contrast(readableOnWhite(accent), '#ffffff')).toBeGreaterThanOrEqual(4.5); // the download page
  });

  it('darkens a pale colour until it reads on white', () => {
    expect(contrast(readableOnWhite('#f2c14e'), '#ffffff')).toBeGreaterThanOrEqual(4.5);
  });
});

describe('competences diagram (issue 17)', () => {
  it('reads competences.yml and draws every competence and lever as real text, inside the drawing, with the whole diagram as alternative text', () => {
    const { competences, diagnostics } = readCompetences(path.join(FIXTURES, 'design/sheets/demo'));
    expect(diagnostics).toEqual([]);
    const svg = drawCompetences(competences!, '#2f7d4f', 499);
    expect(svg.properties.role).toBe('img');
    const alt = plain(String(svg.properties.ariaLabel));
    for (const text of ['La collectivité d’essai', 'Achats', 'Clauses sociales dans les marchés publics', 'Conventions pluriannuelles d’objectifs', 'fiche 3']) expect(alt).toContain(text);
    const html = toHtml(svg);
    const texts = [...html.matchAll(/<text x="([\d.]+)"[^>]*font-size="([\d.]+)" font-weight="(\d+)"[^>]*>([^<]*)<\/text>/g)];
    expect(texts.map((m) => m[4]).join(' ')).toContain('Marchés réservés');
    for (const [, x, size, weight, line] of texts) {
      expect(Number(x) + textWidth(line!, Number(size), Number(weight) as 400 | 600 | 700), line).toBeLessThanOrEqual(499);
    }
  });

  it('reports a fiche or part that does not exist at its place in competences.yml', () => {
    const sheets = copySheets('design');
    const file = path.join(sheets, 'demo/competences.yml');
    writeFileSync(file, `titre: Essai\npartie: nulle\ncentre: Centre\ncompetences:\n  - titre: Un\n    leviers: [a]\n    fiches: [2, 9]\n  - titre: Deux\n    leviers: [b]\n`);
    const { competences } = readCompetences(path.dirname(file));
    const found = checkCompetences(competences!, ['cles', 'leviers'], [1, 2, 3]);
    expect(found.map((d) => [d.line, d.column, d.rule])).toEqual([
      [2, 9, 'schema-competences'],
      [7, 17, 'schema-competences'],
    ]);
    expect(found[1]!.message).toBe('fiche 9 inexistante dans le kit : un numéro parmi 1, 2, 3 est attendu');
  });

  it('refuses a lever too long for the drawing, in French, at its line', () => {
    const sheets = copySheets('design');
    const file = path.join(sheets, 'demo/competences.yml');
    writeFileSync(file, `titre: Essai\ncentre: Centre\ncompetences:\n  - titre: Un\n    leviers:\n      - ${'très long levier '.repeat(8)}\n  - titre: Deux\n    leviers: [b]\n`);
    const { diagnostics } = readCompetences(path.dirname(file));
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({ line: 6, rule: 'schema-competences' });
    expect(diagnostics[0]!.message).toMatch(/« competences\[1\]\.leviers\[1\] » est trop long \(\d+ signes\) : 100 signes au plus sont attendus/);
  });
});

describe('charts (:::graphique, issue 17)', () => {
  const chart = (table: string, source = 'Source : Observatoire de l’ESS (2021).') => `${FRONTMATTER}\n:::graphique[Salariés de l'ESS]\n${table}\n\n${source}\n:::\n`;
  const series = '| Année | Salariés (millions) |\n|---|---|\n| 2015 | 2,3 |\n| 2017 | 2,4 |\n| 2019 | 2,6 |';

  it('reads French numbers', () => {
    expect(parseFrenchNumber('1 417')).toBe(1417);
    expect(parseFrenchNumber('2,6')).toBe(2.6);
    expect(parseFrenchNumber('-3,5')).toBe(-3.5);
    expect(parseFrenchNumber('12 %')).toBeUndefined();
    expect(parseFrenchNumber('2.6')).toBeUndefined();
  });

  it('turns the table into a figure: caption, SVG chart whose labels are text, every value in its alternative text, source below', async () => {
    const { html: raw, diagnostics } = await processSheet(chart(series));
    const html = plain(raw);
    expect(diagnostics).toEqual([]);
    expect(html).toMatch(/^<figure class="chart" role="group"><figcaption class="chart-caption"><span class="chart-kicker">Graphique<\/span> <span class="chart-title">Salariés de l’ESS<\/span>/);
    expect(html).toContain('role="img" aria-label="Graphique « Salariés de l’ESS » (Salariés (millions), par année) : 2015 : 2,3 ; 2017 : 2,4 ; 2019 : 2,6."');
    for (const label of ['2015', '2017', '2019', '2,3', '2,6']) expect(html).toMatch(new RegExp(`<text[^>]*>${label}</text>`));
    expect(html).toContain('<p class="chart-source">Source');
    expect(html).not.toMatch(/ id=|aria-roledescription|<table/);
  });

  it.each([
    ['a value that is not a number', series.replace('2,4', '2,4 M'), undefined, 16, /« 2,4 M » n'est pas un nombre : un nombre est attendu dans la deuxième colonne/],
    ['a decimal point', series.replace('2,4', '2.4'), undefined, 16, /« 2\.4 » n'est pas un nombre : un nombre écrit avec une virgule est attendu \(« 2,4 »\)/],
    ['too few rows', '| Année | Salariés |\n|---|---|\n| 2015 | 2,3 |\n| 2017 | 2,4 |', undefined, 13, /tableau de 2 lignes de données : de 3 à 12 sont attendues/],
    ['three columns', '| A | B | C |\n|---|---|---|\n| 1 | 2 | 3 |', undefined, 13, /tableau de 3 colonnes : 2 sont attendues/],
    ['no source', series, 'Un commentaire.', 19, /contenu inattendu dans le graphique/],
  ])('reports %s at its line', async (_name, table, source, line, message) => {
    const { diagnostics } = await processSheet(chart(table, source));
    expect(diagnostics.length).toBeGreaterThan(0);
    expect(diagnostics[0]).toMatchObject({ line, rule: 'graphique-illisible', severity: 'erreur' });
    expect(diagnostics[0]!.message).toMatch(message);
  });

  it('asks for the chart’s title', async () => {
    const { diagnostics } = await processSheet(`${FRONTMATTER}\n:::graphique\n${series}\n\nSource : ESS France (2021).\n:::\n`);
    expect(diagnostics).toMatchObject([{ rule: 'encadre-sans-intitule', line: 12 }]);
  });
});

describe('key figures set large (issue 17)', () => {
  it('splits each figure into its number and its label, keeping the text and its order', async () => {
    const { html } = await processSheet(`${FRONTMATTER}\n:::chiffres-cles\n- **1 417** sociétés coopératives d'intérêt collectif en France (2024)\n- Environ **150 000** entreprises employeuses (2019)\n\nSources : [Les SCOP](https://www.les-scop.coop/chiffres-cles)\n:::\n`);
    expect(html).toContain('<ul class="key-figures key-figures-2">');
    const flat = plain(html).replace(/\u00AD/g, '');
    expect(flat).toContain('<li class="key-figure"><span class="key-figure-value"><strong>1 417</strong></span> <span class="key-figure-label">sociétés');
    expect(flat).toContain('<span class="key-figure-value">Environ <strong>150 000</strong></span>');
    expect(flat.replace(/<[^>]+>/g, '')).toContain('1 417 sociétés coopératives d’intérêt collectif en France (2024)');
  });

  it('leaves an item that does not start with its number as it is', async () => {
    const { html } = await processSheet(`${FRONTMATTER}\n:::chiffres-cles\n- Fin 2019, l'ESS compte **2,6 millions** de salariés.\n:::\n`);
    expect(html).not.toContain('key-figure');
  });
});

describe('::schema-competences (issue 17)', () => {
  it('is refused, at its line, in a kit that has no competences.yml', async () => {
    const { prepareKits } = await import('../../src/prepare.js');
    const sheets = copySheets('pipeline');
    writeFileSync(path.join(sheets, 'demo/03-contractualisation.md'), `${FRONTMATTER.replace('numero: 7', 'numero: 3')}\n## Enjeux\n\n::schema-competences\n`);
    const { diagnostics } = await prepareKits(sheets, ['demo']);
    expect(diagnostics.filter((d) => d.rule === 'schema-competences')).toMatchObject([{ line: 14, column: 1, severity: 'erreur' }]);
  });

  it('is accepted where the kit describes its competences', async () => {
    const { prepareKits } = await import('../../src/prepare.js');
    const { diagnostics, kits } = await prepareKits(path.join(FIXTURES, 'design/sheets'), ['demo']);
    expect(diagnostics).toEqual([]);
    expect(kits[0]!.competences?.competences.map((c) => c.title)).toEqual(['Achats', 'Contrats']);
    expect(kits[0]!.fiches[0]!.diagrams).toHaveLength(1);
  });
});

describe('themes of the download page (issue 17)', () => {
  it('reports a fiche, a kit or a pictogram that does not exist, at its place in themes.yml', () => {
    const sheets = copySheets('design');
    writeFileSync(path.join(sheets, 'themes.yml'), `- identifiant: achats\n  titre: Achats\n  pictogramme: pas-une-icone\n  fiches:\n    demo: [commande-publique, logement]\n    ailleurs: [essai]\n`);
    const { diagnostics } = readThemes(sheets);
    expect(diagnostics.map((d) => [d.line, d.message.split(' :')[0]])).toEqual([
      [3, 'pictogramme « pas-une-icone » inconnu'],
      [5, 'fiche « logement » introuvable dans le kit « demo »'],
      [6, 'kit « ailleurs » inconnu'],
    ]);
  });

  it('gives each fiche its themes, by file name without its number', () => {
    const { themes } = readThemes(path.join(FIXTURES, 'design/sheets'));
    expect(themes!.of('demo', '02-commande-publique')).toEqual(['achats']);
    expect(themes!.of('demo', '01-de-quoi-parle-t-on')).toEqual([]);
  });
});

