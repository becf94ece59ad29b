import { generateKeyPairSync } from 'node:crypto';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KHANH_HOA_2021_10 } from '../../../../domain/rules/builtin/khanh-hoa-2021-10.js';
import type { RuleSet } from '../../../../domain/rules/rule-set.js';
import { canonicalJson, verifySignedRuleSet } from '../../../../domain/rules/signed-rule-set.js';
import { hubSigningKeyFrom } from '../../../../hub/keys/hub-signing-key.js';
import { ensureDefaultRuleSetPublished, listPublishedRuleSets, publishRuleSet, RuleSetRefused, signRuleSet } from '../../../../hub/rules/rule-publisher.js';
import { RuleSetRepository, RULES_DIR } from '../../../../main/rules/rule-set-repository.js';
import { hubKeyStoreFromKeys } from '../../../../main/trust/hub-key-store.js';
import { tempDataDir } from '../../../support/kiosk-process.js';

const hubKey = hubSigningKeyFrom(generateKeyPairSync('ed25519').privateKey);
const strangerKey = hubSigningKeyFrom(generateKeyPairSync('ed25519').privateKey);
const trusted = hubKeyStoreFromKeys([Buffer.from(hubKey.publicKeyRaw).toString('base64')]);
const DECEMBER: RuleSet = { ...KHANH_HOA_2021_10, id: 'khanh-hoa-2021-12', validFrom: '2021-12-01T00:00:00+07:00', parameters: { staleAfterHours: 12 } };

describe('signed rule sets', () => {
  it('a rule set signed by the hub verifies, whatever the JSON formatting on the way', () => {
    const signed = JSON.parse(JSON.stringify(signRuleSet(hubKey, KHANH_HOA_2021_10), null, 4)) as unknown;
    expect(verifySignedRuleSet(signed, trusted)).toMatchObject({ ok: true, ruleSet: { id: 'khanh-hoa-2021-10' } });
  });

  it.each([
    ['unsigned', () => KHANH_HOA_2021_10, 'rules.not-signed'],
    ['signed by an unknown key', () => signRuleSet(strangerKey, KHANH_HOA_2021_10), 'rules.unknown-key'],
    [
      'changed after signing',
      () => {
        const signed = signRuleSet(hubKey, KHANH_HOA_2021_10);
        return { ...signed, ruleSet: { ...signed.ruleSet, default: { ...signed.ruleSet.default, colour: 'green' } } };
      },
      'rules.signature-invalid',
    ],
    [
      'signed but malformed',
      () => signRuleSet(hubKey, { ...KHANH_HOA_2021_10, rules: [{ id: 'x', colour: 'green', when: { nope: [] }, reason: { code: 'x', vi: 'x', en: 'x' } }] }),
      'rules.malformed',
    ],
  ])('a rule set %s is refused with its own error', (_label, make, code) => {
    const result = verifySignedRuleSet(make(), trusted);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe(code);
      expect(result.error.message.vi.length).toBeGreaterThan(0);
    }
  });

  it('canonical JSON sorts keys at every depth', () => {
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: 3 }], e: undefined })).toBe('{"a":[{"c":3,"d":2}],"b":1}');
  });
});

describe('the hub publishes rule sets', () => {
  it('a new hub publishes khanh-hoa-2021-10 from 2021-10-01 with the stale-data policy, once', () => {
    const hubDir = tempDataDir('chot-hub-');
    ensureDefaultRuleSetPublished(hubDir, hubKey);
    ensureDefaultRuleSetPublished(hubDir, hubKey);
    const published = listPublishedRuleSets(hubDir);
    expect(published).toHaveLength(1);
    expect(published[0]?.ruleSet).toMatchObject({ id: 'khanh-hoa-2021-10', validFrom: '2021-10-01T00:00:00+07:00' });
    expect(published[0]?.ruleSet.validTo).toBeUndefined();
    expect(published[0]?.ruleSet.policies?.map((p) => p.id)).toEqual(['stale-data']);
    expect(verifySignedRuleSet(published[0], trusted).ok).toBe(true);
  });

  it('refuses to publish a malformed rule set, naming each problem', () => {
    expect(() => publishRuleSet(tempDataDir('chot-hub-'), hubKey, { ...KHANH_HOA_2021_10, version: 'one' })).toThrow(RuleSetRefused);
  });
});

describe('the kiosk’s rule sets', () => {
  it('a new rule set takes effect at its validFrom without a restart', () => {
    const dataDir = tempDataDir();
    const repository = new RuleSetRepository(dataDir, trusted);
    expect(repository.install(signRuleSet(hubKey, KHANH_HOA_2021_10)).ok).toBe(true);
    expect(repository.install(signRuleSet(hubKey, DECEMBER)).ok).toBe(true);
    const inForce = (at: string) => repository.inForce(Date.parse(at)).ruleSet.id;
    expect(inForce('2021-11-30T23:59:59+07:00')).toBe('khanh-hoa-2021-10');
    expect(inForce('2021-12-01T00:00:00+07:00')).toBe('khanh-hoa-2021-12');
  });

  it('refuses a tampered or foreign rule set on install, and keeps the one it had', () => {
    const repository = new RuleSetRepository(tempDataDir(), trusted);
    repository.install(signRuleSet(hubKey, KHANH_HOA_2021_10));
    const forged = signRuleSet(strangerKey, { ...KHANH_HOA_2021_10, version: '9.0.0' });
    expect(repository.install(forged)).toMatchObject({ ok: false, error: { code: 'rules.unknown-key' } });
    expect(repository.inForce(Date.parse('2022-01-01T00:00:00Z')).ruleSet.version).toBe(KHANH_HOA_2021_10.version);
  });

  it('when a file is replaced by a forged one (e.g. by a bad sync), it is refused and the version loaded before stays', () => {
    const dataDir = tempDataDir();
    const repository = new RuleSetRepository(dataDir, trusted);
    repository.install(signRuleSet(hubKey, DECEMBER));
    const [file] = readdirSync(join(dataDir, RULES_DIR));
    const genuine = signRuleSet(hubKey, DECEMBER);
    writeFileSync(
      join(dataDir, RULES_DIR, file ?? ''),
      JSON.stringify({ ...genuine, ruleSet: { ...genuine.ruleSet, parameters: { staleAfterHours: 100000 } } }),
    );
    const status = repository.reload();
    expect(status.refused).toMatchObject([{ file, error: { code: 'rules.signature-invalid' } }]);
    expect(repository.inForce(Date.parse('2022-01-01T00:00:00Z')).ruleSet.parameters).toEqual({ staleAfterHours: 12 });
    // A kiosk starting afresh on the forged file has nothing from it: the built-in default applies.
    expect(new RuleSetRepository(dataDir, trusted).inForce(Date.parse('2022-01-01T00:00:00Z')).ruleSet.id).toBe('khanh-hoa-2021-10');
  });

  it('picks up a rule set written into its folder while running', async () => {
    const dataDir = tempDataDir();
    const repository = new RuleSetRepository(dataDir, trusted);
    const stop = repository.watch();
    try {
      writeFileSync(join(dataDir, RULES_DIR, 'december.json'), JSON.stringify(signRuleSet(hubKey, DECEMBER)));
      const deadline = Date.now() + 5000;
      while (repository.status().loaded.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(repository.inForce(Date.parse('2021-12-02T00:00:00Z')).ruleSet.id).toBe('khanh-hoa-2021-12');
    } finally {
      stop();
    }
  });
});
