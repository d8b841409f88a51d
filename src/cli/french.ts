import { Command, Help, InvalidArgumentError, type Argument, type Option } from 'commander';

/** Commander's help headings, in French. */
const TITLES: Record<string, string> = {
  'Usage:': 'Utilisation :',
  'Arguments:': 'Arguments :',
  'Options:': 'Options :',
  'Global Options:': 'Options générales :',
  'Commands:': 'Commandes :',
};

const quoted = (value: unknown) => `« ${typeof value === 'string' ? value : JSON.stringify(value)} »`;

/** What commander adds after a description (`(default: "sheets")`, `(choices: …)`), in French. */
function extras(item: Option | Argument, description: string): string {
  const info: string[] = [];
  if (item.argChoices) info.push(`valeurs : ${item.argChoices.map(quoted).join(', ')}`);
  const isOption = 'isBoolean' in item;
  const show = item.defaultValue !== undefined && (!isOption || item.required || item.optional || (item.isBoolean() && typeof item.defaultValue === 'boolean'));
  if (show) info.push(`par défaut : ${item.defaultValueDescription ?? quoted(item.defaultValue)}`);
  if ('envVar' in item && item.envVar) info.push(`variable ${item.envVar}`);
  return info.length > 0 ? `${description} (${info.join(' ; ')})` : description;
}

/** Commander's help, with its headings, usage and default values in French. */
export class FrenchHelp extends Help {
  override styleTitle(title: string): string {
    return TITLES[title] ?? title;
  }
  override commandUsage(cmd: Command): string {
    return super.commandUsage(cmd).replace('[command]', '[commande]');
  }
  override subcommandTerm(cmd: Command): string {
    return super.subcommandTerm(cmd).replace('[command]', '[commande]');
  }
  override optionDescription(option: Option): string {
    return extras(option, option.description);
  }
  override argumentDescription(argument: Argument): string {
    return extras(argument, argument.description);
  }
}

/** A command whose help and sub-commands are French: every `.command()` makes another one. */
export class FrenchCommand extends Command {
  override createCommand(name?: string): FrenchCommand {
    return new FrenchCommand(name);
  }
  override createHelp(): Help {
    return Object.assign(new FrenchHelp(), this.configureHelp());
  }
}

const flag = (flags: string) => flags.split(/[ ,]+/).find((f) => f.startsWith('--')) ?? flags.split(/[ ,]+/)[0]!;

/** Commander's « (Did you mean …?) » as « vouliez-vous dire … ? ». */
function suggestion(text: string | undefined): string {
  if (!text) return '';
  const names = text.split(/,\s*/).map((n) => `« ${n.trim()} »`);
  return ` : vouliez-vous dire ${names.length > 1 ? `${names.slice(0, -1).join(', ')} ou ${names[names.length - 1]}` : names[0]} ?`;
}

/**
 * Commander's error messages (unknown option or command, missing argument or value, invalid choice, too many
 * arguments) in French, as « kitess : found : expected ». Anything not recognised keeps its text without
 * commander's « error: » prefix.
 */
export function translateError(message: string): string {
  const text = message.trimEnd();
  const [first = '', ...rest] = text.split('\n');
  const mean = /^\(Did you mean (?:one of )?(.+)\?\)$/.exec(rest.join(' ').trim())?.[1];
  let m: RegExpExecArray | null;
  let out: string;
  if ((m = /^error: unknown option '(.+)'$/.exec(first))) {
    out = `option « ${m[1]} » inconnue${mean ? suggestion(mean) : ` : --help donne les options admises`}`;
  } else if ((m = /^error: unknown command '(.+)'$/.exec(first))) {
    out = `commande « ${m[1]} » inconnue${mean ? suggestion(mean) : ' : build, check, changelog, preview, impose ou nouvelle-fiche est attendu'}`;
  } else if ((m = /^error: missing required argument '(.+)'$/.exec(first))) {
    const wanted: Record<string, string> = { 'livret.pdf': 'le chemin d’un livret PDF est attendu', édition: 'une édition précédente (manifest.json ou référence git) est attendue' };
    out = `argument <${m[1]}> manquant : ${wanted[m[1]!] ?? 'une valeur est attendue'}`;
  } else if ((m = /^error: option '(.+)' argument missing$/.exec(first))) {
    const value = /<(.+)>/.exec(m[1]!)?.[1] ?? 'valeur';
    out = `option ${flag(m[1]!)} sans valeur : ${flag(m[1]!)} <${value}> est attendu`;
  } else if ((m = /^error: option '(.+)' argument '(.*)' is invalid\. Allowed choices are (.+)\.$/.exec(first))) {
    out = `option ${flag(m[1]!)} : valeur « ${m[2]} » inconnue, ${m[3]!.split(', ').map((c) => `« ${c} »`).join(' ou ')} est attendu`;
  } else if ((m = /^error: option '(.+)' argument '(.*)' is invalid\. (.+)$/.exec(first))) {
    out = `option ${flag(m[1]!)} : valeur « ${m[2]} » refusée, ${m[3]}`;
  } else if ((m = /^error: command-argument value '(.*)' is invalid for argument '(.+)'\. (.+)$/.exec(first))) {
    out = `argument <${m[2]}> : valeur « ${m[1]} » refusée, ${m[3]}`;
  } else if ((m = /^error: too many arguments(?: for '(.+)')?\. Expected (\d+) arguments? but got (\d+)\.$/.exec(first))) {
    out = `trop d’arguments${m[1] ? ` pour « ${m[1]} »` : ''} : ${m[2]} attendu${Number(m[2]) > 1 ? 's' : ''}, ${m[3]} donnés`;
  } else {
    out = [first.replace(/^error: /, ''), ...rest].join('\n');
  }
  return `kitess : ${out}\n`;
}

/** An option value parser that accepts a whole number between `min` and `max`, with a French refusal. */
export function wholeNumber(min: number, max: number, example: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\s*\d+\s*$/.test(value) || !Number.isInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`un nombre entier ${max === Number.MAX_SAFE_INTEGER ? `d’au moins ${min}` : `de ${min} à ${max}`} est attendu (ex. ${example})`);
    }
    return n;
  };
}
