#!/usr/bin/env node
// The CLI as `npm run compile` bundles it (scripts/bundle.mjs): a few files to read instead of some 1 300 modules.
import '../build/bundle/main.js';
