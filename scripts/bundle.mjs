// Bundles the compiled CLI (build/src, from tsc) into build/bundle with esbuild: a fresh `kitess` process then
// reads a few files instead of some 1 300 modules (kitess's own and its dependencies'). Each later step stays a
// chunk of its own, loaded when the step runs, as with the unbundled modules.
//
// build/bundle sits two levels below the project like build/src, so that src/assets.ts finds the project's root
// and templates from either; the accessibility thread's module is an entry of its own beside the chunk that starts
// it (src/pipeline/access-pool.ts names it relative to itself).
import { build } from 'esbuild';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outdir = path.join(root, 'build', 'bundle');

await rm(outdir, { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: { main: 'build/src/cli/main.js', 'access-worker': 'build/src/pipeline/access-worker.js' },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  chunkNames: '[name]-[hash]',
  // Pagefind runs the program shipped beside its own module, which it finds from its own location; TypeScript and
  // QuickJS are loaded by puppeteer's configuration and proxy readers only for files kitess does not use.
  external: ['pagefind', 'typescript', '@tootallnate/quickjs-emscripten'],
  // Dependencies written as CommonJS call require(), which an ES module does not have.
  banner: { js: "import { createRequire as kitessCreateRequire } from 'node:module'; const require = kitessCreateRequire(import.meta.url);" },
  legalComments: 'none',
  logLevel: 'warning',
});
