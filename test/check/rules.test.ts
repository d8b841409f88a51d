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
    // One error per file, at the mistake, with its usual cause (issue 13): a colon in a value, an apostrophe inside
    // single quotes, a quote never closed, a list item without « - », a misaligned field, a tab, a key twice in
    // one item, a « [ » never closed, text after a closing « ] » or « " », a colon missing after a key (s6), an alias (a bomb of nested aliases must not be expanded).
    at: [
      ['essai/kit.yml', 3, 13],
      ['essai/01-essai.md', 3, 8],
      ['essai/02-apostrophe.md', 3, 10],
      ['essai/03-guillemet.md', 3, 8],
      ['essai/04-tiret.md', 10, 3],
      ['essai/05-indentation.md', 9, 4],
      ['essai/06-tabulation.md', 8, 1],
      ['essai/07-double.md', 10, 5],
      ['essai/08-crochet.md', 3, 8],
      ['essai/09-crochet-ferme.md', 3, 8],
      ['essai/10-guillemets.md', 3, 8],
      ['essai/11-crochet-guillemets.md', 3, 8],
      ['essai/12-deux-points.md', 4, 7],
      ['essai/13-deux-points-liste.md', 9, 12],
      ['alias/kit.yml', 17, 26],
    ],
    says: new RegExp(
      [
        '^deux-points inattendu dans une valeur : une valeur qui contient « : » doit être entre guillemets',
        `^apostrophe dans un texte entre apostrophes, le texte s'arrête là : mettez-le entre guillemets droits, "L'ESS en pratique", ou écrivez l'apostrophe typographique « ’ »$`,
        '^guillemet « " » ouvert et jamais fermé : un « " » est attendu à la fin du texte, sur la même ligne$',
        '^élément de liste sans « - » : chaque élément commence par « - » aligné sur celui du dessus, « - titre: Avise » est attendu$',
        '^indentation inattendue : « adresse » commence en colonne 4 et « titre » au-dessus en colonne 5, des champs alignés sont attendus',
        "^tabulation dans l'indentation : des espaces sont attendus",
        '^champ « titre » en double dans le même élément de liste : pour un nouvel élément, « - titre: Avise » est attendu$',
        '^alias YAML « \\*a » : la valeur écrite en entier est attendue',
        '^texte après « \\] » : une valeur qui commence par « \\[ » est lue comme une liste ; mettez toute la valeur entre guillemets droits, ex\\. titre: "\\[Brouillon\\] L’ESS en pratique"$',
        '^texte après « \\] » : une valeur qui commence par « \\[ » est lue comme une liste ; mettez toute la valeur entre guillemets droits, ex\\. titre: "\\[Brouillon\\] « L’ESS en pratique »"$',
        '^texte après le guillemet fermant : la valeur s\'arrête au second « " » ; mettez toute la valeur entre guillemets droits, avec des guillemets « » à l\'intérieur, ex\\. titre: "« ESS » en pratique"$',
        '^deux-points manquant après « (partie|adresse) » : « (partie: cles|adresse: https://www\\.rtes\\.fr/) » est attendu$',
        '^« \\[ » ouvert et jamais fermé : un « \\] » est attendu sur la même ligne ; pour un texte qui commence par « \\[ », mettez-le entre guillemets droits, ex\\. titre: "\\[…"$',
      ].join('|'),
    ),
  },
  {
    rule: 'kit-schema',
    severity: 'erreur',
    at: [['essai/kit.yml', 9, 10], ['autre/kit.yml', 1, 14], ['autre/kit.yml', 16, 18], ['couleur/kit.yml', 9, 10]],
    says: /« couleur » vaut le texte « vert » : une couleur au format #rrvvbb est attendue|identifiant « autre-kit » différent du dossier : « autre » est attendu|partie « cles » déclarée deux fois|^« couleur » vide, « #2f7d4f » est lu comme un commentaire : mettez la couleur entre guillemets, couleur: "#2f7d4f"$/,
  },
  { rule: 'fiche-schema', severity: 'erreur', at: [['essai/01-essai.md', 6, 14]], says: /^« mise-a-jour » vaut le texte « 10\/02\/2026 » : une date au format AAAA-MM-JJ est attendue$/ },
  { rule: 'en-tete-manquant', severity: 'erreur', at: [['essai/02-sans-en-tete.md', 1, 1]], says: /^en-tête YAML manquant : la fiche doit commencer par « --- »/ },
  {
    // The header opened but closed by « -- », « ---- » or not at all (s6): at the line where « --- » is expected.
    rule: 'en-tete-non-ferme',
    severity: 'erreur',
    at: [['essai/01-essai.md', 10, 1], ['essai/02-sans-fin.md', 11, 1], ['essai/03-quatre-tirets.md', 10, 1]],
    says: /^en-tête YAML non fermé(, « -{2,4} » trouvé : « --- » \(trois tirets seuls sur la ligne\) est attendu après le champ « sources »| : une ligne « --- » est attendue après le champ « sources », avant « ## Enjeux »)$/,
  },
  { rule: 'nom-de-fichier', severity: 'erreur', at: [['essai/2-Commande_publique.md', 1, 1]], says: /^nom de fichier « 2-Commande_publique\.md » inattendu : « NN-nom-court\.md » est attendu/ },
  { rule: 'numero-fichier', severity: 'erreur', at: [['essai/02-autre.md', 2, 9]], says: /^numéro 3 différent de celui du nom de fichier : 2 est attendu$/ },
  { rule: 'numero-en-double', severity: 'erreur', at: [['essai/01-essai.md', 2, 9]], says: /^numéro 1 déjà pris par .*01-autre\.md : un numéro unique est attendu$/ },
  {
    // Issue 18: a fiche's web page is named after its file without the number; two such names would share it.
    rule: 'adresse-en-double',
    severity: 'erreur',
    at: [['essai/02-scic.md', 1, 1]],
    says: /^nom de fichier « 02-scic\.md » : sans son numéro, il donne l'adresse web « essai\/scic\/ », déjà celle de .*01-scic\.md ; un nom différent de celui des autres fiches du kit est attendu \(ex\. « 02-scic-2\.md »\)$/,
  },
  { rule: 'partie-inconnue', severity: 'erreur', at: [['essai/01-essai.md', 4, 9]], says: /^partie « leviers » absente de kit\.yml : « cles » attendue$/ },
  { rule: 'renvoi-inconnu', severity: 'erreur', at: [['essai/02-autre.md', 14, 25]], says: /^renvoi vers la fiche 9, qui n'existe pas dans le kit « essai » : un numéro parmi 1, 2 est attendu$/ },
  { rule: 'renvoi-illisible', severity: 'erreur', at: [['essai/01-essai.md', 14, 9]], says: /^renvoi « :fiche\[douze\] » illisible : un numéro de fiche est attendu/ },
  {
    rule: 'encadre-inconnu',
    severity: 'erreur',
    // Names almost right get the one meant (issue 13).
    at: [['essai/01-essai.md', 14, 1], ['essai/01-essai.md', 18, 1], ['essai/02-suggestions.md', 14, 1], ['essai/02-suggestions.md', 18, 1]],
    says: /^(encadré « encart » inconnu : encadrés admis « chiffres-cles »|directive « ::a-retenir » inattendue : un encadré s'ouvre par « ::: »|encadré « A-retenir » inconnu : vouliez-vous dire « a-retenir » \?|encadré « chiffres-clés » inconnu : vouliez-vous dire « chiffres-cles » \?)/,
  },
  { rule: 'directive-inconnue', severity: 'erreur', at: [['essai/01-essai.md', 14, 15]], says: /^directive « :annexe » inconnue : seule « :fiche\[N\] » est admise dans le texte$/ },
  {
    rule: 'encadre-vide',
    severity: 'erreur',
    at: [['essai/01-essai.md', 16, 1], ['essai/01-essai.md', 19, 1]],
    says: /^encadré « (a-retenir|exemple) » vide : du contenu est attendu avant « ::: »$/,
  },
  {
    rule: 'encadre-non-ferme',
    severity: 'erreur',
    // Before another box, and at the end of a file that ends with a newline (issue 13).
    at: [['essai/01-essai.md', 16, 1], ['essai/02-fin.md', 14, 1]],
    says: /^(encadré « a-retenir » non fermé avant l'encadré « exemple » \(ligne 23\) : une ligne « ::: » est attendue à sa fin|encadré « a-retenir » jamais fermé : une ligne « ::: » est attendue à sa fin \(sinon il avale la suite de la fiche\))$/,
  },
  {
    rule: 'encadre-mal-ecrit',
    severity: 'erreur',
    // `::: chiffres-cles`, `:::A retenir`, `:::exemple Lille (Nord)`, a lone `::::`, « ::: » inside a line (issue 13).
    at: [['essai/01-essai.md', 14, 1], ['essai/01-essai.md', 18, 1], ['essai/01-essai.md', 22, 1], ['essai/01-essai.md', 30, 1], ['essai/01-essai.md', 32, 10]],
    says: new RegExp(
      [
        '^encadré mal ouvert « ::: chiffres-cles » : vouliez-vous dire « :::chiffres-cles » \\? \\(sans espace après « ::: »\\)$',
        '^encadré mal ouvert « :::A retenir » : vouliez-vous dire « :::a-retenir » \\?',
        '^encadré mal ouvert « :::exemple Lille \\(Nord\\) » : vouliez-vous dire « :::exemple\\[Lille \\(Nord\\)\\] » \\? \\(l\'intitulé entre crochets\\)$',
        '^ligne « :::: » sans encadré ouvert : un encadré s\'ouvre par une ligne « :::nom »',
        '^« ::: » au milieu d\'une ligne : un encadré s\'ouvre en début de ligne',
      ].join('|'),
    ),
  },
  { rule: 'encadre-sans-intitule', severity: 'erreur', at: [['essai/01-essai.md', 14, 1]], says: /^encadré « exemple » sans intitulé : la collectivité, ex\. « :::exemple\[/ },
  { rule: 'titre-niveau-1', severity: 'erreur', at: [['essai/01-essai.md', 12, 1]], says: /^titre de niveau « # » dans le corps : le titre vient de l'en-tête/ },
  {
    rule: 'chiffre-sans-annee',
    severity: 'erreur',
    // No parenthesis at all; a parenthesis without a year. A rule of law « en vigueur » needs no year.
    at: [['essai/01-essai.md', 17, 1], ['essai/01-essai.md', 18, 1]],
    says: /^chiffre clé « .+ » sans année : l'année des données est attendue entre parenthèses à la fin, ex\. « \(2024\) »/,
  },
  {
    rule: 'chiffre-ancien',
    severity: 'avertissement',
    // Edition 1 March 2026, 4 years by default: 2021 and 2019 warn, 2022-2023 does not; a kit set to 6 years accepts 2021.
    at: [['essai/01-essai.md', 17, 1], ['essai/01-essai.md', 19, 1]],
    says: /^chiffre clé « .+ » de (2021|2019), plus de 4 ans avant l'édition du 1er mars 2026 : un chiffre plus récent est attendu/,
  },
  {
    rule: 'chiffres-sans-source',
    severity: 'erreur',
    // A « Source : » line without an address, and no source line at all.
    at: [['essai/01-essai.md', 16, 1], ['essai/01-essai.md', 22, 1]],
    says: /^encadré « chiffres-cles » sans source avec adresse : un paragraphe « Sources : » avec au moins un lien/,
  },
  { rule: 'titre-saute', severity: 'erreur', at: [['essai/01-essai.md', 16, 1]], says: /^niveau de titre sauté : « #### » après « ## », « ### » est attendu$/ },
  {
    rule: 'lien-non-https',
    severity: 'avertissement',
    // A link in the body, a reference-style link (at the link) and a source's url.
    at: [['essai/01-essai.md', 14, 9], ['essai/01-essai.md', 14, 52], ['essai/01-essai.md', 9, 14]],
    says: /^(lien « http:\/\/www\.rtes\.fr\/(guide)? » non sécurisé|source « http:\/\/www\.rtes\.fr\/ » non sécurisée) : une adresse en https:\/\/ est attendue$/,
  },
  {
    // A link to a file is dead in the booklet and the PDFs (s6): to an existing fiche, its `:fiche[N]`; to a missing
    // one, the fiche of that number if any; to any other file, a full https address or a cross-reference.
    rule: 'lien-fichier',
    severity: 'erreur',
    at: [['essai/01-essai.md', 14, 6], ['essai/01-essai.md', 14, 50], ['essai/01-essai.md', 14, 79], ['essai/01-essai.md', 16, 4], ['essai/01-essai.md', 16, 30]],
    says: new RegExp(
      [
        "^lien « 02-acces-au-foncier\\.md » vers le fichier d'une fiche, mort dans le livret et les PDF : le renvoi « :fiche\\[2\\] » est attendu",
        '^lien « 09-foncier\\.md » vers un fichier introuvable, aucune fiche « 09-foncier\\.md » dans le kit : pour renvoyer à une fiche, un renvoi « :fiche\\[N\\] » est attendu, N le numéro de la fiche$',
        '^lien « 02-foncier\\.md » vers un fichier introuvable, aucune fiche « 02-foncier\\.md » dans le kit : .* ; la fiche 2 du kit est « 02-acces-au-foncier\\.md », son renvoi « :fiche\\[2\\] »$',
        '^lien « (guide\\.pdf|\\.\\./annexe\\.md) » vers un fichier, mort dans le livret et les PDF : une adresse web complète en https:// est attendue, ou, pour renvoyer à une fiche, un renvoi « :fiche\\[N\\] » est attendu',
      ].join('|'),
    ),
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
  {
    rule: 'encodage',
    severity: 'erreur',
    // A fiche saved in Windows-1252 and a kit.yml in Latin-1: at the first byte that is not UTF-8 (issue 13).
    at: [['essai/01-essai.md', 14, 9], ['autre/kit.yml', 8, 11]],
    says: /^fichier non enregistré en UTF-8 : le « é » de « (coopératives|Réseau) » est l'octet 0xE9 de Latin-1 \(et \d autres? plus loin\), UTF-8 est attendu ; enregistrez le fichier en UTF-8 .* ou lancez « kitess check --convertir-utf8 »$/,
  },
  {
    rule: 'fichier-ignore',
    severity: 'avertissement',
    // Files beside the fiches that look meant as fiches but are left out of the PDFs (issue 13).
    at: [['essai/24-logement.MD', 1, 1], ['essai/25-culture.txt', 1, 1], ['essai/26-sport.docx', 1, 1], ['essai/27-sante.markdown', 1, 1]],
    says: /^fichier « (24-logement\.MD|25-culture\.txt|26-sport\.docx|27-sante\.markdown) » laissé de côté : (extension|document) « \.(MD|txt|docx|markdown) », .*« (24-logement|25-culture|26-sport|27-sante)\.md »\)$/,
  },
  {
    rule: 'image-illisible',
    severity: 'erreur',
    at: [['essai/01-essai.md', 14, 1], ['essai/01-essai.md', 16, 1]],
    says: /^image « (Carte des lieux\.svg » non lue, nom de fichier avec des espaces : un nom sans espaces est attendu \(renommez le fichier, ex\. « carte-des-lieux\.svg »|!\[Carte des lieux\] \(carte-des-lieux\.svg\) » non lue, imprimée telle quelle : « !\[texte alternatif\]\(fichier\.svg\) » est attendu)/,
  },
  { rule: 'lien-illisible', severity: 'erreur', at: [['essai/01-essai.md', 14, 6]], says: /^lien « \[le guide\]\(https:\/\/www\.rtes\.fr\/guide des achats\.pdf\) » non lu, adresse avec des espaces : une adresse sans espaces est attendue/ },
  { rule: 'lien-incomplet', severity: 'erreur', at: [['essai/01-essai.md', 14, 6]], says: /^lien « www\.rtes\.fr » incomplet : l’adresse « https:\/\/www\.rtes\.fr » est attendue$/ },
  { rule: 'gras-non-ferme', severity: 'avertissement', at: [['essai/01-essai.md', 14, 5]], says: /^« \*\* » sans fermeture, imprimé tel quel : le gras s’écrit « \*\*texte\*\* »/ },
  { rule: 'note-introuvable', severity: 'avertissement', at: [['essai/01-essai.md', 14, 27]], says: /^appel de note « \[\^1\] » sans note, imprimé tel quel : une ligne « \[\^1\]: texte de la note » est attendue$/ },
  { rule: 'note-sans-appel', severity: 'avertissement', at: [['essai/01-essai.md', 17, 1]], says: /^note « \[\^2\] » jamais appelée, donc pas imprimée : un appel « \[\^2\] » est attendu dans le texte$/ },
  { rule: 'renvoi-vers-soi', severity: 'avertissement', at: [['essai/01-essai.md', 14, 25]], says: /^renvoi « :fiche\[1\] » vers la fiche elle-même : un renvoi vers une autre fiche du kit est attendu$/ },
  {
    rule: 'ordre-sommaire',
    severity: 'avertissement',
    at: [['essai/01-fiche.md', 4, 9]],
    says: /^fiche 1 listée après la fiche 2 dans le sommaire, sa partie « leviers » venant après « enjeux » dans kit\.yml : des numéros croissants sont attendus/,
  },
  {
    rule: 'texte-indente',
    severity: 'erreur',
    // One error per indented block, however many lines it has, not one per line (issue 13); a sub-list is fine.
    at: [['essai/01-essai.md', 14, 1], ['essai/01-essai.md', 22, 1]],
    says: /^texte indenté \((tabulation|quatre espaces) en début de ligne\) imprimé comme du code, en police à chasse fixe : un paragraphe qui commence en début de ligne est attendu$/,
  },
  { rule: 'sources-vides', severity: 'erreur', at: [['essai/01-essai.md', 7, 10]], says: /^aucune source : au moins une référence est attendue$/ },
  {
    rule: 'graphique-illisible',
    severity: 'erreur',
    // A chart without its « Source : » paragraph (at the box), and a value that is not a number (at its cell).
    at: [['essai/01-essai.md', 14, 1], ['essai/01-essai.md', 18, 8]],
    says: /^(graphique sans source : un paragraphe « Source : … »|« 2,4 millions » n'est pas un nombre : un nombre est attendu dans la deuxième colonne)/,
  },
  { rule: 'schema-competences', severity: 'erreur', at: [['essai/competences.yml', 9, 14]], says: /^fiche 4 inexistante dans le kit : un numéro parmi 1 est attendu$/ },
  { rule: 'themes', severity: 'erreur', at: [['themes.yml', 5, 20]], says: /^fiche « commande-publique » introuvable dans le kit « essai » : le nom d'un fichier de fiche sans son numéro/ },
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
        message: expect.stringMatching(/^\d+ pages imprimées : 1 au plus est attendue \(\d+ pages? de trop, budget de la fiche\)$/),
        rule,
      },
      {
        file: shown(rule, 'bad', 'autre/01-longue.md'),
        line: 2,
        column: 9,
        severity: 'erreur',
        message: expect.stringMatching(/^\d+ pages imprimées : 1 au plus est attendue \(\d+ pages? de trop, budget du kit\)$/),
        rule,
      },
    ].sort((a, b) => a.file.localeCompare(b.file)));
    // The message gives the pages printed and by how much they overflow.
    expect(diagnostics.map((d) => d.message.match(/^(\d+) pages imprimées : 1 au plus est attendue \((\d+) pages? de trop/)!.slice(1).map(Number))).toEqual(
      diagnostics.map((d) => {
        const p = pages.find((q) => q.file === d.file)!;
        return [p.pages, p.pages - p.budget];
      }),
    );
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

  it('does not print when not asked (the API’s default), nor when the sources have errors', async () => {
    const plain = await check({ sheetsDir: sheets(rule, 'bad') });
    expect(plain).toEqual({ diagnostics: [], pages: [], pagesChecked: false, converted: [] });
    const broken = await check({ sheetsDir: sheets('numero-fichier', 'bad'), pages: true }, { browser });
    expect(broken.pages).toEqual([]);
    expect(broken.diagnostics.map((d) => d.rule)).toEqual(['numero-fichier']);
  });
});
