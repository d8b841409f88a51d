/** Severity of a diagnostic: an error stops the build, a warning does not (unless --strict). */
export type Severity = 'erreur' | 'avertissement';

/** A line and column in a source file. */
export interface Place {
  line: number;
  column: number;
}

/** A positioned message about a source file, in French, like a compiler's. */
export interface Diagnostic extends Place {
  /** Path of the file, relative to the working directory when possible. */
  file: string;
  severity: Severity;
  /** What was found and what was expected, in French. */
  message: string;
  /** Stable identifier of the rule that produced the message. */
  rule: string;
}

/** Base class of every error kitess raises on purpose; `exitCode` is what the CLI exits with. */
export class KitessError extends Error {
  readonly exitCode: number = 4;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
  /** A plain object for `--format json`. */
  toJSON(): Record<string, unknown> {
    return { name: this.name, message: this.message, exitCode: this.exitCode };
  }
}

/** The sources have errors: the build stops before printing and writes nothing. */
export class SourceError extends KitessError {
  override readonly exitCode = 1;
  constructor(readonly diagnostics: Diagnostic[]) {
    const count = diagnostics.filter((d) => d.severity === 'erreur').length;
    super(`${count} erreur${count > 1 ? 's' : ''} dans les sources : rien n'a été écrit.`);
  }
  override toJSON() {
    return { ...super.toJSON(), diagnostics: this.diagnostics };
  }
}

/** The command line is wrong (unknown kit, bad option value). */
export class UsageError extends KitessError {
  override readonly exitCode = 2;
}

/** No usable browser, or the browser failed to start. */
export class BrowserError extends KitessError {
  override readonly exitCode = 3;
}

/** Printing or assembling a PDF failed. */
export class PrintError extends KitessError {
  override readonly exitCode = 4;
}

/** The build (or another command: `check`, the preview) was interrupted (Ctrl-C, SIGTERM, SIGHUP): nothing was written. */
export class AbortedError extends KitessError {
  override readonly exitCode = 130;
  constructor(message = 'Construction interrompue : dist/ est resté tel quel.') {
    super(message);
  }
}

/** Throws AbortedError when the signal has fired. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new AbortedError();
}

const ERRNO: Record<string, string> = {
  EACCES: 'permission refusée',
  EPERM: 'opération non permise',
  ENOSPC: 'plus de place sur le disque',
  EDQUOT: 'quota de disque dépassé',
  EROFS: 'disque en lecture seule',
  ENOENT: 'fichier ou dossier introuvable',
  ENOTDIR: 'un élément du chemin n’est pas un dossier',
  EISDIR: 'c’est un dossier',
  EEXIST: 'existe déjà',
  EMFILE: 'trop de fichiers ouverts',
  EBUSY: 'fichier occupé par un autre programme',
  EXDEV: 'déplacement entre deux disques impossible',
};

const SYSCALL: Record<string, string> = {
  open: 'ouvrir',
  read: 'lire',
  scandir: 'lire le dossier',
  stat: 'lire',
  write: 'écrire',
  mkdir: 'créer le dossier',
  mkdtemp: 'créer un dossier temporaire dans',
  rename: 'remplacer',
  unlink: 'supprimer',
  rm: 'supprimer',
  rmdir: 'supprimer le dossier',
  copyfile: 'copier',
  cp: 'copier',
};

/**
 * A failed file operation of the system (`EACCES`, `ENOSPC`…) in French: what could not be done, on which path,
 * and why; undefined for any other error.
 */
export function systemErrorMessage(error: unknown): string | undefined {
  const e = error as NodeJS.ErrnoException | undefined;
  if (!e || typeof e.code !== 'string' || !e.syscall || !/^E[A-Z]+$/.test(e.code)) return undefined;
  const verb = SYSCALL[e.syscall] ?? 'utiliser';
  const where = e.path ? ` « ${e.path} »` : '';
  const de = /^[aeéiouy]/i.test(verb) ? 'd’' : 'de ';
  return `impossible ${de}${verb}${where} : ${ERRNO[e.code] ?? `erreur système ${e.code}`}`;
}
