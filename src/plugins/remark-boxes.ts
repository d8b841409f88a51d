import type { Paragraph, Root } from 'mdast';
import type { ContainerDirective } from 'mdast-util-directive';
import { toString } from 'mdast-util-to-string';
import type { VFile } from 'vfile';
import { visit } from 'unist-util-visit';
import { BOXES, INLINE_DIRECTIVES } from '../boxes.js';
import { diagnose } from './diagnose.js';

const BOX_NAMES = Object.keys(BOXES).map((n) => `« ${n} »`).join(', ');

function isLabel(node: unknown): node is Paragraph {
  return !!node && (node as Paragraph).type === 'paragraph' && !!(node as any).data?.directiveLabel;
}

/** Turns `:::name` boxes into asides with their title; unknown, empty or unlabelled boxes are errors. */
export default function remarkBoxes() {
  return (tree: Root, file: VFile) => {
    visit(tree, (node) => {
      if (node.type === 'leafDirective') {
        diagnose(file, node, `directive « ::${node.name} » inattendue : un encadré s'ouvre par « ::: » (${BOX_NAMES})`, 'encadre-inconnu');
        return;
      }
      if (node.type === 'textDirective' && !(INLINE_DIRECTIVES as readonly string[]).includes(node.name)) {
        diagnose(file, node, `directive « :${node.name} » inconnue : seule « :fiche[N] » est admise dans le texte`, 'directive-inconnue');
        return;
      }
      if (node.type !== 'containerDirective') return;
      const box = node as ContainerDirective;
      const kind = BOXES[box.name];
      if (!kind) {
        diagnose(file, box, `encadré « ${box.name} » inconnu : encadrés admis ${BOX_NAMES}`, 'encadre-inconnu');
        return;
      }
      const label = isLabel(box.children[0]) ? (box.children[0] as Paragraph) : undefined;
      const content = label ? box.children.slice(1) : box.children;
      if (content.length === 0 || content.every((c) => toString(c).trim() === '')) {
        diagnose(file, box, `encadré « ${box.name} » vide : du contenu est attendu avant « ::: »`, 'encadre-vide');
      }
      if (kind.label === 'required' && (!label || toString(label).trim() === '')) {
        diagnose(file, box, `encadré « ${box.name} » sans intitulé : ${kind.labelMeaning} est attendu`, 'encadre-sans-intitule');
      }
      const kicker: Paragraph = {
        type: 'paragraph',
        children: [{ type: 'text', value: kind.title }],
        data: { hProperties: { className: ['box-kicker'] } },
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
