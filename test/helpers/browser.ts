import { launchBrowser, resolveBrowser, type BrowserHandle } from '../../src/browser.js';

/** Launches the one browser a test file shares between its tests. */
export function testBrowser(): Promise<BrowserHandle> {
  return launchBrowser(resolveBrowser());
}
