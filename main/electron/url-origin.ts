/**
 * The origin of `url` as `scheme://host[:port]`, or `null` when it has none we would
 * trust (`file:`, `about:`, `data:`, an unparsable string).
 *
 * Why not `new URL(url).origin`: the WHATWG URL parser (Node's, so also Electron's main
 * process) gives every non-special scheme an opaque origin, so `app://kiosk/x` has the
 * origin `"null"`, never `"app://kiosk"`. Chromium gives our privileged standard
 * `app:` scheme a real origin; this matches what Chromium means by it.
 */
export function urlOrigin(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.origin !== 'null') return parsed.origin;
  // A host-less URL (`file:///x`, `about:blank`, `javascript:…`) names no origin at all.
  if (parsed.host === '') return null;
  return `${parsed.protocol}//${parsed.host.toLowerCase()}`;
}
