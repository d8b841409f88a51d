import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { mkdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { Zip, ZipPassThrough } from 'fflate';
import type { Element, ElementContent, Root } from 'hast';
import { toHtml } from 'hast-util-to-html';
import { h } from 'hastscript';
import { editionLabel, fileSize, frenchDate, pageCount } from '../text/format.js';
import { frenchTypography } from '../text/typography.js';
import { sourceDateEpoch } from './inputs.js';
import { readManifest, replaceFile, sha256, type Manifest, type ManifestFiche, type ManifestKit, type ManifestZip } from './publish.js';
import { TEMPLATES_DIR } from '../assets.js';
import { SEARCH_SCRIPT } from '../web/page.js';
import { sharedWebFiles } from '../web/site.js';
import { icon, partIcon } from '../design/icons.js';
import { readableOn } from '../design/svg.js';

/** The date stamped on zip entries: SOURCE_DATE_EPOCH, else the given edition date, so zips are reproducible. */
function zipDate(isoDate: string): Date {
  // Zip stores local time without zone; noon keeps the date stable whatever the machine's zone.
  return sourceDateEpoch() ?? new Date(`${isoDate}T12:00:00`);
}

/** Members in the order the zips list them (by path, code unit by code unit). */
const byPath = <T extends { path: string }>(members: T[]) => [...members].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));

/**
 * What a zip is made from: its members' paths and bytes (their sha256, from the manifest) and the date stamped on
 * them. A zip of the previous build with the same key, still whole, is kept as it is.
 */
function zipKey(members: { path: string; sha256: string }[], date: Date): string {
  return sha256(Buffer.from(JSON.stringify({ members: byPath(members).map((m) => [m.path, m.sha256]), date: date.toISOString() })));
}

/**
 * Writes a zip of `members` (files of `dir`) at `zipPath`, one member at a time from its file to the zip's file:
 * the archive is never whole in memory. PDFs are already compressed: stored as they are (no deflate), which is
 * 40 times faster. The zip is replaced, never written through (it may be a hard link to the previous output's).
 * A zip of the previous build made from the same members and date, still whole, is kept as it is.
 */
async function writeZip(dir: string, zipPath: string, members: { path: string; sha256: string }[], date: Date, previous: ManifestZip | undefined): Promise<ManifestZip> {
  const inputs = zipKey(members, date);
  const target = path.join(dir, zipPath);
  if (previous?.path === zipPath && previous.inputs === inputs) {
    // The staging folder starts as a copy (hard links) of the previous output: the zip is there if it is whole.
    const old = await readFile(target).catch(() => undefined);
    if (old && sha256(old) === previous.sha256) return previous;
  }
  await rm(target, { force: true });
  const out = createWriteStream(target);
  const closed = new Promise<void>((resolve, reject) => out.on('close', resolve).on('error', reject));
  closed.catch(() => undefined); // awaited below
  const digest = createHash('sha256');
  let bytes = 0;
  let failure: Error | null = null;
  const zip = new Zip((error, chunk, final) => {
    if (error) failure = error;
    else {
      digest.update(chunk);
      bytes += chunk.byteLength;
      out.write(chunk);
    }
    if (error || final) out.end();
  });
  for (const member of byPath(members)) {
    const entry = new ZipPassThrough(member.path);
    entry.mtime = date;
    zip.add(entry);
    entry.push(await readFile(path.join(dir, member.path)), true);
    if (out.writableNeedDrain) await once(out, 'drain');
  }
  zip.end();
  await closed;
  if (failure) throw failure;
  return { path: zipPath, bytes, sha256: digest.digest('hex'), files: members.length, inputs };
}

const size = fileSize;
const pages = pageCount;

/** The Source Sans 3 files the page uses, copied from Fontsource into dist/fonts/. */
const PAGE_FONTS = [400, 600, 700].map((weight) => ({ weight, file: `source-sans-3-latin-${weight}-normal.woff2` }));

function fontFaces(): string {
  return PAGE_FONTS.map((f) => `@font-face { font-family: 'Source Sans 3'; font-style: normal; font-weight: ${f.weight}; font-display: swap; src: url('fonts/${f.file}') format('woff2'); }`).join('\n');
}

/**
 * The theme filter, in CSS only: choosing a theme's radio button hides the fiches, parts and notes that are not
 * of that theme. Without CSS or without `:has()`, every fiche stays listed; no script is needed at all.
 */
function themeCss(themes: NonNullable<Manifest['themes']>): string {
  return themes
    .map((t) => {
      const on = `main:has(#theme-${t.id}:checked)`;
      return `${on} .fiche:not(.theme-${t.id}), ${on} .part:not(:has(.theme-${t.id})) { display: none; }\n${on} .kit:not(:has(.theme-${t.id})) .kit-empty { display: block; }`;
    })
    .join('\n');
}

/** A colour darkened enough to read on white (WCAG AA for normal text). */
export function readableOnWhite(hex: string): string {
  return readableOn(hex, '#ffffff');
}

/** The colours a kit's block of the page uses: its accent, and the accent darkened for text and outlines. */
function kitColours(kit: ManifestKit): string {
  return `.colours-${kit.id} { --accent: ${kit.accent}; --accent-dark: ${readableOnWhite(kit.accent)}; }`;
}

/** The class that gives an element its kit's colours (a class, not a style attribute: see the page's CSP). */
const colourClass = (kit: ManifestKit) => `colours-${kit.id}`;

/** One radio button of the theme filter, with its pictogram. */
function themeChoice(id: string, title: string, pictogram: string, checked = false): Element {
  return h('span.chip', [
    h('input', { type: 'radio', name: 'theme', id: `theme-${id}`, value: id, checked }),
    h('label', { htmlFor: `theme-${id}` }, [icon(pictogram, 'chip-icon'), frenchTypography(title)]),
  ]);
}

function ficheItem(f: ManifestFiche, themes: Map<string, string>): Element {
  const mine = f.themes ?? [];
  // The title leads to the fiche's web page (its PDF when a manifest has none); the PDF is linked beside it.
  return h('li', { className: ['fiche', ...mine.map((t) => `theme-${t}`)] }, [
    h('a.fiche-title', { href: f.web?.path ?? f.path }, [h('span.fiche-number', `${f.number}.`), frenchTypography(f.title)]),
    h('p.fiche-summary', frenchTypography(f.summary)),
    h('p.fiche-meta', [
      f.web ? h('a', { href: f.path, type: 'application/pdf' }, [`PDF`, h('span.visually-hidden', ` de la fiche ${f.number}`), `, ${pages(f.pages)}, ${size(f.bytes)}`]) : `PDF, ${pages(f.pages)}, ${size(f.bytes)}`,
      ` · mise à jour le ${frenchDate(f.updated)}`,
      ...(mine.length ? [' · ', h('span.fiche-themes', frenchTypography(mine.map((t) => themes.get(t) ?? t).join(', ')))] : []),
    ]),
  ]);
}

function kitSection(kit: ManifestKit, themes: Map<string, string>): Element {
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
  // Fiches grouped by part, in kit.yml's order; a manifest from before parts were recorded lists them as one group.
  const parts = kit.parts ?? [{ id: '', title: 'Fiches' }];
  const groups = parts
    .map((part) => ({ part, fiches: kit.fiches.filter((f) => !kit.parts || f.part === part.id) }))
    .filter((g) => g.fiches.length > 0)
    .map((g) =>
      h('div.part', [
        h('h3', { id: `partie-${kit.id}-${g.part.id}` }, [icon(partIcon(g.part), 'part-icon'), frenchTypography(g.part.title), h('span.part-count', ` (${g.fiches.length})`)]),
        h('ul.fiches', g.fiches.map((f) => ficheItem(f, themes))),
      ]),
    );
  return h('section.kit', { id: kit.id, className: [colourClass(kit)], ariaLabelledBy: `titre-${kit.id}` }, [
    h('div.kit-head', [
      kit.cover ? h('img.kit-cover', { src: kit.cover, alt: `Couverture du ${kit.title}`, width: 140, height: 198 }) : null,
      h('div.kit-intro', [
        h('h2', { id: `titre-${kit.id}` }, kit.title),
        h('p.kit-subtitle', frenchTypography(kit.subtitle)),
        h('p.kit-edition', [editionLabel(kit.edition), ` · pour les ${kit.level}`]),
        h('ul.downloads', [
          kit.web ? h('li', h('a', { href: kit.web.page.path }, 'Lire le kit en ligne')) : null,
          h('li', h('a', { href: kit.booklet.path, download: '' }, `Livret PDF (${pages(kit.booklet.pages)}, ${size(kit.booklet.bytes)})`)),
          kit.zip ? h('li', h('a', { href: kit.zip.path, download: '' }, `Toutes les fiches, zip (${kit.zip.files} fichiers, ${size(kit.zip.bytes)})`)) : null,
        ]),
      ]),
    ]),
    ...news,
    h('h3.fiches-heading', `Les ${kit.fiches.length} fiches, par partie`),
    ...groups,
    h('p.kit-empty', 'Aucune fiche de ce kit pour ce thème.'),
    h('p.to-chooser', h('a', { href: '#choisir' }, 'Choisir un autre kit')),
  ]);
}

/** The kit chooser at the top of the page: each kit's cover, title, level and size, linking to its block. */
function chooser(kits: ManifestKit[]): Element {
  return h('nav.chooser', { id: 'choisir', ariaLabel: 'Choisir un kit' }, [
    h(
      'ul',
      kits.map((k) =>
        h('li', { className: [colourClass(k)] }, [
          h('a.choice', { href: `#${k.id}` }, [
            k.cover ? h('img', { src: k.cover, alt: '', width: 56, height: 79 }) : null,
            h('span.choice-text', [
              h('span.choice-title', k.title),
              h('span.choice-level', frenchTypography(`Pour les ${k.level}`)),
              h('span.choice-meta', `${k.fiches.length} fiches · livret de ${k.booklet.pages} pages`),
            ]),
          ]),
        ]),
      ),
    ),
  ]);
}

/** The theme filter: one radio button per theme of themes.yml, « Tous les thèmes » first and chosen. */
function filter(themes: NonNullable<Manifest['themes']>): Element {
  return h('form.filter', { ariaLabelledBy: 'filtre-titre' }, [
    h('fieldset', [
      h('legend', { id: 'filtre-titre' }, 'Filtrer les fiches des trois kits par thème'),
      h('div.chips', [themeChoice('tous', 'Tous les thèmes', 'layout-grid', true), ...themes.map((t) => themeChoice(t.id, t.title, t.pictogram))]),
    ]),
  ]);
}

/**
 * The download page's Content-Security-Policy: its one inline stylesheet by its hash, the search script and index
 * from the page's own site (Pagefind runs WebAssembly, hence 'wasm-unsafe-eval'), nothing from any other host.
 */
function indexCsp(style: string): string {
  const hash = createHash('sha256').update(style).digest('base64');
  return [
    "default-src 'none'",
    `style-src 'self' 'sha256-${hash}'`,
    "font-src 'self'",
    "img-src 'self' data:",
    "script-src 'self' 'wasm-unsafe-eval'",
    "connect-src 'self'",
    "worker-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

/**
 * The search box, hidden until the search script has loaded the index: without JavaScript, or from disk where
 * browsers refuse to load the index, the page stays the plain list of kits and fiches (see templates/web/recherche.js).
 */
function searchBox(): Element {
  return h('section.search', { id: 'recherche', hidden: true, ariaLabelledBy: 'recherche-titre' }, [
    h('h2', { id: 'recherche-titre' }, 'Rechercher dans les fiches des trois kits'),
    h('form.search-form', { role: 'search', ariaLabelledBy: 'recherche-titre' }, [
      h('label', { htmlFor: 'recherche-mots' }, 'Un ou plusieurs mots'),
      h('div.search-row', [
        h('input', { id: 'recherche-mots', type: 'search', name: 'q', autoComplete: 'off', spellCheck: 'false', ariaDescribedBy: 'recherche-etat' }),
        h('button', { type: 'submit' }, 'Rechercher'),
      ]),
    ]),
    h('p.search-status', { id: 'recherche-etat', role: 'status' }),
    h('ol.search-results', { id: 'recherche-resultats' }),
  ]);
}

/** The static download page `dist/index.html`, in French, built as a tree; it works without JavaScript. */
export function renderIndex(manifest: Manifest, css: string): string {
  const themes = manifest.themes ?? [];
  const names = new Map(themes.map((t) => [t.id, t.title]));
  const withLogo = manifest.kits.find((k) => k.logo);
  const style = `${fontFaces()}\n${css}\n${manifest.kits.map(kitColours).join('\n')}\n${themeCss(themes)}`;
  const search = manifest.web?.files.some((f) => f.path === SEARCH_SCRIPT);
  const tree: Root = {
    type: 'root',
    children: [
      { type: 'doctype' },
      h('html', { lang: 'fr' }, [
        h('head', [
          h('meta', { charSet: 'utf-8' }),
          h('meta', { name: 'viewport', content: 'width=device-width, initial-scale=1' }),
          h('meta', { httpEquiv: 'Content-Security-Policy', content: indexCsp(style) }),
          h('title', 'Kits ESS du RTES – télécharger les fiches et les livrets'),
          h('meta', { name: 'description', content: 'Fiches pratiques sur l’économie sociale et solidaire pour les élus et les candidats, par niveau de collectivité : à lire en ligne ou à télécharger en PDF.' }),
          h('meta', { property: 'og:type', content: 'website' }),
          h('meta', { property: 'og:title', content: 'Kits ESS pour les élus et les candidats' }),
          h('meta', { property: 'og:description', content: 'Fiches pratiques sur l’économie sociale et solidaire, par niveau de collectivité : à lire en ligne ou à télécharger en PDF.' }),
          h('meta', { property: 'og:locale', content: 'fr_FR' }),
          h('link', { rel: 'icon', href: 'data:,' }),
          h('style', style),
          ...(search ? [h('script', { src: SEARCH_SCRIPT, defer: true })] : []),
        ]),
        h('body', [
          h('a.skip', { href: '#contenu' }, 'Aller au contenu'),
          h('header.site', [
            h('div.brand', [
              withLogo ? h('img.logo', { src: withLogo.logo, alt: withLogo.publisher ?? 'Logo de l’éditeur', width: 180, height: 34 }) : null,
              h('p.brand-kicker', 'Kits ESS'),
            ]),
            h('h1', 'Kits ESS pour les élus et les candidats'),
            h('p.lead', 'Fiches pratiques sur l’économie sociale et solidaire, par niveau de collectivité. Choisissez votre kit : chaque fiche se télécharge seule ou dans le livret du kit.'),
            chooser(manifest.kits),
          ]),
          h('main', { id: 'contenu' }, [...(search ? [searchBox()] : []), ...(themes.length ? [filter(themes)] : []), ...manifest.kits.map((k) => kitSection(k, names))]),
          h('footer.site', [
            manifest.zip ? h('p', h('a', { href: manifest.zip.path, download: '' }, `Tout télécharger (zip, ${manifest.zip.files} fichiers, ${size(manifest.zip.bytes)})`)) : null,
            h('p', `Page produite par ${manifest.generator}. Pictogrammes : Lucide (licence ISC).`),
          ]),
        ]),
      ]),
    ],
  };
  return `${toHtml(tree)}\n`;
}

/** Writes the zips and the download page into the staging folder, and records the zips in the manifest. */
export async function distribute(dir: string, manifest: Manifest): Promise<Manifest> {
  const old = await readManifest(dir);
  // The web edition's shared files (stylesheet, fonts, search script and index): the index is made by Pagefind's
  // own program, which works meanwhile on the other processor while the zips are made here.
  const sharing = manifest.kits.some((k) => k.web) ? sharedWebFiles(dir, manifest, old?.web) : Promise.resolve({ files: [], kept: [], search: undefined });
  sharing.catch(() => undefined); // awaited below, after the zips; a failure is thrown there
  const kits: ManifestKit[] = [];
  for (const kit of manifest.kits) {
    const previous = old?.kits.find((k) => k.id === kit.id)?.zip;
    const zip = await writeZip(dir, `${kit.id}/${kit.id}-fiches.zip`, kit.fiches, zipDate(kit.edition.date), previous);
    kits.push({ ...kit, zip });
  }
  const all = kits.flatMap((k) => [k.booklet, ...k.fiches]);
  const latest = kits.map((k) => k.edition.date).sort().pop() ?? '2026-01-01';
  const final: Manifest = { ...manifest, kits, zip: all.length ? await writeZip(dir, 'kits-ess.zip', all, zipDate(latest), old?.zip) : undefined };
  // Of the previous build's shared files, those no longer made are removed (only files the manifest says kitess wrote).
  const shared = await sharing;
  const listed = [...shared.kept, ...shared.files.map((f) => ({ path: f.path, bytes: f.bytes.byteLength, sha256: sha256(f.bytes) }))];
  const wanted = new Set(listed.map((f) => f.path));
  for (const f of old?.web?.files ?? []) if (!wanted.has(f.path)) await rm(path.join(dir, f.path), { force: true });
  // Each shared file may be a hard link to the previous output’s (see publish): replaced, never written through.
  for (const f of shared.files) {
    await mkdir(path.dirname(path.join(dir, f.path)), { recursive: true });
    await replaceFile(path.join(dir, f.path), f.bytes);
  }
  if (listed.length > 0) final.web = { files: listed.sort((a, b) => a.path.localeCompare(b.path)), ...(shared.search ? { search: shared.search } : {}) };
  await replaceFile(path.join(dir, 'index.html'), renderIndex(final, await readFile(path.join(TEMPLATES_DIR, 'download.css'), 'utf8')));
  return final;
}
