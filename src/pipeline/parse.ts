import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Root as MdastRoot } from 'mdast';
import rehypeStringify from 'rehype-stringify';
import remarkDirective from 'remark-directive';
import remarkFrontmatter from 'remark-frontmatter';
import remarkGfm from 'remark-gfm';
import remarkParse from 'remark-parse';
import remarkRehype from 'remark-rehype';
import { unified } from 'unified';
import { VFile } from 'vfile';
import type { Document, LineCounter } from 'yaml';
import { ficheSchema, kitSchema, sourcePath, type FicheMeta, type KitConfig } from '../config/schema.js';
import { positionOf, validateYaml } from '../config/validate-yaml.js';
import type { Diagnostic } from '../errors.js';
import type { KitSource, Place, SourceFile } from '../model.js';
import { iconExists } from '../design/icons.js';
import remarkBoxFences from '../plugins/remark-box-fences.js';
import remarkBoxes from '../plugins/remark-boxes.js';
import remarkCharts from '../plugins/remark-charts.js';
import remarkDiagrams from '../plugins/remark-diagrams.js';
import remarkFicheRefs from '../plugins/remark-fiche-refs.js';
import remarkImages from '../plugins/remark-images.js';
import remarkLiteralMarkup from '../plugins/remark-literal-markup.js';
import remarkKeyFigures from '../plugins/remark-key-figures.js';
import remarkStructure from '../plugins/remark-structure.js';
import rehypeFigures from '../plugins/rehype-figures.js';
import rehypeHyphenate from '../plugins/rehype-hyphenate.js';
import rehypeKeyFigures from '../plugins/rehype-key-figures.js';
import rehypeScopeIds from '../plugins/rehype-scope-ids.js';
import rehypeTypography from '../plugins/rehype-typography.js';
import { fileNumber } from './load.js';

/** Builds the unified processor once per run: Markdown with GFM and boxes to an HTML tree. */
export function createProcessor() {
  return unified()
    .use(remarkParse)
    .use(remarkFrontmatter, ['yaml'])
    .use(remarkGfm)
    .use(remarkDirective)
    .use(remarkBoxFences)
    .use(remarkLiteralMarkup)
    .use(remarkStructure)
    .use(remarkKeyFigures)
    .use(remarkCharts)
    .use(remarkBoxes)
    .use(remarkDiagrams)
    .use(remarkFicheRefs)
    .use(remarkImages)
    .use(remarkRehype, {
      footnoteLabel: 'Notes',
      footnoteLabelTagName: 'h2',
      footnoteLabelProperties: { className: ['footnotes-title'] },
      footnoteBackLabel: (n: number) => `Retour à l'appel de note ${n + 1}`,
      footnoteBackContent: '↑',
    })
    .use(rehypeFigures)
    .use(rehypeKeyFigures)
    .use(rehypeTypography)
    .use(rehypeHyphenate)
    .use(rehypeScopeIds)
    .use(rehypeStringify)
    .freeze();
}

/** The processor type, to pass it around. */
export type Processor = ReturnType<typeof createProcessor>;

/** A fiche after parsing: its frontmatter validated, its Markdown tree not yet transformed. */
export interface ParsedFiche {
  source: SourceFile;
  name: string;
  /**
   * The fiche's number, as its file name gives it (`06-…md`): the one the kit's checks use, so that a `numero`
   * that disagrees with it is one error at `numero`, not also errors at every cross-reference to the fiche.
   */
  number: number;
  meta: FicheMeta;
  placeOf(field: string): Place;
  /** The YAML frontmatter's text and the line it starts on, from which `placeOf` finds its places. */
  frontmatter: Frontmatter;
  file: VFile;
  tree: MdastRoot;
}

/** A fiche's YAML frontmatter: its text and the line of the file it starts on. */
export interface Frontmatter {
  text: string;
  firstLine: number;
}

/**
 * Where a field of a valid frontmatter is written, read again from its text only when asked: a fiche taken from
 * the analysis cache (analysis-cache.ts) gives the same places as when it was parsed, at no cost unless a
 * diagnostic needs one.
 */
export function placesIn(frontmatter: Frontmatter, file: string): (field: string) => Place {
  let result: { doc: Document; lines: LineCounter } | undefined;
  return (field) => {
    if (!result) {
      const validated = validateYaml(frontmatter.text, ficheSchema, { file, firstLine: frontmatter.firstLine }, 'fiche-schema');
      if (!validated.ok) throw new Error(`frontmatter of ${file} no longer valid`);
      result = validated;
    }
    return positionOf(result, sourcePath(field), frontmatter.firstLine);
  };
}

/** Converts VFile messages into diagnostics. */
export function fileDiagnostics(file: VFile, displayPath: string): Diagnostic[] {
  return file.messages.map((m) => ({
    file: displayPath,
    line: m.line ?? 1,
    column: m.column ?? 1,
    severity: m.fatal ? ('erreur' as const) : ('avertissement' as const),
    message: m.reason,
    rule: m.ruleId ?? 'kitess',
  }));
}

/** Validates kit.yml against the kit schema; its id must be the folder's name. */
export function parseKitConfig(source: KitSource): { config?: KitConfig; diagnostics: Diagnostic[] } {
  const result = validateYaml(source.config.text, kitSchema, { file: source.config.path, firstLine: 1 }, 'kit-schema');
  if (!result.ok) return { diagnostics: result.diagnostics };
  const diagnostics: Diagnostic[] = [];
  if (result.value.id !== source.id) {
    diagnostics.push({
      file: source.config.path,
      ...positionOf(result, sourcePath('id'), 1),
      severity: 'erreur',
      message: `identifiant « ${result.value.id} » différent du dossier : « ${source.id} » est attendu`,
      rule: 'kit-schema',
    });
  }
  const seen = new Set<string>();
  result.value.parts.forEach((part, i) => {
    if (seen.has(part.id)) {
      diagnostics.push({
        file: source.config.path,
        ...positionOf(result, sourcePath(`parts.${i}.id`), 1),
        severity: 'erreur',
        message: `partie « ${part.id} » déclarée deux fois : un identifiant unique est attendu`,
        rule: 'kit-schema',
      });
    }
    seen.add(part.id);
    if (part.pictogram !== undefined && !iconExists(part.pictogram)) {
      diagnostics.push({
        file: source.config.path,
        ...positionOf(result, sourcePath(`parts.${i}.pictogram`), 1),
        severity: 'erreur',
        message: `pictogramme « ${part.pictogram} » inconnu : le nom d'une icône Lucide est attendu (ex. « wheat », « bus », « key-round » ; liste sur lucide.dev/icons)`,
        rule: 'kit-schema',
      });
    }
  });
  const logo = result.value.logo;
  if (logo !== undefined && !existsSync(path.join(source.dir, logo))) {
    diagnostics.push({
      file: source.config.path,
      ...positionOf(result, sourcePath('logo'), 1),
      severity: 'erreur',
      message: `logo « ${logo} » introuvable : le fichier ${path.join(path.relative(process.cwd(), source.dir) || '.', logo)} est attendu`,
      rule: 'kit-schema',
    });
  }
  return { config: result.value, diagnostics };
}

/** What parsing a fiche gives: the fiche, or, when its frontmatter is wrong, its body still to be checked. */
export interface ParseResult {
  fiche?: ParsedFiche;
  /** The body of a fiche whose frontmatter failed, so that its other errors are reported in the same run. */
  body?: { file: VFile; tree: MdastRoot };
  diagnostics: Diagnostic[];
}

/** A line that looks meant to close the header but is not « --- »: `--`, `----`, `—`, `...`. */
const NEAR_FENCE = /^[-–—_=.~*][-–—_=.~* ]*$/;
/** A line of a YAML header: blank, a comment, a field, a list item, or indented under one of them. */
const YAML_LINE = /^(\s*|\s*#(?!#+ ).*|\s+\S.*|- .*|-|[\p{L}\p{N}_-]+:(\s.*)?)$/u;
/** A field's key at the start of a line of the header. */
const FIELD = /^([\p{L}\p{N}_-]+):(\s|$)/u;

/**
 * Where a fiche that opens its header with « --- » but never closes it expected its closing « --- », and what it
 * says: at a line that looks like a fence (`--`), or else at the first line that is not YAML (the body's first
 * title, `## Enjeux`, is not read as a YAML comment). Nothing if the file does not start with « --- » (the header is missing, not unclosed).
 */
function unclosedHeader(text: string): { line: number; column: number; message: string } | undefined {
  const lines = text.split(/\r?\n/);
  if (lines[0]?.trimEnd() !== '---') return undefined;
  let lastField: string | undefined;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!.trimEnd();
    const fence = NEAR_FENCE.test(line) && line !== '-';
    if (!fence && YAML_LINE.test(line)) {
      lastField = FIELD.exec(line)?.[1] ?? lastField;
      continue;
    }
    // A « --- » followed by no field at all is a fiche without a header (a rule at its top), not an unclosed one.
    if (!lastField) return undefined;
    if (fence) return { line: i + 1, column: 1, message: `en-tête YAML non fermé, « ${line} » trouvé : « --- » (trois tirets seuls sur la ligne) est attendu après le champ « ${lastField} »` };
    const shown = line.length > 30 ? `${line.slice(0, 30)}…` : line;
    return { line: i + 1, column: 1, message: `en-tête YAML non fermé : une ligne « --- » est attendue après le champ « ${lastField} », avant « ${shown} »` };
  }
  if (!lastField) return undefined;
  let last = lines.length - 1;
  while (last > 0 && lines[last]!.trim() === '') last--;
  return { line: last + 2, column: 1, message: `en-tête YAML non fermé : une ligne « --- » est attendue après le champ « ${lastField} », puis le texte de la fiche` };
}

/** Parses one fiche: Markdown tree and validated frontmatter, with positions. */
export function parseFiche(processor: Processor, source: SourceFile): ParseResult {
  const file = new VFile({ path: source.absPath, value: source.text });
  const tree = processor.parse(file) as MdastRoot;
  // The number the file name gives is the fiche's for the kit's checks; until the frontmatter is read, it also
  // stands for the fiche's own.
  const numbered = fileNumber(source.absPath);
  file.data.ficheNumber = numbered || 0;
  const yamlNode = tree.children[0]?.type === 'yaml' ? tree.children[0] : undefined;
  if (!yamlNode) {
    const unclosed = unclosedHeader(source.text);
    if (unclosed) return { body: { file, tree }, diagnostics: [{ file: source.path, ...unclosed, severity: 'erreur', rule: 'en-tete-non-ferme' }] };
    return {
      body: { file, tree },
      diagnostics: [
        {
          file: source.path,
          line: 1,
          column: 1,
          severity: 'erreur',
          message: 'en-tête YAML manquant : la fiche doit commencer par « --- », ses champs (numero, titre, partie, resume, mise-a-jour, sources) puis « --- »',
          rule: 'en-tete-manquant',
        },
      ],
    };
  }
  const firstLine = (yamlNode.position?.start.line ?? 1) + 1;
  const result = validateYaml(yamlNode.value, ficheSchema, { file: source.path, firstLine }, 'fiche-schema');
  if (!result.ok) return { diagnostics: result.diagnostics, body: { file, tree } };
  const name = path.basename(source.absPath, '.md');
  const diagnostics: Diagnostic[] = [];
  const placeOf = (field: string) => positionOf(result, sourcePath(field), firstLine);
  if (numbered !== result.value.number) {
    diagnostics.push({
      file: source.path,
      ...placeOf('number'),
      severity: 'erreur',
      message: `numéro ${result.value.number} différent de celui du nom de fichier : ${numbered} est attendu`,
      rule: 'numero-fichier',
    });
  }
  file.data.ficheNumber = numbered;
  // Addresses the fiche accepts in http:// (`http-seulement: oui` on a source): its links to them are not flagged.
  file.data.httpOnly = result.value.sources.flatMap((s) => (s.httpOnly && s.url ? [s.url] : []));
  return { fiche: { source, name, number: numbered, meta: result.value, placeOf, frontmatter: { text: yamlNode.value, firstLine }, file, tree }, diagnostics };
}
