import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);

/** The project's root folder (where templates/ lives), from the compiled or source location. */
export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), path.basename(path.dirname(path.dirname(fileURLToPath(import.meta.url)))) === 'build' ? '../..' : '..');

/** The folder of kitess's own code as it runs (build/src once compiled, src under the test runner). */
export const SOURCE_DIR = path.dirname(fileURLToPath(import.meta.url));

/** The folder of templates and print CSS. */
export const TEMPLATES_DIR = path.join(PROJECT_ROOT, 'templates');

/** Fontsource packages the documents use, served under /fonts/<name>/. */
export const FONT_PACKAGES: Record<string, string> = {
  'source-serif-4': path.dirname(require.resolve('@fontsource/source-serif-4/package.json')),
  'source-sans-3': path.dirname(require.resolve('@fontsource/source-sans-3/package.json')),
};

/** The Fontsource stylesheets every document links (weights and styles used by the theme). */
export const FONT_STYLESHEETS = [
  '/fonts/source-serif-4/400.css',
  '/fonts/source-serif-4/400-italic.css',
  '/fonts/source-serif-4/600.css',
  '/fonts/source-sans-3/400.css',
  '/fonts/source-sans-3/600.css',
  '/fonts/source-sans-3/700.css',
];
