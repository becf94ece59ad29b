import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { documentSignerId } from '../../../../domain/entries/document-signer-id.js';
import type { UploadAnswer } from '../../../../domain/entries/entry-upload.js';
import { HubClient } from '../../../../main/hub-client/hub-client.js';
import { EntryLog, type EntryFields } from '../../../../main/store/entry-log.js';
import { openKioskDatabase, type SqliteDatabase } from '../../../../main/store/kiosk-database.js';
import { EntryOutbox } from '../../../../main/upload/entry-outbox.js';
import { EntryUploader, UploadError } from '../../../../main/upload/entry-uploader.js';
import { startTestHub, type TestHub, type TestKiosk } from '../../hub/server/hub-test-kit.js';
import { kioskEntry } from '../../../support/kiosk-entry.js';

const fields = (kioskId: string, i: number): EntryFields =>
  kioskEntry(`0790950${String(i % 100_000).padStart(5, '0')}`, {
    at: `2021-10-20T${String(8 + (Math.floor(i / 3600) % 12)).padStart(2, '0')}:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}.000+07:00`,
    kioskId,
    location: 'Cổng chính', // where hub-test-kit enrols its kiosks
    outcome: i % 7 === 0 ? 'red' : 'green',
    ruleSet: 'vn-2021@1.0.0',
  });

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Gate {
  readonly hub: TestHub;
  readonly kiosk: TestKiosk;
  readonly db: SqliteDatabase;
  readonly log: EntryLog;
  readonly client: HubClient;
  uploader(options?: { upload?: (body: Uint8Array, signal: AbortSignal) => Promise<UploadAnswer>; batchEntries?: number }): EntryUploader;
}

async function gate(entries: number): Promise<Gate> {
  const hub = await startTestHub();
  cleanups.push(() => hub.close());
  const kiosk = await hub.enrol();
  const db = openKioskDatabase(':memory:');
  cleanups.push(() => {
    db.close();
  });
  const log = new EntryLog(db);
  for (let i = 1; i <= entries; i += 1) log.append(fields(kiosk.identity.deviceId, i));
  const client = new HubClient({ url: hub.server.url, identity: kiosk.identity });
  return {
    hub,
    kiosk,
    db,
    log,
    client,
    uploader: (options = {}) =>
      new EntryUploader({
        outbox: new EntryOutbox(db),
        upload: options.upload ?? ((body, signal) => client.uploadEntries(body, signal)),
        deviceId: kiosk.identity.deviceId,
        hubKeys: [kiosk.hubPublicKey],
        batchEntries: options.batchEntries ?? 1_000,
      }),
  };
}

const run = (uploader: EntryUploader) => uploader.uploadPending(new AbortController().signal);

describe('uploading the entry log (POST /v1/entries)', () => {
  it('sends every entry once in signed batches; the signed receipt vouches for all of them', async () => {
    const { hub, kiosk, uploader } = await gate(4_500);
    const first = uploader();
    expect(await run(first)).toMatchObject({ watermark: 4_500, sent: 4_500, batches: 5, pending: 0 });
    expect(await hub.admin.entries.chain(kiosk.identity.deviceId)).toMatchObject({ contiguousSeq: 4_500, maxSeq: 4_500, flaggedEntries: 0 });
    // Nothing left to send; a new uploader (a restart) starts after the receipt.
    expect(await run(first)).toMatchObject({ sent: 0, batches: 0 });
    expect(await run(uploader())).toMatchObject({ sent: 0, watermark: 4_500 });
  });

  it('is idempotent: a batch sent again after a lost receipt stores nothing twice', async () => {
    const { hub, kiosk, log, client, uploader } = await gate(1_500);
    let lose = true;
    const lossy = async (body: Uint8Array, signal: AbortSignal): Promise<UploadAnswer> => {
      const answer = await client.uploadEntries(body, signal);
      if (lose) {
        lose = false;
        throw new Error('connection reset before the answer arrived');
      }
      return answer;
    };
    await expect(run(uploader({ upload: lossy }))).rejects.toThrow(/connection reset/);
    expect(await hub.admin.entries.chain(kiosk.identity.deviceId)).toMatchObject({ contiguousSeq: 1_000 });
    log.append(fields(kiosk.identity.deviceId, 1_501));
    expect(await run(uploader())).toMatchObject({ watermark: 1_501, sent: 1_501 });
    expect(await hub.admin.entries.chain(kiosk.identity.deviceId)).toMatchObject({ contiguousSeq: 1_501, maxSeq: 1_501, flaggedEntries: 0, conflicts: 0 });
  });

  for (const [tampering, sql, contiguous, message] of [
    ['an edited row', "UPDATE entry SET outcome = 'green' WHERE seq = 7", 6, /entry 7 does not match its hash/],
    ['a deleted row', 'DELETE FROM entry WHERE seq = 7', 6, /entry 7 has not arrived/],
    [
      'two rows swapped',
      'UPDATE entry SET seq = -7 WHERE seq = 7; UPDATE entry SET seq = 7 WHERE seq = 8; UPDATE entry SET seq = 8 WHERE seq = -7',
      6,
      /entry 7 does not match its hash/,
    ],
  ] as const) {
    it(`is refused at the hub for ${tampering}: flagged, and the receipt stops before it`, async () => {
      const { hub, kiosk, db, uploader } = await gate(20);
      db.exec(sql);
      const up = uploader();
      const failure = await run(up).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(UploadError);
      expect((failure as UploadError).code).toBe('upload.entries-flagged');
      expect((failure as Error).message).toMatch(message);
      expect(await hub.admin.entries.chain(kiosk.identity.deviceId)).toMatchObject({ contiguousSeq: contiguous, maxSeq: 20 });
      // The kiosk keeps everything the receipt does not cover.
      expect(up.receiptedSeq()).toBe(contiguous);
    });
  }

  it('a chip ID card’s entry reaches the hub with its document signer: chained, vouched for by the receipt, traced', async () => {
    const { hub, kiosk, log, uploader } = await gate(3);
    const documentSigner = documentSignerId({ issuer: 'C=VN, O=Bộ Công an, CN=Document Signer 07', serialNumber: '0A1B2C3D' });
    const chip = { sourceKind: 'chip', sourceDeviceId: 'ACS ACR39U', credentialKind: 'chip', authenticity: 'chip-verified', documentSigner } as const;
    log.append({ ...fields(kiosk.identity.deviceId, 4), ...chip, personId: '056089001234' });
    log.append(fields(kiosk.identity.deviceId, 5));
    expect(await run(uploader())).toMatchObject({ watermark: 5, sent: 5, pending: 0 });
    expect(await hub.admin.entries.chain(kiosk.identity.deviceId)).toMatchObject({ contiguousSeq: 5, flaggedEntries: 0 });
    const [place] = await hub.admin.entries.trace({ personId: '056089001234', fromMs: 0, toMs: Date.parse('2022-01-01T00:00:00Z'), windowMs: 60_000 });
    expect(place?.visit).toMatchObject({
      seq: 4,
      credentialKind: 'chip',
      authenticity: 'chip-verified',
      documentSigner: 'C=VN, O=Bộ Công an, CN=Document Signer 07#0a1b2c3d',
    });
  });

  it('an entry logged while the kiosk clock was wrong is stored and noted by the hub: the receipt covers it, the status says check the clock', async () => {
    const { hub, kiosk, log, uploader } = await gate(5);
    log.append({ ...fields(kiosk.identity.deviceId, 6), at: '1970-01-01T07:00:06.000+07:00' });
    log.append(fields(kiosk.identity.deviceId, 7));
    const up = uploader();
    const failure = await run(up).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(UploadError);
    expect((failure as UploadError).code).toBe('upload.entries-noted');
    expect((failure as Error).message).toMatch(/entry 6: its time "1970-01-01T07:00:06.000\+07:00" is before 2021/);
    expect(await hub.admin.entries.chain(kiosk.identity.deviceId)).toMatchObject({ contiguousSeq: 7, maxSeq: 7, flaggedEntries: 0 });
    expect(up.receiptedSeq()).toBe(7);
  });

  it('refuses a receipt whose signature was changed on the way, and keeps none of it', async () => {
    const { client, uploader } = await gate(10);
    const forged = async (body: Uint8Array, signal: AbortSignal): Promise<UploadAnswer> => {
      const answer = await client.uploadEntries(body, signal);
      return { ...answer, receipt: { ...answer.receipt, contiguousSeq: answer.receipt.contiguousSeq + 1 } };
    };
    const up = uploader({ upload: forged });
    await expect(run(up)).rejects.toMatchObject({ code: 'upload.receipt-signature' });
    expect(up.receiptedSeq()).toBe(0);
  });

  it('answers bad uploads with specific refusals', async () => {
    const { hub, kiosk } = await gate(0);
    const post = (body: Uint8Array, headers: Record<string, string>, signed = true) =>
      fetch(`${hub.server.url}/v1/entries`, {
        method: 'POST',
        body: new Uint8Array(body),
        headers: { ...headers, ...(signed ? kiosk.identity.signRequest('POST', '/v1/entries', body) : {}) },
      });
    const json = { 'content-type': 'application/json' };
    const gz = { ...json, 'content-encoding': 'gzip' };
    const refusal = async (response: Response) => ({ status: response.status, ...((await response.json()) as { error: string; message: string }) });
    const good = gzipSync(JSON.stringify({ entries: [] }));
    expect(await refusal(await post(good, gz, false))).toMatchObject({ status: 401, error: 'unsigned' });
    // Signed over other bytes than those sent.
    const other = await fetch(`${hub.server.url}/v1/entries`, {
      method: 'POST',
      body: good,
      headers: { ...gz, ...kiosk.identity.signRequest('POST', '/v1/entries', gzipSync('{}')) },
    });
    expect(await refusal(other)).toMatchObject({ status: 401, error: 'bad-signature' });
    expect(await refusal(await post(good, gz))).toMatchObject({ status: 400, error: 'bad-batch', message: 'the batch holds no entries' });
    expect(await refusal(await post(Buffer.from('not gzip'), gz))).toMatchObject({ status: 400, message: 'the batch is not valid gzip' });
    expect(await refusal(await post(Buffer.from('{"entries": ['), json))).toMatchObject({
      status: 400,
      message: expect.stringMatching(/^the batch is not JSON/) as unknown,
    });
    expect(await refusal(await post(Buffer.from('{}'), { 'content-type': 'text/plain' }))).toMatchObject({
      status: 400,
      message: expect.stringMatching(/must be JSON/) as unknown,
    });
    const wrongType = gzipSync(JSON.stringify({ entries: [{ seq: 1, format: 2, at: 5 }] }));
    expect(await refusal(await post(wrongType, gz))).toMatchObject({ status: 400, message: 'entry 1: at must be a string' });
    const bomb = gzipSync(Buffer.alloc(60 * 1024 * 1024, 0x20));
    expect(await refusal(await post(bomb, gz))).toMatchObject({ status: 400, message: expect.stringMatching(/inflates to more than/) as unknown });
  });
});
