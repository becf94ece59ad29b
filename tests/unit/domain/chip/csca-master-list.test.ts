import { afterAll, describe, expect, it } from 'vitest';
import { cscaRefusal } from '../../../../domain/chip/csca-check.js';
import { DerError } from '../../../../domain/chip/der.js';
import { checkMasterListSignature, parseCscaMasterList } from '../../../../domain/chip/csca-master-list.js';
import { parseCertificate } from '../../../../domain/chip/x509.js';
import { nodeChipCrypto } from '../../../../drivers/chip/node-chip-crypto.js';
import { nodeChipSignatureVerifier } from '../../../../drivers/chip/node-signature-verifier.js';
import { temporaryDirectory } from '../../../support/chip-samples.js';
import { makeCertificate, makeCsca, makeExpiredCsca, makeMasterList } from '../../../support/test-certificates.js';

const ports = { crypto: nodeChipCrypto, verifier: nodeChipSignatureVerifier };
const work = temporaryDirectory();
afterAll(() => work.remove());

// The PKI of a state publishing a master list: its CSCA issues the master list signer.
const stateCsca = makeCsca('CSCA Issuing State');
const listSigner = makeCertificate({ cn: 'Master List Signer', ca: false, keyUsageBits: [0], issuer: stateCsca });
const vietnam = makeCsca('CSCA ePassport Vietnam');
const expired = makeExpiredCsca('CSCA Expired');
const notCa = makeCertificate({ cn: 'Not a CA', ca: false, keyUsageBits: [0] });
const notACertificate = Uint8Array.of(0x30, 0x03, 0x02, 0x01, 0x05);
const listBytes = makeMasterList(work.dir, [vietnam, expired, notACertificate, notCa], listSigner);

describe('ICAO CSCA master list', () => {
  it('reads a master list openssl signed: version 0, every entry, and one that is not a certificate said by its index', () => {
    const list = parseCscaMasterList(listBytes);
    expect(list.version).toBe(0);
    expect(list.signedData.contentType).toBe('2.23.136.1.1.2');
    expect(list.entries.map((entry) => (entry.ok ? Buffer.from(entry.certificate.der).toString('hex') : `bad ${entry.index}`))).toEqual([
      Buffer.from(vietnam.der).toString('hex'),
      Buffer.from(expired.der).toString('hex'),
      'bad 2',
      Buffer.from(notCa.der).toString('hex'),
    ]);
    expect(Buffer.from(list.signedData.signerCertificate?.der ?? []).equals(Buffer.from(listSigner.der))).toBe(true);
  });

  it('verifies its signature when a CSCA from outside the list issued the signer; unchecked otherwise', () => {
    const list = parseCscaMasterList(listBytes);
    const anchor = parseCertificate(stateCsca.der);
    const verified = checkMasterListSignature(list, [parseCertificate(vietnam.der), anchor], ports);
    expect(verified).toMatchObject({ outcome: 'verified', anchor: { der: anchor.der } });
    expect(checkMasterListSignature(list, [], ports)).toMatchObject({
      outcome: 'unchecked',
      reason: expect.stringMatching(/issued the list's signer/),
      signer: {},
    });
    // A CSCA of the same name but another key did not issue it.
    expect(checkMasterListSignature(list, [parseCertificate(makeCsca('CSCA Issuing State').der)], ports).outcome).toBe('unchecked');
  });

  it('finds a list whose content was changed after signing invalid', () => {
    const bytes = Uint8Array.from(listBytes);
    const at = Buffer.from(bytes).indexOf(Buffer.from(vietnam.der.subarray(vietnam.der.length - 20)));
    expect(at).toBeGreaterThan(0);
    bytes[at + 5] = (bytes[at + 5] as number) ^ 0x01;
    expect(checkMasterListSignature(parseCscaMasterList(bytes), [parseCertificate(stateCsca.der)], ports)).toMatchObject({ outcome: 'invalid' });
  });

  it('refuses a SignedData of another content type, and bytes that are no SignedData', () => {
    const other = makeMasterList(work.dir, [vietnam], listSigner, { contentType: '2.23.136.1.1.1' });
    expect(() => parseCscaMasterList(other)).toThrow(/not a CSCA master list/);
    expect(() => parseCscaMasterList(vietnam.der)).toThrow(DerError);
  });
});

describe('what a CSCA must be', () => {
  const now = Date.now();
  it.each([
    ['a CSCA', makeCsca('ok'), undefined],
    ['one not valid yet (published ahead)', makeCsca('ahead', { notBefore: new Date(now + 86_400_000), notAfter: new Date(now + 10 * 86_400_000) }), undefined],
    ['a CA without keyUsage', makeCertificate({ cn: 'no usage', ca: true }), undefined],
    ['an expired one', makeExpiredCsca('old'), 'expired'],
    ['basicConstraints without cA', makeCertificate({ cn: 'leaf', ca: false, keyUsageBits: [5] }), 'not-ca'],
    ['no basicConstraints at all', makeCertificate({ cn: 'bare', keyUsageBits: [5] }), 'not-ca'],
    ['a CA whose keyUsage lacks keyCertSign', makeCertificate({ cn: 'crl only', ca: true, keyUsageBits: [6] }), 'no-key-cert-sign'],
  ])('%s', (_case, certificate, refusal) => {
    expect(cscaRefusal(parseCertificate(certificate.der), now)).toBe(refusal);
  });
});
