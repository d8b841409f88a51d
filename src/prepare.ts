import path from 'node:path';
import type { Diagnostic } from './errors.js';
import type { Fiche, Kit } from './model.js';
import { loadKit } from './pipeline/load.js';

export { selectKits } from './pipeline/load.js';
import { createProcessor, fileDiagnostics, parseFiche, parseKitConfig } from './pipeline/parse.js';
import { checkKit, makeKit, transformFiche, type UnreadableFiche } from './pipeline/transform.js';
import type { Timings } from './timings.js';

/** The kits read, parsed and checked, with every diagnostic found on the way. */
export interface Prepared {
  kits: Kit[];
  diagnostics: Diagnostic[];
}

/** Load → parse → transform for the given kits: everything the build checks before printing. */
export async function prepareKits(sheetsDir: string, ids: string[], timings?: Timings): Promise<Prepared> {
  const processor = createProcessor();
  const diagnostics: Diagnostic[] = [];
  const kits: Kit[] = [];
  for (const id of ids) {
    const loaded = await (timings ? timings.time('load', () => loadKit(sheetsDir, id)) : loadKit(sheetsDir, id));
    diagnostics.push(...loaded.diagnostics);
    const stage = async () => {
      const { config, diagnostics: configDiagnostics } = parseKitConfig(loaded.source);
      diagnostics.push(...configDiagnostics);
      const fiches: Fiche[] = [];
      const unreadable: UnreadableFiche[] = [];
      for (const sheet of loaded.source.sheets) {
        const parsed = parseFiche(processor, sheet);
        diagnostics.push(...parsed.diagnostics);
        if (!parsed.fiche) {
          // The frontmatter is wrong: still check the body, and count the fiche as present for cross-references.
          if (parsed.body) {
            await processor.run(parsed.body.tree, parsed.body.file);
            diagnostics.push(...fileDiagnostics(parsed.body.file, sheet.path));
          }
          unreadable.push({ number: Number(path.basename(sheet.absPath).slice(0, 2)), path: sheet.path, refs: parsed.body?.file.data.ficheRefs ?? [] });
          continue;
        }
        const transformed = await transformFiche(processor, parsed.fiche);
        diagnostics.push(...transformed.diagnostics);
        fiches.push(transformed.fiche);
      }
      if (!config) return;
      diagnostics.push(...checkKit(loaded.source, config, fiches, unreadable));
      kits.push(makeKit(loaded.source, config, fiches));
    };
    await (timings ? timings.time('parse', stage) : stage());
  }
  return { kits, diagnostics };
}
