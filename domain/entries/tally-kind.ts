/**
 * How entries are counted by credential, on the kiosk's "today" panel and in the hub's
 * reports: by the credential kind logged, except that a chip ID card whose data passed
 * passive authentication under a trusted CSCA counts as its own kind, `chip-verified`. Only
 * such an entry proves the card is genuine and unaltered; a chip read that did not verify
 * (`unsigned`: integrity only, no trusted signer; `invalid`: altered) proves no more than the
 * card's printed QR, and stays `chip`. Officials ask how many entries were verified that way.
 */
export const CHIP_VERIFIED_KIND = 'chip-verified';

export function tallyKindOf(credentialKind: string, authenticity: string): string {
  return credentialKind === 'chip' && authenticity === 'chip-verified' ? CHIP_VERIFIED_KIND : credentialKind;
}
