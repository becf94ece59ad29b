#!/usr/bin/env node
// Runs the whole suite: the unit and the end-to-end projects side by side, one test file of
// each at a time.
//
// Vitest runs a project that allows one file at a time (the end-to-end tests: one browser and
// one kiosk at a time) only after every other project has finished, so in one Vitest process
// the suite takes the sum of both. Most test files wait on child processes (kiosks, hubs,
// pcscd, PostgreSQL, Chromium), so two processes overlap well on a 2-core machine; each keeps
// one file at a time, two files in all — as many as the unit project ran before.
//
//   node scripts/run-tests.mjs            the whole suite
//   node scripts/run-tests.mjs ARGS…      one `vitest run ARGS…` (a file, a project, a filter)
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const vitest = join(root, 'node_modules', 'vitest', 'vitest.mjs');

/** Starts `vitest run ARGS`, its output passed on whole lines at a time; resolves with its exit code. */
function run(args, children) {
  const child = spawn(process.execPath, [vitest, 'run', ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  // Whole lines: two processes writing at once must not cut into each other's lines.
  createInterface({ input: child.stdout }).on('line', (line) => process.stdout.write(`${line}\n`));
  createInterface({ input: child.stderr }).on('line', (line) => process.stderr.write(`${line}\n`));
  return new Promise((resolve) => {
    child.once('error', (error) => {
      process.stderr.write(`run-tests: cannot start vitest: ${error.message}\n`);
      resolve(1);
    });
    child.once('exit', (code, signal) => {
      children.delete(child);
      resolve(code ?? (signal === null ? 1 : 128));
    });
  });
}

const children = new Set();
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    for (const child of children) child.kill(signal);
  });
}

const extra = process.argv.slice(2);
const codes =
  extra.length > 0
    ? [await run(extra, children)]
    : await Promise.all([run(['--project', 'unit', '--maxWorkers', '1'], children), run(['--project', 'e2e'], children)]);
const failed = codes.find((code) => code !== 0);
if (codes.length > 1) {
  process.stdout.write(failed === undefined ? 'run-tests: unit and e2e passed\n' : `run-tests: unit exited ${codes[0]}, e2e exited ${codes[1]}\n`);
}
process.exit(failed ?? 0);
