import { describe, expect, it } from 'vitest';
import type { BuildEvent } from '../../src/build-events.js';
import type { BuildResult } from '../../src/build.js';
import { colorsFor, createProgress, plural, type OutStream } from '../../src/cli/progress.js';
import { countLine, errorsFirst, formatBuildSummary } from '../../src/cli/summary.js';
import type { Diagnostic } from '../../src/errors.js';
import { Timings } from '../../src/timings.js';

/** A stream that records what is written, as a terminal or as a pipe. */
function stream(isTTY: boolean): OutStream & { text: string } {
  const s = { text: '', isTTY, columns: 100, rows: 30, write: (chunk: string) => ((s.text += chunk), true) };
  return s;
}

const ESC = '\u001B[';
const bytes = new Uint8Array();
const EVENTS: BuildEvent[] = [
  { type: 'fiches', toPrint: 3, reused: 2 },
  { type: 'fiche', kit: 'demo', number: 1, title: 'Un', path: 'demo/fiches/01-un.pdf', pages: 2, bytes },
  { type: 'fiche', kit: 'demo', number: 2, title: 'Deux', path: 'demo/fiches/02-deux.pdf', pages: 1, bytes },
  { type: 'fiche', kit: 'demo', number: 3, title: 'Trois', path: 'demo/fiches/03-trois.pdf', pages: 2, bytes },
  { type: 'booklet-start', kit: 'demo', title: 'Kit DémoESS' },
  { type: 'booklet', kit: 'demo', title: 'Kit DémoESS', path: 'demo/kit-demoess.pdf', pages: 12, bytes },
  { type: 'printshop-start', kit: 'demo', title: 'Kit DémoESS' },
  { type: 'printshop', kit: 'demo', title: 'Kit DémoESS', paths: ['demo/impression/a.pdf', 'demo/impression/b.pdf'] },
  { type: 'publish' },
];

function run(s: OutStream, env: NodeJS.ProcessEnv, quiet = false, upTo = EVENTS.length): void {
  const progress = createProgress({ stream: s, env, quiet });
  for (const e of EVENTS.slice(0, upTo)) progress.listener(e);
  progress.stop();
}

describe('progress (issue 15)', () => {
  it('prints plain lines, one per step and no escape codes, when the output is not a terminal', () => {
    const s = stream(false);
    run(s, {});
    expect(s.text).toBe(
      [
        'Impression de 3 fiches (2 reprises telles quelles)…',
        '3 fiches imprimées.',
        'Impression du livret Kit DémoESS…',
        'Livret Kit DémoESS imprimé : 12 pages.',
        'Version imprimeur du livret Kit DémoESS…',
        'Version imprimeur du livret Kit DémoESS prête.',
        '',
      ].join('\n'),
    );
  });

  it('prints the same plain lines on a terminal under CI', () => {
    const s = stream(true);
    run(s, { CI: 'true' });
    expect(s.text).toContain('3 fiches imprimées.\n');
    expect(s.text).not.toContain(ESC);
  });

  it('draws one live line with a bar and the count of fiches printed on a terminal, redrawn in place', () => {
    const s = stream(true);
    const progress = createProgress({ stream: s, env: { NO_COLOR: '1' } });
    for (const e of EVENTS.slice(0, 3)) progress.listener(e);
    expect(s.text).toContain('Lecture et vérification des fiches…');
    expect(s.text).toMatch(/Fiches {3}█{8}░{16} 1\/3/);
    expect(s.text).toMatch(/Fiches {3}█{16}░{8} 2\/3/);
    // The line is erased and drawn again (cursor up, erase line), not appended.
    expect(s.text).toContain(`${ESC}2K`);
    for (const e of EVENTS.slice(3)) progress.listener(e);
    progress.stop();
    expect(s.text).toContain('✓ 3 fiches imprimées');
    expect(s.text).toContain('✓ Livret Kit DémoESS : 12 pages');
    expect(s.text).toContain('✓ Version imprimeur de Kit DémoESS');
  });

  it('colours only on a terminal, and never with NO_COLOR', () => {
    const colored = stream(true);
    run(colored, {}, false, 4);
    expect(colored.text).toContain(`${ESC}32m✓`);
    const noColor = stream(true);
    run(noColor, { NO_COLOR: '1' }, false, 4);
    expect(noColor.text).not.toMatch(/\u001B\[\d+m/);
    expect(colorsFor(stream(false), {}).green('x')).toBe('x');
    expect(colorsFor(stream(true), { TERM: 'dumb' }).green('x')).toBe('x');
    expect(colorsFor(stream(true), {}).green('x')).not.toBe('x');
  });

  it('shows nothing with --quiet', () => {
    for (const tty of [true, false]) {
      const s = stream(tty);
      run(s, {}, true);
      expect(s.text).toBe('');
    }
  });

  it('says « 1 page », « 0 erreur » and « 2 pages » (French plural from 2 on)', () => {
    expect([plural(0, 'erreur'), plural(1, 'page'), plural(2, 'page')]).toEqual(['0 erreur', '1 page', '2 pages']);
  });
});

const diag = (file: string, line: number, severity: Diagnostic['severity']): Diagnostic => ({ file, line, column: 1, severity, message: 'm : n', rule: 'r' });

describe('build summary (issue 15)', () => {
  const result: BuildResult = {
    kits: [
      {
        id: 'demo',
        title: 'Kit DémoESS',
        subtitle: '',
        level: '',
        accent: '#000000',
        edition: { number: 1, date: '2026-03-01' },
        booklet: { path: 'demo/kit-demoess.pdf', title: '', pages: 1, bytes: 1, sha256: '' },
        fiches: [
          { path: 'demo/fiches/01-un.pdf', number: 1, title: 'Un', part: 'p', summary: '', updated: '', pages: 2, bytes: 1, sha256: '' },
          { path: 'demo/fiches/02-deux.pdf', number: 2, title: 'Deux', part: 'p', summary: '', updated: '', pages: 1, bytes: 1, sha256: '' },
        ],
        print: {
          booklet: { path: 'demo/impression/kit-demoess-impression.pdf', title: '', pages: 4, bytes: 1, sha256: '' },
          pdfx: { path: 'demo/impression/kit-demoess-pdfx.pdf', title: '', pages: 4, bytes: 1, sha256: '' },
          recto: false,
          padding: 0,
        },
      },
    ],
    warnings: [diag('sheets/demo/02-deux.md', 3, 'avertissement'), diag('sheets/demo/01-un.md', 9, 'avertissement')],
    timings: new Timings(),
    printed: ['demo/fiches/02-deux.pdf', 'demo/kit-demoess.pdf'],
    reused: ['demo/fiches/01-un.pdf'],
    launched: true,
    asOf: '2026-06-01',
    leftOut: [
      { kit: 'demo', file: 'sheets/demo/03-trois.md', reason: 'brouillon', number: 3, title: 'Trois' },
      { kit: 'demo', file: 'sheets/demo/04-quatre.md', reason: 'à paraître', number: 4, title: 'Quatre', published: '2026-12-07' },
      { kit: 'demo', file: 'sheets/demo/5-cinq.md', reason: 'nom-de-fichier' },
    ],
  };
  const manifest = { generator: 'kitess', kits: [{ ...result.kits[0]!, zip: { path: 'demo/demo-fiches.zip', bytes: 1, sha256: '', files: 2 } }], zip: { path: 'kits-ess.zip', bytes: 1, sha256: '', files: 3 } };

  it('lists what was built, what was left out and why, the warnings and the time taken', () => {
    const text = formatBuildSummary({ result, manifest, outDir: `${process.cwd()}/dist`, elapsedMs: 17_340 }, colorsFor(stream(false)));
    expect(text).toBe(
      [
        '✓ Construit en 17,3 s, dans dist/ :',
        '  Fiches : 2 (1 imprimée, 1 reprise telle quelle)',
        '  Livrets : demo/kit-demoess.pdf (1 page, imprimé)',
        '  Imprimeur : demo/impression/kit-demoess-impression.pdf, demo/impression/kit-demoess-pdfx.pdf',
        '  Archives : demo/demo-fiches.zip, kits-ess.zip',
        '  Laissés de côté (3) :',
        '    sheets/demo/03-trois.md  fiche 3 « Trois » : brouillon (statut: brouillon), incluse avec --drafts',
        '    sheets/demo/04-quatre.md  fiche 4 « Quatre » : pas encore parue : publication le 2026-12-07, construction à la date du 2026-06-01 (--as-of)',
        '    sheets/demo/5-cinq.md  5-cinq.md : fichier ignoré : son nom ne suit pas « NN-nom-court.md »',
        '',
        'sheets/demo/01-un.md:9:1  avertissement  m : n  (r)',
        'sheets/demo/02-deux.md:3:1  avertissement  m : n  (r)',
        '',
        '⚠ 0 erreur, 2 avertissements',
      ].join('\n'),
    );
  });

  it('lists errors before warnings, and counts errors first', () => {
    const list = [diag('a.md', 1, 'avertissement'), diag('b.md', 5, 'erreur'), diag('a.md', 7, 'erreur')];
    expect(errorsFirst(list).map((d) => `${d.file}:${d.line} ${d.severity}`)).toEqual(['a.md:7 erreur', 'b.md:5 erreur', 'a.md:1 avertissement']);
    expect(countLine(list)).toBe('2 erreurs, 1 avertissement');
  });
});
