import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from './assets.js';

/** kitess's own version, from package.json. */
export const VERSION: string = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')).version;
