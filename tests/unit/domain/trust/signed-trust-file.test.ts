import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../../../domain/rules/signed-rule-set.js';
import { trustFileSignedBytes, verifySignedTrustFile, type SignedTrustFile } from '../../../../domain/trust/signed-trust-file.js';
import { hubSigningKeyFrom, type HubSigningKey } from '../../../../hub/keys/hub-signing-key.js';
import { signTrustFile } from '../../../../hub/trust/trust-publisher.js';
import { hubKeyStoreFromKeys } from '../../../../main/trust/hub-key-store.js';
import { makeCsca } from '../../../support/test-certificates.js';

const hubKey = hubSigningKeyFrom(generateKeyPairSync('ed25519').privateKey);
const otherKey = hubSigningKeyFrom(generateKeyPairSync('ed25519').privateKey);
const pinned = hubKeyStoreFromKeys([Buffer.from(hubKey.publicKeyRaw).toString('base64')]);
const [a, b] = [makeCsca('CSCA A'), makeCsca('CSCA B')].map((c) => Buffer.from(c.der).toString('base64')) as [string, string];

function signed(key: HubSigningKey = hubKey, certificates: readonly string[] = [a, b]): SignedTrustFile<'csca'> {
  return signTrustFile(key, { format: 'chot-trust/1', kind: 'csca', version: 1_765_000_000, issuedAt: '2025-12-06T05:46:40.000Z', certificates });
}

/** Re-signs a document whose fields were changed, as a hub with this key would have. */
function resigned(document: Record<string, unknown>, key: HubSigningKey = hubKey): Record<string, unknown> {
  return { ...document, signature: { keyId: key.keyId, value: Buffer.from(key.sign(trustFileSignedBytes(document))).toString('base64') } };
}

describe('signed trust files', () => {
  it('signs the canonical bytes of everything but the signature, under its own context', () => {
    const document = signed();
    const { signature: _signature, ...fields } = document;
    expect(new TextDecoder().decode(trustFileSignedBytes(document))).toBe(`CHOT-TRUST-1\n${canonicalJson(fields)}`);
    const verified = verifySignedTrustFile(document, pinned);
    expect(verified).toEqual({ ok: true, file: document });
    // Re-serialised with other key order and blanks on the way: still the same signed bytes.
    const reordered = JSON.parse(JSON.stringify(Object.fromEntries(Object.entries(document).reverse()), null, 3)) as unknown;
    expect(verifySignedTrustFile(reordered, pinned).ok).toBe(true);
  });

  it('refuses a tampered certificate list: one dropped, one added, two swapped', () => {
    const document = signed();
    const c = Buffer.from(makeCsca('CSCA C').der).toString('base64');
    for (const certificates of [[a], [a, b, c], [b, a]]) {
      expect(verifySignedTrustFile({ ...document, certificates }, pinned)).toMatchObject({ ok: false, error: { code: 'trust.signature-invalid' } });
    }
  });

  it('refuses another key: one not pinned by its key id, a pinned key id with a signature by another', () => {
    expect(verifySignedTrustFile(signed(otherKey), pinned)).toMatchObject({ ok: false, error: { code: 'trust.unknown-key' } });
    const forged = { ...signed(otherKey), signature: { keyId: hubKey.keyId, value: signed(otherKey).signature.value } };
    expect(verifySignedTrustFile(forged, pinned)).toMatchObject({ ok: false, error: { code: 'trust.signature-invalid' } });
    expect(verifySignedTrustFile(signed(), undefined)).toMatchObject({ ok: false, error: { code: 'trust.unknown-key' } });
  });

  it('binds the kind: a csca signature does not hold for the same document called another kind', () => {
    const document = signed();
    expect(verifySignedTrustFile({ ...document, kind: 'dcc-trust-list' }, pinned)).toMatchObject({ ok: false, error: { code: 'trust.signature-invalid' } });
    expect(verifySignedTrustFile({ ...document, version: document.version + 1 }, pinned)).toMatchObject({
      ok: false,
      error: { code: 'trust.signature-invalid' },
    });
  });

  it('refuses a kind this version does not know, even signed, and content that is not what the kind says', () => {
    const { signature: _s, ...fields } = signed();
    expect(verifySignedTrustFile(resigned({ ...fields, kind: 'vaccine-registry' }), pinned)).toMatchObject({
      ok: false,
      error: { code: 'trust.unknown-kind', detail: 'kind "vaccine-registry"' },
    });
    expect(verifySignedTrustFile(resigned({ ...fields, certificates: [a, Buffer.from('not a certificate').toString('base64')] }), pinned)).toMatchObject({
      ok: false,
      error: { code: 'trust.bad-content', detail: expect.stringMatching(/^certificate 1 does not parse/) },
    });
    expect(verifySignedTrustFile(resigned({ ...fields, certificates: 'x' }), pinned)).toMatchObject({ ok: false, error: { code: 'trust.bad-content' } });
  });

  it('refuses what is not a trust file before looking for a signature', () => {
    const { signature: _s, ...fields } = signed();
    expect(verifySignedTrustFile(fields, pinned)).toMatchObject({ ok: false, error: { code: 'trust.not-signed' } });
    expect(verifySignedTrustFile(resigned({ ...fields, format: 'chot-rule-set/1' }), pinned)).toMatchObject({ ok: false, error: { code: 'trust.malformed' } });
    expect(verifySignedTrustFile(resigned({ ...fields, version: 0 }), pinned)).toMatchObject({ ok: false, error: { code: 'trust.malformed' } });
    expect(verifySignedTrustFile(resigned({ ...fields, version: 1.5 }), pinned)).toMatchObject({ ok: false, error: { code: 'trust.malformed' } });
    expect(verifySignedTrustFile(resigned({ ...fields, issuedAt: 'yesterday' }), pinned)).toMatchObject({ ok: false, error: { code: 'trust.malformed' } });
    expect(verifySignedTrustFile([signed()], pinned)).toMatchObject({ ok: false, error: { code: 'trust.malformed' } });
  });
});
