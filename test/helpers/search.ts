import { pdfjsText, pdftotextReadingOrder } from './pdf.js';

/** The 20 ordinary body words of the accessibility audit (November 2026, §2.3). */
export const AUDIT_WORDS = [
  'communes', 'compétence', 'collectivités', 'insertion', 'coopérative', 'économie', 'solidaire', 'territoire', 'développement', 'associations',
  'entreprises', 'emploi', 'politique', 'intercommunalité', 'accompagnement', 'financement', 'acteurs', 'publique', 'coopération', 'projets',
];

/** The audit's apostrophe phrases, typed with the keyboard's straight apostrophe. */
export const AUDIT_PHRASES = ["l'ESS", "d'intérêt", "d'action", "d'insertion"];

function count(haystack: string, needle: string): number {
  let n = 0;
  for (let i = haystack.indexOf(needle); i >= 0; i = haystack.indexOf(needle, i + needle.length)) n++;
  return n;
}

const lower = (s: string) => s.toLocaleLowerCase('fr');
/** Accents folded, as pdf.js's find does by default (matchDiacritics off). */
const fold = (s: string) => lower(s).normalize('NFD').replace(/\p{M}/gu, '');
/** Quotes pdf.js's find reads as the ASCII ones (pdf_find_controller's CHARACTERS_TO_NORMALIZE); U+02BC is not one. */
const quotes = (s: string) => s.replace(/[\u2018\u2019\u201A\u201B]/g, "'").replace(/[\u201C\u201D\u201E\u201F]/g, '"');
/** pdf.js's find joins a word its text layer split with a hyphen at a line end (« obli-⏎gatoirement »). */
const dehyphenate = (s: string) => s.replace(/(\p{L})-\n(?=\p{L})/gu, '$1').replace(/\s+/g, ' ');

/** Counts for one PDF: the truth and what each engine's text lets a substring search find. */
export interface SearchCounts {
  truth: number[];
  foldedTruth: number[];
  pdftotext: number[];
  pdfjs: number[];
}

/**
 * Occurrences of each query in a PDF. The truth is the audit's: pdftotext's reading-order text with U+00AD
 * deleted (poppler already joins words broken at line ends there), case-insensitive; accent-folded for pdf.js.
 * « pdftotext » is a plain substring search of that same text without deleting anything; « pdf.js » searches
 * getTextContent's text with pdf.js's own find rules (case and accents folded, quotes normalised, line-end
 * hyphens joined).
 */
export async function searchCounts(file: string, queries: string[]): Promise<SearchCounts> {
  const poppler = pdftotextReadingOrder(file);
  const truthText = quotes(lower(poppler.replaceAll('\u00AD', '')));
  const foldedTruth = quotes(fold(poppler.replaceAll('\u00AD', '')));
  const popplerText = lower(poppler);
  const pdfjs = quotes(fold(dehyphenate(await pdfjsText(file))));
  return {
    truth: queries.map((q) => count(truthText, quotes(lower(q)))),
    foldedTruth: queries.map((q) => count(foldedTruth, quotes(fold(q)))),
    // In poppler-based viewers one types the apostrophe the text has (’): their search does not fold quotes.
    pdftotext: queries.map((q) => count(popplerText, lower(q).replaceAll("'", '\u2019'))),
    pdfjs: queries.map((q) => count(pdfjs, quotes(fold(q)))),
  };
}

/** Sums the counts of several PDFs, query by query. */
export function sumCounts(all: SearchCounts[]): SearchCounts {
  const add = (key: keyof SearchCounts) => all[0]![key].map((_, i) => all.reduce((s, c) => s + c[key][i]!, 0));
  return { truth: add('truth'), foldedTruth: add('foldedTruth'), pdftotext: add('pdftotext'), pdfjs: add('pdfjs') };
}
