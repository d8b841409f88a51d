/** kitess's public API: build and check kits, as the CLI and tests use them. */
export { build, type BuildOptions, type BuildResult } from './build.js';
export { check, type CheckOptions, type CheckResult } from './check.js';
export { launchBrowser, resolveBrowser, type BrowserHandle } from './browser.js';
export { KitessError, SourceError, UsageError, BrowserError, PrintError, AbortedError, type Diagnostic } from './errors.js';
export { formatReport, formatDiagnostic, formatSummary } from './report.js';
