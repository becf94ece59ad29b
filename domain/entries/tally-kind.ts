/**
 * How entries are counted by credential, on the kiosk's "today" panel and in the hub's
 * reports: by the credential kind logged, except that a chip ID card whose data passed
 * passive authentication under a trusted CSCA counts as its own kind, `chip-verified`. Only
 * such an entry proves the card is genuine and unaltered; a chip read that did not verify
 * (`unsigned`: integrity only, no trusted signer; `invalid`: altered) proves no more than the
 * card's printed QR, and stays `chip`. Officials ask how many entries were verified that way.
 */
export const CHIP_VERIFIED_KIND = 'chip-verified';

/** Whether an entry is a chip ID card whose data passed passive authentication. */
export function isVerifiedChip(credentialKind: string, authenticity: string): boolean {
  return credentialKind === 'chip' && authenticity === 'chip-verified';
}

/** The kind an entry is counted under: its credential kind, or `chip-verified`. */
export function tallyKindOf(credentialKind: string, authenticity: string): string {
  return isVerifiedChip(credentialKind, authenticity) ? CHIP_VERIFIED_KIND : credentialKind;
}
