import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HUB_ERROR_CODES, HUB_ERROR_STATUS, type HubErrorCode } from '../../../../domain/protocol/hub-errors.js';
import { enrollKiosk, ENROLL_REFUSAL_MESSAGES, EnrollmentError } from '../../../../main/enrollment/enroll-kiosk.js';
import { loadDeviceIdentity } from '../../../../main/hub-client/device-identity.js';
import { HubClient } from '../../../../main/hub-client/hub-client.js';
import { isHubOffline, KIOSK_HANDLING } from '../../../../main/hub-client/hub-error.js';
import { loadHubConfig } from '../../../../main/hub-client/hub-config.js';
import { SyncLoop } from '../../../../main/sync/sync-loop.js';
import type { FakeHub } from '../../../support/fake-hub.js';
import { repoRoot, tempDataDir } from '../../../support/kiosk-process.js';
import { testHubKey } from '../../../support/sync-fixtures.js';
import { closeAll, fakeHub } from '../sync/sync-harness.js';

/**
 * The kiosk's side of the error contract (domain/protocol/hub-errors.ts): every code the hub
 * can send reaches the kiosk's code as itself, at its status, and is either decided on by
 * the kiosk or deliberately passed through (KIOSK_HANDLING, checked against the sources); a
 * code outside the contract fails safe, saying what the hub sent.
 */
const key = testHubKey();

afterEach(closeAll);

async function enrolledClient(): Promise<{ hub: FakeHub; client: HubClient }> {
  const hub = await fakeHub(key);
  const dataDir = tempDataDir('chot-hub-errors-');
  await enrollKiosk({ dataDir, hubUrl: hub.url, code: await hub.createCode() });
  return { hub, client: new HubClient({ url: hub.url, identity: loadDeviceIdentity(dataDir) }) };
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** The kiosk's code (main/ and cli/), where it could decide on a hub's answer. */
const kioskSources = (): string[] => ['main', 'cli'].flatMap((dir) => sourceFiles(join(repoRoot(), dir)));

describe('every error code of the protocol, on the kiosk’s side', () => {
  it('arrives through the client as itself, at the status the protocol gives it, with the hub’s message', async () => {
    const { hub, client } = await enrolledClient();
    for (const code of HUB_ERROR_CODES) hub.fail('status', { kind: 'error', error: code, message: `because ${code}` });
    for (const code of HUB_ERROR_CODES) {
      await expect(client.status(), code).rejects.toMatchObject({ name: 'HubError', code, status: HUB_ERROR_STATUS[code], message: `because ${code}` });
    }
  });

  it('is either decided on by the kiosk or deliberately passed through', () => {
    expect(Object.keys(KIOSK_HANDLING).sort()).toEqual([...HUB_ERROR_CODES].sort());
  });

  it('the codes marked handled are exactly those the kiosk’s code decides on (isHubError, or an enrolment message of its own)', () => {
    const decided = new Set<string>(Object.keys(ENROLL_REFUSAL_MESSAGES));
    for (const file of kioskSources()) {
      for (const match of readFileSync(file, 'utf8').matchAll(/isHubError\([^,()]+,\s*'([a-z-]+)'\)/g)) decided.add(match[1] as string);
    }
    const hubCodes = [...decided].filter((code) => (HUB_ERROR_CODES as readonly string[]).includes(code)).sort();
    const handled = HUB_ERROR_CODES.filter((code) => KIOSK_HANDLING[code] === 'handled').sort();
    expect(hubCodes).toEqual(handled);
  });

  it('no kiosk code compares a hub’s error code (or message) as a free string', () => {
    const quoted = HUB_ERROR_CODES.map((code) => code.replace(/-/g, '\\-')).join('|');
    const comparison = new RegExp(`(?:code|error|message)\\s*[!=]==\\s*'(?:${quoted})'|'(?:${quoted})'\\s*[!=]==\\s*\\w+\\.(?:code|error)`);
    const offenders = kioskSources().filter((file) => comparison.test(readFileSync(file, 'utf8')));
    expect(offenders).toEqual([]);
  });
});

describe('a code outside the protocol (a newer hub’s)', () => {
  const unknown = { kind: 'unknown-error', status: 429, error: 'quota-exceeded', message: 'this kiosk has used its quota' } as const;

  it('fails the request as unrecognised-refusal, naming what the hub sent, and is never taken for a code the kiosk knows', async () => {
    const { hub, client } = await enrolledClient();
    hub.fail('delta', unknown);
    const refused = client.delta(0);
    await expect(refused).rejects.toMatchObject({ name: 'HubError', code: 'unrecognised-refusal', status: 429 });
    const error = (await refused.catch((caught: unknown) => caught)) as Error;
    expect(error.message).toMatch(/does not know \("quota-exceeded", HTTP 429\): this kiosk has used its quota/);
    expect(isHubOffline(error)).toBe(false);
  });

  it('puts the sync loop in error (not offline), with the message on its status, and the loop goes on', async () => {
    const { hub, client } = await enrolledClient();
    hub.fail('delta', unknown);
    let failed!: () => void;
    const failure = new Promise<void>((resolve) => (failed = resolve));
    const loop = new SyncLoop({
      runSync: async () => ({ watermark: (await client.delta(0)).seq ?? 0 }),
      backoff: { minMs: 60_000, maxMs: 60_000 },
      onStatus: (status) => {
        if (status.failures > 0) failed();
      },
    });
    loop.start();
    await failure;
    expect(loop.status()).toMatchObject({ state: 'error', lastError: { code: 'unrecognised-refusal', message: expect.stringContaining('quota-exceeded') } });
    await loop.stop();
  });

  it('stops an enrolment, saying so, and keeps nothing', async () => {
    const hub = await fakeHub(key);
    hub.fail('enroll', { ...unknown, status: 403, error: 'code-for-another-region' });
    const dataDir = tempDataDir('chot-hub-errors-');
    const enrolling = enrollKiosk({ dataDir, hubUrl: hub.url, code: await hub.createCode() });
    await expect(enrolling).rejects.toBeInstanceOf(EnrollmentError);
    await expect(enrolling).rejects.toMatchObject({ code: 'unrecognised-refusal', message: expect.stringContaining('"code-for-another-region"') });
    expect(loadHubConfig(dataDir)).toBeUndefined();
    expect(loadDeviceIdentity(dataDir)).toBeUndefined();
  });
});

/** Every code the kiosk's enrolment explains itself is one the hub sends on that route. */
it('the enrolment messages are for codes of the protocol', () => {
  const codes: readonly HubErrorCode[] = HUB_ERROR_CODES;
  for (const code of Object.keys(ENROLL_REFUSAL_MESSAGES)) expect(codes).toContain(code);
});
