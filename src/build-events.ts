/**
 * What a build tells while it runs, in order: the plan, each fiche printed, each booklet, each print-shop
 * version, the publication. The terminal's progress line and the preview both listen to these; a PDF's bytes
 * come with its event so that the preview can show it before the build has published everything.
 */
export type BuildEvent =
  /** The fiches of the kits read: how many are printed now, how many are taken unchanged from the previous build. */
  | { type: 'fiches'; toPrint: number; reused: number }
  /** One fiche printed (`path` relative to the output folder). */
  | { type: 'fiche'; kit: string; number: number; title: string; path: string; pages: number; bytes: Uint8Array }
  /** A booklet is being printed. */
  | { type: 'booklet-start'; kit: string; title: string }
  /** A booklet printed. */
  | { type: 'booklet'; kit: string; title: string; path: string; pages: number; bytes: Uint8Array }
  /** A print-shop version (bleed and crop marks, then PDF/X) is being made. */
  | { type: 'printshop-start'; kit: string; title: string }
  /** A print-shop version made: its two files. */
  | { type: 'printshop'; kit: string; title: string; paths: string[] }
  /** Everything printed: the output folder is being replaced. */
  | { type: 'publish' };

/** A listener of build events. */
export type BuildListener = (event: BuildEvent) => void;

/** Why a fiche of the sources is not in the outputs. */
export type LeftOutReason = 'brouillon' | 'à paraître' | 'nom-de-fichier' | 'fichier-ignore';

/** A source file the build left out, and why. */
export interface LeftOut {
  kit: string;
  /** Path of the source, as messages show it. */
  file: string;
  reason: LeftOutReason;
  number?: number;
  title?: string;
  /** Publication date of a fiche not yet out. */
  published?: string;
  /** For a file ignored for its name or extension: what is wrong and how to fix it, in French. */
  detail?: string;
}
