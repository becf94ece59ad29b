import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DOCUMENT_SIGNER_LIMITS, documentSignerId, documentSignerTextProblem } from '../../../../domain/entries/document-signer-id.js';

describe('documentSignerId: the one text an entry keeps of a chip’s document signer', () => {
  it('is the issuer’s name, # and the serial in lowercase hex', () => {
    expect(documentSignerId({ issuer: 'C=VN, O=Bộ Công an, CN=Document Signer 07', serialNumber: '0A1B2C3D' })).toBe(
      'C=VN, O=Bộ Công an, CN=Document Signer 07#0a1b2c3d',
    );
    expect(documentSignerId({ issuer: 'CN=DS, C=VN', serialNumber: '01' })).toBe('CN=DS, C=VN#01');
  });

  it('drops what a card could hide in the issuer: controls, bidi, zero-width characters; one space between words, NFC', () => {
    const issuer = 'C=VN,\u0000 O=B\u202eộ\u200b  Công\nan, CN=Nguye\u0302\u0303n';
    expect(documentSignerId({ issuer, serialNumber: '01' })).toBe('C=VN, O=Bộ Công an, CN=Nguyễn#01');
  });

  it('bounds each part, marking a cut, and always has both parts', () => {
    const long = documentSignerId({ issuer: 'O='.padEnd(1000, 'ư'), serialNumber: 'ab'.repeat(100) });
    const [issuer, serial] = long.split('#') as [string, string];
    expect([...issuer]).toHaveLength(DOCUMENT_SIGNER_LIMITS.maxIssuerChars);
    expect(issuer.endsWith('…')).toBe(true);
    expect(serial).toBe(`${'ab'.repeat(100).slice(0, 63)}…`);
    expect([...long].length).toBeLessThanOrEqual(DOCUMENT_SIGNER_LIMITS.maxChars);
    expect(documentSignerId({ issuer: '\u202e\u200b', serialNumber: '' })).toBe('?#0');
    expect(documentSignerId({ issuer: 'CN=DS', serialNumber: 'zz-0F' })).toBe('CN=DS#0f');
  });

  it('fuzz: whatever a card names, the text passes the limits the hub checks', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 600 }), fc.string({ maxLength: 200 }), (issuer, serialNumber) => {
        const text = documentSignerId({ issuer, serialNumber });
        return documentSignerTextProblem(text) === undefined;
      }),
      { numRuns: 800 },
    );
  });
});
