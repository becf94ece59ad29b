import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from './kiosk-process.js';

const checked = new Map<string, string | null>();

/**
 * Fails the calling suite at its start, once per process, when a system package it needs is
 * missing — with the message `npm test` itself gives (the package, what needs it, the command
 * that installs it), from the one list in scripts/system-packages.json. `npm test` checks the
 * whole list before any test runs; this catches a suite run on its own (`npx vitest run FILE`).
 */
export function requireSystemPackage(name: string): void {
  const problem = systemPackageMissing(name);
  if (problem !== undefined) throw new Error(problem);
}

/** The same check without failing: the message when `name` is missing, for a suite that skips saying why. */
export function systemPackageMissing(name: string): string | undefined {
  if (!checked.has(name)) {
    const result = spawnSync(process.execPath, [join(repoRoot(), 'scripts', 'system-deps.mjs'), '--only', name], { encoding: 'utf8' });
    checked.set(name, result.status === 0 ? null : result.stderr.trim() || `system package ${name} is missing`);
  }
  return checked.get(name) ?? undefined;
}
