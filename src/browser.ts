import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import puppeteer, { type Browser } from 'puppeteer';
import { BrowserError } from './errors.js';

/** Usual places of a system Chromium or Chrome, tried after puppeteer's own download. */
const SYSTEM_BROWSERS = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome-stable',
  '/usr/bin/google-chrome',
  '/opt/google/chrome/chrome',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
];

/** Flags every launch passes: offline, quiet, and no sandbox when running as root. */
export const CHROMIUM_FLAGS = [
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
  '--disable-dev-shm-usage',
  '--font-render-hinting=none',
  '--disable-features=SpareRendererForSitePerProcess',
  '--renderer-process-limit=2',
];

/** Where the executable was found, for messages and the bench. */
export interface BrowserChoice {
  executablePath: string;
  origin: '--browser' | 'PUPPETEER_EXECUTABLE_PATH' | 'puppeteer' | 'système';
}

/** Picks the browser: --browser, then PUPPETEER_EXECUTABLE_PATH, then puppeteer's download, then the system's. */
export function resolveBrowser(explicit?: string, env: NodeJS.ProcessEnv = process.env): BrowserChoice {
  if (explicit) {
    if (!existsSync(explicit)) throw new BrowserError(`navigateur introuvable à « ${explicit} » (option --browser) : le chemin d'un exécutable Chromium ou Chrome est attendu.`);
    return { executablePath: explicit, origin: '--browser' };
  }
  const fromEnv = env.PUPPETEER_EXECUTABLE_PATH;
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new BrowserError(`navigateur introuvable à « ${fromEnv} » (variable PUPPETEER_EXECUTABLE_PATH) : le chemin d'un exécutable Chromium ou Chrome est attendu.`);
    return { executablePath: fromEnv, origin: 'PUPPETEER_EXECUTABLE_PATH' };
  }
  try {
    const own = puppeteer.executablePath();
    if (own && existsSync(own)) return { executablePath: own, origin: 'puppeteer' };
  } catch {
    // puppeteer has no browser of its own: fall through to the system's.
  }
  const system = SYSTEM_BROWSERS.find((p) => existsSync(p));
  if (system) return { executablePath: system, origin: 'système' };
  throw new BrowserError(
    'aucun navigateur Chromium trouvé. Installez celui de Debian (apt-get install -y chromium), ' +
      'ou indiquez un exécutable avec --browser <chemin> ou la variable PUPPETEER_EXECUTABLE_PATH.',
  );
}

/** A launched browser and the way to close it for good, profile folder included. */
export interface BrowserHandle {
  browser: Browser;
  choice: BrowserChoice;
  close(): Promise<void>;
}

/** Launches one headless Chromium for a whole build. */
export async function launchBrowser(choice: BrowserChoice): Promise<BrowserHandle> {
  const profile = await mkdtemp(path.join(os.tmpdir(), 'kitess-chromium-'));
  const args = [...CHROMIUM_FLAGS, `--user-data-dir=${profile}`];
  if (process.getuid?.() === 0) args.push('--no-sandbox');
  let browser: Browser;
  try {
    browser = await puppeteer.launch({ executablePath: choice.executablePath, headless: true, args, handleSIGINT: false, handleSIGTERM: false, handleSIGHUP: false });
  } catch (error) {
    await rm(profile, { recursive: true, force: true });
    throw new BrowserError(`le navigateur ${choice.executablePath} n'a pas démarré : ${(error as Error).message.split('\n')[0]}`, { cause: error });
  }
  let closed = false;
  return {
    browser,
    choice,
    async close() {
      if (closed) return;
      closed = true;
      try {
        await browser.close();
      } catch {
        browser.process()?.kill('SIGKILL');
      }
      await rm(profile, { recursive: true, force: true });
    },
  };
}
