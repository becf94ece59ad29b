// ESLint flat config. The layer table of docs/architecture.md is enforced as errors by a
// local rule (scripts/eslint/layer-boundaries.js): each layer imports only the layers below
// it, and the pure domain, the decoder and the renderer touch no Node modules or I/O
// packages. The renderer may take values from the domain, not only types: the domain
// compiles with neither Node nor DOM types and uses no host globals (checked below), so
// whatever the renderer imports from it runs in the page as it runs in Node. Import cycles
// are caught by tests/unit/import-graph.test.ts.
import js from '@eslint/js';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import { layerBoundariesPlugin } from './scripts/eslint/layer-boundaries.js';

/**
 * What a browser or Node provides beyond ECMAScript (document, window, fetch, process, Buffer…):
 * the pure domain uses none, so it runs the same in the page, in Node and in a worker. Its
 * tsconfig has no Node or DOM types either; this says it at lint time, naming the layer rule.
 * TextEncoder and TextDecoder are the exception every runtime has (domain/globals.d.ts).
 */
const ecmaScriptGlobals = new Set(Object.keys(globals.es2022));
const hostGlobals = [...new Set([...Object.keys(globals.browser), ...Object.keys(globals.node)])]
  .filter((name) => !ecmaScriptGlobals.has(name) && name !== 'TextEncoder' && name !== 'TextDecoder')
  .map((name) => ({ name, message: 'the pure domain uses no browser or Node globals: it runs in the page and in Node alike (see docs/architecture.md)' }));

const chot = layerBoundariesPlugin({
  root: dirname(fileURLToPath(import.meta.url)),
  /** What each layer may import besides itself (docs/architecture.md, "Layers"). */
  mayImport: {
    domain: [],
    /** Drivers run in Node: they share its plumbing (messageOf, backoff) rather than copy it. */
    drivers: ['domain', 'platform'],
    /** Node plumbing that drivers/, main/ and hub/ all need but may not take from each other. */
    platform: ['domain'],
    main: ['domain', 'drivers', 'platform'],
    hub: ['domain', 'platform'],
    renderer: ['domain', 'decoder'],
    cli: ['domain', 'drivers', 'platform', 'main', 'hub', 'decoder'],
    /** Pure QR decoding (zxing-wasm) shared by the renderer's camera worker and `chot decode-image`. */
    decoder: ['domain'],
  },
  noIo: ['domain', 'renderer', 'decoder'],
  /** Packages that do I/O: never in the pure domain, the decoder or the renderer. */
  ioPackages: [
    'better-sqlite3',
    'better-sqlite3-multiple-ciphers',
    'ws',
    'electron',
    'serialport',
    '@serialport/*',
    'node-hid',
    'pg',
    'pcsclite',
    'playwright-core',
  ],
});

/**
 * Code that runs in the Electron main process may not start the Electron binary as Node: the
 * shipped binary has the RunAsNode fuse off (electron-builder.yml), so such a child would not
 * start in a packaged kiosk while working in development. Background work uses worker_threads;
 * a separate process would be Electron's utilityProcess (docs/security.md, "Fuses").
 */
const RUN_AS_NODE = 'needs the RunAsNode fuse, which the shipped Electron binary has off: use worker_threads or utilityProcess (docs/security.md)';
const electronMainProcessRules = {
  'no-restricted-imports': [
    'error',
    {
      paths: [
        { name: 'node:child_process', importNames: ['fork'], message: `fork() starts process.execPath as Node: ${RUN_AS_NODE}` },
        { name: 'child_process', importNames: ['fork'], message: `fork() starts process.execPath as Node: ${RUN_AS_NODE}` },
        {
          name: 'electron',
          importNames: ['shell'],
          message: 'the kiosk opens nothing outside its own window: no shell.openExternal/openPath (docs/security.md, "shell.openExternal")',
        },
      ],
    },
  ],
  'no-restricted-syntax': [
    'error',
    {
      selector: "MemberExpression[object.name='process'][property.name='execPath']",
      message: `under Electron process.execPath is the Electron binary; running it as Node ${RUN_AS_NODE}`,
    },
    {
      selector: "CallExpression[callee.property.name='fork']:not([callee.object.name='utilityProcess'])",
      message: `fork() starts process.execPath as Node: ${RUN_AS_NODE}`,
    },
    { selector: "Literal[value='ELECTRON_RUN_AS_NODE'], Identifier[name='ELECTRON_RUN_AS_NODE']", message: `ELECTRON_RUN_AS_NODE ${RUN_AS_NODE}` },
  ],
};

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
    // What the Electron main process loads: its entry (cli/), the core and the layers below it.
    files: ['main/**/*.ts', 'cli/**/*.ts', 'platform/**/*.ts', 'drivers/**/*.ts'],
    rules: electronMainProcessRules,
  },
  {
    files: ['renderer/**/*.ts'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ['domain/**/*.ts'],
    rules: { 'no-restricted-globals': ['error', ...hostGlobals] },
  },
  {
    files: ['scripts/**/*.mjs', 'scripts/**/*.js', 'bin/**/*.js', 'eslint.config.js'],
    rules: { 'no-console': 'off' },
  },
);
