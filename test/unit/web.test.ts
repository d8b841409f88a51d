import path from 'node:path';
import type { Element } from 'hast';
import { toHtml } from 'hast-util-to-html';
import { visit } from 'unist-util-visit';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Fiche, Kit } from '../../src/model.js';
import { ficheUrl } from '../../src/pipeline/render.js';
import { prepareKits } from '../../src/prepare.js';
import { webBody } from '../../src/web/body.js';
import { PAGE_CSP, renderFichePage } from '../../src/web/page.js';
import { checkWebAddresses, ficheWebPath, relativeLink } from '../../src/web/paths.js';
import { FIXTURES } from '../helpers/fixtures.js';

// Issue 18: the web edition's addresses and the fiche's tree made into a web page, without a browser.
let kit: Kit;
beforeAll(async () => {
  const prepared = await prepareKits(path.join(FIXTURES, 'web/sheets'), ['demo']);
  kit = prepared.kits[0]!;
});
const fiche = (n: number) => kit.fiches.find((f) => f.number === n)!;

describe('web addresses (issue 18)', () => {
  it('gives a fiche an address without its number, so that renumbering keeps it, and prints it as its QR code', () => {
    expect(ficheWebPath('demo', fiche(2))).toBe('demo/commande-publique/index.html');
    expect(ficheUrl(kit, fiche(2))).toBe('https://kits.example.org/demo/commande-publique/');
  });

  it('links pages to each other by relative paths that work from disk and from any folder of a web host', () => {
    expect(relativeLink('demo/commande-publique/index.html', 'demo/contractualisation/index.html')).toBe('../contractualisation/index.html');
    expect(relativeLink('demo/commande-publique/index.html', 'index.html')).toBe('../../index.html');
    expect(relativeLink('demo/commande-publique/index.html', 'demo/fiches/02-commande-publique.pdf')).toBe('../fiches/02-commande-publique.pdf');
    expect(relativeLink('demo/index.html', 'web/kitess-web.css')).toBe('../web/kitess-web.css');
    expect(relativeLink('index.html', 'demo/index.html')).toBe('demo/index.html');
  });

  it('refuses two fiches whose names differ only by their number: they would share an address', () => {
    const a = { ...fiche(2), name: '06-scic', source: { ...fiche(2).source, path: 'sheets/demo/06-scic.md' } } as Fiche;
    const b = { ...fiche(3), name: '12-scic', source: { ...fiche(3).source, path: 'sheets/demo/12-scic.md' } } as Fiche;
    expect(checkWebAddresses('demo', [a, b])).toEqual([
      {
        file: 'sheets/demo/12-scic.md',
        line: 1,
        column: 1,
        severity: 'erreur',
        message: 'nom de fichier « 12-scic.md » : sans son numéro, il donne l\'adresse web « demo/scic/ », déjà celle de sheets/demo/06-scic.md ; un nom différent de celui des autres fiches du kit est attendu (ex. « 12-scic-2.md »)',
        rule: 'adresse-en-double',
      },
    ]);
    expect(checkWebAddresses('demo', kit.fiches)).toEqual([]);
  });
});

describe('a fiche as a web page (issue 18)', () => {
  it('makes cross-references links to pages, boxes notes with a heading, tables scroll, images served from dist/, and drops the soft hyphens', async () => {
    const page = ficheWebPath('demo', fiche(2));
    const body = await webBody(kit, fiche(2), page);
    const root = { type: 'root' as const, children: body.children };
    const html = toHtml(root);
    expect(html).not.toContain('\u00AD');
    expect(html).toContain('<a href="../de-quoi-parle-t-on/index.html" class="fiche-ref">');
    expect(html).toContain('src="../images/schema.svg"');
    expect(body.images.map((i) => i.src)).toEqual(['schema.svg']);
    const boxes: string[] = [];
    visit(root, 'element', (node: Element) => {
      const cls = node.properties.className;
      if (Array.isArray(cls) && cls.includes('box')) boxes.push(`${node.tagName} ${String(node.properties.role)} ${(node.children.find((c) => c.type === 'element') as Element).tagName}`);
    });
    // Each box's label is one level below the section it sits in (« Connaître les fournisseurs » is an h3).
    expect(boxes).toEqual(['div note h4', 'div note h4']);
    expect(html).toMatch(/<div class="table-scroll" tabindex="0" role="region" aria-label="Tableau : Collectivité Démarche/);
    // The print's fiche tree is left as it was.
    expect(toHtml(fiche(2).body)).toContain('\u00AD');
  });

  it('has no inline style or script, and the policy that forbids them', async () => {
    const html = renderFichePage({ kit, fiche: fiche(2), body: await webBody(kit, fiche(2), ficheWebPath('demo', fiche(2))), pdf: { path: 'demo/fiches/02-commande-publique.pdf', pages: 2, bytes: 90_000 } });
    expect(html).not.toMatch(/<script|<style| style="/);
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="${PAGE_CSP.replace(/'/g, '&#x27;')}">`);
  });
});
