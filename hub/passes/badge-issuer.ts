import type { PersonFacts } from '../../domain/facts/person-facts.js';
import type { HubSigningKey } from '../keys/hub-signing-key.js';
import type { ImportProblem } from '../storage/import-rows.js';
import type { BadgeList } from './badge-list.js';
import { issuePass } from './pass-issuer.js';

export interface BadgeIssueOptions {
  readonly key: HubSigningKey;
  /** The person's facts as the hub holds them, or undefined for an ID the hub has never heard of. */
  findFacts(id12: string): Promise<PersonFacts | undefined>;
  /** Epoch milliseconds. */
  readonly now: number;
  readonly validForHours: number;
}

export interface IssuedBadges {
  /** The passes' QR texts, in the list's order. */
  readonly passes: readonly string[];
  /** Lines not printed, with why, in file order: the list's own problems and the IDs the hub does not know. */
  readonly problems: readonly ImportProblem[];
}

/**
 * One signed pass per good row, as `chot hub issue-pass` would issue it: the hub's facts on the
 * pass, the name and birth year from the list as its holder. A row whose ID the hub has no
 * person for is not printed: a badge the kiosk cannot decide (or decides from someone else's
 * facts, after a typing slip that hit a real ID) is worse than none, so it is reported instead.
 */
export async function issueBadges(list: BadgeList, options: BadgeIssueOptions): Promise<IssuedBadges> {
  const passes: string[] = [];
  const problems = [...list.problems];
  for (const row of list.rows) {
    const facts = await options.findFacts(row.id12);
    if (facts === undefined) {
      problems.push({ line: row.line, message: `id "${row.id12}" is not in the hub's data: import the person first (chot hub import), or check the ID` });
      continue;
    }
    const holder = { name: row.name, ...(row.birthYear === undefined ? {} : { birthYear: row.birthYear }) };
    passes.push(issuePass(options.key, { id12: row.id12, facts, holder, now: options.now, validForHours: options.validForHours }));
  }
  return { passes, problems: problems.sort((a, b) => a.line - b.line) };
}
