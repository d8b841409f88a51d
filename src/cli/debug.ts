/** `--debug` anywhere on the command line: stack traces of internal errors, and of what caused an error. */
export const debug = process.argv.includes('--debug');
