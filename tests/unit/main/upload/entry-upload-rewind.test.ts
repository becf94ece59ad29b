import { generateKeyPairSync, sign } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { canonicalReceipt, type UploadAnswer, type UploadedEntry, type UploadReceipt } from '../../../../domain/entries/entry-upload.js';
import { EntryLog, type EntryFields } from '../../../../main/store/entry-log.js';
import { openKioskDatabase } from '../../../../main/store/kiosk-database.js';
import { hubKeyIdOf } from '../../../../main/trust/hub-keys-file.js';
import { EntryOutbox } from '../../../../main/upload/entry-outbox.js';
import { EntryUploader } from '../../../../main/upload/entry-uploader.js';
import { kioskEntry } from '../../../support/kiosk-entry.js';

const KIOSK = 'k-0123456789abcdef';
const fields = (i: number): EntryFields =>
  kioskEntry(`0790950${String(i).padStart(5, '0')}`, { at: '2021-10-20T08:00:00.000+07:00', kioskId: KIOSK, ruleSet: 'vn-2021@1.0.0' });

/**
 * A hub in memory with a real signing key: it keeps a kiosk's entries while they follow on
 * from what it holds and signs a receipt of its contiguous sequence, as the real one does.
 * In memory because a hub restored from a backup (it forgets entries it once vouched for)
 * is a one-line `forget` here and a database swap under a running server otherwise.
 */
function memoryHub(): { hubKey: string; held: UploadedEntry[]; sent: string[]; upload: (body: Uint8Array) => Promise<UploadAnswer> } {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const hubKey = Buffer.from(publicKey.export({ format: 'jwk' }).x ?? '', 'base64url').toString('base64');
  const held: UploadedEntry[] = [];
  const sent: string[] = [];
  const upload = async (body: Uint8Array): Promise<UploadAnswer> => {
    const { entries } = JSON.parse(gunzipSync(body).toString('utf8')) as { entries: UploadedEntry[] };
    sent.push(`${entries[0]?.seq}–${entries.at(-1)?.seq}`);
    const gapAt = held.length + 1;
    for (const entry of entries) if (entry.seq === held.length + 1) held.push(entry);
    const receipt: UploadReceipt = {
      kioskId: KIOSK,
      contiguousSeq: held.length,
      headHash: held.at(-1)?.hash ?? '0'.repeat(64),
      issuedAt: Date.now(),
      hubKeyId: hubKeyIdOf(hubKey),
    };
    const problems = (entries[0]?.seq ?? 0) > gapAt ? [{ seq: gapAt, kind: 'gap' as const, message: `entry ${gapAt} has not arrived` }] : [];
    return { receipt, signature: sign(null, canonicalReceipt(receipt), privateKey).toString('base64url'), accepted: entries.length, duplicates: 0, problems };
  };
  return { hubKey, held, sent, upload };
}

describe('a hub that vouches for less than before (restored from a backup)', () => {
  it('gets the entries it lost sent again in the same run, not only after a kiosk restart', async () => {
    const hub = memoryHub();
    const db = openKioskDatabase(':memory:');
    const log = new EntryLog(db);
    for (let i = 1; i <= 3_000; i += 1) log.append(fields(i));
    const uploader = new EntryUploader({
      outbox: new EntryOutbox(db),
      upload: (body) => hub.upload(body),
      deviceId: KIOSK,
      hubKeys: [hub.hubKey],
      batchEntries: 1_000,
    });
    const run = (): Promise<unknown> => uploader.uploadPending(new AbortController().signal).catch((error: unknown) => error);
    expect(await run()).toMatchObject({ watermark: 3_000 });

    hub.held.length = 1_000; // the backup held entries 1–1000
    log.append(fields(3_001));
    hub.sent.length = 0;
    // The first answer (receipt 1000, a gap before 3001) sends the run back to 1000; that gap
    // is the hub's loss, filled in this run, so the run ends well, not "flagged".
    expect(await run()).toMatchObject({ watermark: 3_001, pending: 0 });
    expect(hub.sent).toEqual(['3001–3001', '1001–2000', '2001–3000', '3001–3001']);
    expect(hub.held.map((entry) => entry.seq)).toEqual(Array.from({ length: 3_001 }, (_, i) => i + 1));
    expect(uploader.receiptedSeq()).toBe(3_001);
    expect(await run()).toMatchObject({ watermark: 3_001, sent: 0, pending: 0 });
    db.close();
  });
});
