import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserHandle } from '../../src/browser.js';
import { check } from '../../src/check.js';
import type { Diagnostic, Severity } from '../../src/errors.js';
import { testBrowser } from '../helpers/browser.js';
import { FIXTURES } from '../helpers/fixtures.js';

/**
 * One case per rule of `kitess check`: `test/fixtures/check/<rule>/bad/sheets` must give a diagnostic of that rule
 * at each place listed (and nothing else), `…/good/sheets` must give no diagnostic at all.
 */
interface Case {
  rule: string;
  severity: Severity;
  /** Where the diagnostics are: file relative to the sheets folder, line, column (from 1). */
  at: [file: string, line: number, column: number][];
  /** What the French message says. */
  says: RegExp;
}

const CASES: Case[] = [
  {
    rule: 'yaml-syntaxe',
    severity: 'erreur',
    at: [['essai/kit.yml', 3, 13], ['essai/01-essai.md', 3, 8]],
    says: /^deux-points inattendu dans une valeur : une valeur qui contient « : » doit être entre guillemets/,
  },
  {
    rule: 'kit-schema',
    severity: 'erreur',
    at: [['essai/kit.yml', 9, 10], ['autre/kit.yml', 1, 14], ['autre/kit.yml', 16, 18]],
    says: /« couleur » vaut le texte « vert » : une couleur au format #rrvvbb est attendue|identifiant « autre-kit » différent du dossier : « autre » est attendu|partie « cles » déclarée deux fois/,
  },
  { rule: 'fiche-schema', severity: 'erreur', at: [['essai/01-essai.md', 6, 14]], says: /^« mise-a-jour » vaut le texte « 10\/02\/2026 » : une date au format AAAA-MM-JJ est attendue$/ },
  { rule: 'en-tete-manquant', severity: 'erreur', at: [['essai/02-sans-en-tete.md', 1, 1]], says: /^en-tête YAML manquant : la fiche doit commencer par « --- »/ },
  // A file saved in Windows-1252: the first byte that is not UTF-8 (« é » of « réseau »); a byte-order mark is fine.
  { rule: 'encodage', severity: 'erreur', at: [['essai/01-essai.md', 14, 5]], says: /^octet 0xE9 illisible en UTF-8 \(fichier enregistré en Windows-1252 ou Latin-1 \?\) : un fichier en UTF-8 est attendu/ },
  { rule: 'nom-de-fichier', severity: 'erreur', at: [['essai/2-Commande_publique.md', 1, 1]], says: /^nom de fichier « 2-Commande_publique\.md » inattendu : « NN-nom-court\.md » est attendu/ },
  { rule: 'numero-fichier', severity: 'erreur', at: [['essai/02-autre.md', 2, 9]], says: /^numéro 3 différent de celui du nom de fichier : 2 est attendu$/ },
  { rule: 'numero-en-double', severity: 'erreur', at: [['essai/01-essai.md', 2, 9]], says: /^numéro 1 déjà pris par .*01-autre\.md : un numéro unique est attendu$/ },
  { rule: 'partie-inconnue', severity: 'erreur', at: [['essai/01-essai.md', 4, 9]], says: /^partie « leviers » absente de kit\.yml : « cles » attendue$/ },
  { rule: 'renvoi-inconnu', severity: 'erreur', at: [['essai/02-autre.md', 14, 25]], says: /^renvoi vers la fiche 9, qui n'existe pas dans le kit « essai » : un numéro parmi 1, 2 est attendu$/ },
  { rule: 'renvoi-illisible', severity: 'erreur', at: [['essai/01-essai.md', 14, 9]], says: /^renvoi « :fiche\[douze\] » illisible : un numéro de fiche est attendu/ },
  {
    rule: 'encadre-inconnu',
    severity: 'erreur',
    at: [['essai/01-essai.md', 14, 1], ['essai/01-essai.md', 18, 1]],
    says: /^(encadré « encart » inconnu : encadrés admis « chiffres-cles »|directive « ::a-retenir » inattendue : un encadré s'ouvre par « ::: »)/,
  },
  { rule: 'directive-inconnue', severity: 'erreur', at: [['essai/01-essai.md', 14, 15]], says: /^directive « :annexe » inconnue : seule « :fiche\[N\] » est admise dans le texte$/ },
  {
    rule: 'encadre-vide',
    severity: 'erreur',
    at: [['essai/01-essai.md', 16, 1], ['essai/01-essai.md', 19, 1]],
    says: /^encadré « (a-retenir|exemple) » vide : du contenu est attendu avant « ::: »$/,
  },
  { rule: 'encadre-non-ferme', severity: 'erreur', at: [['essai/01-essai.md', 16, 1]], says: /^encadré « a-retenir » non fermé avant l'encadré « exemple » \(ligne 23\) : une ligne « ::: » est attendue à sa fin$/ },
  { rule: 'encadre-sans-intitule', severity: 'erreur', at: [['essai/01-essai.md', 14, 1]], says: /^encadré « exemple » sans intitulé : la collectivité, ex\. « :::exemple\[/ },
  { rule: 'titre-niveau-1', severity: 'erreur', at: [['essai/01-essai.md', 12, 1]], says: /^titre de niveau « # » dans le corps : le titre vient de l'en-tête/ },
  { rule: 'titre-saute', severity: 'erreur', at: [['essai/01-essai.md', 16, 1]], says: /^niveau de titre sauté : « #### » après « ## », « ### » est attendu$/ },
  {
    rule: 'lien-non-https',
    severity: 'avertissement',
    // A link in the body, a reference-style link (at the link) and a source's url.
    at: [['essai/01-essai.md', 14, 9], ['essai/01-essai.md', 14, 52], ['essai/01-essai.md', 9, 14]],
    says: /^(lien « http:\/\/www\.rtes\.fr\/(guide)? » non sécurisé|source « http:\/\/www\.rtes\.fr\/ » non sécurisée) : une adresse en https:\/\/ est attendue$/,
  },
  { rule: 'html-brut', severity: 'erreur', at: [['essai/01-essai.md', 14, 1], ['essai/01-essai.md', 16, 10]], says: /^HTML brut ignoré : utilisez la syntaxe Markdown ou un encadré$/ },
  { rule: 'image-sans-alt', severity: 'erreur', at: [['essai/01-essai.md', 14, 1]], says: /^image « schema\.svg » sans texte alternatif : une description entre crochets est attendue/ },
  {
    rule: 'image-externe',
    severity: 'erreur',
    // A web address, a path out of the kit's folder, and a reference-style image's web address.
    at: [['essai/01-essai.md', 14, 1], ['essai/01-essai.md', 16, 1], ['essai/01-essai.md', 18, 1]],
    says: /^image « (https:\/\/www\.example\.org\/(carte\.svg|photo\.png)|\.\.\/schema\.svg) » hors du (kit|dossier du kit) : un fichier (du dossier du kit|de essai\/) est attendu/,
  },
  { rule: 'image-format', severity: 'erreur', at: [['essai/01-essai.md', 14, 1]], says: /^image « carte\.gif » d'un format inattendu : SVG, PNG, JPEG ou WebP est attendu$/ },
  {
    rule: 'image-introuvable',
    severity: 'erreur',
    at: [['essai/01-essai.md', 14, 26], ['essai/01-essai.md', 16, 1]],
    says: /^image « (carte\.svg|taux-100%\.svg) » introuvable : le fichier .*essai\/(carte\.svg|taux-100%\.svg) est attendu$/,
  },
  { rule: 'sources-vides', severity: 'erreur', at: [['essai/01-essai.md', 7, 10]], says: /^aucune source : au moins une référence est attendue$/ },
];

const sheets = (rule: string, variant: 'bad' | 'good') => path.join(FIXTURES, 'check', rule, variant, 'sheets');
/** A file of a fixture as diagnostics name it: relative to the working directory. */
const shown = (rule: string, variant: 'bad' | 'good', file: string) => path.relative(process.cwd(), path.join(sheets(rule, variant), file));
const places = (ds: Diagnostic[]) => ds.map((d) => `${d.file}:${d.line}:${d.column} ${d.rule}`);

/** Rule ids the sources can produce: quoted ids on lines that make a diagnostic. */
function rulesInSources(): Set<string> {
  const src = path.resolve(import.meta.dirname, '../../src');
  const files = readdirSync(src, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
  const rules = new Set<string>();
  for (const file of files) {
    for (const line of readFileSync(path.join(src, file), 'utf8').split('\n')) {
      if (!/rule: '|diagnose\(|validateYaml\(/.test(line)) continue;
      for (const m of line.matchAll(/'([a-z0-9]+(?:-[a-z0-9]+)+)'\s*(?:,\s*'(?:erreur|avertissement)'\s*)?\)|rule: '([a-z0-9-]+)'/g)) rules.add(m[1] ?? m[2]!);
    }
  }
  return rules;
}

let browser: BrowserHandle;

beforeAll(async () => {
  browser = await testBrowser();
});

afterAll(async () => {
  await browser?.close();
});

it('has a case for every rule the sources produce, and a bad and a good fixture for each', () => {
  const tested = [...CASES.map((c) => c.rule), 'pages-hors-budget'].sort();
  expect(tested).toEqual([...rulesInSources()].sort());
  expect(readdirSync(path.join(FIXTURES, 'check')).sort()).toEqual(tested);
});

describe.each(CASES)('$rule', ({ rule, severity, at, says }) => {
  it(`finds it in the bad fixture, at each place, as ${severity === 'erreur' ? 'an error' : 'a warning'} in French`, async () => {
    const { diagnostics } = await check({ sheetsDir: sheets(rule, 'bad') });
    // The fixture triggers this rule and nothing else.
    expect(places(diagnostics.filter((d) => d.rule !== rule))).toEqual([]);
    expect(diagnostics.map((d) => `${d.file}:${d.line}:${d.column}`).sort()).toEqual(at.map(([f, l, c]) => `${shown(rule, 'bad', f)}:${l}:${c}`).sort());
    for (const d of diagnostics) {
      expect(d.severity).toBe(severity);
      expect(d.message).toMatch(says);
      // What was found, then what is expected, in French: « found : expected ».
      expect(d.message).toMatch(/ : /);
      expect(d.message).not.toMatch(/\b(expected|received|invalid|must|should|unknown|missing)\b/i);
    }
  });

  it('finds nothing in the good fixture', async () => {
    const { diagnostics, pages } = await check({ sheetsDir: sheets(rule, 'good') });
    expect(places(diagnostics)).toEqual([]);
    expect(pages).toEqual([]);
  });
});

describe('pages-hors-budget', () => {
  const rule = 'pages-hors-budget';

  it('prints the fiches and flags one over its own budget (at budget:) and one over the kit’s (at number:)', async () => {
    const { diagnostics, pages } = await check({ sheetsDir: sheets(rule, 'bad'), pages: true, concurrency: 2 }, { browser });
    expect(diagnostics).toEqual([
      {
        file: shown(rule, 'bad', 'essai/01-longue.md'),
        line: 7,
        column: 9,
        severity: 'erreur',
        message: expect.stringMatching(/^fiche de \d+ pages imprimées : 1 au plus est attendue \(budget de la fiche\)$/),
        rule,
      },
      {
        file: shown(rule, 'bad', 'autre/01-longue.md'),
        line: 2,
        column: 9,
        severity: 'erreur',
        message: expect.stringMatching(/^fiche de \d+ pages imprimées : 1 au plus est attendue \(budget du kit\)$/),
        rule,
      },
    ].sort((a, b) => a.file.localeCompare(b.file)));
    expect(diagnostics.map((d) => d.message.match(/\d+/)![0])).toEqual(diagnostics.map((d) => String(pages.find((p) => p.file === d.file)!.pages)));
    expect(pages.map((p) => [p.kit, p.number, p.budget])).toEqual([
      ['autre', 1, 1],
      ['essai', 1, 1],
    ]);
    for (const p of pages) expect(p.pages).toBeGreaterThan(p.budget);
  });

  it('passes fiches within budget: the fiche’s budget wins over the kit’s, the kit’s applies otherwise', async () => {
    const { diagnostics, pages } = await check({ sheetsDir: sheets(rule, 'good'), pages: true }, { browser });
    expect(places(diagnostics)).toEqual([]);
    expect(pages.map((p) => [p.kit, p.number, p.budget])).toEqual([
      ['autre', 1, 1], // kit.yml: budget: 1
      ['autre', 2, 2], // the fiche's budget: 2 wins over the kit's
      ['essai', 1, 1], // the fiche's budget: 1
      ['essai', 2, 2], // the fiche's budget: 2
    ]);
    expect(pages.map((p) => p.pages)).toEqual([1, 2, 1, 2]);
  });

  it('does not print without --pages, nor when the sources have errors', async () => {
    const plain = await check({ sheetsDir: sheets(rule, 'bad') });
    expect(plain).toEqual({ diagnostics: [], pages: [] });
    const broken = await check({ sheetsDir: sheets('numero-fichier', 'bad'), pages: true }, { browser });
    expect(broken.pages).toEqual([]);
    expect(broken.diagnostics.map((d) => d.rule)).toEqual(['numero-fichier']);
  });
});
