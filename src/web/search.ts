import { PrintError } from '../errors.js';

/** A page to index: its path in dist/ and its HTML. */
export interface SearchPage {
  path: string;
  html: string;
}

/** Where the search index goes in dist/. */
export const SEARCH_DIR = 'pagefind';

/** Pagefind's ready-made interfaces, which the download page does not use (it has its own, in French). */
const UNUSED = /^pagefind-(?:ui|modular-ui|component-ui|highlight)\./;

/**
 * Builds the search index of the web edition with Pagefind: every fiche page's article (marked
 * `data-pagefind-body`), in French (`lang="fr"`: words are stemmed, « coopératives » finds « coopérative »).
 * The index is made in memory by Pagefind's program (shipped in its npm package, run offline) and returned as files
 * of `pagefind/`, for the publish stage to write. Pagefind's output depends only on the pages: it is reproducible.
 */
export async function buildSearchIndex(pages: SearchPage[]): Promise<{ path: string; bytes: Uint8Array }[]> {
  const fail = (why: string) => new PrintError(`index de recherche des pages web non construit : ${why}`);
  let pagefind: typeof import('pagefind');
  try {
    pagefind = await import('pagefind');
  } catch (error) {
    throw fail(`le module pagefind est introuvable (${(error as Error).message}) ; relancez « npm ci »`);
  }
  try {
    const created = await pagefind.createIndex({ keepIndexUrl: true, forceLanguage: 'fr' }).catch((error: Error) => {
      throw fail(`le programme de Pagefind ne démarre pas sur cette machine (${error.message.split('\n')[0]})`);
    });
    if (!created.index) throw fail(created.errors.join(' ; '));
    for (const page of [...pages].sort((a, b) => a.path.localeCompare(b.path))) {
      // Pagefind cuts words at the straight apostrophe only: « l’alimentation » would be one word, not found by
      // « alimentation ». The index is given straight apostrophes (the search script shows them curly again).
      const added = await created.index.addHTMLFile({ url: `/${page.path}`, content: page.html.replace(/\u2019/g, "'") });
      if (added.errors.length > 0) throw fail(`${page.path} : ${added.errors.join(' ; ')}`);
    }
    const { files, errors } = await created.index.getFiles();
    if (errors.length > 0) throw fail(errors.join(' ; '));
    return files
      .filter((f) => !UNUSED.test(f.path))
      .map((f) => ({ path: `${SEARCH_DIR}/${f.path}`, bytes: f.content }))
      .sort((a, b) => a.path.localeCompare(b.path));
  } finally {
    await pagefind.close();
  }
}
