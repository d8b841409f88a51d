import { createServer } from 'node:net';
import path from 'node:path';
import { Option, type Command } from 'commander';
import { AbortedError, UsageError } from '../errors.js';
import { wholeNumber } from './french.js';

/** Refuses a port another program already listens on, before anything is built. */
function assertPortFree(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new UsageError(
          error.code === 'EADDRINUSE'
            ? `port ${port} déjà utilisé par un autre programme : un port libre est attendu (ex. --port ${port === 65535 ? port - 1 : port + 1})`
            : `port ${port} inutilisable (${error.code ?? error.message}) : un port libre au-dessus de 1024 est attendu (ex. --port 4321)`,
        ),
      ),
    );
    server.listen(port, '127.0.0.1', () => server.close(() => resolve()));
  });
}

/** Registers `kitess preview [kits…]`: the live preview on 127.0.0.1, rebuilt on every save; stops with `signal`. */
export function registerPreview(program: Command, signal: AbortSignal): void {
  program
    .command('preview')
    .description('aperçu local des fiches et des livrets tels qu’ils seront imprimés, reconstruit à chaque enregistrement')
    .argument('[kits...]', 'kits à prévisualiser (tous par défaut)')
    .addOption(new Option('--sheets <dossier>', 'dossier des kits').default('sheets'))
    .addOption(new Option('--port <port>', 'port local (127.0.0.1)').default(4321).argParser(wholeNumber(0, 65535, '--port 4321')))
    .option('--out <dossier>', "dossier de l'aperçu", '.kitess-preview')
    .addOption(new Option('--browser <chemin>', 'exécutable Chromium ou Chrome à utiliser'))
    .option('--ouvrir', "ouvre l'aperçu dans le navigateur habituel")
    .option('-q, --quiet', "n'affiche que l'adresse")
    .helpOption('-h, --help', "affiche l'aide")
    .action(async (kits: string[], opts: { sheets: string; port: number; out: string; browser?: string; ouvrir?: boolean; quiet?: boolean }) => {
      await assertPortFree(opts.port);
      const { startPreview } = await import('../preview/server.js');
      const server = await startPreview({
        sheetsDir: path.resolve(opts.sheets),
        outDir: path.resolve(opts.out),
        kits,
        port: opts.port,
        browserPath: opts.browser,
        drafts: true,
        quiet: opts.quiet,
        signal,
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
      // Stopped while idle, the preview has done its job; stopped during a build, it says what became of it.
      if (server.interrupted()) throw new AbortedError(`Construction de l’aperçu interrompue : le dossier ${opts.out} est resté tel quel.`);
      process.exit(0);
    });
}
