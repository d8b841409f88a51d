import { existsSync, statSync } from 'node:fs';
import { open, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { PrintError, systemErrorMessage, UsageError } from '../errors.js';
import { imposeSaddleStitch } from '../printshop/impose.js';

/** The default output beside the booklet: `kit-municipaless.pdf` → `kit-municipaless-cahier-a5.pdf`. */
export function imposedName(file: string): string {
  const ext = path.extname(file);
  return path.join(path.dirname(file), `${path.basename(file, ext)}-cahier-a5.pdf`);
}

/** Checks that the file exists and starts like a PDF, with French messages (exit code 2); `what` names what is expected. */
export async function checkInput(file: string, what = { path: "le chemin d'un livret PDF", pdf: 'un livret PDF est attendu (par exemple dist/communes/kit-municipaless.pdf)' }): Promise<void> {
  if (!existsSync(file)) throw new UsageError(`fichier « ${file} » introuvable : ${what.path} est attendu`);
  if (!statSync(file).isFile()) throw new UsageError(`« ${file} » n'est pas un fichier : ${what.path} est attendu`);
  const handle = await open(file, 'r');
  try {
    const head = Buffer.alloc(1024);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    if (!head.subarray(0, bytesRead).includes('%PDF-')) throw new UsageError(`« ${file} » n'est pas un PDF : ${what.pdf}`);
  } finally {
    await handle.close();
  }
}

/** Checks, before any work, that the imposed PDF can be written where asked without replacing anything of value. */
function checkOutput(input: string, out: string): void {
  const folder = path.dirname(path.resolve(out));
  if (!existsSync(folder)) throw new UsageError(`dossier « ${path.dirname(out)} » introuvable pour --out « ${out} » : un dossier existant est attendu (créez-le d'abord)`);
  if (!statSync(folder).isDirectory()) throw new UsageError(`« ${path.dirname(out)} » n'est pas un dossier (--out « ${out} ») : un fichier dans un dossier existant est attendu`);
  if (existsSync(out) && statSync(out).isDirectory()) throw new UsageError(`--out « ${out} » est un dossier : le chemin d'un fichier PDF est attendu (ex. ${path.join(out, path.basename(imposedName(input)))})`);
  if (path.extname(out).toLowerCase() !== '.pdf') throw new UsageError(`--out « ${out} » sans l'extension .pdf : le chemin d'un fichier PDF est attendu`);
  if (path.resolve(out) === path.resolve(input)) throw new UsageError(`--out « ${out} » est le livret lui-même : un autre fichier est attendu, pour ne pas l'écraser`);
}

/** Registers `kitess impose <livret.pdf> [--out fichier]`: an A5 saddle-stitched booklet on A4 landscape sheets. */
export function registerImpose(program: Command): void {
  program
    .command('impose')
    .description('impose un livret A4 en cahier A5 piqué à cheval\u00a0: deux pages par face de feuilles A4 paysage, dans l’ordre du pliage')
    .argument('<livret.pdf>', 'livret PDF à imposer (le livret d’un kit, ou sa version imprimeur)')
    .option('--out <fichier>', 'PDF imposé à écrire (par défaut : <livret>-cahier-a5.pdf à côté du livret)')
    .helpOption('-h, --help', "affiche l'aide")
    .action(async (file: string, opts: { out?: string }) => {
      await checkInput(file);
      const out = opts.out ?? imposedName(file);
      checkOutput(file, out);
      let result: Awaited<ReturnType<typeof imposeSaddleStitch>>;
      try {
        result = await imposeSaddleStitch(new Uint8Array(await readFile(file)));
      } catch (error) {
        throw new PrintError(`« ${file} » n'a pas pu être imposé : un PDF lisible et non chiffré est attendu (--debug donne le détail)`, { cause: error });
      }
      try {
        await writeFile(out, result.bytes);
      } catch (error) {
        throw new PrintError(systemErrorMessage(error) ?? `impossible d'écrire « ${out} »`, { cause: error });
      }
      const sheets = result.sheets.length;
      const blanks = result.padding ? `, dont ${result.padding} blanche${result.padding > 1 ? 's' : ''} ajoutée${result.padding > 1 ? 's' : ''} avant la 4e de couverture` : '';
      process.stdout.write(
        `Écrit ${out} : ${result.pages} pages A5${blanks}, sur ${sheets} feuille${sheets > 1 ? 's' : ''} A4 recto verso ` +
          `(${sheets * 2} faces). Imprimez en recto verso, retournement sur le bord court, pliez et agrafez au pli.\n`,
      );
    });
}
