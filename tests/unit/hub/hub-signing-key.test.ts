import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HUB_KEY_FILE, installKeyFileOnce, loadOrCreateHubSigningKey } from '../../../hub/keys/hub-signing-key.js';
import { tempDataDir } from '../../support/kiosk-process.js';

const pem = (): string => generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;

describe('the hub signing key file', () => {
  it('is made once, owner-only, and read again by every later start', () => {
    const dataDir = tempDataDir('chot-hub-key-');
    const first = loadOrCreateHubSigningKey(dataDir);
    expect(loadOrCreateHubSigningKey(dataDir).keyId).toBe(first.keyId);
    if (process.platform !== 'win32') expect(statSync(join(dataDir, HUB_KEY_FILE)).mode & 0o777).toBe(0o600);
  });

  it('keeps the key another process put in place meanwhile (hub processes starting together), without failing or leaving files', () => {
    const file = join(tempDataDir('chot-hub-key-'), HUB_KEY_FILE);
    mkdirSync(dirname(file), { recursive: true });
    const theirs = pem();
    writeFileSync(file, theirs, { mode: 0o600 });
    // This process found no key a moment ago and made its own: it must lose to the one there.
    expect(() => installKeyFileOnce(file, pem())).not.toThrow();
    expect(readFileSync(file, 'utf8')).toBe(theirs);
    expect(readdirSync(dirname(file))).toEqual(['hub-ed25519.pem']);
  });
});
