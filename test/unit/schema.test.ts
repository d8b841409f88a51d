import { describe, expect, it } from 'vitest';
import { kitSchema } from '../../src/config/schema.js';
import { validateYaml } from '../../src/config/validate-yaml.js';
import { FRONTMATTER, processSheet } from '../helpers/sheet.js';

const KIT = `identifiant: demo
titre: Kit DémoESS
sous-titre: Essai
niveau: communes
edition:
  numero: 1
  date: 2026-03-01
editeur: RTES
couleur: "#2f7d4f"
livret: kit-demoess
adresse-web: https://kits.example.org/demo/
edito: Bonjour.
parties:
  - identifiant: cles
    titre: Premières clés
`;

function kitErrors(text: string) {
  const r = validateYaml(text, kitSchema, { file: 'sheets/demo/kit.yml', firstLine: 1 }, 'kit-schema');
  return r.ok ? [] : r.diagnostics;
}

describe('kit.yml schema', () => {
  it('accepts a complete kit and fills defaults', () => {
    const r = validateYaml(KIT, kitSchema, { file: 'kit.yml', firstLine: 1 }, 'kit-schema');
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.value.budget).toBe(2);
  });

  it('points at a bad accent colour, in French', () => {
    const [d] = kitErrors(KIT.replace('"#2f7d4f"', 'vert'));
    expect(d).toMatchObject({ file: 'sheets/demo/kit.yml', line: 9, column: 10, severity: 'erreur', rule: 'kit-schema' });
    expect(d!.message).toContain('#rrvvbb');
  });

  it('points at a wrong type inside a nested field', () => {
    const [d] = kitErrors(KIT.replace('numero: 1', 'numero: premier'));
    expect(d).toMatchObject({ line: 6, column: 11 });
    expect(d!.message).toBe('« edition.numero » vaut le texte « premier » : un nombre est attendu');
  });

  it('names a missing field', () => {
    const [d] = kitErrors(KIT.replace('editeur: RTES\n', ''));
    expect(d!.message).toBe('champ « editeur » manquant : un texte est attendu');
  });

  it('names the French key when an English one is used, at its key', () => {
    const [d] = kitErrors(KIT.replace('titre: Kit DémoESS', 'title: Kit DémoESS'));
    expect(d).toMatchObject({ line: 2, column: 1 });
    expect(d!.message).toBe('champ « title » en anglais : « titre » est attendu');
  });

  it('understands keys written with their accents', () => {
    const r = validateYaml(KIT.replace('editeur: RTES', 'éditeur: RTES').replace('sous-titre:', 'Sous-titre:'), kitSchema, { file: 'kit.yml', firstLine: 1 }, 'kit-schema');
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.value).toMatchObject({ publisher: 'RTES', subtitle: 'Essai' });
  });

  it('points at an unknown field at its key', () => {
    const [d] = kitErrors(`${KIT}colour: red\n`);
    expect(d).toMatchObject({ line: 16, column: 1 });
    expect(d!.message).toContain('champ inconnu « colour »');
  });

  it('reports YAML syntax errors with their place', () => {
    const [d] = kitErrors(KIT.replace('titre: Kit DémoESS', 'titre: Kit : DémoESS: x'));
    expect(d!.rule).toBe('yaml-syntaxe');
    expect(d!.line).toBe(2);
  });
});

describe('fiche frontmatter', () => {
  it('accepts a valid frontmatter', async () => {
    const { diagnostics } = await processSheet(`${FRONTMATTER}\nBonjour.\n`);
    expect(diagnostics).toEqual([]);
  });

  it('gives the file line of a bad date, below the opening ---', async () => {
    const { diagnostics } = await processSheet(FRONTMATTER.replace('mise-a-jour: 2026-02-17', 'mise-a-jour: 17/02/2026'));
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({ file: 'sheets/demo/07-essai.md', line: 6, column: 14, rule: 'fiche-schema' });
    expect(diagnostics[0]!.message).toContain('AAAA-MM-JJ');
  });

  it('rejects a date that does not exist', async () => {
    const { diagnostics } = await processSheet(FRONTMATTER.replace('2026-02-17', '2026-02-30'));
    expect(diagnostics[0]!.message).toContain("n'existe pas");
  });

  it('reports a missing frontmatter at 1:1', async () => {
    const { diagnostics } = await processSheet('## Enjeux\n');
    expect(diagnostics[0]).toMatchObject({ line: 1, column: 1, rule: 'en-tete-manquant' });
  });

  it('checks the number against the file name', async () => {
    const { diagnostics } = await processSheet(FRONTMATTER, '08-essai.md');
    expect(diagnostics[0]).toMatchObject({ line: 2, column: 9, rule: 'numero-fichier' });
  });

  it('explains an unquoted colon in a title', async () => {
    const { diagnostics } = await processSheet(FRONTMATTER.replace('titre: Commande publique responsable', 'titre: ESS : de quoi parle-t-on ?'));
    expect(diagnostics[0]!.message).toContain('entre guillemets');
    expect(diagnostics[0]!.line).toBe(3);
  });

  it('says a frontmatter that is not a set of fields, without an empty field name', async () => {
    const { diagnostics } = await processSheet('---\n- une liste\n---\n\nTexte.\n');
    expect(diagnostics).toEqual([expect.objectContaining({ line: 2, column: 1, rule: 'fiche-schema' })]);
    expect(diagnostics[0]!.message).toBe('le YAML contient une liste : des lignes « champ: valeur » sont attendues');
  });

  it('agrees « attendu » with what is expected', async () => {
    const { diagnostics } = await processSheet(FRONTMATTER.replace(/sources:[\s\S]*---\n$/, 'sources:\n---\n'));
    expect(diagnostics[0]!.message).toBe('« sources » vaut une valeur vide : une liste est attendue');
  });
});
