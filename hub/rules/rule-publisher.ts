import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_RULE_SET } from '../../domain/rules/builtin/index.js';
import { checkRuleSet, type RuleSetProblem } from '../../domain/rules/rule-set-check.js';
import type { RuleSet } from '../../domain/rules/rule-set.js';
import { RULE_SET_FORMAT, ruleSetSignedBytes, type SignedRuleSet } from '../../domain/rules/signed-rule-set.js';
import type { HubSigningKey } from '../keys/hub-signing-key.js';

export const PUBLISHED_RULES_DIR = join('rules', 'published');

export class RuleSetRefused extends Error {
  constructor(readonly problems: readonly RuleSetProblem[]) {
    super(`the rule set has ${problems.length} problem(s): ${problems.map((p) => `${p.path || '/'}: ${p.message}`).join('; ')}`);
  }
}

export function signRuleSet(key: HubSigningKey, ruleSet: RuleSet): SignedRuleSet {
  return { format: RULE_SET_FORMAT, ruleSet, signature: { keyId: key.keyId, value: Buffer.from(key.sign(ruleSetSignedBytes(ruleSet))).toString('base64') } };
}

/**
 * Publishes a rule set: checks it, signs it with the hub key, and stores it where
 * kiosks fetch rule sets from (`<hub data>/rules/published/<id>@<version>.json`).
 * Republishing the same id and version replaces it (e.g. to move its validFrom).
 */
export function publishRuleSet(hubDataDir: string, key: HubSigningKey, document: unknown): { file: string; signed: SignedRuleSet } {
  const checked = checkRuleSet(document);
  if (!checked.ok) throw new RuleSetRefused(checked.problems);
  const signed = signRuleSet(key, checked.ruleSet);
  const dir = join(hubDataDir, PUBLISHED_RULES_DIR);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${checked.ruleSet.id}@${checked.ruleSet.version}.json`);
  // Write then rename: a kiosk or sync reading the folder never sees half a file. The
  // temporary name is this process's: hub processes sharing the data dir may publish the
  // default set at the same moment, and must not rename each other's file away.
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(signed, null, 2)}\n`);
  renameSync(temp, file);
  return { file, signed };
}

/** A new hub publishes the default rule set (khanh-hoa-2021-10 with the stale-data policy). */
export function ensureDefaultRuleSetPublished(hubDataDir: string, key: HubSigningKey): void {
  const dir = join(hubDataDir, PUBLISHED_RULES_DIR);
  if (existsSync(dir) && readdirSync(dir).some((f) => f.endsWith('.json'))) return;
  publishRuleSet(hubDataDir, key, DEFAULT_RULE_SET);
}

export function listPublishedRuleSets(hubDataDir: string): SignedRuleSet[] {
  const dir = join(hubDataDir, PUBLISHED_RULES_DIR);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as SignedRuleSet);
}
