import path from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { registerImpose } from './impose.js';
import { registerCheckPdf } from './check-pdf.js';
import { KitessError, SourceError } from '../errors.js';
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
process.on('SIGTERM', () => controller.abort());

function fail(error: unknown, json: boolean): never {
  if (error instanceof SourceError) {
    if (json) process.stdout.write(`${JSON.stringify(error.toJSON(), null, 2)}\n`);
    else process.stderr.write(`${formatReport(error.diagnostics)}\n${error.message}\n`);
  } else if (error instanceof KitessError) {
    if (json) process.stdout.write(`${JSON.stringify(error.toJSON(), null, 2)}\n`);
    else process.stderr.write(`kitess : ${error.message}\n`);
  } else {
    process.stderr.write(`kitess : erreur interne : ${(error as Error)?.stack ?? String(error)}\n`);
    process.exit(70);
  }
  process.exit(error.exitCode);
}

const program = new Command();
program
  .name('kitess')
  .description('Construit les kits ESS : des fiches Markdown aux PDF (fiches seules et livrets).')
  .version(VERSION, '-V, --version', 'affiche la version')
  .helpOption('-h, --help', "affiche l'aide")
  .addHelpCommand(false)
  .showHelpAfterError("(kitess --help pour l'aide)")
  .configureOutput({ writeErr: (s) => process.stderr.write(s) })
  .exitOverride();

const sheetsOption = () => new Option('--sheets <dossier>', 'dossier des kits').default('sheets');
const browserOption = () => new Option('--browser <chemin>', 'exécutable Chromium ou Chrome à utiliser');
const concurrencyOption = () =>
  new Option('--concurrency <n>', 'pages imprimées en même temps').argParser((v) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new CommanderError(2, 'kitess.concurrency', `--concurrency attend un entier positif, trouvé « ${v} »`);
    return n;
  });

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
      const { build } = await import('../build.js');
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
        log: opts.quiet ? undefined : (m) => process.stdout.write(`${m}\n`),
      });
      const warnings = result.warnings.filter((d) => d.severity === 'avertissement');
      if (warnings.length > 0 && !opts.quiet) process.stderr.write(`${formatReport(warnings)}\n`);
      if (opts.timings) process.stdout.write(`${result.timings.format()}\n`);
    } catch (error) {
      fail(error, false);
    }
  });

program
  .command('check')
  .description('vérifie les sources sans imprimer (ou en imprimant avec --pages)')
  .argument('[kits...]', 'kits à vérifier (tous par défaut)')
  .addOption(sheetsOption())
  .option('--pages', 'imprime les fiches et signale celles qui dépassent leur budget de pages')
  .option('--strict', 'échoue aussi sur les avertissements')
  .addOption(new Option('--format <format>', 'format du rapport').choices(['texte', 'json']).default('texte'))
  .addOption(browserOption())
  .addOption(concurrencyOption())
  .helpOption('-h, --help', "affiche l'aide")
  .action(async (kits: string[], opts) => {
    const json = opts.format === 'json';
    try {
      const { check } = await import('../check.js');
      const result = await check({ sheetsDir: path.resolve(opts.sheets), kits, pages: opts.pages, browserPath: opts.browser, concurrency: opts.concurrency, signal: controller.signal });
      const errors = result.diagnostics.filter((d) => d.severity === 'erreur').length;
      const warnings = result.diagnostics.length - errors;
      if (json) {
        process.stdout.write(`${JSON.stringify({ diagnostics: result.diagnostics, pages: result.pages, errors, warnings }, null, 2)}\n`);
      } else {
        if (opts.pages) for (const p of result.pages) process.stdout.write(`${p.file}  ${p.pages} page${p.pages > 1 ? 's' : ''} / ${p.budget}\n`);
        process.stdout.write(`${formatReport(result.diagnostics)}\n`);
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

program
  .command('preview')
  .description('aperçu local des fiches et des livrets tels qu’ils seront imprimés, rechargé à chaque modification')
  .argument('[kits...]', 'kits à prévisualiser (tous par défaut)')
  .addOption(sheetsOption())
  .option('--port <port>', 'port local (127.0.0.1)', '4321')
  .option('--out <dossier>', "dossier de l'aperçu", '.kitess-preview')
  .addOption(browserOption())
  .helpOption('-h, --help', "affiche l'aide")
  .action(async (kits: string[], opts) => {
    try {
      const { startPreview } = await import('../preview.js');
      const server = await startPreview({
        sheetsDir: path.resolve(opts.sheets),
        outDir: path.resolve(opts.out),
        kits,
        port: Number(opts.port),
        browserPath: opts.browser,
        drafts: true,
        log: (m) => process.stdout.write(`${m}\n`),
      });
      process.stdout.write(`Aperçu sur ${server.url} (Ctrl-C pour arrêter)\n`);
      await new Promise<void>((resolve) => controller.signal.addEventListener('abort', () => resolve(), { once: true }));
      await server.close();
      process.exit(0);
    } catch (error) {
      fail(error, false);
    }
  });

registerImpose(program);
registerCheckPdf(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) process.exit(error.exitCode === 0 ? 0 : 2);
  fail(error, false);
}
