import { describe, expect, it } from 'vitest';
import { hyphenateFrench, SOFT_HYPHEN } from '../../src/text/hyphenation.js';
import { frenchTypography } from '../../src/text/typography.js';

const show = (s: string) => s.replace(/\u202F/g, '⍽').replace(/\u00A0/g, '°').replace(/\u00AD/g, '|');

describe('French typography', () => {
  it('puts narrow no-break spaces before ; ! ? and inside guillemets', () => {
    expect(show(frenchTypography('Pourquoi ? Parce que ; enfin ! « Bonjour »'))).toBe('Pourquoi⍽? Parce que⍽; enfin⍽! «⍽Bonjour⍽»');
  });

  it('adds a space before a high punctuation mark written without one', () => {
    expect(show(frenchTypography('Vraiment?'))).toBe('Vraiment⍽?');
  });

  it('puts a no-break space before a colon, but not in times or URLs', () => {
    expect(show(frenchTypography('Source : INSEE'))).toBe('Source° : INSEE'.replace('° :', '°:'));
    expect(show(frenchTypography('à 10:30'))).toBe('à 10:30');
  });

  it('glues numbers to their unit, percent, euro and thousands', () => {
    expect(show(frenchTypography('soit 10,2 % et 100 000 € pour 2 600 000 salariés sur 12 km'))).toBe(
      'soit 10,2⍽% et 100⍽000°€ pour 2⍽600⍽000°salariés sur 12°km',
    );
  });

  it('makes apostrophes typographic, straight quotes French and dots an ellipsis', () => {
    expect(show(frenchTypography(`l'ESS "solidaire"...`))).toBe('l’ESS «⍽solidaire⍽»…');
    // Before a number, and at the end of a text that bold or a link continues (« l'**Avise** »).
    expect(frenchTypography(`un fonds d'1 million`)).toMatch(/^un fonds d’1\s/);
    expect(frenchTypography(`propose l'`)).toBe('propose l’');
  });

  it('leaves URLs untouched', () => {
    const url = 'https://www.rtes.fr/a?b=c;d!e';
    expect(frenchTypography(`Voir ${url} ; merci`)).toBe(`Voir ${url}\u202F; merci`);
  });
});

describe('French hyphenation', () => {
  it('inserts soft hyphens at French break points, 3 letters at least on each side', () => {
    expect(show(hyphenateFrench('collectivités territoriales'))).toBe('col|lec|ti|vi|tés ter|ri|to|riales');
  });

  it('leaves short words, URLs and numbers alone', () => {
    const text = 'une aide https://www.economie.gouv.fr/collectivites 2024';
    expect(hyphenateFrench(text)).toBe(text);
  });

  it('never breaks before the third letter', () => {
    for (const word of hyphenateFrench('économique développement association').split(' ')) {
      const parts = word.split(SOFT_HYPHEN);
      expect(parts[0]!.length).toBeGreaterThanOrEqual(3);
      expect(parts[parts.length - 1]!.length).toBeGreaterThanOrEqual(3);
    }
  });
});
