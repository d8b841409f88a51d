import hyphenFr from 'hyphen/fr/index.js';

const { hyphenateSync } = hyphenFr;
import { outsideUrls } from './typography.js';

/** The soft hyphen Chromium breaks lines at. */
export const SOFT_HYPHEN = '\u00AD';

/** Inserts soft hyphens at French hyphenation points, leaving URLs, numbers and short words alone. */
export function hyphenateFrench(text: string): string {
  return outsideUrls(text, (part) =>
    part.replace(/[\p{L}’'-]{7,}/gu, (word) => (/[’'-]/.test(word) ? word.replace(/[\p{L}]{7,}/gu, (w) => hyphenateWord(w)) : hyphenateWord(word))),
  );
}

function hyphenateWord(word: string): string {
  // Keep at least 3 letters before and after a break, as French typesetting does.
  const parts = hyphenateSync(word, { hyphenChar: SOFT_HYPHEN }).split(SOFT_HYPHEN);
  let out = '';
  let pos = 0;
  parts.forEach((part, i) => {
    if (i > 0 && pos >= 3 && word.length - pos >= 3) out += SOFT_HYPHEN;
    out += part;
    pos += part.length;
  });
  return out;
}
