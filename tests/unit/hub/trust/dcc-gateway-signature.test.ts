import { describe, expect, it } from 'vitest';
import { parseCertificate } from '../../../../domain/chip/x509.js';
import { nodeChipCrypto } from '../../../../drivers/chip/node-chip-crypto.js';
import { nodeChipSignatureVerifier } from '../../../../drivers/chip/node-signature-verifier.js';
import { checkGatewaySignature } from '../../../../hub/trust/dcc-gateway-signature.js';
import { cmsSignature, gatewayCertificate } from '../../../support/dcc-gateway-fixtures.js';

const ports = { crypto: nodeChipCrypto, verifier: nodeChipSignatureVerifier };
const upload = gatewayCertificate('DE', 'DE upload');
const otherUpload = gatewayCertificate('FR', 'FR upload');
const dsc = gatewayCertificate('DE', 'DE DSC');
const otherDsc = gatewayCertificate('DE', 'DE DSC 2');
const signers = [parseCertificate(upload.certificateDer)];
const check = (signature: string | undefined, content = dsc.certificateDer, allowed = signers): string =>
  checkGatewaySignature(content, signature, allowed, ports).check;

describe('the EU gateway’s CMS signature on a trust list entry', () => {
  it('verifies a detached signature over the entry’s certificate by an allowed signer, whichever of them it is', () => {
    expect(check(cmsSignature(dsc.certificateDer, upload))).toBe('valid');
    expect(check(cmsSignature(dsc.certificateDer, upload), dsc.certificateDer, [parseCertificate(otherUpload.certificateDer), ...signers])).toBe('valid');
  });

  it('takes a signature that carries its content only when that content is the entry’s certificate', () => {
    expect(check(cmsSignature(dsc.certificateDer, upload, { attached: true }))).toBe('valid');
    expect(check(cmsSignature(otherDsc.certificateDer, upload, { attached: true }))).toBe('other-content');
  });

  it('refuses a signature over another certificate (moved from another entry)', () => {
    expect(check(cmsSignature(otherDsc.certificateDer, upload))).toBe('other-content');
  });

  it('refuses a signature by a key that is not allowed to sign the entry', () => {
    expect(check(cmsSignature(dsc.certificateDer, otherUpload))).toBe('not-by-signer');
    expect(check(cmsSignature(dsc.certificateDer, upload), dsc.certificateDer, [])).toBe('not-by-signer');
  });

  it('refuses a signature without signed attributes, one that is not CMS, and an entry without one', () => {
    expect(check(cmsSignature(dsc.certificateDer, upload, { noAttributes: true }))).toBe('no-signed-attributes');
    expect(check(Buffer.from('not a CMS message').toString('base64'))).toBe('malformed');
    expect(check(undefined)).toBe('missing');
    expect(check('')).toBe('missing');
  });
});
