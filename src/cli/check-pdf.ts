import { readFile } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import { KitessError } from '../errors.js';
import type { Failure } from '../pdfua/check.js';
import { debug } from './debug.js';
import { checkInput } from './impose.js';

/** Some PDFs fail the checks: exit code 1, like sources with errors. */
class PdfCheckError extends KitessError {
  override readonly exitCode = 1;
}

/**
 * Runs `task` with console.warn and console.log silenced: pdf-lib writes English notes there on a damaged file
 * (« Trying to parse invalid object… »), which the report already says in French. Shown with --debug.
 */
async function withoutLibraryChatter<T>(task: () => Promise<T>): Promise<T> {
  const { warn, log } = console;
  if (!debug) console.warn = console.log = () => undefined;
  try {
    return await task();
  } finally {
    Object.assign(console, { warn, log });
  }
}

/** The condition of a file that could not be read as a PDF at all. */
const UNREADABLE = 'lecture';

/** Why a PDF that pdf-lib could not read is unreadable, in the reader's words (pdf-lib's own are English). */
function unreadable(bytes: Uint8Array): Failure {
  const tail = Buffer.from(bytes.subarray(Math.max(0, bytes.length - 1024))).toString('latin1');
  const message = !tail.includes('%%EOF')
    ? 'fichier illisible comme PDF : il est tronqué ou incomplet (la marque de fin « %%EOF » manque), un PDF complet est attendu'
    : 'fichier illisible comme PDF : sa structure (table des objets, objets) est endommagée, un PDF valide est attendu';
  return { condition: UNREADABLE, message, count: 1, pages: [] };
}

/**
 * Registers `kitess check-pdf <fichier.pdf…>`: kitess's PDF/UA-1 checker (the Matterhorn failure conditions a
 * machine can decide, the text layer and text contrast) on any PDF, e.g. one an editor got from elsewhere.
 */
export function registerCheckPdf(program: Command): void {
  program
    .command('check-pdf')
    .description('vérifie des PDF : conditions d’échec PDF/UA-1 vérifiables par machine (protocole Matterhorn), couche texte, contrastes')
    .argument('<fichiers...>', 'PDF à vérifier (par exemple dist/communes/fiches/08-les-scic.pdf)')
    .addOption(new Option('--format <format>', 'rapport en texte ou en JSON').choices(['texte', 'json']).default('texte'))
    .helpOption('-h, --help', "affiche l'aide")
    .action(async (files: string[], opts: { format: string }) => {
      // Loaded here: other commands do not start pdf-lib.
      const { checkPdf, formatFailures } = await import('../pdfua/check.js');
      const results: { file: string; failures: Failure[] }[] = [];
      for (const file of files) {
        await checkInput(file, { path: "le chemin d'un PDF", pdf: 'un fichier PDF est attendu' });
        const bytes = new Uint8Array(await readFile(file));
        let failures: Failure[];
        try {
          failures = await withoutLibraryChatter(() => checkPdf(bytes));
        } catch (error) {
          // A PDF that cannot be read fails the check like any other: reported with the others, exit code 1.
          if (debug) process.stderr.write(`${String((error as Error).stack ?? error)}\n`);
          failures = [unreadable(bytes)];
        }
        results.push({ file, failures });
      }
      if (opts.format === 'json') process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
      else {
        for (const { file, failures } of results) {
          if (failures.length === 0) process.stdout.write(`✓ ${file} : aucune condition d’échec PDF/UA-1 trouvée\n`);
          else if (failures[0]!.condition === UNREADABLE) process.stdout.write(`✗ ${file} : ${failures[0]!.message}\n`);
          else process.stdout.write(`✗ ${file} :\n${formatFailures(failures).map((l) => `  ${l}\n`).join('')}`);
        }
      }
      const failing = results.filter((r) => r.failures.length > 0).length;
      if (failing > 0) throw new PdfCheckError(`${failing} PDF sur ${results.length} ${failing > 1 ? 'ne satisfont' : 'ne satisfait'} pas les vérifications PDF/UA-1`);
    });
}
