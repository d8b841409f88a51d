import type { Paragraph, Parent, Root, Text } from 'mdast';
import type { ContainerDirective, TextDirective } from 'mdast-util-directive';
import { toString } from 'mdast-util-to-string';
import type { VFile } from 'vfile';
import { visit } from 'unist-util-visit';
import { BOXES, INLINE_DIRECTIVES, LEAF_DIRECTIVES, suggestBox } from '../boxes.js';
import { diagnose } from './diagnose.js';

const BOX_NAMES = Object.keys(BOXES).map((n) => `« ${n} »`).join(', ');

function isLabel(node: unknown): node is Paragraph {
  return !!node && (node as Paragraph).type === 'paragraph' && !!(node as any).data?.directiveLabel;
}

/**
 * A colon glued to digits, as in « 10:30 » or « 1:25 000 », is read by micromark as a directive `:30`:
 * its source text when it is one of those (a name starting with a digit, no label, no attributes).
 */
function colonText(node: TextDirective, file: VFile): string | undefined {
  if (!/^\d/.test(node.name)) return undefined;
  const source = String(file.value).slice(node.position?.start.offset, node.position?.end.offset);
  return source === `:${node.name}` ? source : undefined;
}

/** Puts a directive read by mistake back as text, merged with the text around it; returns the merged node's index. */
function restoreText(parent: Parent, index: number, value: string): number {
  let from = index;
  let count = 1;
  const before = parent.children[index - 1];
  const after = parent.children[index + 1];
  if (before?.type === 'text') {
    value = before.value + value;
    from--;
    count++;
  }
  if (after?.type === 'text') {
    value += after.value;
    count++;
  }
  parent.children.splice(from, count, { type: 'text', value } satisfies Text);
  return from;
}

/** Turns `:::name` boxes into asides with their title; unknown, empty or unlabelled boxes are errors. */
export default function remarkBoxes() {
  return (tree: Root, file: VFile) => {
    // The level of the last heading before a box: its label is one level below (the fiche title is level 1).
    let depth = 1;
    visit(tree, (node, index, parent) => {
      if (node.type === 'heading') depth = node.depth;
      if (node.type === 'leafDirective') {
        if (Object.hasOwn(LEAF_DIRECTIVES, node.name)) return;
        diagnose(file, node, `directive « ::${node.name} » inattendue : un encadré s'ouvre par « ::: » (${BOX_NAMES})`, 'encadre-inconnu');
        return;
      }
      if (node.type === 'textDirective' && !(INLINE_DIRECTIVES as readonly string[]).includes(node.name)) {
        const text = colonText(node, file);
        if (text !== undefined && parent && index !== undefined) return restoreText(parent, index, text);
        diagnose(file, node, `directive « :${node.name} » inconnue : seule « :fiche[N] » est admise dans le texte`, 'directive-inconnue');
        return;
      }
      if (node.type !== 'containerDirective') return;
      const box = node as ContainerDirective;
      const kind = BOXES[box.name];
      if (!kind) {
        const meant = suggestBox(box.name);
        const hint = meant ? `vouliez-vous dire « ${meant} » ? (encadrés admis ${BOX_NAMES})` : `encadrés admis ${BOX_NAMES}`;
        diagnose(file, box, `encadré « ${box.name} » inconnu : ${hint}`, 'encadre-inconnu');
        return;
      }
      // Boxes do not nest: a box inside another means the first one was not closed before the second opened.
      const inner = box.children.find((c) => c.type === 'containerDirective');
      // (A box inside an unclosed one is not reported again.)
      // A closed box's source ends with a closing fence of at least as many colons as its opening one; an unclosed
      // box runs to the end of the file (a trailing newline or blank lines included).
      const start = box.position?.start.offset;
      const end = box.position?.end.offset;
      const text = start !== undefined && end !== undefined ? String(file.value).slice(start, end).trimEnd() : '';
      const colons = /^:+/.exec(text)?.[0].length ?? 3;
      if (inner) {
        const line = inner.position?.start.line;
        diagnose(file, box, `encadré « ${box.name} » non fermé avant l'encadré « ${(inner as ContainerDirective).name} »${line ? ` (ligne ${line})` : ''} : une ligne « ::: » est attendue à sa fin`, 'encadre-non-ferme');
      } else if (parent?.type !== 'containerDirective' && !new RegExp(`\\n[ \\t>]*:{${colons},}$`).test(text)) {
        diagnose(file, box, `encadré « ${box.name} » jamais fermé : une ligne « ${':'.repeat(colons)} » est attendue à sa fin (sinon il avale la suite de la fiche)`, 'encadre-non-ferme');
      }
      const label = isLabel(box.children[0]) ? (box.children[0] as Paragraph) : undefined;
      const content = label ? box.children.slice(1) : box.children;
      if (content.length === 0 || content.every((c) => toString(c).trim() === '')) {
        diagnose(file, box, `encadré « ${box.name} » vide : du contenu est attendu avant « ::: »`, 'encadre-vide');
      }
      if (kind.label === 'required' && (!label || toString(label).trim() === '')) {
        diagnose(file, box, `encadré « ${box.name} » sans intitulé : ${kind.labelMeaning} est attendu`, 'encadre-sans-intitule');
      }
      // The box's label is a heading of the section it sits in (a paragraph with the heading role, so that
      // the page looks the same and the fiche's own h2/h3 outline is unchanged), tagged H2…H6 in the PDF.
      const kicker: Paragraph = {
        type: 'paragraph',
        children: [{ type: 'text', value: kind.title }],
        data: { hProperties: { className: ['box-kicker'], role: 'heading', ariaLevel: String(Math.min(6, depth + 1)) } },
      };
      const head: Paragraph[] = [kicker];
      if (label) {
        label.data = { hProperties: { className: ['box-title'] } };
        head.push(label);
      }
      box.children = [...head, ...content];
      box.data = {
        hName: 'aside',
        hProperties: { className: ['box', `box-${box.name}`], ariaLabel: label ? `${kind.title} : ${toString(label)}` : kind.title },
      };
    });
  };
}
