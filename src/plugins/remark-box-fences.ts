import type { Root } from 'mdast';
import type { VFile } from 'vfile';
import { BOXES, suggestBox } from '../boxes.js';
import { diagnose } from './diagnose.js';
import { textMatches } from './source-text.js';

/** A line that opens a box the way the fiche guide writes it. */
const usage = (name: string, label?: string) => `« :::${name}${label !== undefined ? `[${label}]` : BOXES[name]?.label === 'required' ? '[Collectivité]' : ''} »`;

/** What a line starting with colons that Markdown did not read as a box was meant to be, in French; `opens` when it tried to open one. */
function explain(colons: string, rest: string): { message: string; opens: boolean } {
  const shown = `${colons}${rest}`.trim();
  const words = rest.trim();
  if (words === '') {
    return {
      message: `ligne « ${shown} » sans encadré ouvert : un encadré s'ouvre par une ligne « :::nom » (ex. « :::a-retenir ») et se ferme par « ::: »`,
      opens: false,
    };
  }
  // The whole rest of the line may be a box name written loosely: « A retenir », « chiffres clés ».
  const whole = suggestBox(words);
  // Or a name followed by a label without brackets: « exemple Lille (Nord) ».
  const [, first = '', label = ''] = /^([^\s[{]+)\s*(.*)$/.exec(words) ?? [];
  const named = suggestBox(first);
  let expected: string;
  if (whole) expected = usage(whole);
  else if (named && label) expected = usage(named, label.replace(/^\[|\]$/g, ''));
  else if (named) expected = usage(named);
  else return { message: `ligne « ${shown} » qui n'ouvre aucun encadré : « :::nom » est attendu, nom parmi ${Object.keys(BOXES).map((n) => `« ${n} »`).join(', ')}`, opens: true };
  const why =
    colons.length !== 3 ? `trois deux-points, pas ${colons.length}` : /^\s/.test(rest) ? 'sans espace après « ::: »' : named && label && !whole ? "l'intitulé entre crochets" : 'le nom en minuscules, avec des tirets';
  return { message: `encadré mal ouvert « ${shown} » : vouliez-vous dire ${expected} ? (${why})`, opens: true };
}

/**
 * Finds colons that Markdown left as text and that would print as « ::: » in the fiche: a box opened almost
 * right (`::: chiffres-cles`, `:::A retenir`, `:::exemple Lille (Nord)`, `::::`), a closing line with no box
 * open, « ::: » inside a line. A closing line that follows a misspelt opening is that box's: it is not reported again.
 */
export default function remarkBoxFences() {
  return (tree: Root, file: VFile) => {
    const source = String(file.value);
    const found = textMatches(tree, file, /:{2,}/g).flatMap(({ match, offset, position }) => {
      const lineBegin = source.lastIndexOf('\n', offset - 1) + 1;
      const lineStart = /^[ \t>]*$/.test(source.slice(lineBegin, offset));
      if (!lineStart && match[0].length < 3) return [];
      const lineEnd = source.indexOf('\n', offset);
      return [{ position, colons: match[0], rest: source.slice(offset + match[0].length, lineEnd < 0 ? undefined : lineEnd).replace(/\r$/, ''), lineStart }];
    });
    let misspeltOpen = false;
    for (const f of found) {
      const at = { type: 'text', position: f.position };
      if (!f.lineStart) {
        diagnose(file, at, `« ${f.colons} » au milieu d'une ligne : un encadré s'ouvre en début de ligne par « :::nom » et se ferme par une ligne « ::: » seule`, 'encadre-mal-ecrit');
        continue;
      }
      if (f.rest.trim() === '' && f.colons.length >= 3 && misspeltOpen) {
        misspeltOpen = false;
        continue;
      }
      const { message, opens } = explain(f.colons, f.rest);
      misspeltOpen = opens;
      diagnose(file, at, message, 'encadre-mal-ecrit');
    }
  };
}
