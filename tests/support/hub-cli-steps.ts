import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { runChot } from './run-chot.js';

export { waitFor } from './wait-for.js';

/**
 * The steps the end-to-end tests take as a province's IT staff would, with the real `chot`
 * CLI: run a command that must succeed, import a CSV into a hub, wait for a condition.
 */

/** Runs `chot ARGS`, expects exit 0 (stderr as the failure message) and returns its stdout. */
export function chotOk(args: readonly string[]): string {
  const run = runChot(args);
  expect(run.status, run.stderr).toBe(0);
  return run.stdout;
}

/** Writes `lines` as a CSV file in the hub's directory and imports it as `kind`. */
export function importHubCsv(hubDir: string, kind: string, lines: readonly string[]): void {
  // A new name each time: a hub may import the same kind twice in one test.
  const file = join(hubDir, `${kind}-${process.hrtime.bigint()}.csv`);
  writeFileSync(file, `${lines.join('\n')}\n`);
  chotOk(['hub', 'import', '--kind', kind, file, '--data', hubDir]);
}

/** The enrolment code `chot hub enroll-code` prints for a kiosk at `location`. */
export function enrolmentCode(hubDir: string, location: string): string {
  const code = /^enrolment code\s+(\S+)$/m.exec(chotOk(['hub', 'enroll-code', '--location', location, '--data', hubDir]))?.[1];
  expect(code).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
  return code as string;
}

/**
 * Two people in the hub, dated from today (for a kiosk deciding at the real clock):
 * `vaccinated` with two doses 90 and 60 days ago (green), `unknownFacts` with none.
 */
export function importTwoPeopleToday(hubDir: string, vaccinated: string, unknownFacts: string): void {
  importHubCsv(hubDir, 'person', ['id,old_id,bhxh_number', `${vaccinated},,`, `${unknownFacts},,`]);
  const daysAgo = (days: number): string => new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);
  importHubCsv(hubDir, 'vaccination', ['id,dose,date,product', `${vaccinated},1,${daysAgo(90)},Pfizer`, `${vaccinated},2,${daysAgo(60)},Pfizer`]);
}
