import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { zipSync, type Zippable } from 'fflate';
import type { Element, ElementContent, Root } from 'hast';
import { toHtml } from 'hast-util-to-html';
import { h } from 'hastscript';
import { editionLabel, frenchDate } from '../text/format.js';
import { frenchTypography } from '../text/typography.js';
import { sourceDateEpoch } from './inputs.js';
import { sha256, type Manifest, type ManifestKit, type ManifestZip } from './publish.js';

/** The date stamped on zip entries: SOURCE_DATE_EPOCH, else the given edition date, so zips are reproducible. */
function zipDate(isoDate: string): Date {
  // Zip stores local time without zone; noon keeps the date stable whatever the machine's zone.
  return sourceDateEpoch() ?? new Date(`${isoDate}T12:00:00`);
}

// PDFs are already compressed: the zips store them as they are (level 0), which is 40 times faster.
async function writeZip(dir: string, zipPath: string, members: string[], date: Date): Promise<ManifestZip> {
  const entries: Zippable = {};
  for (const member of [...members].sort()) entries[member] = [await readFile(path.join(dir, member)), { mtime: date, level: 0 }];
  const bytes = zipSync(entries, { mtime: date });
  await writeFile(path.join(dir, zipPath), bytes);
  return { path: zipPath, bytes: bytes.byteLength, sha256: sha256(bytes), files: members.length };
}

const escapeXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** A small picture of a kit's cover, drawn from its settings: accent background, title, edition. */
export function coverSvg(kit: { title: string; subtitle: string; accent: string; edition: { number: number; date: string } }): string {
  const words = kit.subtitle.split(/\s+/);
  const lines: string[] = [];
  for (const w of words) {
    const last = lines[lines.length - 1];
    if (last !== undefined && `${last} ${w}`.length <= 30) lines[lines.length - 1] = `${last} ${w}`;
    else lines.push(w);
  }
  const subtitle = lines
    .slice(0, 4)
    .map((l, i) => `<text x="16" y="${150 + i * 11}" font-size="9" fill="#fff">${escapeXml(l)}</text>`)
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 210 297" width="210" height="297" font-family="Source Sans 3, Helvetica, Arial, sans-serif">
<rect width="210" height="297" fill="${kit.accent}"/>
<text x="16" y="30" font-size="8" fill="#fff">RTES</text>
<text x="16" y="135" font-size="20" font-weight="700" fill="#fff">${escapeXml(kit.title)}</text>
${subtitle}
<text x="16" y="275" font-size="8" font-weight="600" fill="#fff">${escapeXml(editionLabel(kit.edition))}</text>
</svg>
`;
}

function size(bytes: number): string {
  if (bytes < 1024 * 1024) return `${Math.max(1, Math.round(bytes / 1024))}\u00A0Ko`;
  return `${(bytes / 1024 / 1024).toLocaleString('fr-FR', { maximumFractionDigits: 1 })}\u00A0Mo`;
}

function pages(n: number): string {
  return `${n}\u00A0page${n > 1 ? 's' : ''}`;
}

const PAGE_CSS = `
:root { color-scheme: light; --ink: #1d1d1b; --muted: #4a4a4a; }
* { box-sizing: border-box; }
body { margin: 0; font-family: system-ui, "Source Sans 3", "Helvetica Neue", Arial, sans-serif; color: var(--ink); background: #fafaf7; line-height: 1.5; font-size: 1rem; }
header.site, main, footer.site { max-width: 62rem; margin: 0 auto; padding: 1rem; }
header.site h1 { font-size: 1.8rem; margin: 1rem 0 0.25rem; }
header.site p { margin: 0; color: var(--muted); }
a { color: #0b4f8a; text-underline-offset: 0.15em; }
a:focus-visible { outline: 3px solid #1d1d1b; outline-offset: 2px; border-radius: 2px; }
.skip { position: absolute; left: -100vw; }
.skip:focus { left: 1rem; top: 1rem; background: #fff; padding: 0.5rem; z-index: 1; }
.kit { background: #fff; border-top: 0.5rem solid var(--accent); border-radius: 0.3rem; padding: 1rem; margin: 1.5rem 0; box-shadow: 0 1px 3px rgba(0,0,0,.12); }
.kit-head { display: flex; gap: 1rem; align-items: flex-start; flex-wrap: wrap; }
.kit-head img { width: 7rem; height: auto; border: 1px solid #ccc; }
.kit-head h2 { margin: 0 0 0.25rem; font-size: 1.5rem; }
.kit-head p { margin: 0.2rem 0; }
.downloads { list-style: none; padding: 0; margin: 0.5rem 0 0; display: flex; flex-wrap: wrap; gap: 0.5rem; }
.downloads a { display: inline-block; padding: 0.45rem 0.8rem; border: 2px solid var(--accent-dark); color: var(--accent-dark); border-radius: 0.3rem; font-weight: 600; text-decoration: none; }
.downloads a:hover { background: var(--accent-dark); color: #fff; }
.fiches { list-style: none; padding: 0; margin: 1rem 0 0; }
.fiches li { border-top: 1px solid #ddd; padding: 0.6rem 0; }
.fiche-title { font-weight: 600; }
.fiche-number { display: inline-block; min-width: 2.2rem; font-weight: 700; color: var(--accent-dark); }
.fiche-meta { color: var(--muted); font-size: 0.9rem; }
.fiche-summary { margin: 0.15rem 0; }
.news { background: #f3f3ee; padding: 0.5rem 1rem; border-radius: 0.3rem; }
.news h3 { margin: 0.4rem 0; font-size: 1.05rem; }
footer.site { color: var(--muted); font-size: 0.9rem; }
@media (max-width: 36rem) { .kit-head img { width: 5rem; } header.site h1 { font-size: 1.5rem; } }
`;

/** A colour darkened enough to read on white (WCAG AA for normal text). */
export function readableOnWhite(hex: string): string {
  const parse = (i: number) => parseInt(hex.slice(1 + 2 * i, 3 + 2 * i), 16);
  let [r, g, b] = [parse(0), parse(1), parse(2)];
  const lum = (c: number) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  const contrast = () => 1.05 / (0.2126 * lum(r) + 0.7152 * lum(g) + 0.0722 * lum(b) + 0.05);
  while (contrast() < 4.6) [r, g, b] = [r, g, b].map((c) => Math.floor(c * 0.9)) as [number, number, number];
  return `#${[r, g, b].map((c) => c.toString(16).padStart(2, '0')).join('')}`;
}

function kitSection(kit: ManifestKit): Element {
  const accentDark = readableOnWhite(kit.accent);
  const news: ElementContent[] = [];
  if (kit.changes && kit.changes.added.length + kit.changes.changed.length + kit.changes.removed.length > 0) {
    const list = (title: string, items: { number: number; title: string; sections?: string[] }[]) =>
      items.length ? [h('h3', title), h('ul', items.map((f) => h('li', `Fiche ${f.number} « ${f.title} »${f.sections ? ` — ${f.sections.join(', ')}` : ''}`)))] : [];
    news.push(
      h('section.news', { ariaLabelledBy: `news-${kit.id}` }, [
        h('h3', { id: `news-${kit.id}` }, 'Nouveautés de cette édition'),
        ...list('Nouvelles fiches', kit.changes.added),
        ...list('Fiches mises à jour', kit.changes.changed),
        ...list('Fiches retirées', kit.changes.removed),
      ]),
    );
  }
  return h('section.kit', { id: kit.id, style: `--accent: ${kit.accent}; --accent-dark: ${accentDark}`, ariaLabelledBy: `titre-${kit.id}` }, [
    h('div.kit-head', [
      kit.cover ? h('img', { src: kit.cover, alt: `Couverture du ${kit.title}`, width: 112, height: 158 }) : null,
      h('div', [
        h('h2', { id: `titre-${kit.id}` }, kit.title),
        h('p', frenchTypography(kit.subtitle)),
        h('p', [editionLabel(kit.edition), ` · pour les ${kit.level}`]),
        h('ul.downloads', [
          h('li', h('a', { href: kit.booklet.path, download: '' }, `Livret PDF (${pages(kit.booklet.pages)}, ${size(kit.booklet.bytes)})`)),
          kit.zip ? h('li', h('a', { href: kit.zip.path, download: '' }, `Toutes les fiches, zip (${kit.zip.files} fichiers, ${size(kit.zip.bytes)})`)) : null,
        ]),
      ]),
    ]),
    ...news,
    h('h3', `Les ${kit.fiches.length} fiches`),
    h(
      'ul.fiches',
      kit.fiches.map((f) =>
        h('li', [
          h('a.fiche-title', { href: f.path }, [h('span.fiche-number', `${f.number}.`), frenchTypography(f.title)]),
          h('p.fiche-summary', frenchTypography(f.summary)),
          h('p.fiche-meta', `PDF, ${pages(f.pages)}, ${size(f.bytes)} · mise à jour le ${frenchDate(f.updated)}`),
        ]),
      ),
    ),
  ]);
}

/** The static download page `dist/index.html`, in French, built as a tree. */
export function renderIndex(manifest: Manifest): string {
  const tree: Root = {
    type: 'root',
    children: [
      { type: 'doctype' },
      h('html', { lang: 'fr' }, [
        h('head', [
          h('meta', { charSet: 'utf-8' }),
          h('meta', { name: 'viewport', content: 'width=device-width, initial-scale=1' }),
          h('title', 'Kits ESS du RTES – télécharger les fiches et les livrets'),
          h('style', PAGE_CSS),
        ]),
        h('body', [
          h('a.skip', { href: '#contenu' }, 'Aller au contenu'),
          h('header.site', [
            h('h1', 'Kits ESS pour les élus et les candidats'),
            h('p', 'Fiches pratiques sur l’économie sociale et solidaire, par niveau de collectivité. Chaque fiche se télécharge seule ou dans le livret de son kit.'),
          ]),
          h('main', { id: 'contenu' }, manifest.kits.map(kitSection)),
          h('footer.site', [
            manifest.zip ? h('p', h('a', { href: manifest.zip.path, download: '' }, `Tout télécharger (zip, ${manifest.zip.files} fichiers, ${size(manifest.zip.bytes)})`)) : null,
            h('p', `Page produite par ${manifest.generator}.`),
          ]),
        ]),
      ]),
    ],
  };
  return `${toHtml(tree)}\n`;
}

/** Writes the zips and the download page into the staging folder, and records the zips in the manifest. */
export async function distribute(dir: string, manifest: Manifest): Promise<Manifest> {
  const kits: ManifestKit[] = [];
  for (const kit of manifest.kits) {
    const zip = await writeZip(dir, `${kit.id}/${kit.id}-fiches.zip`, kit.fiches.map((f) => f.path), zipDate(kit.edition.date));
    kits.push({ ...kit, zip });
  }
  const all = kits.flatMap((k) => [k.booklet.path, ...k.fiches.map((f) => f.path)]);
  const latest = kits.map((k) => k.edition.date).sort().pop() ?? '2026-01-01';
  const final: Manifest = { ...manifest, kits, zip: all.length ? await writeZip(dir, 'kits-ess.zip', all, zipDate(latest)) : undefined };
  await writeFile(path.join(dir, 'index.html'), renderIndex(final));
  return final;
}
