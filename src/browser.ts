import { existsSync } from 'node:fs';
import { mkdtemp, readlink, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import puppeteer, { type Browser } from 'puppeteer';
import { BrowserError } from './errors.js';
import { isRunning, removeAbandoned } from './leftovers.js';

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

/**
 * Flags every launch passes: offline, quiet, and no sandbox when running as root. Chromium 156 headless opens the
 * address bar's popup as two web pages of its own (`chrome://omnibox-popup.top-chrome/`) in a renderer that nothing
 * ever shows: WebUIOmniboxPopup and WebUIOmniboxAimPopup off, that renderer (some 70 MiB of the build's peak) is
 * never started.
 */
export const CHROMIUM_FLAGS = [
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
  '--disable-dev-shm-usage',
  '--font-render-hinting=none',
  '--disable-features=SpareRendererForSitePerProcess,WebUIOmniboxPopup,WebUIOmniboxAimPopup',
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

/** Prefix of the profile folders kitess gives Chromium in the temporary folder: `kitess-chromium-<pid>-XXXXXX`. */
export const PROFILE_PREFIX = 'kitess-chromium-';

/** The pid of the Chromium that holds a profile, from its `SingletonLock` link (`host-pid`), if it has one. */
async function lockHolder(profile: string): Promise<number | undefined> {
  try {
    const target = await readlink(path.join(profile, 'SingletonLock'));
    const pid = Number(/-(\d+)$/.exec(target)?.[1]);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Removes the profile folders that killed runs of kitess left in the temporary folder (SIGKILL cannot be caught):
 * only kitess's own (`kitess-chromium-…`), and only those no live process owns — neither the kitess named in the
 * folder's name nor the Chromium named in its lock. Folders of an older naming, without a pid, are removed when
 * no Chromium holds them and they are more than an hour old. Returns the folders removed.
 */
export async function removeStaleProfiles(tmpDir = os.tmpdir()): Promise<string[]> {
  return removeAbandoned(tmpDir, PROFILE_PREFIX, async (dir, name, info) => {
    const owner = /^kitess-chromium-(\d+)-/.exec(name);
    if (owner ? isRunning(Number(owner[1])) : Date.now() - info.mtimeMs < 3_600_000) return false;
    const holder = await lockHolder(dir);
    return holder === undefined || !isRunning(holder);
  });
}

/**
 * Launches one headless Chromium for a whole build. Chromium talks to kitess over a pipe (`pipe: true`), not a
 * port: when kitess dies, by any signal (SIGHUP when the terminal closes, SIGKILL from the out-of-memory killer),
 * the pipe closes and Chromium exits with it. Profile folders left by killed runs are removed first.
 */
export async function launchBrowser(choice: BrowserChoice): Promise<BrowserHandle> {
  await removeStaleProfiles();
  const profile = await mkdtemp(path.join(os.tmpdir(), `${PROFILE_PREFIX}${process.pid}-`));
  const args = [...CHROMIUM_FLAGS, `--user-data-dir=${profile}`];
  if (process.getuid?.() === 0) args.push('--no-sandbox');
  let browser: Browser;
  try {
    browser = await puppeteer.launch({ executablePath: choice.executablePath, headless: true, args, pipe: true, handleSIGINT: false, handleSIGTERM: false, handleSIGHUP: false });
  } catch (error) {
    await rm(profile, { recursive: true, force: true });
    // Puppeteer's own message is English and long: it is kept as the cause, shown with --debug.
    throw new BrowserError(`le navigateur ${choice.executablePath} n'a pas démarré : un exécutable Chromium ou Chrome qui fonctionne est attendu (--browser <chemin>) ; --debug donne le détail`, { cause: error });
  }
  // Every caller of close() waits for the same closing, profile folder removed: a second call (the build's
  // `finally` after Ctrl-C already started closing) must not return before the first has finished.
  let closing: Promise<void> | undefined;
  const shutDown = async () => {
    try {
      await browser.close();
    } catch {
      browser.process()?.kill('SIGKILL');
    }
    await rm(profile, { recursive: true, force: true });
  };
  return {
    browser,
    choice,
    close() {
      closing ??= shutDown();
      return closing;
    },
  };
}

/** The browser, started on the first print only (none when nothing needs printing), closed with the build. */
export function lazyBrowser(injected: BrowserHandle | undefined, explicit: string | undefined, signal: AbortSignal | undefined) {
  let handle = injected;
  let launching: Promise<BrowserHandle> | undefined;
  let launched = false;
  const closeOnAbort = () => {
    if (launched) void handle?.close();
  };
  signal?.addEventListener('abort', closeOnAbort, { once: true });
  return {
    get(): Promise<BrowserHandle> {
      if (handle) return Promise.resolve(handle);
      launching ??= launchBrowser(resolveBrowser(explicit)).then(async (h) => {
        handle = h;
        launched = true;
        if (signal?.aborted) await h.close();
        return h;
      });
      return launching;
    },
    launched: () => launched,
    async close() {
      signal?.removeEventListener('abort', closeOnAbort);
      if (launching) await launching.catch(() => undefined);
      if (launched) await handle?.close();
    },
  };
}

