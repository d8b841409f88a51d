import path from 'node:path';
import { createInterface } from 'node:readline/promises';
import { CommanderError, Option, type Command } from 'commander';
import { UsageError } from '../errors.js';
import type { PartChoice } from '../scaffold.js';

/**
 * Asks which part the fiche belongs to, as a numbered list (plain lines, read well by screen readers);
 * asks again until the answer is one of the numbers or identifiers.
 */
export async function askPart(parts: PartChoice[], input: NodeJS.ReadableStream = process.stdin, output: NodeJS.WritableStream = process.stdout): Promise<string> {
  const rl = createInterface({ input, terminal: false });
  const question = () => output.write(`Numéro de la partie (1 à ${parts.length}) : `);
  try {
    output.write(`Partie de la fiche :\n${parts.map((p, i) => `  ${i + 1}. ${p.title} (${p.id})`).join('\n')}\n`);
    question();
    // Reading the lines as a stream keeps those typed (or piped) ahead of the question.
    for await (const line of rl) {
      const answer = line.trim();
      const chosen = parts[Number(answer) - 1] ?? parts.find((p) => p.id === answer);
      if (chosen && answer !== '') return chosen.id;
      output.write(`« ${answer} » : un numéro de 1 à ${parts.length} est attendu.\n`);
      question();
    }
    throw new UsageError('partie de la fiche non choisie : un numéro de partie est attendu (ou --partie)');
  } finally {
    rl.close();
  }
}

/** Registers `kitess nouvelle-fiche <kit> <titre>`: a new fiche's file with its frontmatter and skeleton. */
export function registerNewFiche(program: Command): void {
  program
    .command('nouvelle-fiche')
    .description('crée le fichier d’une nouvelle fiche : prochain numéro libre, nom tiré du titre, en-tête et plan à compléter')
    .argument('<kit>', 'kit de la fiche (communes, departements, regions)')
    .argument('<titre>', 'titre de la fiche, entre guillemets')
    .addOption(new Option('--sheets <dossier>', 'dossier des kits').default('sheets'))
    .option('--partie <identifiant>', 'partie de la fiche (une des parties de kit.yml) ; demandée si absente, dans un terminal')
    .option('--numero <n>', 'numéro de la fiche (par défaut : le prochain libre)', (v) => {
      if (!/^\d+$/.test(v)) throw new CommanderError(2, 'kitess.numero', `--numero attend un nombre entier, trouvé « ${v} »`);
      return Number(v);
    })
    .helpOption('-h, --help', "affiche l'aide")
    .action(async (kit: string, title: string, opts: { sheets: string; partie?: string; numero?: number }) => {
      const { createFiche } = await import('../scaffold.js');
      const interactive = !!process.stdin.isTTY && !!process.stdout.isTTY;
      const created = await createFiche({
        sheetsDir: path.resolve(opts.sheets),
        kit,
        title,
        part: opts.partie,
        number: opts.numero,
        ...(interactive ? { askPart: (parts: PartChoice[]) => askPart(parts) } : {}),
      });
      const shown = path.relative(process.cwd(), created.file);
      process.stdout.write(
        `Créé ${shown.startsWith('..') ? created.file : shown} : fiche ${created.number}, partie « ${created.part.title} », en brouillon.\n` +
          `Complétez-la, vérifiez-la avec « kitess check ${kit} », regardez-la avec « kitess preview ${kit} », ` +
          `puis retirez la ligne « statut: brouillon » quand elle est prête à paraître.\n` +
          (created.outOfOrder ? `Attention : ${created.outOfOrder}.\n` : ''),
      );
    });
}
