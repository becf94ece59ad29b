import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NodePcscBinding } from '../../../../drivers/chip/node-pcsc-binding.js';
import { PcscError } from '../../../../drivers/chip/pcsc-binding.js';
import { RefusingPcscd } from '../../../support/refusing-pcscd.js';
import { runChotAsync } from '../../../support/run-chot.js';

/**
 * The real addon and libpcsclite against a pcscd that refuses this user as its polkit check
 * does (tests/support/refusing-pcscd.ts): the binding says access-denied, not "not running",
 * and so does `chot devices`, with the fix.
 */
describe('NodePcscBinding against a pcscd that refuses this user (polkit)', () => {
  let pcscd: RefusingPcscd;

  beforeAll(async () => {
    pcscd = await RefusingPcscd.start();
  });

  afterAll(async () => {
    await pcscd?.dispose();
  });

  it('open() rejects with kind access-denied, every time', async () => {
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const failure = await new NodePcscBinding().open().catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(PcscError);
      expect(failure).toMatchObject({ kind: 'access-denied', message: expect.stringContaining('org.debian.pcsc-lite.access_pcsc') });
    }
  });

  it('chot devices --json (the built command) reports access-denied with the polkit rule to install', async () => {
    const run = await runChotAsync(['devices', '--json']);
    expect(run.status).toBe(0);
    const doc = JSON.parse(run.stdout) as { pcsc: { service: string; readers: unknown[]; hint?: string } };
    expect(doc.pcsc).toMatchObject({ service: 'access-denied', readers: [] });
    expect(doc.pcsc.hint).toContain('/usr/share/polkit-1/rules.d/70-chot-pcscd.rules');
  });
});
