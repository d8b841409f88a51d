import TypografModule from 'typograf';

// typograf's types describe a CommonJS default; under ESM the class is the default export itself.
const Typograf: typeof TypografModule.default = (TypografModule as any).default ?? TypografModule;

const NNBSP = '\u202F'; // narrow no-break space
const NBSP = '\u00A0';

/** Units, currencies and magnitudes that stay on the line of their number. */
const UNITS = '(?:€|M€|Md€|k€|euros?|%|km|m²|m2|ha|kg|t|h|min|millions?|milliards?|salariés|ans)';

type Rule = { name: string; handler: (text: string) => string };

/** French rules typograf's `fr` locale lacks, registered into typograf itself. */
const FRENCH_RULES: Rule[] = [
  { name: 'fr/kitess/highPunctuation', handler: (t) => t.replace(/(?<=[^\s\u00A0\u202F])[ \u00A0\u202F]*([;!?])(?=\s|$|[»)\]])/g, `${NNBSP}$1`) },
  { name: 'fr/kitess/colon', handler: (t) => t.replace(/(?<=[^\s\u00A0\u202F\d])[ \u00A0\u202F]*:(?=\s|$)/g, `${NBSP}:`) },
  { name: 'fr/kitess/guillemets', handler: (t) => t.replace(/«[ \u00A0\u202F]*/g, `«${NNBSP}`).replace(/[ \u00A0\u202F]*»/g, `${NNBSP}»`) },
  { name: 'fr/kitess/percent', handler: (t) => t.replace(/(\d)[ \u00A0\u202F]*%/g, `$1${NNBSP}%`) },
  {
    name: 'fr/kitess/thousands',
    handler: (t) => {
      let prev;
      do {
        prev = t;
        t = t.replace(/(?<![\d,.])(\d{1,3})[ \u00A0](\d{3})(?!\d)/g, `$1${NNBSP}$2`);
      } while (t !== prev);
      return t;
    },
  },
  // typograf curls an apostrophe between two letters; an elision also comes before a number (« d'1 million ») or at
  // the end of a text before bold or a link (« l'**Avise** »: the next letter is in another text node).
  { name: 'fr/kitess/apostrophe', handler: (t) => t.replace(/(?<=\p{L})'(?=\d|$)/gu, '’') },
  { name: 'fr/kitess/units', handler: (t) => t.replace(new RegExp(`(\\d)[ ](?=${UNITS}(?![\\p{L}\\d]))`, 'gu'), `$1${NBSP}`) },
];

let registered = false;
function register(): void {
  if (registered) return;
  for (const rule of FRENCH_RULES) Typograf.addRule({ ...rule, queue: 'end' } as never);
  registered = true;
}

/** Rules that would merge text across inline elements or fight the French rules. */
const DISABLED = [
  'common/space/delBeforePunctuation',
  'common/space/delBeforePercent',
  'common/space/trimLeft',
  'common/space/trimRight',
  'common/space/delLeadingBlanks',
  'common/space/delTrailingBlanks',
  'common/space/insertFinalNewline',
  'common/space/afterColon',
  'common/number/fraction',
  'common/nbsp/afterShortWord',
  'common/nbsp/beforeShortLastWord',
];

let engine: InstanceType<typeof Typograf> | undefined;

/** A URL or an e-mail address: never touched by typography or hyphenation. */
export const URL_PATTERN = /(?:https?:\/\/|www\.)\S+|[\w.+-]+@[\w-]+\.[\w.]+/g;

/** Applies URL-safe processing to the parts of a text that are not URLs. */
export function outsideUrls(text: string, fn: (part: string) => string): string {
  let out = '';
  let last = 0;
  for (const m of text.matchAll(URL_PATTERN)) {
    out += fn(text.slice(last, m.index)) + m[0];
    last = m.index! + m[0].length;
  }
  return out + fn(text.slice(last));
}

/** French typography for a piece of text: no-break spaces, guillemets, apostrophes, ellipsis; URLs untouched. */
export function frenchTypography(text: string): string {
  register();
  engine ??= new Typograf({ locale: ['fr'], disableRule: DISABLED });
  // URLs are swapped for private-use placeholders so the rules see the text around them but never touch them.
  const urls: string[] = [];
  const masked = text.replace(URL_PATTERN, (url) => {
    urls.push(url);
    return `\uE000${String.fromCharCode(0xe100 + urls.length - 1)}`;
  });
  const m = /^(\s*)([\s\S]*?)(\s*)$/.exec(masked)!;
  const typeset = m[2] ? m[1] + engine.execute(m[2]) + m[3] : masked;
  return typeset.replace(/\uE000([\uE100-\uF8FF])/g, (_, c: string) => urls[c.charCodeAt(0) - 0xe100]!);
}
