import path from 'node:path';
import { CommanderError, Option } from 'commander';
import { FrenchCommand, translateError, wholeNumber } from './french.js';
import { registerImpose } from './impose.js';
import { registerCheckPdf } from './check-pdf.js';
import { debug } from './debug.js';
import { registerNewFiche } from './new-fiche.js';
import { registerPreview } from './preview.js';
import { KitessError, SourceError, systemErrorMessage } from '../errors.js';
import { formatReport } from '../report.js';
import { VERSION } from '../version.js';

const controller = new AbortController();
let interrupted = false;
process.on('SIGINT', () => {
  if (interrupted) process.exit(130);
  interrupted = true;
  process.stderr.write('\nInterruption demandée : fermeture du navigateur…\n');
  controller.abort();
});
// The terminal closing (SIGHUP) and a polite kill (SIGTERM) stop a build like Ctrl-C: Chromium closed, nothing written.
process.on('SIGTERM', () => controller.abort());
process.on('SIGHUP', () => controller.abort());


/**
 * The one error boundary: a French message and the documented exit code for every error; a stack trace only
 * with --debug. An error kitess did not foresee exits 70.
 */
function fail(error: unknown, json: boolean): never {
  if (error instanceof SourceError) {
    if (json) process.stdout.write(`${JSON.stringify(error.toJSON(), null, 2)}\n`);
    else process.stderr.write(`${formatReport(error.diagnostics)}\n${error.message}\n`);
  } else if (error instanceof KitessError) {
    if (json) process.stdout.write(`${JSON.stringify(error.toJSON(), null, 2)}\n`);
    else process.stderr.write(`kitess : ${error.message}\n`);
    if (debug && error.cause instanceof Error) process.stderr.write(`${error.cause.stack}\n`);
  } else if (systemErrorMessage(error)) {
    // A file the system refused to read or write (permission, full disk): not kitess's fault, said in French.
    process.stderr.write(`kitess : ${systemErrorMessage(error)}\n`);
    if (debug) process.stderr.write(`${(error as Error).stack}\n`);
    process.exit(4);
  } else {
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    process.stderr.write(`kitess : erreur interne : ${message}\n`);
    process.stderr.write(debug ? `${(error as Error)?.stack ?? ''}\n` : 'Relancez avec --debug pour le détail, et signalez-la à l’équipe de kitess.\n');
    process.exit(70);
  }
  process.exit(error.exitCode);
}

const program = new FrenchCommand();
program
  .name('kitess')
  .description('Construit les kits ESS : des fiches Markdown aux PDF (fiches seules et livrets).')
  .version(VERSION, '-V, --version', 'affiche la version')
  .helpOption('-h, --help', "affiche l'aide")
  .helpCommand('help [commande]', "affiche l'aide d'une commande")
  .option('--debug', 'en cas d’erreur interne, affiche aussi le détail technique (pile d’appels)')
  .configureOutput({
    writeOut: (s) => process.stdout.write(s),
    writeErr: (s) => process.stderr.write(s),
    outputError: (s, write) => write(translateError(s)),
  })
  .exitOverride();

const sheetsOption = () => new Option('--sheets <dossier>', 'dossier des kits').default('sheets');
const browserOption = () => new Option('--browser <chemin>', 'exécutable Chromium ou Chrome à utiliser');
const concurrencyOption = () =>
  new Option('--concurrency <n>', 'pages imprimées en même temps (par défaut : le nombre de cœurs, 2 au moins)').argParser(wholeNumber(1, 64, '--concurrency 2'));

program
  .command('build')
  .description('construit les PDF des kits dans dist/ (tous les kits, ou ceux nommés)')
  .argument('[kits...]', 'kits à construire (communes, departements, regions)')
  .addOption(sheetsOption())
  .option('--out <dossier>', 'dossier de sortie', 'dist')
  .addOption(browserOption())
  .addOption(concurrencyOption())
  .option('--as-of <date>', "ne prend que les fiches publiées à cette date (AAAA-MM-JJ, aujourd'hui par défaut)")
  .option('--drafts', 'inclut les fiches en brouillon')
  .option('--changelog <édition>', "ajoute une page « Nouveautés de cette édition » depuis l'édition donnée (manifest.json ou référence git)")
  .option('--force', 'réimprime tout, même ce qui n’a pas changé')
  .option('--print', 'ajoute la version imprimeur de chaque livret (fond perdu, traits de coupe, PDF/X-1a) dans <kit>/impression/')
  .option('--recto', 'version imprimeur où chaque fiche commence sur une page de droite (implique --print)')
  .option('--timings', 'affiche le temps passé dans chaque étape')
  .option('-q, --quiet', "n'affiche que les erreurs")
  .helpOption('-h, --help', "affiche l'aide")
  .action(async (kits: string[], opts) => {
    try {
      const startedAt = performance.now();
      const { build } = await import('../build.js');
      const { createProgress } = await import('./progress.js');
      const progress = createProgress({ stream: process.stderr, quiet: opts.quiet });
      const result = await build({
        sheetsDir: path.resolve(opts.sheets),
        outDir: path.resolve(opts.out),
        kits,
        browserPath: opts.browser,
        concurrency: opts.concurrency,
        signal: controller.signal,
        asOf: opts.asOf,
        drafts: opts.drafts,
        changelog: opts.changelog,
        force: opts.force,
        print: opts.print,
        recto: opts.recto,
        log: progress.log,
        onEvent: progress.listener,
      }).finally(() => progress.stop());
      if (!opts.quiet) await (await import('./summary.js')).writeBuildSummary(result, path.resolve(opts.out), startedAt);
      if (opts.timings) process.stdout.write(`${result.timings.format()}\n`);
    } catch (error) {
      fail(error, false);
    }
  });

program
  .command('check')
  .description('vérifie les sources et, si un navigateur est disponible, le budget de pages de chaque fiche')
  .argument('[kits...]', 'kits à vérifier (tous par défaut)')
  .addOption(sheetsOption())
  .option('--sans-pages', "ne vérifie pas le budget de pages (n'imprime rien : plus rapide, sans navigateur)")
  .option('--pages', 'affiche aussi le nombre de pages de chaque fiche')
  .option('--strict', 'échoue aussi sur les avertissements')
  .option('--convertir-utf8', "réenregistre en UTF-8 les fiches et kit.yml qui ne le sont pas (lus comme du Latin-1/Windows-1252), puis vérifie")
  .addOption(new Option('--format <format>', 'format du rapport').choices(['texte', 'json']).default('texte'))
  .addOption(browserOption())
  .addOption(concurrencyOption())
  .helpOption('-h, --help', "affiche l'aide")
  .action(async (kits: string[], opts) => {
    const json = opts.format === 'json';
    try {
      const { check } = await import('../check.js');
      const result = await check({
        sheetsDir: path.resolve(opts.sheets),
        kits,
        pages: !opts.sansPages,
        convertUtf8: opts.convertirUtf8,
        browserPath: opts.browser,
        concurrency: opts.concurrency,
        signal: controller.signal,
      });
      const errors = result.diagnostics.filter((d) => d.severity === 'erreur').length;
      const warnings = result.diagnostics.length - errors;
      if (json) {
        const { diagnostics, pages, pagesChecked, pagesSkipped, converted } = result;
        process.stdout.write(`${JSON.stringify({ diagnostics, pages, pagesChecked, ...(pagesSkipped ? { pagesSkipped } : {}), converted, errors, warnings }, null, 2)}\n`);
      } else {
        for (const c of result.converted) {
          process.stdout.write(`Converti en UTF-8 : ${c.file} (ligne${c.lines.length > 1 ? 's' : ''} ${c.lines.join(', ')} : vérifiez les accents)\n`);
        }
        if (opts.pages) for (const p of result.pages) process.stdout.write(`${p.file}  ${p.pages} page${p.pages > 1 ? 's' : ''} / ${p.budget}\n`);
        process.stdout.write(`${formatReport(result.diagnostics)}\n`);
        if (!opts.sansPages && !result.pagesChecked && result.pagesSkipped) process.stderr.write(`Budget de pages non vérifié : ${result.pagesSkipped}\n`);
      }
      process.exit(errors > 0 || (opts.strict && warnings > 0) ? 1 : 0);
    } catch (error) {
      fail(error, json);
    }
  });

program
  .command('changelog')
  .description("liste les fiches ajoutées, retirées et modifiées depuis une édition précédente")
  .argument('<édition>', 'manifest.json de l’édition précédente, ou référence git (étiquette, commit)')
  .addOption(sheetsOption())
  .addOption(new Option('--format <format>', 'format du rapport').choices(['texte', 'json']).default('texte'))
  .helpOption('-h, --help', "affiche l'aide")
  .action(async (ref: string, opts) => {
    const json = opts.format === 'json';
    try {
      const { changesSince, formatChanges } = await import('../changelog.js');
      const { label, changes } = await changesSince(ref, path.resolve(opts.sheets));
      process.stdout.write(json ? `${JSON.stringify({ since: label, kits: changes }, null, 2)}\n` : `${formatChanges(label, changes)}\n`);
    } catch (error) {
      fail(error, json);
    }
  });

registerImpose(program);
registerCheckPdf(program);
registerNewFiche(program);
registerPreview(program, controller.signal);

// After a usage error, the way to the help of the command that was meant.
for (const command of program.commands) command.showHelpAfterError(`(kitess ${command.name()} --help pour l'aide)`);
program.showHelpAfterError("(kitess --help pour l'aide)");

// `kitess help <name>` for a command that does not exist: said like any unknown command.
const [word, asked] = process.argv.slice(2);
if (word === 'help' && asked !== undefined && !asked.startsWith('-') && !program.commands.some((c) => c.name() === asked)) {
  process.stderr.write(translateError(`error: unknown command '${asked}'`));
  process.stderr.write("(kitess --help pour l'aide)\n");
  process.exit(2);
}

try {
  await program.parseAsync(process.argv);
} catch (error) {
  // Help and version exit 0; every usage error, already printed in French, exits 2.
  if (error instanceof CommanderError) process.exit(error.exitCode === 0 ? 0 : 2);
  fail(error, false);
}
