import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveBrowser } from '../../src/browser.js';
import { BrowserError } from '../../src/errors.js';
import { resolveAsset } from '../../src/pipeline/print.js';
import { DOC_ORIGIN } from '../../src/pipeline/render.js';
import { FIXTURES } from '../helpers/fixtures.js';

describe('choosing the browser', () => {
  it('takes --browser first, then PUPPETEER_EXECUTABLE_PATH', () => {
    expect(resolveBrowser(process.execPath, {})).toEqual({ executablePath: process.execPath, origin: '--browser' });
    expect(resolveBrowser(undefined, { PUPPETEER_EXECUTABLE_PATH: process.execPath })).toEqual({ executablePath: process.execPath, origin: 'PUPPETEER_EXECUTABLE_PATH' });
  });

  it('says in French how to fix a wrong path', () => {
    expect(() => resolveBrowser('/nulle/part/chrome', {})).toThrow(BrowserError);
    expect(() => resolveBrowser('/nulle/part/chrome', {})).toThrow(/navigateur introuvable à « \/nulle\/part\/chrome » \(option --browser\)/);
    expect(() => resolveBrowser(undefined, { PUPPETEER_EXECUTABLE_PATH: '/nulle/part' })).toThrow(/PUPPETEER_EXECUTABLE_PATH/);
  });

  it('falls back to puppeteer’s own browser or the system’s', () => {
    const choice = resolveBrowser(undefined, {});
    expect(['puppeteer', 'système']).toContain(choice.origin);
  });
});

describe('offline printing', () => {
  const kitDir = path.join(FIXTURES, 'pipeline/sheets/demo');

  it('serves the templates, the Fontsource files and the kit’s own images', () => {
    expect(resolveAsset(`${DOC_ORIGIN}/templates/kitess.css`, kitDir)).toMatch(/templates\/kitess\.css$/);
    expect(resolveAsset(`${DOC_ORIGIN}/fonts/source-serif-4/400.css`, kitDir)).toMatch(/@fontsource\/source-serif-4\/400\.css$/);
    expect(resolveAsset(`${DOC_ORIGIN}/kit/schema.svg`, kitDir)).toBe(path.join(kitDir, 'schema.svg'));
  });

  it('refuses everything else: other hosts, unknown areas, paths that climb out', () => {
    expect(resolveAsset('https://example.org/kit/schema.svg', kitDir)).toBeUndefined();
    expect(resolveAsset('http://kitess.invalid/templates/kitess.css', kitDir)).toBeUndefined();
    expect(resolveAsset(`${DOC_ORIGIN}/etc/passwd`, kitDir)).toBeUndefined();
    expect(resolveAsset(`${DOC_ORIGIN}/kit/..%2F..%2F..%2Fpackage.json`, kitDir)).toBeUndefined();
    expect(resolveAsset(`${DOC_ORIGIN}/fonts/inconnue/400.css`, kitDir)).toBeUndefined();
  });
});
