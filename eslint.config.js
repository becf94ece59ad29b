// ESLint flat config. The layer table of ARCHITECTURE.md is enforced as errors by a local
// rule (scripts/eslint/layer-boundaries.js): each layer imports only the layers below it,
// the renderer takes nothing but types from the domain, and the pure domain and the
// renderer touch no Node modules or I/O packages. Import cycles are caught by
// tests/unit/import-graph.test.ts.
import js from '@eslint/js';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import { layerBoundariesPlugin } from './scripts/eslint/layer-boundaries.js';

const chot = layerBoundariesPlugin({
  root: dirname(fileURLToPath(import.meta.url)),
  /** What each layer may import besides itself (ARCHITECTURE.md, "Layers"). */
  mayImport: {
    domain: [],
    drivers: ['domain'],
    /** Node plumbing that main/ and hub/ both need but may not take from each other. */
    platform: ['domain'],
    main: ['domain', 'drivers', 'platform'],
    hub: ['domain', 'platform'],
    renderer: ['domain', 'decoder'],
    cli: ['domain', 'drivers', 'platform', 'main', 'hub', 'decoder'],
    /** Pure QR decoding (zxing-wasm) shared by the renderer's camera worker and `chot decode-image`. */
    decoder: ['domain'],
  },
  typeOnlyFrom: { renderer: ['domain'], decoder: ['domain'] },
  noIo: ['domain', 'renderer', 'decoder'],
  /** Packages that do I/O: never in the pure domain or the renderer. */
  ioPackages: ['better-sqlite3', 'ws', 'electron', 'serialport', '@serialport/*', 'node-hid', 'pg', 'pcsclite', 'playwright-core'],
});

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'release/**', 'tests/fixtures/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2022, sourceType: 'module', globals: { ...globals.node } },
    plugins: { chot },
    rules: {
      'chot/layer-boundaries': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
    },
  },
  {
    // Type-aware rules: a promise nobody awaits loses its rejection (an unhandled rejection
    // ends a Node process), and a promise handed to a callback that expects void (an event
    // listener, a timer) is one nobody awaits. Each file is checked with the tsconfig that
    // owns it; the lint fixtures (tests/unit/lint-boundaries.test.ts) are linted as virtual
    // files under a layer folder, so they use the default project.
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['vitest.config.ts', '*/__lint_fixture__.ts'] },
        tsconfigRootDir: dirname(fileURLToPath(import.meta.url)),
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
    },
  },
  {
    files: ['renderer/**/*.ts'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ['scripts/**/*.mjs', 'scripts/**/*.js', 'bin/**/*.js', 'eslint.config.js'],
    rules: { 'no-console': 'off' },
  },
);
