/**
 * The renderer's Content Security Policy, the same in Electron and in browser mode:
 * only our own scripts and styles, no inline code, no eval, nothing framed, and
 * network access only to the core's own channel (browser mode) or none (Electron).
 * 'wasm-unsafe-eval' lets our own WebAssembly compile (the camera's QR decoder, served
 * from our origin); it does not allow eval() or new Function().
 */
export function contentSecurityPolicy(connectSources: readonly string[]): string {
  return [
    "default-src 'none'",
    "script-src 'self' 'wasm-unsafe-eval'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src ${connectSources.length > 0 ? connectSources.join(' ') : "'none'"}`,
    "worker-src 'self'",
    "media-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    "object-src 'none'",
  ].join('; ');
}
