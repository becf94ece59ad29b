import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSecretFileOnce } from '../../../../main/store/at-rest-key-making.js';

/** How a key file is created: whole or not at all, owner-only, never over another file. chot db-key's own tests: tests/unit/cli/db-key*.test.ts. */
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'chot-key-file-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('createSecretFileOnce', () => {
  it('leaves the complete file and nothing beside it', () => {
    const file = join(dir, 'kiosk.key');
    createSecretFileOnce(file, Buffer.from('KEY\n'));
    expect(readFileSync(file, 'latin1')).toBe('KEY\n');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(() => createSecretFileOnce(file, Buffer.from('OTHER\n'))).toThrow(/never overwritten/);
    expect(readdirSync(dir)).toEqual(['kiosk.key']);
  });
});

describe('a key file on a file system without hard links (FAT on a USB key)', () => {
  const noLinks = (): void => {
    throw Object.assign(new Error('operation not permitted'), { code: 'EPERM' });
  };

  it('is created in place instead, owner-only, and still never over another file', () => {
    const file = join(dir, 'usb.key');
    createSecretFileOnce(file, Buffer.from('KEY\n'), noLinks);
    expect(readFileSync(file, 'latin1')).toBe('KEY\n');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(() => createSecretFileOnce(file, Buffer.from('OTHER\n'), noLinks)).toThrow(/never overwritten/);
    expect(readFileSync(file, 'latin1')).toBe('KEY\n');
    expect(readdirSync(dir).sort()).toEqual(['usb.key']);
  });
});
