import Database from 'better-sqlite3';
import { join } from 'node:path';
import pg from 'pg';
import { expect } from 'vitest';
import type { HubStorage } from '../../../hub/storage/hub-storage.js';
import type { HubStorageLocation } from '../../../hub/storage/open-hub-storage.js';
import { HUB_SQLITE_FILE } from '../../../hub/storage/sqlite-hub-storage.js';
import { chained, entryRecord } from '../../support/entry-fixtures.js';

/**
 * What the hub's entry-store tests share: raw rows read past the store, the kiosks and chip read
 * they log, and a planted outbreak for contact tracing (also used by the admin API's tests).
 */
const INT8_OID = 20;

export async function rawRows(location: HubStorageLocation, sql: string): Promise<Record<string, unknown>[]> {
  if ('dataDir' in location) {
    const db = new Database(join(location.dataDir, HUB_SQLITE_FILE), { readonly: true });
    try {
      return db.prepare(sql).all() as Record<string, unknown>[];
    } finally {
      db.close();
    }
  }
  // bigint as a number, as SQLite gives it: the same expectations read both engines.
  const types = {
    getTypeParser: (oid: number, format?: 'text' | 'binary') => (oid === INT8_OID ? Number : pg.types.getTypeParser(oid, format ?? 'text')),
  } as pg.CustomTypesConfig;
  const client = new pg.Client({ connectionString: location.pgUrl, types });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

/** A chip ID card read whose data passed passive authentication, and the certificate that signed it. */
export const SIGNER = 'C=VN, O=Bộ Công an, CN=Document Signer 07#0a1b2c3d';
export const CHIP_READ = { sourceKind: 'chip', sourceDeviceId: 'ACS ACR39U', credentialKind: 'chip', authenticity: 'chip-verified', documentSigner: SIGNER };

export const K1 = 'k-1111111111111111';
export const K2 = 'k-2222222222222222';
export const K3 = 'k-3333333333333333';

/** The planted outbreak: F0 passes Chợ Đầm at 09:00 and the bus station at 14:00. */
export const F0 = '056089001234';
export const T = (hhmm: string) => `2021-10-20T${hhmm}:00+07:00`;
export const ms = (iso: string) => Date.parse(iso);
export const PLANTED = {
  from: ms(T('00:00')),
  to: ms(T('23:59')),
  windowMs: 30 * 60_000,
  // [kiosk, at, location, person]; kiosks K1, K2 stand at Chợ Đầm (in and out), K3 at the bus station.
  entries: [
    [K1, '08:00', 'Chợ Đầm', '001090000001'], // 60 min before: outside
    [K1, '08:30', 'Chợ Đầm', '001090000002'], // exactly 30 min before: inside
    [K1, '08:45', 'Chợ Đầm', '001090000003'], // inside
    [K1, '09:00', 'Chợ Đầm', F0], // visit 1
    [K1, '09:01', 'Chợ Đầm', null], // unreadable credential: nobody to trace
    [K2, '09:10', 'Chợ Đầm', '001090000004'], // another kiosk of the same place: inside
    [K2, '09:20', 'Chợ Đầm', F0], // visit 2 (leaving): himself, never a contact
    [K2, '09:31', 'Chợ Đầm', '001090000005'], // 31 min after visit 1, 11 after visit 2: inside for visit 2 only
    [K2, '09:51', 'Chợ Đầm', '001090000006'], // 31 min after visit 2: outside
    [K3, '09:00', 'Bến xe phía Bắc', '001090000007'], // same time, other place: never
    [K3, '14:00', 'Bến xe phía Bắc', F0], // visit 3
    [K3, '14:29', 'Bến xe phía Bắc', '001090000008'], // inside
    [K3, '14:31', 'Bến xe phía Bắc', '001090000003'], // 001090000003 again, 31 min after: outside
  ] as const,
  expected: [
    { at: T('09:00'), contacts: ['08:30 001090000002', '08:45 001090000003', '09:10 001090000004'] },
    { at: T('09:20'), contacts: ['09:10 001090000004', '09:31 001090000005'] },
    { at: T('14:00'), contacts: ['14:29 001090000008'] },
  ],
};

/** Uploads the planted outbreak, each kiosk's entries as one chain. */
export async function plantOutbreak(storage: HubStorage): Promise<void> {
  for (const kiosk of [K1, K2, K3]) {
    const records = PLANTED.entries
      .filter(([k]) => k === kiosk)
      .map(([, at, location, personId], i) => entryRecord(kiosk, i + 1, { at: T(at), location, personId }));
    const result = await storage.entries.ingest(kiosk, chained(records));
    expect(result).toMatchObject({ accepted: records.length, contiguousSeq: records.length, problems: [] });
  }
}
