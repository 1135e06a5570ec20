#!/usr/bin/env node
// The CLI is written in TypeScript and compiled to dist/ by `npm run build` (run by `npm install`'s prepare).
import module from 'node:module';

// Node ≥ 22.1 keeps the compiled code of the CLI's modules on disk, so later starts skip most of
// compiling them (as TypeScript's own tsc does). Node 20 has no such cache: there it does nothing.
module.enableCompileCache?.();
await import('../dist/src/cli/main.js');
