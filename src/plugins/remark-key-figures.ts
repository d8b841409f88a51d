import type { ListItem, Root } from 'mdast';
import type { ContainerDirective } from 'mdast-util-directive';
import { toString } from 'mdast-util-to-string';
import type { VFile } from 'vfile';
import { visit } from 'unist-util-visit';
import type { KeyFigure } from '../model.js';
import { diagnose } from './diagnose.js';

/** The final parenthesis of a key figure, where the year of its data is written: « … (données 2023) ». */
const FINAL_PARENTHESIS = /\(([^()]*)\)[\s.;]*$/;

/** A figure's text shortened for messages. */
function quote(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 60 ? `${flat.slice(0, 59)}…` : flat;
}

/** Reads one list item of a key-figures box: its data year, or « en vigueur » for a rule of law. */
function readFigure(item: ListItem, file: VFile): KeyFigure | undefined {
  const text = toString(item).trim();
  const start = item.position?.start ?? { line: 1, column: 1 };
  const parenthesis = FINAL_PARENTHESIS.exec(text)?.[1] ?? '';
  const inForce = /en vigueur/i.test(parenthesis);
  const years = [...parenthesis.matchAll(/\b(?:19|20)\d{2}\b/g)].map((m) => Number(m[0]));
  if (!inForce && years.length === 0) {
    const message = `chiffre clé « ${quote(text)} » sans année : l'année des données est attendue entre parenthèses à la fin, ex. « (2024) » ou « (données 2023) »`;
    diagnose(file, item, message, 'chiffre-sans-annee');
    return undefined;
  }
  return { text: quote(text), ...(inForce ? {} : { year: Math.max(...years) }), line: start.line, column: start.column };
}

/**
 * Reads the `:::chiffres-cles` boxes: every list item is one figure and ends with the year of its data; the box
 * ends with a « Sources : » paragraph holding at least one link. Records the figures for the kit-level age check.
 */
export default function remarkKeyFigures() {
  return (tree: Root, file: VFile) => {
    const figures: KeyFigure[] = [];
    visit(tree, 'containerDirective', (node) => {
      const box = node as ContainerDirective;
      if (box.name !== 'chiffres-cles') return;
      for (const child of box.children) {
        if (child.type !== 'list') continue;
        for (const item of child.children) {
          const figure = readFigure(item, file);
          if (figure) figures.push(figure);
        }
      }
      const sourced = box.children.some((c) => c.type === 'paragraph' && /^Sources?\s*:/.test(toString(c).trim()) && c.children.some((n) => n.type === 'link'));
      if (!sourced) {
        const message = 'encadré « chiffres-cles » sans source avec adresse : un paragraphe « Sources : » avec au moins un lien, ex. « Sources : [Insee, 2024](https://www.insee.fr/…) », est attendu à sa fin';
        diagnose(file, box, message, 'chiffres-sans-source');
      }
    });
    file.data.keyFigures = figures;
  };
}

declare module 'vfile' {
  interface DataMap {
    keyFigures: KeyFigure[];
  }
}
