import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDccSigner, type DccSigner } from './dcc-fixtures.js';

/**
 * The EU gateway's (DGCG) trust list, built here: a trust anchor, countries' upload
 * certificates and DSCs, each entry's `signature` a detached CMS SignedData over the entry's
 * certificate made by openssl's own `cms -sign` (so the CMS is not ours), as the gateway's
 * connector library builds it: content type id-data, signed attributes, SHA-256, the signing
 * certificate inside.
 */
const year = 365 * 86_400_000;

/** A self-signed certificate and key: the role (anchor, upload, DSC) is only in how the list uses it. */
export function gatewayCertificate(country: string, commonName: string): DccSigner {
  const now = Date.now();
  return createDccSigner({ notBefore: new Date(now - year), notAfter: new Date(now + year), country, commonName });
}

export const pemOf = (certificate: DccSigner): string =>
  `-----BEGIN CERTIFICATE-----\n${certificate.certificateBase64.replace(/(.{64})/g, '$1\n')}\n-----END CERTIFICATE-----\n`;

export interface CmsOptions {
  /** No signed attributes (`-noattr`): RFC 5652 allows it for id-data, the gateway never does it. */
  readonly noAttributes?: boolean;
  /** The content inside the SignedData instead of detached. */
  readonly attached?: boolean;
}

/** Base64 of a CMS SignedData over `content` by `signer`, as openssl makes it. */
export function cmsSignature(content: Uint8Array, signer: DccSigner, options: CmsOptions = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'chot-gateway-cms-'));
  try {
    const [contentFile, certificateFile, keyFile, out] = ['content.der', 'signer.pem', 'signer.key', 'signature.der'].map((name) => join(dir, name)) as [
      string,
      string,
      string,
      string,
    ];
    writeFileSync(contentFile, content);
    writeFileSync(certificateFile, pemOf(signer));
    writeFileSync(keyFile, signer.privateKey.export({ format: 'pem', type: 'pkcs8' }));
    execFileSync('openssl', [
      'cms',
      '-sign',
      '-binary',
      ...(options.attached === true ? ['-nodetach'] : []),
      ...(options.noAttributes === true ? ['-noattr'] : []),
      '-in',
      contentFile,
      '-signer',
      certificateFile,
      '-inkey',
      keyFile,
      '-md',
      'sha256',
      '-outform',
      'DER',
      '-out',
      out,
    ]);
    return readFileSync(out).toString('base64');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One entry of `GET /trustList`, its `signature` by `signedBy` (absent: no signature). */
export function gatewayListEntry(
  certificate: DccSigner,
  type: 'DSC' | 'UPLOAD' | 'CSCA',
  country: string,
  signedBy: DccSigner | undefined,
  options: CmsOptions = {},
): Record<string, unknown> {
  return {
    kid: Buffer.from(certificate.kid).toString('base64'),
    timestamp: '2025-06-01T10:00:00Z',
    country,
    certificateType: type,
    thumbprint: createHash('sha256').update(certificate.certificateDer).digest('hex'),
    ...(signedBy === undefined ? {} : { signature: cmsSignature(certificate.certificateDer, signedBy, options) }),
    rawData: certificate.certificateBase64,
  };
}
