import path from 'node:path';
import { Option, type Command } from 'commander';

/** Registers `kitess preview [kits…]`: the live preview on 127.0.0.1, rebuilt on every save; stops with `signal`. */
export function registerPreview(program: Command, signal: AbortSignal): void {
  program
    .command('preview')
    .description('aperçu local des fiches et des livrets tels qu’ils seront imprimés, reconstruit à chaque enregistrement')
    .argument('[kits...]', 'kits à prévisualiser (tous par défaut)')
    .addOption(new Option('--sheets <dossier>', 'dossier des kits').default('sheets'))
    .option('--port <port>', 'port local (127.0.0.1)', '4321')
    .option('--out <dossier>', "dossier de l'aperçu", '.kitess-preview')
    .addOption(new Option('--browser <chemin>', 'exécutable Chromium ou Chrome à utiliser'))
    .option('--ouvrir', "ouvre l'aperçu dans le navigateur habituel")
    .option('-q, --quiet', "n'affiche que l'adresse")
    .helpOption('-h, --help', "affiche l'aide")
    .action(async (kits: string[], opts: { sheets: string; port: string; out: string; browser?: string; ouvrir?: boolean; quiet?: boolean }) => {
      const { startPreview } = await import('../preview/server.js');
      const server = await startPreview({
        sheetsDir: path.resolve(opts.sheets),
        outDir: path.resolve(opts.out),
        kits,
        port: Number(opts.port),
        browserPath: opts.browser,
        drafts: true,
        quiet: opts.quiet,
      });
      // The address comes first, before the first build, which may take a while.
      process.stdout.write(`Aperçu sur ${server.url} (Ctrl-C pour arrêter)\n`);
      if (opts.ouvrir) {
        const { default: open } = await import('open');
        await open(server.url).catch(() => process.stderr.write(`Navigateur non ouvert : ouvrez ${server.url} vous-même.\n`));
      }
      const stopped = new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
      try {
        await Promise.race([server.ready, stopped]);
        await stopped;
      } finally {
        await server.close();
      }
      process.exit(0);
    });
}
