import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { isMap, isPair, isScalar, LineCounter, parseDocument, visit, type Document, type Node } from 'yaml';
import { explainYamlError } from './yaml-errors.js';
import type { z } from 'zod';
import { FRENCH_KEYS } from './schema.js';
import type { Diagnostic } from '../errors.js';

/** Where a YAML text sits in its file: the frontmatter of a fiche starts below its `---` line. */
export interface YamlPlace {
  file: string;
  /** 1-based line of the file where the YAML text's first line is. */
  firstLine: number;
}

/** The result of validating YAML: the typed value, or positioned diagnostics. */
export type YamlResult<T> = { ok: true; value: T; doc: Document; lines: LineCounter } | { ok: false; diagnostics: Diagnostic[] };

const EXPECTED: Record<string, string> = {
  string: 'un texte',
  number: 'un nombre',
  int: 'un nombre entier',
  boolean: 'oui ou non (true/false)',
  array: 'une liste',
  object: 'un ensemble de champs',
};

function describe(value: unknown): string {
  if (value === null) return 'une valeur vide';
  if (Array.isArray(value)) return 'une liste';
  if (typeof value === 'number') return Number.isInteger(value) ? `le nombre ${value}` : `le nombre ${value}`;
  if (typeof value === 'string') return `le texte « ${value.length > 40 ? `${value.slice(0, 40)}…` : value} »`;
  if (typeof value === 'boolean') return `la valeur ${value}`;
  if (typeof value === 'object') return 'un ensemble de champs';
  return String(value);
}

function fieldName(path: PropertyKey[]): string {
  return path.map((p) => (typeof p === 'number' ? `[${p + 1}]` : String(p))).join('.').replace(/\.\[/g, '[');
}

function valueAt(data: unknown, path: PropertyKey[]): unknown {
  let v: any = data;
  for (const p of path) v = v == null ? undefined : v[p as any];
  return v;
}

/** Phrases a zod issue in French: what was found, what was expected. */
function phrase(issue: z.core.$ZodIssue, data: unknown): { message: string; keyPath?: PropertyKey[] } {
  const name = fieldName(issue.path);
  const value = valueAt(data, issue.path);
  switch (issue.code) {
    case 'invalid_type': {
      const expected = EXPECTED[issue.expected] ?? issue.expected;
      const attendu = expected.startsWith('une ') ? 'attendue' : 'attendu';
      if (issue.path.length === 0) return { message: `le YAML contient ${describe(value)} : des lignes « champ: valeur » sont attendues` };
      if (value === undefined) return { message: `champ « ${name} » manquant : ${expected} est ${attendu}` };
      return { message: `« ${name} » vaut ${describe(value)} : ${expected} est ${attendu}` };
    }
    case 'unrecognized_keys': {
      const key = issue.keys[0]!;
      const where = name ? ` dans « ${name} »` : '';
      const french = ENGLISH_KEYS.get(key);
      if (french && french !== key) return { message: `champ « ${key} »${where} en anglais : « ${french} » est attendu`, keyPath: [...issue.path, key] };
      return { message: `champ inconnu « ${key} »${where} : vérifiez son orthographe`, keyPath: [...issue.path, key] };
    }
    case 'too_small':
      if (issue.origin === 'string') return { message: `« ${name} » est vide : un texte est attendu` };
      if (issue.origin === 'array') return { message: `« ${name} » : ${issue.message.startsWith('au moins') ? issue.message : `au moins ${issue.minimum} élément(s) attendu(s)`}` };
      return { message: `« ${name} » vaut ${describe(value)} : une valeur d'au moins ${issue.minimum} est attendue` };
    case 'too_big':
      if (issue.origin === 'string' && typeof value === 'string') return { message: `« ${name} » est trop long (${value.length} signes) : ${issue.maximum} signes au plus sont attendus` };
      return { message: `« ${name} » vaut ${describe(value)} : une valeur d'au plus ${issue.maximum} est attendue` };
    case 'invalid_value':
      return { message: `« ${name} » vaut ${describe(value)} : valeurs admises ${issue.values.map((v) => `« ${String(v)} »`).join(', ')}` };
    default:
      return { message: `« ${name} » vaut ${describe(value)} : ${issue.message}` };
  }
}

function nodeAt(doc: Document, path: PropertyKey[], preferKey = false): { node: Node | null; key: boolean } {
  const last = path[path.length - 1];
  const parentPath = path.slice(0, -1) as (string | number)[];
  const parent = parentPath.length ? doc.getIn(parentPath, true) : doc.contents;
  if (isMap(parent) && typeof last === 'string') {
    const pair = parent.items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === last);
    if (pair && pair.value && !preferKey) return { node: pair.value as Node, key: false };
    if (pair && isScalar(pair.key)) return { node: pair.key as Node, key: true };
  }
  const direct = doc.getIn(path as (string | number)[], true);
  if (direct && typeof direct === 'object' && 'range' in (direct as object)) return { node: direct as Node, key: false };
  return { node: (parent as Node) ?? null, key: false };
}

/** A key as the schemas spell it: accents dropped, lower case (`Numéro` and `numero` are the same field). */
export function plainKey(key: string): string {
  return key.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

/** English keys (plain spelling) and the French key that replaces each. */
const ENGLISH_KEYS = new Map(Object.entries(FRENCH_KEYS).map(([english, french]) => [plainKey(english), french as string]));

/** Renames every map key of the document to its plain spelling, in place, keeping the nodes and their positions. */
function plainKeys(doc: Document): void {
  visit(doc, {
    Pair(_, pair) {
      if (isScalar(pair.key) && typeof pair.key.value === 'string') pair.key.value = plainKey(pair.key.value);
    },
  });
}

/** A value left empty because it starts with « # », which YAML reads as a comment (`couleur: #2f7d4f`). */
function commentedValue(doc: Document, path: PropertyKey[], data: unknown, source: string, lines: LineCounter): { offset: number; message: string } | undefined {
  if (path.length === 0 || valueAt(data, path) !== null) return undefined;
  const { node, key } = nodeAt(doc, path, true);
  if (!key || !node?.range) return undefined;
  const { line } = lines.linePos(node.range[0]);
  const text = source.split('\n')[line - 1] ?? '';
  const m = /:[ \t]+(#\S*)/.exec(text);
  if (!m) return undefined;
  const name = fieldName(path);
  const hint = name === 'couleur' ? 'mettez la couleur entre guillemets' : 'mettez la valeur entre guillemets';
  return {
    offset: lines.lineStarts[line - 1]! + m.index + m[0].length - m[1]!.length,
    message: `« ${name} » vide, « ${m[1]} » est lu comme un commentaire : ${hint}, ${name}: "${m[1]}"`,
  };
}

/**
 * Parses YAML and validates it against a schema; every problem becomes a diagnostic
 * at the file's line and column, phrased in French.
 */
export function validateYaml<S extends z.ZodType>(source: string, schema: S, place: YamlPlace, rule: string): YamlResult<z.output<S>> {
  const lines = new LineCounter();
  const doc = parseDocument(source, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number) => {
    const pos = lines.linePos(Math.max(0, offset));
    return { line: pos.line + place.firstLine - 1, column: pos.col };
  };
  if (doc.errors.length > 0) {
    const { offset, message } = explainYamlError(doc.errors, source);
    return { ok: false, diagnostics: [{ file: place.file, ...at(offset), severity: 'erreur', message, rule: 'yaml-syntaxe' }] };
  }
  // Aliases (`*a`) are of no use in a fiche or kit.yml, and nested ones can blow up into millions of values.
  let alias: Node | undefined;
  visit(doc, {
    Alias(_, node) {
      alias = node;
      return visit.BREAK;
    },
  });
  if (alias) {
    const name = String((alias as unknown as { source: string }).source);
    return {
      ok: false,
      diagnostics: [{ file: place.file, ...at(alias.range?.[0] ?? 0), severity: 'erreur', message: `alias YAML « *${name} » : la valeur écrite en entier est attendue (« & » et « * » ne sont pas admis)`, rule: 'yaml-syntaxe' }],
    };
  }
  plainKeys(doc);
  const data = doc.toJS();
  const result = schema.safeParse(data ?? {});
  if (result.success) return { ok: true, value: result.data, doc, lines };
  // A field written with its English key is reported once, at that key, not again as a missing French field.
  const renamed = new Set(
    result.error.issues.flatMap((issue) =>
      issue.code === 'unrecognized_keys' ? issue.keys.filter((k) => ENGLISH_KEYS.has(k)).map((k) => fieldName([...issue.path, ENGLISH_KEYS.get(k)!])) : [],
    ),
  );
  const issues = result.error.issues.filter((issue) => !(issue.code === 'invalid_type' && valueAt(data, issue.path) === undefined && renamed.has(fieldName(issue.path))));
  const diagnostics = issues.map((issue) => {
    const commented = commentedValue(doc, issue.path, data, source, lines);
    if (commented) return { file: place.file, ...at(commented.offset), severity: 'erreur' as const, message: commented.message, rule };
    const { message, keyPath } = phrase(issue, data);
    const { node } = nodeAt(doc, keyPath ?? issue.path, keyPath !== undefined);
    const offset = node?.range?.[0] ?? 0;
    return { file: place.file, ...at(offset), severity: 'erreur' as const, message, rule };
  });
  return { ok: false, diagnostics };
}

/** Line and column of the value at `path` in a validated document, for later checks. */
export function positionOf(result: { doc: Document; lines: LineCounter }, path: (string | number)[], firstLine: number) {
  const { node } = nodeAt(result.doc, path);
  const pos = result.lines.linePos(node?.range?.[0] ?? 0);
  return { line: pos.line + firstLine - 1, column: pos.col };
}

/**
 * Reads and validates an optional YAML file of the sources (competences.yml, themes.yml): undefined when there is
 * none; its messages name it relative to the working directory.
 */
export function validateYamlFile<S extends z.ZodType>(abs: string, schema: S, rule: string): { file: string; result: YamlResult<z.output<S>> } | undefined {
  if (!existsSync(abs)) return undefined;
  const rel = path.relative(process.cwd(), abs);
  const file = rel.startsWith('..') ? abs : rel;
  return { file, result: validateYaml(readFileSync(abs, 'utf8'), schema, { file, firstLine: 1 }, rule) };
}
