import path from 'node:path';
import { fileURLToPath } from 'node:url';
import madge from 'madge';
import { describe, expect, it } from 'vitest';

// Issue 16: no import circles in src/ (conventions: stages import downwards only); type-only imports count too.
const SRC = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'src');

describe('imports', () => {
  it('has no import circle in src/', async () => {
    const graph = await madge(SRC, { fileExtensions: ['ts'] });
    expect(Object.keys(graph.obj()).length).toBeGreaterThan(50);
    expect(graph.circular()).toEqual([]);
  }, 60_000);
});
