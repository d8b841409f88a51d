import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { setMarker } from '../../bench/saves.js';
import type { BrowserHandle } from '../../src/browser.js';
import { startPreview, type PreviewEvent, type PreviewServer } from '../../src/preview/server.js';
import { testBrowser } from './browser.js';
import { copySheets } from './fixtures.js';

/** A preview running for a test file, on a copy of the pipeline fixture, with every event it told. */
export interface TestPreview {
  browser: BrowserHandle;
  server: PreviewServer;
  sheets: string;
  out: string;
  events: PreviewEvent[];
  /** What the preview wrote for the terminal (progress, errors in full). */
  terminal: { text: string; write(chunk: string): boolean };
}

/**
 * Starts, before the file's tests, one preview of a copy of the pipeline fixture (the named fiches given a
 * « Repère de test » paragraph first) with the file's shared browser; stops both after them.
 */
export function usePreview(markedFiches: string[]): TestPreview {
  const t = { events: [] as PreviewEvent[] } as TestPreview;
  t.terminal = { text: '', write: (chunk) => ((t.terminal.text += chunk), true) };
  beforeAll(async () => {
    t.browser = await testBrowser();
    t.sheets = copySheets('pipeline');
    t.out = path.join(path.dirname(t.sheets), 'apercu');
    for (const name of markedFiches) setMarker(path.join(t.sheets, 'demo', name), 0, writeFileSync);
    t.server = await startPreview({ sheetsDir: t.sheets, outDir: t.out, port: 0, terminal: t.terminal, onEvent: (e) => t.events.push(e) }, { browser: t.browser });
    await t.server.ready;
  });
  afterAll(async () => {
    await t.server?.close();
    await t.browser?.close();
  });
  return t;
}
