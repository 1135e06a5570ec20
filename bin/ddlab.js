#!/usr/bin/env node
// The CLI is written in TypeScript and compiled to dist/ by `npm run build` (run by `npm install`'s prepare).
import '../dist/src/cli/main.js';
