import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FONT_PACKAGES, TEMPLATES_DIR } from '../assets.js';
import { sha256, type Manifest, type ManifestWebFile } from '../pipeline/publish.js';
import { SEARCH_SCRIPT, WEB_STYLESHEET } from './page.js';
import { buildSearchIndex, SEARCH_DIR } from './search.js';

/** The fonts the web pages use, from Fontsource, copied into dist/fonts/ (the download page's are among them). */
export const WEB_FONTS = [
  ...[400, 600, 700].map((weight) => ({ pkg: 'source-sans-3', file: `source-sans-3-latin-${weight}-normal.woff2` })),
  ...['400-normal', '400-italic', '600-normal', '700-normal'].map((v) => ({ pkg: 'source-serif-4', file: `source-serif-4-latin-${v}.woff2` })),
];

/** A file the pages share, to write into dist/. */
export interface SharedFile {
  path: string;
  bytes: Uint8Array;
}

function pagefindVersion(): string {
  // The package exports only its module: its package.json is found beside it.
  const main = fileURLToPath(import.meta.resolve('pagefind'));
  return JSON.parse(readFileSync(path.join(path.dirname(main), '..', 'package.json'), 'utf8')).version as string;
}

/**
 * The files every page of the web edition shares: the stylesheet, the search script, the fonts, and the search
 * index of every fiche page listed in the manifest (read from `dir`, the folder being published). The index is
 * made again only when a page changed; otherwise the previous one, still in `dir`, is kept as it is.
 */
export async function sharedWebFiles(dir: string, manifest: Manifest, previous: Manifest['web']): Promise<{ files: SharedFile[]; kept: ManifestWebFile[]; search: string }> {
  const files: SharedFile[] = [
    { path: WEB_STYLESHEET, bytes: await readFile(path.join(TEMPLATES_DIR, 'web', 'kitess-web.css')) },
    { path: SEARCH_SCRIPT, bytes: await readFile(path.join(TEMPLATES_DIR, 'web', 'recherche.js')) },
    ...(await Promise.all(WEB_FONTS.map(async (f) => ({ path: `fonts/${f.file}`, bytes: await readFile(path.join(FONT_PACKAGES[f.pkg]!, 'files', f.file)) })))),
  ];
  const pages = manifest.kits.flatMap((k) => k.fiches.flatMap((f) => (f.web ? [f.web] : [])));
  const search = createHash('sha256')
    .update(JSON.stringify({ pagefind: pagefindVersion(), pages: pages.map((p) => [p.path, p.sha256]).sort() }))
    .digest('hex');
  const oldIndex = previous?.files.filter((f) => f.path.startsWith(`${SEARCH_DIR}/`)) ?? [];
  const intact = () => oldIndex.length > 0 && oldIndex.every((f) => existsSync(path.join(dir, f.path)) && sha256(readFileSync(path.join(dir, f.path))) === f.sha256);
  if (previous?.search === search && intact()) return { files, kept: oldIndex, search };
  const html = await Promise.all(pages.map(async (p) => ({ path: p.path, html: await readFile(path.join(dir, p.path), 'utf8') })));
  files.push(...(await buildSearchIndex(html)));
  return { files, kept: [], search };
}
