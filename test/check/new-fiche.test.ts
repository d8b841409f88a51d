import { readdirSync, readFileSync, renameSync } from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { check } from '../../src/check.js';
import { askPart } from '../../src/cli/new-fiche.js';
import { ficheSlug, localDate } from '../../src/scaffold.js';
import { runCli } from '../helpers/cli.js';
import { copySheets, edit } from '../helpers/fixtures.js';

const newFiche = (sheets: string, ...args: string[]) => runCli(['nouvelle-fiche', ...args, '--sheets', sheets], path.dirname(sheets));
const files = (sheets: string) => readdirSync(path.join(sheets, 'demo')).filter((n) => n.endsWith('.md'));

describe('kitess nouvelle-fiche (issue 15)', () => {
  it('writes the next free number, a file name from the title, French frontmatter dated today, in draft, and a skeleton that check passes without a message', async () => {
    const sheets = copySheets('pipeline');
    const r = newFiche(sheets, 'demo', 'Économie circulaire : l’exemple des ressourceries', '--partie', 'leviers');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const name = '04-economie-circulaire-l-exemple-des-ressourceries.md';
    expect(r.stdout).toContain(`Créé sheets/demo/${name} : fiche 4, partie « Leviers d'action », en brouillon.`);
    const text = readFileSync(path.join(sheets, 'demo', name), 'utf8');
    expect(text).toMatch(new RegExp(`^---\\nnumero: 4\\ntitre: "Économie circulaire : l’exemple des ressourceries"\\npartie: leviers\\nresume: .+\\nmise-a-jour: ${localDate()}\\nstatut: brouillon\\nsources:\\n {2}- titre: .+\\n {4}adresse: https://.+\\n---\\n`));
    // The skeleton: Enjeux with a key-figures box in the required form, three levers, the usual boxes.
    expect(text.match(/^#{2,3} .+$/gm)).toEqual(['## Enjeux', "## Leviers d'action", '### Premier levier', '### Deuxième levier', '### Troisième levier']);
    expect(text).toMatch(new RegExp(`:::chiffres-cles\\n- \\*\\*0\\*\\* .+ \\(${localDate().slice(0, 4)}\\)\\n\\nSources : \\[.+\\]\\(https://.+\\)\\n:::`));
    expect(text).toMatch(/:::exemple\[.+\]\n.+\n:::/);
    expect(text).toMatch(/:::pour-aller-plus-loin\n- \[.+\]\(https:\/\/.+\).*\n:::/);
    expect((await check({ sheetsDir: sheets })).diagnostics).toEqual([]);
    expect(runCli(['check', '--strict', '--sheets', sheets]).code).toBe(0);
  });

  it('takes the number asked with --numero, when it is free', () => {
    const sheets = copySheets('pipeline');
    expect(newFiche(sheets, 'demo', 'Foncier', '--partie', 'cles', '--numero', '12').code).toBe(0);
    expect(files(sheets)).toContain('12-foncier.md');
    expect(newFiche(sheets, 'demo', 'Tourisme', '--partie', 'cles').stdout).toContain('13-tourisme.md : fiche 13');
  });

  it('refuses a number or a name already taken, an unknown part or kit, and writes nothing (exit 2)', () => {
    const sheets = copySheets('pipeline');
    const before = files(sheets);
    const cases: [string[], string][] = [
      [['demo', 'Foncier', '--partie', 'cles', '--numero', '2'], 'kitess : numéro 2 déjà pris par 02-commande-publique.md : un numéro libre est attendu (le prochain est 4)'],
      [['demo', 'Commande publique', '--partie', 'cles'], 'kitess : nom « commande-publique » déjà pris par 02-commande-publique.md : un autre titre est attendu'],
      [['demo', 'Foncier', '--partie', 'foncier'], 'kitess : partie « foncier » absente de demo/kit.yml : « cles », « leviers » attendue'],
      [['demo', 'Foncier'], "kitess : partie de la fiche manquante : --partie suivi d'une des parties de demo/kit.yml est attendu (« cles », « leviers »)"],
      [['demo', ' ?! ', '--partie', 'cles'], 'kitess : titre «  ?!  » inutilisable : un titre avec au moins une lettre ou un chiffre est attendu'],
      [['nulle-part', 'Foncier'], 'kitess : kit « nulle-part » inconnu : « demo » attendu'],
    ];
    for (const [args, message] of cases) {
      const r = newFiche(sheets, ...args);
      expect(r.stderr.trim()).toBe(message);
      expect(r.code).toBe(2);
    }
    expect(files(sheets)).toEqual(before);
  });

  it('takes the first free number that keeps the contents in number order, when there is one: check then has nothing to say (s6)', async () => {
    // Fiches 1 and 2 in « cles », 4 in « leviers »: a new fiche of « cles » takes 3, not 5.
    const sheets = copySheets('pipeline');
    const demo = path.join(sheets, 'demo');
    edit(path.join(demo, '02-commande-publique.md'), 'partie: leviers', 'partie: cles');
    edit(path.join(demo, '03-contractualisation.md'), 'numero: 3', 'numero: 4');
    renameSync(path.join(demo, '03-contractualisation.md'), path.join(demo, '04-contractualisation.md'));
    expect((await check({ sheetsDir: sheets })).diagnostics).toEqual([]);
    const r = newFiche(sheets, 'demo', 'Foncier', '--partie', 'cles');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('03-foncier.md : fiche 3');
    expect(r.stdout).not.toContain('Attention');
    expect((await check({ sheetsDir: sheets })).diagnostics).toEqual([]);
  });

  it('when no free number keeps that order, takes the next one and says so; check gives that one warning, on the new fiche (s6)', async () => {
    // Fiche 1 in « cles », 2 and 3 in « leviers »: a new fiche of « cles » is 4, listed before fiche 2.
    const sheets = copySheets('pipeline');
    const r = newFiche(sheets, 'demo', 'Foncier', '--partie', 'cles');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('04-foncier.md : fiche 4');
    expect(r.stdout).toContain(
      "Attention : la fiche 4 sera listée avant la fiche 2 dans le sommaire, sa partie « cles » venant avant « leviers » dans kit.yml ; aucun numéro libre ne la garde dans l'ordre des numéros : « kitess check » le signale par un avertissement (ordre-sommaire) sur cette fiche, jusqu'à ce que vous renumérotiez les fiches ou changiez sa partie.\n",
    );
    const { diagnostics } = await check({ sheetsDir: sheets });
    expect(diagnostics.map((d) => `${path.basename(d.file)}:${d.line}:${d.column} ${d.severity} ${d.rule} ${d.message}`)).toEqual([
      '04-foncier.md:4:9 avertissement ordre-sommaire fiche 4 listée avant la fiche 2 dans le sommaire, sa partie « cles » venant avant « leviers » dans kit.yml : des numéros croissants sont attendus (changez la partie ou renumérotez)',
    ]);
  });

  it('asks for the part as a numbered list, again until the answer is one of them', async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    let shown = '';
    output.on('data', (d) => (shown += d));
    const answer = askPart([{ id: 'cles', title: 'Premières clés' }, { id: 'leviers', title: "Leviers d'action" }], input, output);
    input.end('7\nleviers\n');
    expect(await answer).toBe('leviers');
    expect(shown).toBe(
      "Partie de la fiche :\n  1. Premières clés (cles)\n  2. Leviers d'action (leviers)\nNuméro de la partie (1 à 2) : « 7 » : un numéro de 1 à 2 est attendu.\nNuméro de la partie (1 à 2) : ",
    );
  });

  it('makes file names without accents, spaces or capitals, cut at a word when long', () => {
    expect(ficheSlug("L'ESS, c'est quoi ?")).toBe('l-ess-c-est-quoi');
    expect(ficheSlug('Œuvrer pour la transition énergétique')).toBe('oeuvrer-pour-la-transition-energetique');
    const long = ficheSlug('Les pôles territoriaux de coopération économique et les filières de la transition écologique et solidaire');
    expect(long.length).toBeLessThanOrEqual(60);
    expect(long).toBe('les-poles-territoriaux-de-cooperation-economique-et-les');
  });
});
