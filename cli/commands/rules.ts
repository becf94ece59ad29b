import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { PersonFacts } from '../../domain/facts/person-facts.js';
import { CompiledRuleSet } from '../../domain/rules/compiled-rule-set.js';
import { FACTS_SOURCES, type FactsSource } from '../../domain/rules/rule-input.js';
import { checkRuleSet } from '../../domain/rules/rule-set-check.js';
import { checkRuleSetDraft } from '../../domain/rules/rule-set-draft.js';
import { defaultDataDir } from '../../main/config/paths.js';
import { RuleSetRepository } from '../../main/rules/rule-set-repository.js';
import { loadVerificationPorts } from '../../main/trust/kiosk-trust.js';
import { parseCommandArgs, UsageError } from '../args.js';
import { parseInstant } from './verify.js';
import { terminalText } from '../../domain/text/terminal-text.js';
import { messageOf } from '../../platform/message-of.js';

export const RULES_HELP = `Usage: chot rules <command> [options]

Commands:
  check FILE               check a rule set (plain or as published, signed): its shape and
                           every CertLogic condition; prints each problem with its JSON path.
                           A set without validFrom passes, noted: \`chot hub rules publish
                           --valid-from\` must then set it
  test FILE CASES.json     run a table of cases through a rule set and print what differs.
                           CASES.json: [{ "name", "at" (ISO 8601), "facts": {doses, tests,
                           recoveredOn, quarantine, recoveryCertificate?: {positiveOn,
                           validFrom, validUntil}, notCounted?: [{kind, why}]},
                           "person"?: {id12}, "dataAgeHours"?, "factsSource"?:
                           "local" (default) | "credential" | "none" (a person the
                           kiosk has no facts about: leave "facts" out),
                           "parameters"?, "expect": "green"|"yellow"|"red"|"none",
                           "reasons"?: [codes] }]
  install FILE [--data-dir DIR]
                           install a published rule set into the kiosk, after checking its
                           signature against the hub keys the kiosk trusts
`;

const readJson = (file: string): unknown => {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UsageError(`${file}: ${messageOf(error)}`);
  }
};

/** A published file wraps the rule set with its signature; `check` and `test` read either. */
const ruleSetOf = (document: unknown): unknown =>
  typeof document === 'object' && document !== null && 'ruleSet' in document && 'signature' in document ? (document as { ruleSet: unknown }).ruleSet : document;

export async function runRules(args: readonly string[]): Promise<number> {
  const [command, ...rest] = args;
  switch (command) {
    case 'check':
      return runCheck(rest);
    case 'test':
      return runTest(rest);
    case 'install':
      return runInstall(rest);
    default:
      throw new UsageError(command === undefined ? 'name a rules command' : `unknown rules command "${command}"`);
  }
}

function runCheck(args: readonly string[]): number {
  const [file, ...extra] = args;
  if (file === undefined || extra.length > 0) throw new UsageError('check takes one FILE');
  const checked = checkRuleSetDraft(ruleSetOf(readJson(file)));
  if (!checked.ok) {
    process.stdout.write(
      `${file}: ${checked.problems.length} problem(s)\n${checked.problems.map((p) => `  ${terminalText(p.path || '/')}: ${terminalText(p.message)}`).join('\n')}\n`,
    );
    return 1;
  }
  const { ruleSet } = checked;
  const from = checked.validFromMissing
    ? 'no validFrom yet: publish it with `chot hub rules publish FILE --valid-from ISO8601`'
    : `valid from ${ruleSet.validFrom}`;
  process.stdout.write(`${file}: ok — ${ruleSet.id}@${ruleSet.version}, ${ruleSet.rules.length} rule(s), ${from}\n`);
  return 0;
}

interface RuleCase {
  readonly name?: string;
  readonly at: string;
  readonly facts?: Partial<PersonFacts>;
  readonly person?: { id12?: string };
  readonly dataAgeHours?: number;
  readonly factsSource?: string;
  readonly parameters?: Record<string, unknown>;
  readonly expect: string;
  readonly reasons?: readonly string[];
}

const isFactsSource = (value: string): value is FactsSource => (FACTS_SOURCES as readonly string[]).includes(value);

function runTest(args: readonly string[]): number {
  const [file, casesFile, ...extra] = args;
  if (file === undefined || casesFile === undefined || extra.length > 0) throw new UsageError('test takes FILE and CASES.json');
  const checked = checkRuleSet(ruleSetOf(readJson(file)));
  if (!checked.ok) {
    process.stdout.write(`${file}: not a valid rule set (run \`chot rules check ${file}\`)\n`);
    return 1;
  }
  const compiled = CompiledRuleSet.compile(checked.ruleSet);
  if (!compiled.ok) throw new Error('a checked rule set failed to compile');
  const cases = readJson(casesFile);
  if (!Array.isArray(cases)) throw new UsageError(`${casesFile}: a JSON array of cases`);
  let failures = 0;
  (cases as RuleCase[]).forEach((c, index) => {
    const name = terminalText(c.name ?? `case ${index + 1}`);
    const given = c.facts ?? {};
    const facts: PersonFacts = {
      doses: given.doses ?? [],
      tests: given.tests ?? [],
      quarantine: given.quarantine ?? [],
      ...(given.recoveredOn === undefined ? {} : { recoveredOn: given.recoveredOn }),
      // What a certificate the person presents adds (a DCC), so rules about it can be tested too.
      ...(given.recoveryCertificate === undefined ? {} : { recoveryCertificate: given.recoveryCertificate }),
      ...(given.notCounted === undefined ? {} : { notCounted: given.notCounted }),
    };
    const factsSource = c.factsSource ?? 'local';
    if (!isFactsSource(factsSource)) throw new UsageError(`${name}: "factsSource" is one of ${FACTS_SOURCES.join(', ')}`);
    const outcome = compiled.compiled.evaluate(
      facts,
      {
        nowMs: parseInstant(c.at, `${name}: "at"`),
        ...(c.person === undefined ? {} : { person: c.person }),
        ...(c.dataAgeHours === undefined ? {} : { dataAgeMs: c.dataAgeHours * 3_600_000 }),
        factsSource,
      },
      c.parameters ?? {},
    );
    const codes = outcome.reasons.map((r) => r.code);
    const colourOk = outcome.outcome === c.expect;
    const reasonsOk = c.reasons === undefined || JSON.stringify(codes) === JSON.stringify(c.reasons);
    if (colourOk && reasonsOk) {
      process.stdout.write(`✓ ${name}: ${outcome.outcome} [${codes.join(', ')}]\n`);
      return;
    }
    failures++;
    process.stdout.write(
      `✗ ${name}\n  - expected: ${c.expect}${c.reasons === undefined ? '' : ` [${c.reasons.join(', ')}]`}\n  + actual:   ${outcome.outcome} [${codes.join(', ')}]\n`,
    );
  });
  process.stdout.write(`${cases.length - failures} passed, ${failures} failed\n`);
  return failures === 0 ? 0 : 1;
}

function runInstall(args: readonly string[]): number {
  const [file, ...rest] = args;
  if (file === undefined) throw new UsageError('install takes a FILE');
  const { values } = parseCommandArgs(rest, { 'data-dir': { type: 'string' } });
  const dataDir = resolve(values['data-dir'] ?? defaultDataDir());
  const repository = new RuleSetRepository(dataDir, loadVerificationPorts({ dataDir }).hubKeys);
  const result = repository.install(readJson(file));
  if (!result.ok) {
    const details = result.error.problems?.map((p) => `\n  ${p.path || '/'}: ${p.message}`).join('') ?? '';
    process.stderr.write(
      `chot rules install: refused ${file}: ${result.error.message.vi} — ${result.error.message.en} (${result.error.code})${details}\nThe rule sets already installed are unchanged.\n`,
    );
    return 1;
  }
  process.stdout.write(`installed ${result.file}\n`);
  return 0;
}
