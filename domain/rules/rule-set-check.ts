import { REASON_CODE } from '../entries/entry-fields.js';
import { validate } from './certlogic/index.js';
import { COLOURS, RULE_DECISIONS, type RuleSet } from './rule-set.js';

/** A problem in a rule set document, at a JSON Pointer (RFC 6901) into it. */
export interface RuleSetProblem {
  readonly path: string;
  readonly message: string;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isText = (value: unknown): value is string => typeof value === 'string' && value.trim() !== '';
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/;
const SEMVER = /^\d{1,6}\.\d{1,6}\.\d{1,6}$/;
const ID = /^[a-z0-9][a-z0-9.-]{0,63}$/;

/**
 * Checks a rule set document: its shape (schema) and every CertLogic condition. Returns
 * every problem with its path, e.g. `/rules/2/when/and/1/plusTime/2`, or the rule set.
 */
export function checkRuleSet(document: unknown): { ok: true; ruleSet: RuleSet } | { ok: false; problems: RuleSetProblem[] } {
  const problems: RuleSetProblem[] = [];
  const problem = (path: string, message: string): void => void problems.push({ path, message });
  if (!isObject(document)) return { ok: false, problems: [{ path: '', message: 'a rule set is a JSON object' }] };
  const d = document;
  if (typeof d.id !== 'string' || !ID.test(d.id)) problem('/id', 'id: lower-case letters, digits, "." and "-", at most 64');
  if (typeof d.version !== 'string' || !SEMVER.test(d.version)) problem('/version', 'version: MAJOR.MINOR.PATCH');
  if (typeof d.validFrom !== 'string' || !ISO_INSTANT.test(d.validFrom) || Number.isNaN(Date.parse(d.validFrom)))
    problem('/validFrom', 'validFrom: an ISO 8601 instant with a zone');
  if (d.validTo !== undefined) {
    if (typeof d.validTo !== 'string' || !ISO_INSTANT.test(d.validTo) || Number.isNaN(Date.parse(d.validTo)))
      problem('/validTo', 'validTo: an ISO 8601 instant with a zone');
    else if (typeof d.validFrom === 'string' && Date.parse(d.validTo) <= Date.parse(d.validFrom)) problem('/validTo', 'validTo must be after validFrom');
  }
  checkBilingual(d.description, '/description', problem);
  if (d.requiresFacts !== undefined && typeof d.requiresFacts !== 'boolean') problem('/requiresFacts', 'requiresFacts: true or false');
  if (d.parameters !== undefined && !isObject(d.parameters)) problem('/parameters', 'parameters: an object of named values');
  if (!Array.isArray(d.rules)) problem('/rules', 'rules: an array (may be empty)');
  else d.rules.forEach((rule, i) => checkRule(rule, `/rules/${i}`, false, problem));
  if (!isObject(d.default)) problem('/default', 'default: { colour, reason }');
  else {
    if (!RULE_DECISIONS.includes(d.default.colour as never)) problem('/default/colour', `colour: one of ${RULE_DECISIONS.join(', ')}`);
    checkReason(d.default.reason, '/default/reason', problem);
  }
  if (d.policies !== undefined) {
    if (!Array.isArray(d.policies)) problem('/policies', 'policies: an array');
    else d.policies.forEach((policy, i) => checkRule(policy, `/policies/${i}`, true, problem));
  }
  const known = new Set(['id', 'version', 'validFrom', 'validTo', 'description', 'requiresFacts', 'parameters', 'rules', 'default', 'policies']);
  for (const key of Object.keys(d)) if (!known.has(key)) problem(`/${escape(key)}`, `unknown field "${key}"`);
  return problems.length === 0 ? { ok: true, ruleSet: document as unknown as RuleSet } : { ok: false, problems };
}

function checkRule(rule: unknown, path: string, isPolicy: boolean, problem: (path: string, message: string) => void): void {
  if (!isObject(rule)) return problem(path, isPolicy ? 'a policy is { id, from, to, when, reason }' : 'a rule is { id, colour, when, reason }');
  if (!isText(rule.id)) problem(`${path}/id`, 'id: a non-empty string');
  if (isPolicy) {
    if (!Array.isArray(rule.from) || rule.from.length === 0 || !rule.from.every((c) => COLOURS.includes(c as never)))
      problem(`${path}/from`, `from: colours among ${COLOURS.join(', ')}`);
    if (!COLOURS.includes(rule.to as never)) problem(`${path}/to`, `to: one of ${COLOURS.join(', ')}`);
  } else if (!RULE_DECISIONS.includes(rule.colour as never)) problem(`${path}/colour`, `colour: one of ${RULE_DECISIONS.join(', ')}`);
  if (!('when' in rule)) problem(`${path}/when`, 'when: a CertLogic condition');
  else for (const issue of validate(rule.when)) problem(`${path}/when${issue.path}`, issue.message);
  checkReason(rule.reason, `${path}/reason`, problem);
}

function checkReason(reason: unknown, path: string, problem: (path: string, message: string) => void): void {
  if (!isObject(reason) || !isText(reason.code)) return problem(path, 'reason: { code, vi, en }');
  // Every verdict's codes are logged with its entry, and the hub refuses an upload whose codes have another shape.
  if (!REASON_CODE.test(reason.code))
    problem(`${path}/code`, 'code: 1–80 letters, digits and . _ : @ / + - (starting with a letter or digit), as the entry log keeps it');
  checkBilingual(reason, path, problem);
}

function checkBilingual(text: unknown, path: string, problem: (path: string, message: string) => void): void {
  if (!isObject(text)) return problem(path, 'text in both languages: { vi, en }');
  if (!isText(text.vi)) problem(`${path}/vi`, 'vi: the Vietnamese text');
  if (!isText(text.en)) problem(`${path}/en`, 'en: the English text');
}

const escape = (key: string): string => key.replace(/~/g, '~0').replace(/\//g, '~1');
