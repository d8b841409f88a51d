import { readFile } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import { KitessError } from '../errors.js';
import { checkPdf, formatFailures, type Failure } from '../pdfua/check.js';
import { checkInput } from './impose.js';

/** Some PDFs fail the checks: exit code 1, like sources with errors. */
class PdfCheckError extends KitessError {
  override readonly exitCode = 1;
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
    .addOption(new Option('--format <format>', 'rapport en texte ou en JSON').choices(['text', 'json']).default('text'))
    .helpOption('-h, --help', "affiche l'aide")
    .action(async (files: string[], opts: { format: string }) => {
      const results: { file: string; failures: Failure[] }[] = [];
      for (const file of files) {
        await checkInput(file, { path: "le chemin d'un PDF", pdf: 'un fichier PDF est attendu' });
        let failures: Failure[];
        try {
          failures = await checkPdf(new Uint8Array(await readFile(file)));
        } catch (error) {
          throw new KitessError(`« ${file} » n'a pas pu être lu comme PDF : ${(error as Error).message.split('\n')[0]}`, { cause: error });
        }
        results.push({ file, failures });
      }
      if (opts.format === 'json') process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
      else {
        for (const { file, failures } of results) {
          if (failures.length === 0) process.stdout.write(`✓ ${file} : aucune condition d’échec PDF/UA-1 trouvée\n`);
          else process.stdout.write(`✗ ${file} :\n${formatFailures(failures).map((l) => `  ${l}\n`).join('')}`);
        }
      }
      const failing = results.filter((r) => r.failures.length > 0).length;
      if (failing > 0) throw new PdfCheckError(`${failing} PDF sur ${results.length} ne satisfait pas les vérifications PDF/UA-1`);
    });
}
