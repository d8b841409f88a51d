import type { Node } from 'unist';
import type { VFile } from 'vfile';
import type { Severity } from '../errors.js';

/** Records a positioned diagnostic on the file; errors are marked fatal. */
export function diagnose(file: VFile, node: Node | undefined, message: string, rule: string, severity: Severity = 'erreur'): void {
  const msg = file.message(message, { place: node?.position, ruleId: rule, source: 'kitess' });
  msg.fatal = severity === 'erreur';
}
