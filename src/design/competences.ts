import path from 'node:path';
import type { Element, ElementContent } from 'hast';
import { h, s } from 'hastscript';
import { z } from 'zod';
import { positionOf, validateYamlFile } from '../config/validate-yaml.js';
import type { Diagnostic, Place } from '../errors.js';
import { frenchTypography } from '../text/typography.js';
import { block, drawBlock, figureSvg, mix, r, svgText, type TextBlock } from './svg.js';

/** The file of a kit's folder that describes its competences diagram. */
export const COMPETENCES_FILE = 'competences.yml';

const text = z.string().trim().min(1);
const short = (max: number) => text.max(max, { error: `un texte court est attendu (${max} signes au plus) : le schéma doit rester lisible` });

/** Schema of `sheets/<kit>/competences.yml` (French keys). */
const competencesSchema = z
  .strictObject({
    titre: short(90),
    /** The part whose opener prints the diagram in the booklet; the first part by default. */
    partie: z.string().optional(),
    centre: short(80),
    base: short(170).optional(),
    competences: z
      .array(
        z.strictObject({
          titre: short(60),
          base: short(120).optional(),
          leviers: z.array(short(100)).min(1, { error: 'au moins un levier est attendu' }).max(4, { error: 'au plus 4 leviers par compétence sont attendus' }),
          fiches: z.array(z.int().min(1).max(99)).default([]),
        }),
      )
      .min(2, { error: 'au moins 2 compétences sont attendues' })
      .max(7, { error: 'au plus 7 compétences sont attendues : le schéma tient sur une demi-page' }),
    source: short(200).optional(),
  })
  .transform((c) => ({
    title: c.titre,
    part: c.partie,
    centre: c.centre,
    basis: c.base,
    competences: c.competences.map((k) => ({ title: k.titre, basis: k.base, levers: k.leviers, fiches: k.fiches })),
    source: c.source,
  }));

/** A kit's competences diagram: the main competences of its level of government and the ESS levers of each. */
export type Competences = z.output<typeof competencesSchema> & {
  /** Where a field is in competences.yml, for later checks (`competences.2.fiches.0`). */
  placeOf(field: string): Place;
  file: string;
};

/** Reads and validates a kit's competences.yml, if the kit has one. */
export function readCompetences(kitDir: string): { competences?: Competences; diagnostics: Diagnostic[] } {
  const read = validateYamlFile(path.join(kitDir, COMPETENCES_FILE), competencesSchema, 'schema-competences');
  if (!read) return { diagnostics: [] };
  const { file, result } = read;
  if (!result.ok) return { diagnostics: result.diagnostics };
  const placeOf = (field: string) => positionOf(result, field.split('.').map((k) => (/^\d+$/.test(k) ? Number(k) : k)), 1);
  return { competences: { ...result.value, placeOf, file }, diagnostics: [] };
}

/**
 * Checks what only the kit can tell: the part named exists, the fiches named exist. `fiches` are the numbers the
 * fiches' file names give, those whose header is wrong included (that error is reported once, at the fiche).
 */
export function checkCompetences(c: Competences, parts: string[], fiches: number[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  const numbers = [...new Set(fiches)].sort((a, b) => a - b);
  if (c.part !== undefined && !parts.includes(c.part)) {
    out.push({ file: c.file, ...c.placeOf('partie'), severity: 'erreur', message: `partie « ${c.part} » absente de kit.yml : ${parts.map((p) => `« ${p} »`).join(', ')} attendue`, rule: 'schema-competences' });
  }
  c.competences.forEach((k, i) =>
    k.fiches.forEach((n, j) => {
      if (fiches.includes(n)) return;
      out.push({
        file: c.file,
        ...c.placeOf(`competences.${i}.fiches.${j}`),
        severity: 'erreur',
        message: `fiche ${n} inexistante dans le kit : un numéro parmi ${numbers.join(', ')} est attendu`,
        rule: 'schema-competences',
      });
    }),
  );
  return out;
}

/** The diagram's text alternative: everything it says, in reading order. */
export function competencesAlt(c: Competences): string {
  const rows = c.competences.map((k) => {
    const fiches = k.fiches.length ? ` (${k.fiches.length > 1 ? 'fiches' : 'fiche'} ${k.fiches.join(', ')})` : '';
    return `${k.title}${k.basis ? ` [${k.basis}]` : ''} : ${k.levers.join(' ; ')}${fiches}.`;
  });
  return frenchTypography(`Schéma « ${c.title} ». ${c.centre}${c.basis ? ` (${c.basis})` : ''}. Compétences et leviers de l'ESS : ${rows.join(' ')}`);
}

const INK = '#1d1d1b';
const MUTED = '#4a4a48';

/**
 * Draws the diagram as SVG, its text real text: the level of government at the top, then one row per competence,
 * the competence (and its legal basis) on the left, an arrow, the ESS levers on the right with the fiches to read.
 * Units are points; `width` is the width of the text column.
 */
export function drawCompetences(c: Competences, accent: string, width: number): Element {
  const pad = 6;
  const gap = 22; // room for the arrow
  const spine = 9; // x of the line joining the level to its competences
  const leftX = spine + 9;
  const leftW = Math.round((width - leftX) * 0.38);
  const rightX = leftX + leftW + gap;
  const rightW = width - rightX;
  const tint = mix(accent, 0.86);
  const children: ElementContent[] = [];

  // The level of government, with its general legal basis.
  const centre = block(c.centre, width - 2 * pad - 6, 11.5, 700);
  const basis = c.basis ? block(c.basis, width - 2 * pad - 6, 8, 400) : undefined;
  const headH = pad + centre.height + (basis ? 2 + basis.height : 0) + pad - 2;
  children.push(s('rect', { x: 0, y: 0, width: r(width), height: r(headH), rx: 4, fill: accent }));
  children.push(...drawBlock(centre, pad + 3, pad - 1, '#ffffff'));
  if (basis) children.push(...drawBlock(basis, pad + 3, pad - 1 + centre.height + 2, '#ffffff'));

  // Column headings.
  let y = headH + 9;
  const kicker = (label: string, x: number) =>
    s('text', { x: r(x), y: r(y + 7), fill: mix(accent, -0.25), fontSize: 7.5, fontWeight: 700, letterSpacing: 0.6 }, svgText(label).toUpperCase());
  children.push(kicker('Compétences', leftX), kicker('Leviers de l’ESS', rightX));
  y += 14;

  // One row per competence.
  const rowGap = 5;
  const rows: { top: number; mid: number }[] = [];
  for (const k of c.competences) {
    const title = block(k.title, leftW - 2 * pad, 9.2, 700);
    const kBasis = k.basis ? block(k.basis, leftW - 2 * pad, 7.2, 400) : undefined;
    const levers: TextBlock[] = k.levers.map((l) => block(l, rightW - 2 * pad - 8, 8.6, 400));
    const fiches = k.fiches.length ? block(`→ ${k.fiches.length > 1 ? 'fiches' : 'fiche'} ${k.fiches.join(', ')}`, rightW - 2 * pad, 7.6, 600) : undefined;
    const leftH = pad + title.height + (kBasis ? 1.5 + kBasis.height : 0) + pad - 2;
    const rightH = pad + levers.reduce((sum, b) => sum + b.height + 2, -2) + (fiches ? 2.5 + fiches.height : 0) + pad - 2;
    const rowH = Math.max(leftH, rightH);
    children.push(s('rect', { x: leftX, y: r(y), width: leftW, height: r(rowH), rx: 3, fill: tint }));
    children.push(...drawBlock(title, leftX + pad, y + pad - 1, INK));
    if (kBasis) children.push(...drawBlock(kBasis, leftX + pad, y + pad - 1 + title.height + 1.5, MUTED));
    const mid = y + rowH / 2;
    // Arrow from the competence to its levers.
    children.push(
      s('line', { x1: leftX + leftW + 3, y1: r(mid), x2: r(rightX - 7), y2: r(mid), stroke: accent, strokeWidth: 1.4 }),
      s('path', { d: `M${r(rightX - 8)} ${r(mid - 3.5)}L${r(rightX - 2)} ${r(mid)}L${r(rightX - 8)} ${r(mid + 3.5)}Z`, fill: accent }),
    );
    children.push(s('rect', { x: r(rightX), y: r(y), width: r(rightW), height: r(rowH), rx: 3, fill: '#ffffff', stroke: accent, strokeWidth: 0.8 }));
    let ly = y + pad - 1;
    for (const lever of levers) {
      children.push(s('circle', { cx: r(rightX + pad + 2), cy: r(ly + lever.size * 0.5), r: 1.6, fill: accent }));
      children.push(...drawBlock(lever, rightX + pad + 8, ly, INK));
      ly += lever.height + 2;
    }
    if (fiches) children.push(...drawBlock(fiches, rightX + pad, ly + 0.5, mix(accent, -0.25)));
    rows.push({ top: y, mid });
    y += rowH + rowGap;
  }
  // The spine joining the level to each competence.
  const last = rows[rows.length - 1]!;
  children.unshift(
    s('path', {
      d: [`M${spine} ${r(headH)}V${r(last.mid)}`, ...rows.map((row) => `M${spine} ${r(row.mid)}H${leftX}`)].join(''),
      fill: 'none',
      stroke: accent,
      strokeWidth: 1.4,
    }),
  );
  return figureSvg(width, y - rowGap + 1, competencesAlt(c), children, 'schema-svg');
}

/** The diagram as a figure of the page: the drawing, then its title and source as caption. */
export function competencesFigure(c: Competences, accent: string, width: number): Element {
  // role="group": Chromium tags the figure as a Div holding the caption and the drawing, which is the Figure (with
  // its alternative text) — not as a second Figure without one.
  return h('figure.schema', { role: 'group' }, [
    drawCompetences(c, accent, width),
    h('figcaption', [h('span.schema-title', frenchTypography(c.title)), c.source ? [' — ', frenchTypography(`Source : ${c.source}`)] : []]),
  ]);
}
