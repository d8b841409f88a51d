import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemErrorMessage } from '../../src/errors.js';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/fixtures.js';

/** The repository: the CLI runs there. */
const ROOT = path.resolve(import.meta.dirname, '../..');
const kitess = (...args: string[]) => runCli(args, ROOT);

/** Words of commander's English that must never reach a user. */
const ENGLISH = /\b(error|Usage|Options:|Commands|Arguments:|default:|choices|Did you mean|unknown|missing|argument missing|too many|Allowed|display help|output the version)\b/;

/** A usage error: nothing on stdout, exit 2, the exact French lines on stderr. */
function expectUsage(r: ReturnType<typeof kitess>, lines: string[]) {
  expect(r.stderr).toBe(`${lines.join('\n')}\n`);
  expect(r.stderr).not.toMatch(ENGLISH);
  expect(r.stdout).toBe('');
  expect(r.code).toBe(2);
}

describe('usage errors are French, exit 2, and end with a newline (issue 13)', () => {
  it('an unknown option, with and without a near option', () => {
    expectUsage(kitess('-o'), ['kitess : option « -o » inconnue : --help donne les options admises', "(kitess --help pour l'aide)"]);
    expectUsage(kitess('build', '-o', 'x'), ['kitess : option « -o » inconnue : --help donne les options admises', "(kitess build --help pour l'aide)"]);
    expectUsage(kitess('build', '--outt', 'x'), ['kitess : option « --outt » inconnue : vouliez-vous dire « --out » ?', "(kitess build --help pour l'aide)"]);
  });

  it('an unknown command, with « vouliez-vous dire »', () => {
    expectUsage(kitess('buidl'), ['kitess : commande « buidl » inconnue : vouliez-vous dire « build » ?', "(kitess --help pour l'aide)"]);
    expectUsage(kitess('publier'), ['kitess : commande « publier » inconnue : build, check, changelog, preview, impose ou nouvelle-fiche est attendu', "(kitess --help pour l'aide)"]);
  });

  it('a missing argument, a missing option value, an invalid choice, too many arguments', () => {
    expectUsage(kitess('changelog'), ['kitess : argument <édition> manquant : une édition précédente (manifest.json ou référence git) est attendue', "(kitess changelog --help pour l'aide)"]);
    expectUsage(kitess('impose'), ['kitess : argument <livret.pdf> manquant : le chemin d’un livret PDF est attendu', "(kitess impose --help pour l'aide)"]);
    expectUsage(kitess('build', '--out'), ['kitess : option --out sans valeur : --out <dossier> est attendu', "(kitess build --help pour l'aide)"]);
    expectUsage(kitess('check', '--format', 'xml'), ['kitess : option --format : valeur « xml » inconnue, « texte » ou « json » est attendu', "(kitess check --help pour l'aide)"]);
    expectUsage(kitess('impose', 'a.pdf', 'b.pdf'), ['kitess : trop d’arguments pour « impose » : 1 attendu, 2 donnés', "(kitess impose --help pour l'aide)"]);
  });

  it('--concurrency abc and an invalid port, before anything starts', () => {
    expectUsage(kitess('build', '--concurrency', 'abc'), ['kitess : option --concurrency : valeur « abc » refusée, un nombre entier de 1 à 64 est attendu (ex. --concurrency 2)', "(kitess build --help pour l'aide)"]);
    expectUsage(kitess('check', '--concurrency', '0'), ['kitess : option --concurrency : valeur « 0 » refusée, un nombre entier de 1 à 64 est attendu (ex. --concurrency 2)', "(kitess check --help pour l'aide)"]);
    expectUsage(kitess('preview', '--port', 'http'), ['kitess : option --port : valeur « http » refusée, un nombre entier de 0 à 65535 est attendu (ex. --port 4321)', "(kitess preview --help pour l'aide)"]);
    expectUsage(kitess('preview', '--port', '70000'), ['kitess : option --port : valeur « 70000 » refusée, un nombre entier de 0 à 65535 est attendu (ex. --port 4321)', "(kitess preview --help pour l'aide)"]);
  });

  it('--sheets pointing to a missing folder or to a file', () => {
    const r = kitess('check', '--sheets', 'nulle-part');
    expect(r.stderr).toBe('kitess : dossier des kits « nulle-part » introuvable : un dossier contenant un sous-dossier par kit est attendu (option --sheets)\n');
    expect(r.code).toBe(2);
    const file = kitess('build', '--sheets', 'package.json', '--out', path.join(tempDir(), 'dist'));
    expect(file.stderr).toBe('kitess : « package.json » n\'est pas un dossier : le dossier des kits est attendu (option --sheets)\n');
    expect(file.code).toBe(2);
  });

  it('impose --out into a missing folder, onto the booklet itself, or without .pdf', () => {
    const booklet = path.join(ROOT, 'test/fixtures/pipeline/sheets/demo/kit.yml');
    const dir = tempDir();
    const pdf = path.join(dir, 'livret.pdf');
    writeFileSync(pdf, '%PDF-1.7\n%%EOF\n');
    expect(kitess('impose', pdf, '--out', path.join(dir, 'absent', 'cahier.pdf'))).toEqual({
      code: 2,
      stdout: '',
      stderr: `kitess : dossier « ${path.join(dir, 'absent')} » introuvable pour --out « ${path.join(dir, 'absent', 'cahier.pdf')} » : un dossier existant est attendu (créez-le d'abord)\n`,
    });
    expect(kitess('impose', pdf, '--out', pdf).stderr).toBe(`kitess : --out « ${pdf} » est le livret lui-même : un autre fichier est attendu, pour ne pas l'écraser\n`);
    expect(kitess('impose', pdf, '--out', path.join(dir, 'cahier.md')).stderr).toBe(`kitess : --out « ${path.join(dir, 'cahier.md')} » sans l'extension .pdf : le chemin d'un fichier PDF est attendu\n`);
    expect(kitess('impose', booklet).stderr).toMatch(/^kitess : « .*kit\.yml » n'est pas un PDF : un livret PDF est attendu/);
  });
});

describe('no raw system message reaches the user (issue 13)', () => {
  it('an --out under a file, or in a folder kitess may not write in, is refused before the build (exit 2)', () => {
    const r = kitess('build', '--sheets', 'test/fixtures/pipeline/sheets', '--out', '/dev/null/dist');
    expect(r.stderr).toBe('kitess : « /dev/null » n\'est pas un dossier : un dossier de sortie est attendu (--out « /dev/null/dist »)\n');
    expect(r.code).toBe(2);
  });

  it('a failed file operation is said in French: what, where, why', () => {
    const error = Object.assign(new Error("EACCES: permission denied, open '/x/y.pdf'"), { code: 'EACCES', syscall: 'open', path: '/x/y.pdf' });
    expect(systemErrorMessage(error)).toBe('impossible d’ouvrir « /x/y.pdf » : permission refusée');
    expect(systemErrorMessage(Object.assign(new Error('no space'), { code: 'ENOSPC', syscall: 'write' }))).toBe('impossible d’écrire : plus de place sur le disque');
    expect(systemErrorMessage(new Error('something else'))).toBeUndefined();
  });
});

describe('a port already in use is refused before the build starts (issue 13)', () => {
  let server: Server;
  let port: number;
  beforeAll(async () => {
    server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    port = (server.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('names the port and a free one, exits 2 and builds nothing', () => {
    const out = path.join(tempDir(), 'apercu');
    const r = kitess('preview', '--port', String(port), '--sheets', 'test/fixtures/pipeline/sheets', '--out', out);
    expect(r.stderr).toBe(`kitess : port ${port} déjà utilisé par un autre programme : un port libre est attendu (ex. --port ${port + 1})\n`);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
  });
});

describe('--help and kitess help [commande] are French (issue 13)', () => {
  it('kitess --help: French headings, commands, and the help command', () => {
    const r = kitess('--help');
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).not.toMatch(ENGLISH);
    expect(r.stdout).toMatch(/^Utilisation : kitess \[options\] \[commande\]\n\nConstruit les kits ESS/);
    expect(r.stdout).toContain('\nOptions :\n  -V, --version ');
    expect(r.stdout).toContain('\nCommandes :\n  build [options] [kits...] ');
    expect(r.stdout).toMatch(/\n  help \[commande\] +affiche l'aide d'une commande\n$/);
    expect(r.stdout).toMatch(/--debug +en cas d’erreur interne/);
    expect(kitess('help')).toEqual(r);
  });

  it('kitess check --help and kitess help check: the same French page, defaults and choices in French', () => {
    const r = kitess('check', '--help');
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(ENGLISH);
    expect(r.stdout).toMatch(/^Utilisation : kitess check \[options\] \[kits\.\.\.\]\n/);
    expect(r.stdout).toContain('\nArguments :\n  kits ');
    expect(r.stdout).toMatch(/--sheets <dossier> +dossier des kits \(par défaut : « sheets »\)/);
    expect(r.stdout).toMatch(/--format <format> +format du rapport \(valeurs : « texte », « json » ; par\s+défaut : « texte »\)/);
    expect(r.stdout).toMatch(/--sans-pages +ne vérifie pas le budget de pages/);
    expect(r.stdout).toMatch(/--convertir-utf8 +réenregistre en UTF-8/);
    expect(kitess('help', 'check')).toEqual(r);
  });

  it('every command’s help is French', () => {
    for (const command of ['build', 'check', 'changelog', 'preview', 'impose', 'nouvelle-fiche']) {
      const r = kitess(command, '--help');
      expect(r.code, command).toBe(0);
      expect(r.stdout, command).toMatch(new RegExp(`^Utilisation : kitess ${command} `));
      expect(r.stdout, command).not.toMatch(ENGLISH);
    }
    expect(kitess('preview', '--help').stdout).toMatch(/--port <port> +port local \(127\.0\.0\.1\) \(par défaut : « 4321 »\)/);
  });

  it('kitess help <unknown command> says so in French', () => {
    expectUsage(kitess('help', 'publier'), ['kitess : commande « publier » inconnue : build, check, changelog, preview, impose ou nouvelle-fiche est attendu', "(kitess --help pour l'aide)"]);
  });
});
