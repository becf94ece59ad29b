import type { Certificate } from './x509.js';

/**
 * Why a certificate is not taken as a country signing CA (ICAO 9303-12 §7.1.1: a CSCA
 * certificate is a CA — basicConstraints cA — whose keyUsage, when present, includes
 * keyCertSign), or why it is no use any more (expired). Undefined: it may be trusted.
 * A certificate not yet valid is taken: a state publishes its next CSCA ahead of use.
 */
export type CscaRefusal = 'expired' | 'not-ca' | 'no-key-cert-sign';

export function cscaRefusal(certificate: Certificate, now: number): CscaRefusal | undefined {
  if (certificate.basicConstraintsCa !== true) return 'not-ca';
  if (certificate.keyUsage !== undefined && !certificate.keyUsage.includes('keyCertSign')) return 'no-key-cert-sign';
  if (certificate.notAfter < now) return 'expired';
  return undefined;
}

export const CSCA_REFUSAL_TEXT: Readonly<Record<CscaRefusal, string>> = {
  expired: 'expired',
  'not-ca': 'not a CA (basicConstraints cA is not set)',
  'no-key-cert-sign': 'its keyUsage lacks keyCertSign',
};
