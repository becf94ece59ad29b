import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KIOSK_URL_FILE_MODE, writeKioskUrlFile } from '../../../../main/launcher/kiosk-url-file.js';

describe('the kiosk URL file the appliance’s screen reads', () => {
  let dir: string;
  let umask: number;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'chot-url-file-'));
    // The core's unit runs with UMask=0077: the file must still be readable by its group.
    umask = process.umask(0o077);
  });
  afterEach(() => {
    process.umask(umask);
    rmSync(dir, { recursive: true, force: true });
  });

  it('holds the URL, readable by the owner and its group only, whatever the umask', () => {
    const file = join(dir, 'kiosk-url');
    writeKioskUrlFile(file, 'http://127.0.0.1:8080/#token=abc');
    expect(readFileSync(file, 'utf8')).toBe('http://127.0.0.1:8080/#token=abc\n');
    expect(statSync(file).mode & 0o777).toBe(KIOSK_URL_FILE_MODE);
    expect(KIOSK_URL_FILE_MODE).toBe(0o640);
  });

  it('replaces the URL of an earlier start whole, leaving no temporary file behind', () => {
    const file = join(dir, 'kiosk-url');
    writeFileSync(file, 'http://127.0.0.1:8080/#token=old-and-longer-than-the-new-one\n', { mode: 0o644 });
    writeKioskUrlFile(file, 'http://127.0.0.1:8080/#token=new');
    expect(readFileSync(file, 'utf8')).toBe('http://127.0.0.1:8080/#token=new\n');
    expect(statSync(file).mode & 0o777).toBe(0o640);
    expect(readdirSync(dir)).toEqual(['kiosk-url']);
  });
});
