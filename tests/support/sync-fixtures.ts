import { createHash, generateKeyPairSync } from 'node:crypto';
import { closeSync, openSync, writeSync } from 'node:fs';
import type { PersonFacts } from '../../domain/facts/person-facts.js';
import { encodeFacts } from '../../domain/sync/facts-codec.js';
import type { ChunkSigner } from '../../domain/sync/sync-chunk.js';
import { encodeSyncChunks, type ChunkingOptions, type SyncStreamIdentity } from '../../domain/sync/sync-encoder.js';
import type { SyncedPerson } from '../../domain/sync/synced-person.js';
import { hubSigningKeyFrom } from '../../hub/keys/hub-signing-key.js';
import type { SqliteDatabase } from '../../main/store/kiosk-database.js';

/**
 * Test and benchmark data for the sync: a hub key, deterministic people (person i in
 * "version" v, so a delta can change some of them), chunk streams, and a digest of the
 * people a kiosk database holds — to tell "the old state" from "the new state" after a
 * kill, whatever was interrupted.
 */
export interface TestHubKey extends ChunkSigner {
  /** Base64 raw public key, as a kiosk pins it. */
  readonly publicKeyBase64: string;
}

export function testHubKey(): TestHubKey {
  const key = hubSigningKeyFrom(generateKeyPairSync('ed25519').privateKey);
  return { keyId: key.keyId, sign: (data) => key.sign(data), publicKeyBase64: Buffer.from(key.publicKeyRaw).toString('base64') };
}

const PRODUCTS = ['EU/1/20/1528', 'EU/1/21/1529', 'EU/1/20/1507', 'BBIBP-CorV'];
const day = (base: string, plus: number): string => new Date(Date.parse(`${base}T00:00:00Z`) + plus * 86_400_000).toISOString().slice(0, 10);

/** The i-th person's 12-digit ID: ascending in i, spread over provinces 001–0xx. */
export const personId = (i: number): number => 1_000_000_000 + i * 97;

/** Person i as of `version`: about two facts each, identifiers on most people. */
export function person(i: number, version = 0): SyncedPerson {
  const shift = (i % 50) + version * 7;
  let facts: PersonFacts;
  switch (i % 10) {
    case 7:
      facts = {
        doses: [{ dose: 1, date: day('2021-07-01', shift), product: PRODUCTS[i % 4] as string }],
        tests: [{ takenAt: new Date(Date.UTC(2021, 8, 1, 3) + shift * 3_600_000).toISOString(), kind: 'pcr', result: 'negative' }],
        quarantine: [],
      };
      break;
    case 8:
      facts = {
        doses: [],
        tests: [],
        recoveredOn: day('2021-08-01', shift),
        quarantine: [{ status: 'F0', from: day('2021-07-10', shift), to: day('2021-07-24', shift) }],
      };
      break;
    default:
      facts = {
        doses: [
          { dose: 1, date: day('2021-06-01', shift), product: PRODUCTS[i % 4] as string },
          { dose: 2, date: day('2021-07-01', shift), product: PRODUCTS[i % 4] as string, ...(i % 3 === 0 ? { totalDoses: 2 } : {}) },
        ],
        tests: [],
        quarantine: [],
      };
  }
  return {
    id12: String(personId(i)).padStart(12, '0'),
    ...(i % 2 === 0 ? { oldId: String(100_000_000 + ((i * 7_919) % 899_999_999)) } : {}),
    ...(i % 5 !== 0 ? { bhxh: String(1_000_000_000 + ((i * 104_729) % 8_999_999_999)) } : {}),
    facts,
  };
}

export function* people(count: number, version = 0): Generator<SyncedPerson> {
  for (let i = 0; i < count; i++) yield person(i, version);
}

/** The people a delta changes: every `stride`-th of the first `count`, in `version`. */
export function* changedPeople(count: number, stride: number, version: number): Generator<SyncedPerson> {
  for (let i = 0; i < count; i += stride) yield person(i, version);
}

export function chunksOf(source: Iterable<SyncedPerson>, identity: SyncStreamIdentity, key: ChunkSigner, options?: ChunkingOptions): Uint8Array[] {
  return [...encodeSyncChunks(source, identity, key, options)];
}

/** Writes the chunks of a stream to a file, concatenated as a hub would serve them; returns the chunk count. */
export function writeChunkFile(
  file: string,
  source: Iterable<SyncedPerson>,
  identity: SyncStreamIdentity,
  key: ChunkSigner,
  options?: ChunkingOptions,
): number {
  const fd = openSync(file, 'w');
  let count = 0;
  try {
    for (const chunk of encodeSyncChunks(source, identity, key, options)) {
      writeSync(fd, chunk);
      count += 1;
    }
  } finally {
    closeSync(fd);
  }
  return count;
}

export interface PeopleDigest {
  readonly count: number;
  readonly sha256: string;
}

const line = (id12: number, oldId: string | null, bhxh: string | null): string => `${id12},${oldId ?? ''},${bhxh ?? ''},`;

/** A digest of every person in the database, in ID order. */
export function databaseDigest(db: SqliteDatabase): PeopleDigest {
  const hash = createHash('sha256');
  let count = 0;
  for (const row of db.prepare('SELECT id12, old_id, bhxh, facts FROM person ORDER BY id12').iterate() as Iterable<{
    id12: number;
    old_id: string | null;
    bhxh: string | null;
    facts: Buffer;
  }>) {
    hash
      .update(line(row.id12, row.old_id, row.bhxh))
      .update(row.facts)
      .update('\n');
    count += 1;
  }
  return { count, sha256: hash.digest('hex') };
}

/** The same digest computed from people (any order; duplicates: the last one wins). */
export function peopleDigest(source: Iterable<SyncedPerson>): PeopleDigest {
  const byId = new Map<number, SyncedPerson>();
  for (const p of source) byId.set(Number(p.id12), p);
  const hash = createHash('sha256');
  for (const id of [...byId.keys()].sort((a, b) => a - b)) {
    const p = byId.get(id) as SyncedPerson;
    hash
      .update(line(id, p.oldId ?? null, p.bhxh ?? null))
      .update(encodeFacts(p.facts))
      .update('\n');
  }
  return { count: byId.size, sha256: hash.digest('hex') };
}
