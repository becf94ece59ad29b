import { afterAll, describe, expect, it } from 'vitest';
import { nodeChipCrypto } from '../../../../drivers/chip/node-chip-crypto.js';
import { nodeChipSignatureVerifier } from '../../../../drivers/chip/node-signature-verifier.js';
import { CscaImportRefused, importCscas } from '../../../../hub/trust/csca-import.js';
import { temporaryDirectory } from '../../../support/chip-samples.js';
import { makeCertificate, makeCsca, makeExpiredCsca, makeMasterList, type TestCertificate } from '../../../support/test-certificates.js';

const ports = { crypto: nodeChipCrypto, verifier: nodeChipSignatureVerifier };
const work = temporaryDirectory();
afterAll(() => work.remove());

const base64 = (certificate: TestCertificate): string => Buffer.from(certificate.der).toString('base64');
const accepted = (result: ReturnType<typeof importCscas>): string[] => result.accepted.map((c) => Buffer.from(c.certificate.der).toString('base64'));

const stateCsca = makeCsca('CSCA Issuing State');
const listSigner = makeCertificate({ cn: 'Master List Signer', ca: false, keyUsageBits: [0], issuer: stateCsca });
const vietnam = makeCsca('CSCA ePassport Vietnam');

describe('importCscas', () => {
  it('with add, keeps the published certificates but drops those expired since, listing them', () => {
    const stale = makeExpiredCsca('CSCA Stale');
    const result = importCscas({
      files: [{ name: 'vn.pem', bytes: new TextEncoder().encode(vietnam.pem) }],
      published: [base64(stateCsca), base64(stale)],
      add: true,
      now: Date.now(),
      ports,
    });
    expect(accepted(result)).toEqual([base64(stateCsca), base64(vietnam)]);
    expect(result.skipped).toMatchObject([{ source: 'published#2', reason: 'expired', subject: 'C=VN, CN=CSCA Stale' }]);
  });

  it('checks a master list against a CSCA already published, and refuses the import when its signature is proven bad', () => {
    const list = makeMasterList(work.dir, [vietnam], listSigner);
    const checked = importCscas({ files: [{ name: 'list.ml', bytes: list }], published: [base64(stateCsca)], add: false, now: Date.now(), ports });
    expect(checked.masterLists).toMatchObject([{ file: 'list.ml', certificates: 1, signature: { outcome: 'verified' } }]);
    // Without add, the published CSCA served as an anchor but is not kept.
    expect(accepted(checked)).toEqual([base64(vietnam)]);

    const altered = Uint8Array.from(list);
    const at = Buffer.from(altered).indexOf(Buffer.from(vietnam.der.subarray(vietnam.der.length - 16)));
    altered[at + 3] = (altered[at + 3] as number) ^ 0x01;
    expect(() => importCscas({ files: [{ name: 'list.ml', bytes: altered }], published: [], add: false, now: Date.now(), ports })).toThrow(CscaImportRefused);
  });

  it('names each certificate of each list by its place in that list', () => {
    const first = makeMasterList(work.dir, [vietnam, Uint8Array.of(0x30, 0x03, 0x02, 0x01, 0x05)], listSigner);
    const second = makeMasterList(work.dir, [makeExpiredCsca('CSCA Old'), stateCsca], listSigner);
    const result = importCscas({
      files: [
        { name: 'one.ml', bytes: first },
        { name: 'two.ml', bytes: second },
      ],
      published: [],
      add: false,
      now: Date.now(),
      ports,
    });
    expect(result.accepted.map((c) => c.source)).toEqual(['one.ml#1', 'two.ml#2']);
    expect(result.unreadableEntries.map((e) => e.source)).toEqual(['one.ml#2']);
    expect(result.skipped.map((c) => c.source)).toEqual(['two.ml#1']);
  });

  it('never lets a list vouch for itself: its own copy of the CSCA that issued its signer is no anchor', () => {
    const list = makeMasterList(work.dir, [vietnam, stateCsca], listSigner);
    const result = importCscas({ files: [{ name: 'self.ml', bytes: list }], published: [], add: false, now: Date.now(), ports });
    expect(result.masterLists[0]?.signature.outcome).toBe('unchecked');
    expect(accepted(result)).toEqual([base64(vietnam), base64(stateCsca)]);
  });
});
