import { describe, expect, it } from 'vitest';
import { AUTHENTICITIES, CREDENTIAL_KINDS } from '../../../../domain/credentials/credential.js';
import { CHIP_VERIFIED_KIND, isVerifiedChip, tallyKindOf } from '../../../../domain/entries/tally-kind.js';

describe('tallyKindOf: the kind an entry is counted under', () => {
  it('is chip-verified only for a chip whose data passed passive authentication', () => {
    expect(tallyKindOf('chip', 'chip-verified')).toBe(CHIP_VERIFIED_KIND);
    expect(tallyKindOf('chip', 'unsigned')).toBe('chip');
    expect(tallyKindOf('chip', 'invalid')).toBe('chip');
  });

  it('is the credential kind as logged for everything else, whatever the authenticity says', () => {
    for (const kind of [...CREDENTIAL_KINDS.filter((k) => k !== 'chip'), 'unknown'])
      for (const authenticity of [...AUTHENTICITIES, 'none']) {
        expect(tallyKindOf(kind, authenticity)).toBe(kind);
        expect(isVerifiedChip(kind, authenticity)).toBe(false);
      }
  });
});
