import { createLogUpdate } from 'log-update';
import picocolors from 'picocolors';
import type { BuildEvent, BuildListener } from '../build-events.js';

/** Colour functions (picocolors'), switched off where colours are not wanted. */
export type Colors = ReturnType<typeof picocolors.createColors>;

/** A stream the CLI writes to: stdout or stderr, or a fake one in tests. */
export interface OutStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
  columns?: number;
  rows?: number;
}

/** Whether we run under continuous integration (`CI` set, and not to « false » or « 0 »). */
export function inCi(env: NodeJS.ProcessEnv): boolean {
  return !!env.CI && env.CI !== 'false' && env.CI !== '0';
}

/** Colours only on a terminal, never with `NO_COLOR` (any non-empty value) nor on a « dumb » terminal. */
export function colorsFor(stream: OutStream, env: NodeJS.ProcessEnv = process.env): Colors {
  return picocolors.createColors(!!stream.isTTY && !env.NO_COLOR && env.TERM !== 'dumb');
}

/** « 1 fiche », « 2 fiches »: a count and its noun, in the plural from 2 on (French rule). */
export function plural(n: number, singular: string, pluralForm = `${singular}s`): string {
  return `${n} ${n >= 2 ? pluralForm : singular}`;
}

/** Seconds in French: « 17,3 s ». */
export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1).replace('.', ',')} s`;
}

const BAR_WIDTH = 24;
const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/** A progress bar of fixed width: « ██████░░░░ ». */
function bar(done: number, total: number): string {
  const full = total === 0 ? BAR_WIDTH : Math.round((done / total) * BAR_WIDTH);
  return `${'█'.repeat(full)}${'░'.repeat(BAR_WIDTH - full)}`;
}

/** A running progress display: a listener for build events, and a way to stop it before the summary. */
export interface Progress {
  listener: BuildListener;
  /** Writes a message above the live line (or as a plain line). */
  log(message: string): void;
  /** Removes the live line and its timer. */
  stop(): void;
}

/** What the progress display is told about where it writes. */
export interface ProgressOptions {
  stream: OutStream;
  env?: NodeJS.ProcessEnv;
  quiet?: boolean;
}

/**
 * The progress of a build: on a terminal (and not in CI), one live line with a bar — fiches printed out of
 * those to print, then each booklet, then each print-shop version — redrawn in place by log-update; elsewhere,
 * plain lines at the start and end of each step. `quiet` shows nothing.
 */
export function createProgress(options: ProgressOptions): Progress {
  const env = options.env ?? process.env;
  const { stream } = options;
  if (options.quiet) return { listener: () => undefined, log: () => undefined, stop: () => undefined };
  const c = colorsFor(stream, env);
  const live = !!stream.isTTY && !inCi(env);
  const plain = (line: string) => stream.write(`${line}\n`);

  let fiches = { toPrint: 0, done: 0 };
  const running = new Map<string, string>(); // kit id → what is being printed for it
  let finished = 0;
  let step: 'read' | 'fiches' | 'booklets' | 'publish' | undefined = 'read';
  let frame = 0;
  const started = performance.now();

  if (!live) {
    const listener = (e: BuildEvent) => {
      switch (e.type) {
        case 'fiches':
          fiches = { toPrint: e.toPrint, done: 0 };
          if (e.toPrint > 0) plain(`Impression de ${plural(e.toPrint, 'fiche')}${e.reused ? ` (${plural(e.reused, 'reprise')} telle${e.reused >= 2 ? 's' : ''} quelle${e.reused >= 2 ? 's' : ''})` : ''}…`);
          break;
        case 'fiche':
          fiches.done++;
          if (fiches.done === fiches.toPrint) plain(`${plural(fiches.done, 'fiche imprimée', 'fiches imprimées')}.`);
          break;
        case 'booklet-start':
          plain(`Impression du livret ${e.title}…`);
          break;
        case 'booklet':
          plain(`Livret ${e.title} imprimé : ${plural(e.pages, 'page')}.`);
          break;
        case 'printshop-start':
          plain(`Version imprimeur du livret ${e.title}…`);
          break;
        case 'printshop':
          plain(`Version imprimeur du livret ${e.title} prête.`);
          break;
        case 'publish':
          break;
      }
    };
    return { listener, log: plain, stop: () => undefined };
  }

  const update = createLogUpdate(stream as NodeJS.WriteStream);
  const render = () => {
    const spin = c.cyan(SPINNER[frame++ % SPINNER.length]!);
    const time = c.dim(seconds(performance.now() - started));
    if (step === 'read') {
      update(`${spin} Lecture et vérification des fiches…  ${time}`);
    } else if (step === 'fiches') {
      // A kit's booklet is made as soon as its fiches are printed, while the next kits' fiches print.
      const also = running.size > 0 ? c.dim(` · ${[...running.values()].join(', ')}`) : '';
      update(`${spin} Fiches   ${c.cyan(bar(fiches.done, fiches.toPrint))} ${fiches.done}/${fiches.toPrint}${also}  ${time}`);
    } else if (step === 'booklets') {
      const what = [...running.values()].join(', ');
      update(`${spin} ${what}${finished ? c.dim(` (${finished} terminé${finished >= 2 ? 's' : ''})`) : ''}  ${time}`);
    } else if (step === 'publish') {
      update(`${spin} Écriture des fichiers…  ${time}`);
    }
  };
  const timer = setInterval(render, 120);
  timer.unref();
  render();
  const listener = (e: BuildEvent) => {
    switch (e.type) {
      case 'fiches':
        fiches = { toPrint: e.toPrint, done: 0 };
        step = e.toPrint > 0 ? 'fiches' : undefined;
        break;
      case 'fiche':
        fiches.done++;
        if (fiches.done === fiches.toPrint) {
          update.clear();
          update.persist(`${c.green('✓')} ${plural(fiches.done, 'fiche imprimée', 'fiches imprimées')}`);
          step = running.size > 0 ? 'booklets' : undefined;
        }
        break;
      case 'booklet-start':
        if (step !== 'fiches') step = 'booklets';
        running.set(`${e.kit}:livret`, `Livret ${e.title}`);
        break;
      case 'booklet':
        running.delete(`${e.kit}:livret`);
        finished++;
        update.clear();
        update.persist(`${c.green('✓')} Livret ${e.title} : ${plural(e.pages, 'page')}`);
        break;
      case 'printshop-start':
        if (step !== 'fiches') step = 'booklets';
        running.set(`${e.kit}:imprimeur`, `Version imprimeur de ${e.title}`);
        break;
      case 'printshop':
        running.delete(`${e.kit}:imprimeur`);
        finished++;
        update.clear();
        update.persist(`${c.green('✓')} Version imprimeur de ${e.title}`);
        break;
      case 'publish':
        step = 'publish';
        break;
    }
    render();
  };
  return {
    listener,
    log(message) {
      update.clear();
      update.persist(message);
      render();
    },
    stop() {
      clearInterval(timer);
      update.clear();
      update.done();
    },
  };
}
