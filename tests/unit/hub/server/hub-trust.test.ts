import { afterEach, describe, expect, it } from 'vitest';
import { verifySignedTrustFile } from '../../../../domain/trust/signed-trust-file.js';
import { loadOrCreateHubSigningKey } from '../../../../hub/keys/hub-signing-key.js';
import { publishTrustFile } from '../../../../hub/trust/trust-publisher.js';
import { HubClient } from '../../../../main/hub-client/hub-client.js';
import { hubKeyStoreFromKeys } from '../../../../main/trust/hub-key-store.js';
import { makeCsca } from '../../../support/test-certificates.js';
import { startTestHub, type TestHub } from './hub-test-kit.js';

const hubs: TestHub[] = [];
afterEach(async () => {
  await Promise.all(hubs.splice(0).map((h) => h.close()));
});

const csca = (cn: string): string => Buffer.from(makeCsca(cn).der).toString('base64');

describe('GET /v1/trust (SQLite hub)', () => {
  it('serves the published trust files to an enrolled kiosk with an ETag over their content, 304 while unchanged', async () => {
    const h = await startTestHub();
    hubs.push(h);
    const kiosk = await h.enrol();
    const client = new HubClient({ url: h.server.url, identity: kiosk.identity });

    const empty = await client.trust();
    expect(empty).toMatchObject({ status: 200, trustFiles: [], etag: expect.stringMatching(/^"trust-[0-9a-f]{32}"$/) });
    expect(await client.trust({ ifNoneMatch: empty.etag as string })).toMatchObject({ status: 304, trustFiles: [] });

    // `chot hub trust import` publishes from another process: the running server serves it at once.
    publishTrustFile(h.dataDir, loadOrCreateHubSigningKey(h.dataDir), 'csca', { certificates: [csca('CSCA ePassport Vietnam')] });
    const first = await client.trust({ ifNoneMatch: empty.etag as string });
    expect(first.status).toBe(200);
    expect(first.etag).not.toBe(empty.etag);
    expect(first.trustFiles).toHaveLength(1);
    expect(verifySignedTrustFile(first.trustFiles[0], hubKeyStoreFromKeys([kiosk.hubPublicKey]))).toMatchObject({ ok: true, file: { kind: 'csca' } });
    expect(await client.trust({ ifNoneMatch: first.etag as string })).toMatchObject({ status: 304 });

    publishTrustFile(h.dataDir, loadOrCreateHubSigningKey(h.dataDir), 'csca', { certificates: [csca('CSCA Renewed')] });
    const second = await client.trust({ ifNoneMatch: first.etag as string });
    expect(second.status).toBe(200);
    expect((second.trustFiles[0] as { version: number }).version).toBeGreaterThan((first.trustFiles[0] as { version: number }).version);
  });

  it('is device-authenticated like /v1/rules: unsigned is 401', async () => {
    const h = await startTestHub();
    hubs.push(h);
    const answer = await fetch(`${h.server.url}/v1/trust`);
    expect(answer.status).toBe(401);
  });
});
