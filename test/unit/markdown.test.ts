import { describe, expect, it } from 'vitest';
import { FRONTMATTER, processSheet } from '../helpers/sheet.js';

describe('boxes', () => {
  it('turns a known box into an aside with its title', async () => {
    const { html, diagnostics } = await processSheet(`${FRONTMATTER}\n:::chiffres-cles\n- **2,6 millions** de salariés (2019)\n\nSources : [ESS France](https://www.ess-france.org/)\n:::\n`);
    expect(diagnostics).toEqual([]);
    expect(html).toContain('<aside class="box box-chiffres-cles" aria-label="Chiffres clés">');
    expect(html).toContain('<p class="box-kicker" role="heading" aria-level="2">Chiffres clés</p>');
  });

  it('labels a box with a heading one level below the section it sits in (issue 12)', async () => {
    const { html } = await processSheet(`${FRONTMATTER}\n## Enjeux\n\n:::a-retenir\nUn point.\n:::\n\n### Un levier\n\n:::exemple[Nantes]\nUn exemple.\n:::\n`);
    expect(html).toContain('<p class="box-kicker" role="heading" aria-level="3">À retenir</p>');
    expect(html).toContain('<p class="box-kicker" role="heading" aria-level="4">Exemple</p>');
  });

  it('keeps the collectivité of an exemple as its title', async () => {
    const { html } = await processSheet(`${FRONTMATTER}\n:::exemple[Mouans-Sartoux (Alpes-Maritimes)]\nRepas bio depuis 2012.\n:::\n`);
    expect(html).toContain('<p class="box-title">Mouans-Sartoux (Alpes-Maritimes)</p>');
  });

  it('rejects an unknown box at its line and column', async () => {
    const { diagnostics } = await processSheet(`${FRONTMATTER}\nTexte.\n\n:::encart\nBonjour\n:::\n`);
    expect(diagnostics).toEqual([expect.objectContaining({ line: 14, column: 1, severity: 'erreur', rule: 'encadre-inconnu' })]);
    expect(diagnostics[0]!.message).toContain('« chiffres-cles »');
  });

  it('rejects an empty box', async () => {
    const { diagnostics } = await processSheet(`${FRONTMATTER}\n:::a-retenir\n:::\n`);
    expect(diagnostics.map((d) => d.rule)).toEqual(['encadre-vide']);
  });

  it('requires the collectivité of an exemple', async () => {
    const { diagnostics } = await processSheet(`${FRONTMATTER}\n:::exemple\nUne commune.\n:::\n`);
    expect(diagnostics.map((d) => d.rule)).toEqual(['encadre-sans-intitule']);
  });

  it('rejects an unknown inline directive', async () => {
    const { diagnostics } = await processSheet(`${FRONTMATTER}\nVoir :annexe[3].\n`);
    expect(diagnostics[0]).toMatchObject({ line: 12, column: 6, rule: 'directive-inconnue' });
  });
});

describe('GFM and structure', () => {
  it('renders tables, footnotes scoped to the fiche, and French footnote label', async () => {
    const { html } = await processSheet(`${FRONTMATTER}\n| a | b |\n|---|---|\n| 1 | 2 |\n\nTexte[^1].\n\n[^1]: Une note.\n`);
    expect(html).toContain('<table>');
    expect(html).toContain('id="f7-user-content-fn-1"');
    expect(html).toContain('href="#f7-user-content-fn-1"');
    expect(html).toContain('>Notes</h2>');
  });

  it('records cross-references and rejects unreadable ones', async () => {
    const ok = await processSheet(`${FRONTMATTER}\nVoir :fiche[12] et :fiche[3].\n`);
    expect(ok.refs).toEqual([12, 3]);
    expect(ok.html).toContain('class="fiche-ref"');
    const bad = await processSheet(`${FRONTMATTER}\nVoir :fiche[douze].\n`);
    expect(bad.diagnostics[0]!.rule).toBe('renvoi-illisible');
  });

  it('rejects a level-1 heading and a skipped level', async () => {
    const { diagnostics } = await processSheet(`${FRONTMATTER}\n# Titre\n\n## Enjeux\n\n#### Trop bas\n`);
    expect(diagnostics.map((d) => [d.rule, d.line])).toEqual([
      ['titre-niveau-1', 12],
      ['titre-saute', 16],
    ]);
  });

  it('warns about a link that is not https', async () => {
    const { diagnostics } = await processSheet(`${FRONTMATTER}\n[site](http://exemple.org)\n`);
    expect(diagnostics[0]).toMatchObject({ severity: 'avertissement', rule: 'lien-non-https' });
  });

  it('drops raw HTML and says so', async () => {
    const { html, diagnostics } = await processSheet(`${FRONTMATTER}\n<script>alert(1)</script>\n`);
    expect(html).not.toContain('<script');
    expect(diagnostics[0]!.rule).toBe('html-brut');
  });
});

describe('images', () => {
  it('accepts an image of the kit with alt text and makes its title a caption', async () => {
    const { html, diagnostics } = await processSheet(`${FRONTMATTER}\n![Schéma](schema.svg "Les étapes")\n`);
    expect(diagnostics).toEqual([]);
    expect(html).toContain('<figure class="figure" role="group"><img src="/kit/schema.svg" alt="Schéma"><figcaption>Les étapes</figcaption></figure>');
  });

  it('rejects a missing image and a missing alt text at their place', async () => {
    const { diagnostics } = await processSheet(`${FRONTMATTER}\n![](schema.svg)\n\n![Carte](absente.png)\n`);
    expect(diagnostics.map((d) => [d.rule, d.line, d.column])).toEqual([
      ['image-sans-alt', 12, 1],
      ['image-introuvable', 14, 1],
    ]);
  });

  it('rejects an image outside the kit folder', async () => {
    const { diagnostics } = await processSheet(`${FRONTMATTER}\n![Logo](../../logo.png)\n\n![Logo](https://exemple.org/logo.png)\n`);
    expect(diagnostics.map((d) => d.rule)).toEqual(['image-externe', 'image-externe']);
  });

  it('checks a reference-style image at the image, with its definition’s address', async () => {
    const bad = await processSheet(`${FRONTMATTER}\n![Logo][logo]\n\n[logo]: https://exemple.org/logo.png\n`);
    expect(bad.diagnostics.map((d) => [d.rule, d.line, d.column])).toEqual([['image-externe', 12, 1]]);
    const ok = await processSheet(`${FRONTMATTER}\n![Schéma][s] puis ![Schéma][s]\n\n[s]: schema.svg\n`);
    expect(ok.diagnostics).toEqual([]);
    expect(ok.html).toContain('<img src="/kit/schema.svg" alt="Schéma">');
  });

  it('reports a file name with a lone « % » instead of failing', async () => {
    const { diagnostics } = await processSheet(`${FRONTMATTER}\n![Taux](100%.svg)\n`);
    expect(diagnostics.map((d) => d.rule)).toEqual(['image-introuvable']);
  });
});

describe('colons in text', () => {
  it('keeps « 10:30 » and « 1:25 000 » as text, not as directives', async () => {
    const { html, diagnostics } = await processSheet(`${FRONTMATTER}\nRéunion à 10:30, carte au 1:25 000.\n`);
    expect(diagnostics).toEqual([]);
    expect(html).toContain('10:30');
    expect(html).toMatch(/1:25\s000/);
  });
});

describe('reference-style links', () => {
  it('checks a reference-style link at the link', async () => {
    const { diagnostics } = await processSheet(`${FRONTMATTER}\n[site][s]\n\n[s]: http://exemple.org\n`);
    expect(diagnostics).toEqual([expect.objectContaining({ line: 12, column: 1, severity: 'avertissement', rule: 'lien-non-https' })]);
  });
});
