import type { Root as HastRoot } from 'hast';
import type { FicheMeta, KitConfig } from './config/schema.js';
import type { Competences } from './design/competences.js';
import type { Place } from './errors.js';

/** A source file as read from disk. */
export interface SourceFile {
  /** Path shown in messages, relative to the working directory. */
  path: string;
  absPath: string;
  text: string;
}

/** Everything read from `sheets/<kit>/` before parsing. */
export interface KitSource {
  id: string;
  dir: string;
  config: SourceFile;
  sheets: SourceFile[];
}

/** A line and column in a source file (defined beside the diagnostics, so that design modules need not import this one). */
export type { Place };

/** A `:fiche[N]` cross-reference found in a fiche. */
export interface FicheRef extends Place {
  number: number;
}

/** An image a fiche uses, resolved inside the kit's folder. */
export interface ImageRef extends Place {
  src: string;
  absPath: string;
}

/** A figure of a `:::chiffres-cles` box: the year of its data, or none for a rule of law « en vigueur ». */
export interface KeyFigure extends Place {
  text: string;
  year?: number;
}

/** One parsed and transformed fiche. */
export interface Fiche {
  number: number;
  /** File name without extension, e.g. `07-commande-publique`. */
  name: string;
  source: SourceFile;
  meta: FicheMeta;
  /** Position of a frontmatter field, for later checks. */
  placeOf(field: string): Place;
  /** The fiche's body as HTML tree, before output-specific resolution. */
  body: HastRoot;
  refs: FicheRef[];
  images: ImageRef[];
  /** Where the fiche places the kit's competences diagram (`::schema-competences`). */
  diagrams: Place[];
  keyFigures: KeyFigure[];
}

/** One parsed kit: its settings and its fiches, sorted by number. */
export interface Kit {
  id: string;
  dir: string;
  config: KitConfig;
  configPath: string;
  fiches: Fiche[];
  /** The kit's competences diagram (competences.yml), if it has one. */
  competences?: Competences;
}

/** A fiche reduced to what tells whether its text changed: its title and one hash per section. */
export interface FicheDigest {
  number: number;
  title: string;
  sections: { title: string; hash: string }[];
}

/** What changed in one kit between two editions. */
export interface KitChanges {
  kit: string;
  added: { number: number; title: string }[];
  removed: { number: number; title: string }[];
  changed: { number: number; title: string; sections: string[] }[];
}

