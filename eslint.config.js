// ESLint flat config. The layer table of ARCHITECTURE.md is enforced here as errors:
// each layer may import only the layers below it, the renderer takes nothing but types
// from the domain, and the pure domain touches no I/O.
import js from '@eslint/js';
import importX from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const LAYERS = ['domain', 'drivers', 'main', 'hub', 'renderer', 'cli'];
/** What each layer may import besides itself (ARCHITECTURE.md, "Layers"). */
const MAY_IMPORT = {
  domain: [],
  drivers: ['domain'],
  main: ['domain', 'drivers'],
  hub: ['domain'],
  renderer: ['domain'], // types only: see the renderer block below
  cli: ['domain', 'drivers', 'main', 'hub'],
};
/** Packages that do I/O: never in the pure domain or the renderer. */
const IO_PACKAGES = ['better-sqlite3', 'ws', 'electron', 'serialport', '@serialport/*', 'node-hid', 'pg', 'pcsclite', 'playwright-core'];

const layerZones = LAYERS.map((layer) => ({
  target: `./${layer}`,
  from: LAYERS.filter((other) => other !== layer && !MAY_IMPORT[layer].includes(other)).map((other) => `./${other}`),
  message: `the ${layer} layer may import only ${MAY_IMPORT[layer].join(', ') || 'itself'} (see ARCHITECTURE.md)`,
}));

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'release/**', 'tests/fixtures/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2022, sourceType: 'module', globals: { ...globals.node } },
    plugins: { 'import-x': importX },
    settings: {
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: ['tsconfig.json', 'renderer/tsconfig.json', 'tests/tsconfig.json'], noWarnOnMultipleProjects: true })],
    },
    rules: {
      'import-x/no-restricted-paths': ['error', { zones: layerZones }],
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'import-x/no-self-import': 'error',
      'import-x/no-useless-path-segments': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
    },
  },
  {
    files: ['domain/**/*.ts'],
    rules: {
      'import-x/no-nodejs-modules': 'error',
      '@typescript-eslint/no-restricted-imports': ['error', { patterns: [{ group: IO_PACKAGES, message: 'the pure domain does no I/O' }] }],
    },
  },
  {
    files: ['renderer/**/*.ts'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'import-x/no-nodejs-modules': 'error',
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/domain/**'], allowTypeImports: true, message: 'the renderer may import only types from the domain (`import type`)' },
            { group: IO_PACKAGES, message: 'the renderer is UI only: no I/O packages' },
          ],
        },
      ],
    },
  },
  {
    files: ['scripts/**/*.mjs', 'bin/**/*.js', 'eslint.config.js'],
    rules: { 'no-console': 'off' },
  },
);
