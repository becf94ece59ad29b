import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy } from '../../../../main/security/content-security-policy.js';

/** The policy as directive name → its sources. */
function directives(policy: string): Map<string, string[]> {
  return new Map(
    policy.split(';').map((part) => {
      const [name = '', ...sources] = part.trim().split(/\s+/);
      return [name, sources];
    }),
  );
}

describe('contentSecurityPolicy', () => {
  it("runs only the kiosk's own scripts, and compiles only its own WebAssembly (the camera's QR decoder)", () => {
    expect(directives(contentSecurityPolicy([])).get('script-src')).toEqual(["'self'", "'wasm-unsafe-eval'"]);
    expect(directives(contentSecurityPolicy([])).get('worker-src')).toEqual(["'self'"]);
  });

  it('allows no inline code and no eval anywhere', () => {
    const policy = contentSecurityPolicy(['ws://127.0.0.1:5173']);
    expect(policy).not.toContain("'unsafe-inline'");
    expect(policy).not.toContain(" 'unsafe-eval'");
    expect(policy.match(/'wasm-unsafe-eval'/g)).toHaveLength(1);
  });

  it('falls back to nothing, and may not be framed', () => {
    const parsed = directives(contentSecurityPolicy([]));
    expect(parsed.get('default-src')).toEqual(["'none'"]);
    expect(parsed.get('frame-ancestors')).toEqual(["'none'"]);
    expect(parsed.get('object-src')).toEqual(["'none'"]);
  });

  it('draws images only from the kiosk itself and data: URLs (the chip face, never a file, a blob or the network)', () => {
    expect(directives(contentSecurityPolicy([])).get('img-src')).toEqual(["'self'", 'data:']);
  });

  it('connects nowhere when given no sources (Electron: the core is over IPC)', () => {
    expect(directives(contentSecurityPolicy([])).get('connect-src')).toEqual(["'none'"]);
  });

  it('connects only to the given sources (browser mode: the core WebSocket)', () => {
    expect(directives(contentSecurityPolicy(['ws://127.0.0.1:5173'])).get('connect-src')).toEqual(['ws://127.0.0.1:5173']);
  });
});
