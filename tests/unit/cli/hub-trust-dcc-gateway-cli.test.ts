import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { verifySignedTrustFile } from '../../../domain/trust/signed-trust-file.js';
import { PUBLISHED_TRUST_DIR } from '../../../hub/trust/trust-publisher.js';
import { hubKeyStoreFromKeys } from '../../../main/trust/hub-key-store.js';
import { temporaryDirectory } from '../../support/chip-samples.js';
import { chotInProcess } from '../../support/chot-in-process.js';
import type { DccSigner } from '../../support/dcc-fixtures.js';
import { gatewayCertificate, gatewayListEntry, pemOf } from '../../support/dcc-gateway-fixtures.js';
import { tempDataDir } from '../../support/kiosk-process.js';

const work = temporaryDirectory();
afterAll(() => work.remove());

function file(name: string, content: unknown): string {
  const path = join(work.dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}
const kidOf = (s: DccSigner): string => Buffer.from(s.kid).toString('base64');

async function publishedKids(data: string): Promise<string[]> {
  const document = JSON.parse(readFileSync(join(data, PUBLISHED_TRUST_DIR, 'dcc-dsc.json'), 'utf8')) as unknown;
  const key = (await chotInProcess('hub', 'public-key', '--data', data)).stdout.trim();
  const verified = verifySignedTrustFile(document, hubKeyStoreFromKeys([key]));
  if (!verified.ok || verified.file.kind !== 'dcc-dsc') throw new Error('the published dcc-dsc does not verify');
  return verified.file.signers.map((signer) => signer.kid);
}

// The gateway's PKI: its trust anchor signed the upload certificates of DE and FR; a second,
// rogue anchor signed another "DE" upload certificate the gateway never onboarded.
const anchor = gatewayCertificate('EU', 'DGCG trust anchor');
const rogueAnchor = gatewayCertificate('EU', 'not the trust anchor');
const uploadDe = gatewayCertificate('DE', 'DE upload');
const uploadFr = gatewayCertificate('FR', 'FR upload');
const rogueUploadDe = gatewayCertificate('DE', 'DE upload?');
const good = gatewayCertificate('DE', 'DE DSC');
const signedByFrance = gatewayCertificate('DE', 'DE DSC, FR upload signed');
const signedByRogue = gatewayCertificate('DE', 'DE DSC, rogue upload signed');
const noUploadCountry = gatewayCertificate('NL', 'NL DSC');
const loose = gatewayCertificate('DE', 'DE DSC from a PEM file');

// As the gateway serves them: /trustList/DSC and /trustList/UPLOAD, two files.
const dscList = file('trustList-DSC.json', [
  gatewayListEntry(good, 'DSC', 'DE', uploadDe),
  gatewayListEntry(signedByFrance, 'DSC', 'DE', uploadFr),
  gatewayListEntry(signedByRogue, 'DSC', 'DE', rogueUploadDe),
  gatewayListEntry(noUploadCountry, 'DSC', 'NL', uploadDe),
]);
const uploadList = file('trustList-UPLOAD.json', [
  gatewayListEntry(uploadDe, 'UPLOAD', 'DE', anchor),
  gatewayListEntry(uploadFr, 'UPLOAD', 'FR', anchor),
  gatewayListEntry(rogueUploadDe, 'UPLOAD', 'DE', rogueAnchor),
]);
const anchorFile = file('ta.pem', pemOf(anchor));
const loosePem = file('loose.pem', pemOf(loose));

describe('chot hub trust import dcc-dsc --trust-anchor', () => {
  it('takes a DSC only when an upload certificate of its country, signed by the trust anchor, signed it; lists every refusal', async () => {
    const data = tempDataDir('chot-hub-dcc-gw-');
    const run = await chotInProcess('hub', 'trust', 'import', 'dcc-dsc', dscList, uploadList, loosePem, '--trust-anchor', anchorFile, '--data', data);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain('upload certificate DE C=DE, CN=DE upload: signed by the trust anchor');
    expect(run.stdout).toContain('upload certificate FR C=FR, CN=FR upload: signed by the trust anchor');
    expect(run.stdout).toContain('trustList-UPLOAD.json#3: upload certificate: its gateway signature is not by the trust anchor');
    const notByDe = 'its gateway signature is not by an upload certificate of DE signed by the trust anchor';
    expect(run.stdout).toContain(`trustList-DSC.json#2: ${notByDe}`);
    expect(run.stdout).toContain(`trustList-DSC.json#3: ${notByDe}`);
    expect(run.stdout).toContain('trustList-DSC.json#4: no upload certificate of NL signed by the trust anchor was given');
    expect(run.stdout).toContain('loose.pem#1: not from the EU gateway’s trust list: no gateway signature to check against the trust anchor');
    expect(run.stdout).toMatch(/published dcc-dsc version \d+: 1 document signer\(s\)/);
    expect(await publishedKids(data)).toEqual([kidOf(good)]);
  });

  it('reads the upload certificates from the same file when given the whole /trustList', async () => {
    const data = tempDataDir('chot-hub-dcc-gw-');
    const whole = file('trustList.json', [
      gatewayListEntry(uploadDe, 'UPLOAD', 'DE', anchor),
      gatewayListEntry(good, 'DSC', 'DE', uploadDe),
      gatewayListEntry(uploadFr, 'CSCA', 'FR', anchor),
    ]);
    const run = await chotInProcess('hub', 'trust', 'import', 'dcc-dsc', whole, '--trust-anchor', anchorFile, '--data', data);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('trustList.json#3: a CSCA certificate, not a DSC');
    expect(await publishedKids(data)).toEqual([kidOf(good)]);
  });

  it('publishes nothing when no DSC passes, and keeps what was published', async () => {
    const data = tempDataDir('chot-hub-dcc-gw-');
    expect((await chotInProcess('hub', 'trust', 'import', 'dcc-dsc', dscList, uploadList, '--trust-anchor', anchorFile, '--data', data)).code).toBe(0);
    // An anchor that signed none of the upload certificates: none of them, so no DSC, passes.
    const otherAnchor = file('other-ta.pem', pemOf(gatewayCertificate('EU', 'another trust anchor')));
    const run = await chotInProcess('hub', 'trust', 'import', 'dcc-dsc', dscList, uploadList, '--trust-anchor', otherAnchor, '--data', data);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('trustList-UPLOAD.json#1: upload certificate: its gateway signature is not by the trust anchor');
    expect(run.stdout).toContain('trustList-DSC.json#1: no upload certificate of DE signed by the trust anchor was given');
    expect(run.stderr).toContain('the published list is unchanged');
    expect(await publishedKids(data)).toEqual([kidOf(good)]);
  });

  it('with --add keeps the signers already published: this hub decided on them when they were imported', async () => {
    const data = tempDataDir('chot-hub-dcc-gw-');
    expect((await chotInProcess('hub', 'trust', 'import', 'dcc-dsc', loosePem, '--data', data)).code).toBe(0);
    const run = await chotInProcess('hub', 'trust', 'import', 'dcc-dsc', dscList, uploadList, '--add', '--trust-anchor', anchorFile, '--data', data);
    expect(run.code).toBe(0);
    expect(run.stdout).not.toContain('published#1');
    expect(await publishedKids(data)).toEqual([kidOf(loose), kidOf(good)]);
  });

  it('without the anchor imports as before but warns that the gateway’s signatures were NOT checked', async () => {
    const data = tempDataDir('chot-hub-dcc-gw-');
    const run = await chotInProcess('hub', 'trust', 'import', 'dcc-dsc', dscList, uploadList, '--data', data);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe(
      "chot hub trust import: WARN: the EU gateway's signatures on 4 document signer(s) were NOT checked (no --trust-anchor): they are trusted because of where the file came from\n",
    );
    expect(run.stdout).toContain('trustList-UPLOAD.json#1: a UPLOAD certificate, not a DSC');
    expect(await publishedKids(data)).toEqual([good, signedByFrance, signedByRogue, noUploadCountry].map(kidOf));
  });

  it('refuses an anchor that is not a certificate, and the option on another kind, as usage errors', async () => {
    const data = tempDataDir('chot-hub-dcc-gw-');
    const notCertificate = await chotInProcess('hub', 'trust', 'import', 'dcc-dsc', dscList, '--trust-anchor', dscList, '--data', data);
    expect(notCertificate.code).toBe(2);
    expect(notCertificate.stderr).toContain('--trust-anchor');
    const otherKind = await chotInProcess('hub', 'trust', 'import', 'dcc-value-sets', dscList, '--trust-anchor', anchorFile, '--data', data);
    expect(otherKind.code).toBe(2);
    expect(otherKind.stderr).toContain('goes with trust import dcc-dsc');
  });
});
