import leven from 'leven';

/** One kind of box a fiche may contain, with the title it prints under. */
export interface BoxKind {
  title: string;
  /** Whether the box needs a label in brackets, e.g. the collectivité of an exemple. */
  label: 'required' | 'optional';
  /** What the label stands for, in messages. */
  labelMeaning?: string;
}

/** The closed list of boxes (`:::name`) a fiche may use; any other name is an error. */
export const BOXES: Record<string, BoxKind> = {
  'chiffres-cles': { title: 'Chiffres clés', label: 'optional' },
  exemple: { title: 'Exemple', label: 'required', labelMeaning: 'la collectivité, ex. « :::exemple[Mouans-Sartoux (Alpes-Maritimes)] »' },
  'a-retenir': { title: 'À retenir', label: 'optional' },
  'pour-aller-plus-loin': { title: 'Pour aller plus loin', label: 'optional' },
  contacts: { title: 'Contacts', label: 'optional' },
  graphique: { title: 'Graphique', label: 'required', labelMeaning: 'le titre du graphique, ex. « :::graphique[Emplois de l’ESS, 2015-2023] »' },
};

/** The drawings a fiche may place on a line of their own (`::name`), and what each draws. */
export const LEAF_DIRECTIVES: Record<string, string> = {
  'schema-competences': 'le schéma des compétences du kit (competences.yml)',
};

/** The inline directives a fiche may use. */
export const INLINE_DIRECTIVES = ['fiche'] as const;

/** A box name as an editor may have meant it: accents dropped, lower case, spaces and underscores as dashes. */
function plainName(name: string): string {
  return name
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .trim()
    .replace(/[\s_]+/g, '-');
}

/** The known box an unknown name most likely meant (`A-retenir`, `chiffres-clés`, `exemples`), if any. */
export function suggestBox(name: string): string | undefined {
  const plain = plainName(name);
  if (BOXES[plain]) return plain;
  let best: { name: string; distance: number } | undefined;
  for (const known of Object.keys(BOXES)) {
    const distance = leven(plain, known);
    if (distance <= Math.max(1, Math.floor(known.length / 4)) && (!best || distance < best.distance)) best = { name: known, distance };
  }
  return best?.name;
}
