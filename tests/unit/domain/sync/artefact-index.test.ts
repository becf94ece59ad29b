import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  ARTEFACT_INDEX_FORMAT,
  checkArtefactIndex,
  checkArtefactLocation,
  isArtefactBase,
  MAX_CHUNK_BYTES,
  signArtefactIndex,
  signArtefactLocation,
  type ArtefactIndex,
} from '../../../../domain/sync/artefact-index.js';
import { MAX_ID12 } from '../../../../domain/sync/sync-chunk.js';
import { hubSigningKeyFrom } from '../../../../hub/keys/hub-signing-key.js';
import { hubKeyStoreFromKeys } from '../../../../main/trust/hub-key-store.js';

const key = hubSigningKeyFrom(generateKeyPairSync('ed25519').privateKey);
const keys = hubKeyStoreFromKeys([Buffer.from(key.publicKeyRaw).toString('base64')]);
const ref = { sha256: 'a'.repeat(64), bytes: 200 };
const first = { ...ref, start: 0, end: 499_999_999_999, contentSeq: 1 };
const last = { sha256: 'c'.repeat(64), bytes: 300, start: 500_000_000_000, end: MAX_ID12, contentSeq: 3 };
const index: ArtefactIndex = {
  format: ARTEFACT_INDEX_FORMAT,
  hubKeyId: key.keyId,
  publishedAt: 1,
  snapshot: { seq: 3, people: 5, chunks: [first, last] },
  deltas: [{ from: 2, to: 3, chunks: [ref] }],
};

describe('the artefact index and location', () => {
  it('checks a signed index, whatever order its JSON fields come in', () => {
    const signed = signArtefactIndex(index, key.sign);
    const fields = Object.entries(index).reverse();
    const reordered = JSON.parse(JSON.stringify({ signature: signed.signature, index: Object.fromEntries(fields) })) as unknown;
    expect(JSON.stringify(reordered)).not.toBe(JSON.stringify(signed));
    expect(checkArtefactIndex(reordered, keys)).toEqual({ ok: true, index });
  });

  it('refuses an index with a chunk swapped, a delta reordered, or a malformed hash', () => {
    const signed = signArtefactIndex(index, key.sign);
    const swapped = { ...signed, index: { ...index, snapshot: { seq: 3, people: 5, chunks: [{ ...first, sha256: 'b'.repeat(64) }, last] } } };
    expect(checkArtefactIndex(swapped, keys)).toEqual({ ok: false, why: 'bad-signature' });
    const backwards = { ...signed, index: { ...index, deltas: [{ from: 4, to: 3, chunks: [ref] }] } };
    expect(checkArtefactIndex(backwards, keys)).toEqual({ ok: false, why: 'malformed' });
    const badHash = { ...signed, index: { ...index, deltas: [{ from: 2, to: 3, chunks: [{ sha256: '../x', bytes: 200 }] }] } };
    expect(checkArtefactIndex(badHash, keys)).toEqual({ ok: false, why: 'malformed' });
    const huge = { ...signed, index: { ...index, deltas: [{ from: 2, to: 3, chunks: [{ sha256: 'a'.repeat(64), bytes: MAX_CHUNK_BYTES + 1 }] }] } };
    expect(checkArtefactIndex(huge, keys)).toEqual({ ok: false, why: 'malformed' });
  });

  it("refuses a snapshot whose chunks' ranges do not partition the ID space in order, or were written after it", () => {
    const withChunks = (chunks: readonly object[]): unknown =>
      signArtefactIndex({ ...index, snapshot: { seq: 3, people: 5, chunks } } as ArtefactIndex, key.sign);
    expect(checkArtefactIndex(withChunks([first, last]), keys)).toMatchObject({ ok: true });
    for (const chunks of [
      [last, first],
      [first],
      [first, { ...last, start: last.start + 1 }],
      [first, { ...last, end: MAX_ID12 + 1 }],
      [first, { ...last, contentSeq: 4 }],
      [{ ...first, contentSeq: undefined }, last],
      [ref],
    ]) {
      expect(checkArtefactIndex(withChunks(chunks), keys)).toEqual({ ok: false, why: 'malformed' });
    }
  });

  it('refuses an index in the first format, whose snapshot chunks carried no placement', () => {
    const old = signArtefactIndex({ ...index, format: 'chot-artefacts-1' } as unknown as ArtefactIndex, key.sign);
    expect(checkArtefactIndex(old, keys)).toEqual({ ok: false, why: 'malformed' });
  });

  it('accepts the base URL only when the hub key signed it', () => {
    const location = signArtefactLocation({ base: 'https://cdn.example/chot/', hubKeyId: key.keyId }, key.sign);
    expect(checkArtefactLocation(location, keys)).toBe('https://cdn.example/chot/');
    expect(checkArtefactLocation({ ...location, location: { ...location.location, base: 'https://evil.example/' } }, keys)).toBeUndefined();
    const other = hubSigningKeyFrom(generateKeyPairSync('ed25519').privateKey);
    expect(checkArtefactLocation(signArtefactLocation({ base: 'https://cdn.example/chot/', hubKeyId: other.keyId }, other.sign), keys)).toBeUndefined();
  });

  it('takes as a base only an http(s) URL ending in / with no query', () => {
    expect(isArtefactBase('https://cdn.example/chot/')).toBe(true);
    expect(isArtefactBase('http://10.0.0.5:8081/')).toBe(true);
    expect(isArtefactBase('https://cdn.example/chot')).toBe(false);
    expect(isArtefactBase('https://cdn.example/chot/?x=1/')).toBe(false);
    expect(isArtefactBase('file:///srv/chot/')).toBe(false);
    expect(isArtefactBase('https://user@cdn.example/')).toBe(false);
  });
});
