import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'runs/**', 'scratch/**', 'web/dist/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    // (report/ may use Node to write files and rasterise; its figure specs and types stay isomorphic.)
    files: [
      'src/{engine,data,models,fit,probes,experiments,theory}/**/*.ts',
      'src/report/*-figure.ts',
      'src/report/*-figures.ts',
      'src/report/interactive-spec.ts',
    ],
    rules: {
      // The science layers are isomorphic: they must run in a browser too.
      'no-restricted-imports': ['error', { patterns: ['node:*', 'fs', 'path', 'os', 'child_process'] }],
    },
  },
  {
    // The web lab runs in the browser only.
    files: ['web/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['node:*', 'fs', 'path', 'os', 'child_process'] }],
    },
  },
  {
    // The static lab's build configuration runs in Node (it writes the MNIST subset asset).
    files: ['web/**/vite.config.ts', 'web/lab/*-plugin.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
);
