import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ACCESS_LIST } from '../../../domain/rules/builtin/access-list.js';
import { KHANH_HOA_2021_10 } from '../../../domain/rules/builtin/khanh-hoa-2021-10.js';
import type { SignedRuleSet } from '../../../domain/rules/signed-rule-set.js';
import { PUBLISHED_RULES_DIR } from '../../../hub/rules/rule-publisher.js';
import { temporaryDirectory } from '../../support/chip-samples.js';
import { chotInProcess } from '../../support/chot-in-process.js';

const work = temporaryDirectory();
afterAll(() => work.remove());

const published = (hubDir: string, idAtVersion: string): SignedRuleSet =>
  JSON.parse(readFileSync(join(hubDir, PUBLISHED_RULES_DIR, `${idAtVersion}.json`), 'utf8')) as SignedRuleSet;

describe('chot hub rules export-builtin', () => {
  it('writes a built-in set as a file that passes `rules check` and publishes as it is', async () => {
    const file = join(work.dir, 'access-list.json');
    const exported = await chotInProcess('hub', 'rules', 'export-builtin', ACCESS_LIST.id, '--out', file);
    expect(exported).toMatchObject({ code: 0, stdout: `wrote ${ACCESS_LIST.id}@${ACCESS_LIST.version} to ${file}\n` });
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(ACCESS_LIST);

    const checked = await chotInProcess('rules', 'check', file);
    expect(checked.code).toBe(0);
    expect(checked.stdout).toContain(`ok — ${ACCESS_LIST.id}@${ACCESS_LIST.version}`);

    const hubDir = join(work.dir, 'hub-export');
    const publish = await chotInProcess('hub', 'rules', 'publish', file, '--data', hubDir);
    expect(publish.code, publish.stderr).toBe(0);
    expect(published(hubDir, `${ACCESS_LIST.id}@${ACCESS_LIST.version}`).ruleSet).toEqual(ACCESS_LIST);
  });

  it('prints the set on stdout without --out', async () => {
    const run = await chotInProcess('hub', 'rules', 'export-builtin', KHANH_HOA_2021_10.id);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual(KHANH_HOA_2021_10);
  });

  it('never overwrites an existing file, and names the known sets for an unknown one', async () => {
    const file = join(work.dir, 'mine.json');
    writeFileSync(file, '{"edited": true}\n');
    const refused = await chotInProcess('hub', 'rules', 'export-builtin', ACCESS_LIST.id, '--out', file);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/cannot write .*mine\.json: .*EEXIST|file already exists/);
    expect(readFileSync(file, 'utf8')).toBe('{"edited": true}\n');

    for (const name of ['no-such-set', 'toString']) {
      const unknown = await chotInProcess('hub', 'rules', 'export-builtin', name);
      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toContain(`no built-in rule set "${name}" (known: ${KHANH_HOA_2021_10.id}, ${ACCESS_LIST.id})`);
    }
  });
});

describe('a rule set written without validFrom', () => {
  const { validFrom: _dropped, ...draft } = { ...KHANH_HOA_2021_10, version: '9.0.0' };
  const file = join(work.dir, 'draft.json');
  writeFileSync(file, JSON.stringify(draft));

  it('passes `rules check`, which says publish --valid-from must set it', async () => {
    const run = await chotInProcess('rules', 'check', file);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`ok — ${KHANH_HOA_2021_10.id}@9.0.0, ${KHANH_HOA_2021_10.rules.length} rule(s), no validFrom yet`);
    expect(run.stdout).toContain('--valid-from');
  });

  it('still fails `rules check` for its other problems', async () => {
    const broken = join(work.dir, 'draft-broken.json');
    writeFileSync(broken, JSON.stringify({ ...draft, version: 'nine' }));
    const run = await chotInProcess('rules', 'check', broken);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('/version: version: MAJOR.MINOR.PATCH');
    expect(run.stdout).not.toContain('validFrom');
  });

  it('is refused by publish without --valid-from, with what to do; published with it', async () => {
    const hubDir = join(work.dir, 'hub-draft');
    const refused = await chotInProcess('hub', 'rules', 'publish', file, '--data', hubDir);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`refused: ${file} has no validFrom; say when kiosks start applying it with --valid-from ISO8601`);
    expect((await chotInProcess('hub', 'rules', 'list', '--data', hubDir)).stdout).not.toContain('@9.0.0');

    const publish = await chotInProcess('hub', 'rules', 'publish', file, '--valid-from', '2021-11-01T00:00:00+07:00', '--data', hubDir);
    expect(publish.code, publish.stderr).toBe(0);
    expect(published(hubDir, `${KHANH_HOA_2021_10.id}@9.0.0`).ruleSet.validFrom).toBe('2021-10-31T17:00:00.000Z');
  });
});
