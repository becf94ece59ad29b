/**
 * `extractFromUVCI` (spec 1.3.3): the fragment at `index` of a UCI split on `/`, `#` and `:`,
 * after dropping an optional `URN:UVCI:` prefix; null when there is no such fragment. The
 * UCI is deliberately not checked against Annex 2's grammar (the spec's design choice): the
 * rule asks for a fragment, not for a verdict on the identifier.
 */
const OPTIONAL_PREFIX = 'URN:UVCI:';
const SEPARATORS = /[/#:]/;

export function extractFromUvci(uvci: string, index: number): string | null {
  if (index < 0) return null;
  const body = uvci.startsWith(OPTIONAL_PREFIX) ? uvci.slice(OPTIONAL_PREFIX.length) : uvci;
  const fragments = body.split(SEPARATORS);
  return index < fragments.length ? (fragments[index] as string) : null;
}
