import type { YAMLError } from 'yaml';
import { FRENCH_KEYS } from './schema.js';

/** The keys of fiches and kit.yml, French and English, in plain spelling (no accents, lower case). */
const plain = (key: string) => key.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
const KNOWN_KEYS = new Set([...Object.keys(FRENCH_KEYS), ...Object.values(FRENCH_KEYS)].map(plain));

/** A line of the YAML text: its text and the offset where it starts. */
interface Line {
  text: string;
  start: number;
}

function splitLines(source: string): Line[] {
  const lines: Line[] = [];
  let start = 0;
  for (const text of source.split('\n')) {
    lines.push({ text: text.replace(/\r$/, ''), start });
    start += text.length + 1;
  }
  return lines;
}

const indent = (text: string) => /^ */.exec(text)![0].length;
const blank = (text: string) => /^\s*(#.*)?$/.test(text);
/** Column (from 0) where a line's key starts, after a list item's « - ». */
const keyColumn = (text: string) => /^ *- +/.exec(text)?.[0].length ?? indent(text);
/** The key a line starts with, if any. */
const keyOf = (text: string) => /^ *(?:- +)?([^\s:#'"][^:#]*?) *:(?:\s|$)/.exec(text)?.[1];

/** Where a single-quoted value ends early on this line because of an apostrophe inside it, if it does. */
function apostropheInQuotes(text: string): { at: number; value: string } | undefined {
  const open = /^ *(?:- +)?(?:[^\s:#'"][^:#]*?: +)?'/.exec(text);
  if (!open) return undefined;
  for (let i = open[0].length; i < text.length; i++) {
    if (text[i] !== "'") continue;
    if (text[i + 1] === "'") {
      i++;
      continue;
    }
    const after = text.slice(i + 1).replace(/\s+#.*$/, '').trim();
    return after ? { at: i, value: text.slice(open[0].length - 1).trim() } : undefined;
  }
  return undefined;
}

/** What a fixed value looks like, for the message: the text between double quotes. */
function doubleQuoted(value: string): string {
  const inner = value.replace(/^'/, '').replace(/'$/, '').replace(/''/g, "'");
  return inner.includes('"') ? `« ${inner.replace(/'/g, '’')} »` : `"${inner}"`;
}

/**
 * Turns the YAML parser's first error into one French message at the place of the mistake, with the usual cause:
 * an apostrophe inside single quotes, a quote or a bracket never closed, a tab, a list item without « - », a misaligned field,
 * a colon inside a value or missing after a key. Only the first error is kept: the parser's later ones follow from it.
 */
export function explainYamlError(errors: readonly YAMLError[], source: string): { offset: number; message: string } {
  const error = errors[0]!;
  const lines = splitLines(source);
  const offset = error.pos[0];
  let index = lines.findIndex((l, i) => offset >= l.start && (i === lines.length - 1 || offset < lines[i + 1]!.start));
  if (index < 0) index = lines.length - 1;
  const line = lines[index]!;
  const previous = (from: number, test: (l: Line) => boolean) => {
    for (let i = from - 1; i >= 0; i--) if (!blank(lines[i]!.text) && test(lines[i]!)) return lines[i];
    return undefined;
  };
  const next = (from: number) => lines.slice(from + 1).find((l) => !blank(l.text));

  const quote = apostropheInQuotes(line.text);
  if (quote) {
    return {
      offset: line.start + quote.at,
      message: `apostrophe dans un texte entre apostrophes, le texte s'arrête là : mettez-le entre guillemets droits, ${doubleQuoted(quote.value)}, ou écrivez l'apostrophe typographique « ’ »`,
    };
  }
  if (error.code === 'TAB_AS_INDENT') {
    const tab = lines.slice(index).find((l) => /^ *\t/.test(l.text)) ?? line;
    return { offset: tab.start + Math.max(0, tab.text.indexOf('\t')), message: "tabulation dans l'indentation : des espaces sont attendus (remplacez chaque tabulation par deux espaces)" };
  }
  const missing = /closing (["'])quote/.exec(error.message);
  if (missing) {
    const q = missing[1]!;
    const opened = lines.slice(0, index + 1).reverse().find((l) => new RegExp(`^ *(?:- +)?(?:[^\\s:#'"][^:#]*?: +)?${q}`).test(l.text));
    const at = opened ? opened.start + opened.text.indexOf(q) : offset;
    return { offset: at, message: `guillemet « ${q} » ouvert et jamais fermé : un « ${q} » est attendu à la fin du texte, sur la même ligne` };
  }
  // A line with no « key: » where yaml expected one (`partie leviers`): the colon after the key is missing. yaml
  // reads the line as the start of a key that runs on (MULTILINE_IMPLICIT_KEY) or has no value (MISSING_CHAR).
  if ((error.code === 'MULTILINE_IMPLICIT_KEY' || error.code === 'MISSING_CHAR') && !keyOf(line.text) && !blank(line.text)) {
    const words = /^( *(?:- +)?)([^\s:#'"]+)(?: +(.*))?$/.exec(line.text);
    if (words && KNOWN_KEYS.has(plain(words[2]!))) {
      const value = words[3]?.trim();
      return {
        offset: line.start + words[1]!.length + words[2]!.length,
        message: `deux-points manquant après « ${words[2]} » : « ${words[1]!.trimStart()}${words[2]}:${value ? ` ${value}` : ''} » est attendu`,
      };
    }
    return {
      offset: line.start + indent(line.text),
      message: `ligne « ${line.text.trim()} » sans deux-points : une ligne « champ: valeur » est attendue (une valeur sur plusieurs lignes se continue en retrait sous son champ)`,
    };
  }
  if (error.code === 'BLOCK_AS_IMPLICIT_KEY' || error.code === 'MULTILINE_IMPLICIT_KEY') {
    const value = line.text.slice(line.text.indexOf(':') + 1);
    const below = next(index);
    if (!/:(\s|$)/.test(value) && below && indent(below.text) > keyColumn(line.text)) {
      const key = keyOf(below.text) ?? below.text.trim();
      return {
        offset: below.start + indent(below.text),
        message: `indentation inattendue : « ${key} » en colonne ${indent(below.text) + 1}, plus en retrait que « ${keyOf(line.text) ?? line.text.trim()} » au-dessus : des champs alignés sont attendus, en colonne ${keyColumn(line.text) + 1}`,
      };
    }
    return {
      offset,
      message: 'deux-points inattendu dans une valeur : une valeur qui contient « : » doit être entre guillemets, ex. titre: "ESS : de quoi parle-t-on ?"',
    };
  }
  if (error.code === 'UNEXPECTED_TOKEN' && /^Unexpected [\w-]+ at node end/.test(error.message)) {
    // Text after a value that starts with « [ », « { » or « " »: the value ended at its closing mark. Whatever
    // follows (plain text, a quoted text, another « [ »), yaml names it in the message: any of them is this mistake.
    const m = /^( *(?:- +)?[^\s:#'"][^:#]*?: +)([[{"])/.exec(line.text);
    if (m) {
      const key = keyOf(line.text) ?? 'titre';
      const value = line.text.slice(m[1]!.length).replace(/\s+#.*$/, '').trim();
      const at = line.start + m[1]!.length;
      if (m[2] === '"') {
        return {
          offset: at,
          message: `texte après le guillemet fermant : la valeur s'arrête au second « " » ; mettez toute la valeur entre guillemets droits, avec des guillemets « » à l'intérieur, ex. ${key}: "${value.replace(/^"([^"]*)"/, '« $1 »')}"`,
        };
      }
      const close = m[2] === '[' ? ']' : '}';
      return {
        offset: at,
        message: `texte après « ${close} » : une valeur qui commence par « ${m[2]} » est lue comme une ${m[2] === '[' ? 'liste' : 'table'} ; mettez toute la valeur entre guillemets droits, ex. ${key}: "${value.replace(/"([^"]*)"/g, '« $1 »').replace(/"/g, '\\"')}"`,
      };
    }
  }
  const flow = /^Flow (?:sequence|map)\b.*end with an? ([\]}])/.exec(error.message);
  if (flow) {
    // A value that starts with « [ » or « { » is read as a list or a table, which must close on the same line.
    const close = flow[1]!;
    const open = close === ']' ? '[' : '{';
    const opened = lines.slice(0, index + 1).reverse().find((l) => l.text.includes(open) && !l.text.includes(close));
    const key = opened ? keyOf(opened.text) : undefined;
    return {
      offset: opened ? opened.start + opened.text.indexOf(open) : offset,
      message: `« ${open} » ouvert et jamais fermé : un « ${close} » est attendu sur la même ligne ; pour un texte qui commence par « ${open} », mettez-le entre guillemets droits, ex. ${key ?? 'titre'}: "${open}…"`,
    };
  }
  if (error.code === 'BAD_INDENT' || /without - indicator/.test(error.message)) {
    const own = indent(line.text);
    const key = keyOf(line.text) ?? line.text.trim();
    const parent = previous(index, (l) => indent(l.text) <= own);
    if (parent && indent(parent.text) === own && /^ *- /.test(parent.text) && !/^ *- /.test(line.text)) {
      return {
        offset: line.start + own,
        message: `élément de liste sans « - » : chaque élément commence par « - » aligné sur celui du dessus, « - ${line.text.trim()} » est attendu`,
      };
    }
    const above = previous(index, () => true);
    const aboveKey = above ? keyOf(above.text) : undefined;
    return {
      offset: line.start + own,
      message: above && aboveKey
        ? `indentation inattendue : « ${key} » commence en colonne ${own + 1} et « ${aboveKey} » au-dessus en colonne ${keyColumn(above.text) + 1}, des champs alignés sont attendus (avec des espaces)`
        : `indentation inattendue : « ${key} » commence en colonne ${own + 1}, des champs alignés sont attendus (avec des espaces)`,
    };
  }
  if (error.code === 'DUPLICATE_KEY') {
    const key = keyOf(source.slice(offset).split('\n')[0]!) ?? keyOf(line.text) ?? '?';
    const own = indent(line.text);
    const item = previous(index, (l) => indent(l.text) < own || keyColumn(l.text) < own || /^ *- /.test(l.text));
    if (item && /^ *- /.test(item.text) && keyColumn(item.text) === own) {
      return { offset, message: `champ « ${key} » en double dans le même élément de liste : pour un nouvel élément, « - ${line.text.trim()} » est attendu` };
    }
    return { offset, message: `champ « ${key} » en double : chaque champ n'apparaît qu'une fois` };
  }
  return { offset, message: "YAML illisible à cet endroit : vérifiez les guillemets, les deux-points et l'indentation de la ligne" };
}
