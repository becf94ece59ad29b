import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { useQrWasmFromPackage } from '../../../../cli/commands/decode-image.js';
import { decodeQr, decodeQrImageFile } from '../../../../decoder/qr-decoder.js';
import { parseEnrollmentQr } from '../../../../domain/enrollment/enrollment-qr.js';
import { chotInProcess } from '../../../support/chot-in-process.js';

beforeAll(() => useQrWasmFromPackage());

const QR_LINE = /^enrolment QR {4}(\S+)$/m;
const CODE_LINE = /^enrolment code {2}(\S+)$/m;
const HALF_BLOCKS = /^[█▀▄ ]+$/;

/**
 * The terminal's half blocks as a picture, the way a screen shows them: a drawn half is
 * light (terminals draw text light on dark), a blank one dark; `scale` pixels a module.
 */
function halfBlocksImage(lines: readonly string[], scale = 4): { data: Uint8ClampedArray; width: number; height: number } {
  const columns = [...(lines[0] ?? '')].length;
  const width = columns * scale;
  const height = lines.length * 2 * scale;
  const data = new Uint8ClampedArray(width * height * 4);
  lines.forEach((line, row) => {
    [...line].forEach((char, column) => {
      const halves = [char === '█' || char === '▀', char === '█' || char === '▄'];
      halves.forEach((light, half) => {
        for (let y = 0; y < scale; y++)
          for (let x = 0; x < scale; x++) {
            const at = (((row * 2 + half) * scale + y) * width + column * scale + x) * 4;
            data.fill(light ? 255 : 0, at, at + 3);
            data[at + 3] = 255;
          }
      });
    });
  });
  return { data, width, height };
}

describe('chot hub enroll-code --url', () => {
  let dataDir: string;
  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'chot-enroll-qr-'));
  });

  it('prints the enrolment as a QR with the hub URL, the code and the hub key’s SHA-256; the PNG and the half blocks read back', async () => {
    const png = join(dataDir, 'enrol.png');
    const run = await chotInProcess(
      'hub',
      'enroll-code',
      '--location',
      'Chợ Đầm — cổng 2',
      '--url',
      'http://hub.example:8080',
      '--png',
      png,
      '--data',
      dataDir,
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const key = await chotInProcess('hub', 'public-key', '--data', dataDir);
    const sha256 = createHash('sha256').update(Buffer.from(key.stdout.trim(), 'base64')).digest('hex');

    const text = QR_LINE.exec(run.stdout)?.[1] ?? '';
    expect(parseEnrollmentQr(text)).toEqual({
      ok: true,
      qr: { code: CODE_LINE.exec(run.stdout)?.[1], hubKeySha256: sha256, hubUrl: 'http://hub.example:8080' },
    });

    // The PNG, read by the decoder the kiosk's camera uses; owner-only, as the code is a secret until used.
    expect(await decodeQrImageFile(readFileSync(png))).toMatchObject({ ok: true, text });
    expect(statSync(png).mode & 0o077).toBe(0);

    // The terminal's QR, as a phone sees it on the screen: quiet zone and all, it decodes to the same text.
    const blocks = run.stdout.split('\n').filter((line) => line !== '' && HALF_BLOCKS.test(line));
    expect(blocks.length).toBeGreaterThan(10);
    expect(blocks[0]).toMatch(/^█+$/);
    expect(await decodeQr(halfBlocksImage(blocks))).toMatchObject({ ok: true, text });
  });

  it('without --url prints the code alone and says how to get the QR', async () => {
    const run = await chotInProcess('hub', 'enroll-code', '--location', 'Cổng 1', '--data', dataDir);
    expect(run.code).toBe(0);
    expect(run.stdout).not.toMatch(QR_LINE);
    expect(run.stdout).toContain('--url HUB_URL');
  });

  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('with --pg, takes the served hub’s key from the default data directory, and makes none there', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'chot-enroll-qr-nokey-'));
    vi.stubEnv('CHOT_HUB_DATA', empty);
    const run = await chotInProcess('hub', 'enroll-code', '--location', 'Cổng 1', '--url', 'http://hub.example', '--pg', 'postgres://127.0.0.1:1/none');
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`--url with --pg takes the hub's key from ${empty}, which has none`);
    expect(readdirSync(empty)).toEqual([]);
  });

  it.each([
    ['a --png without --url', ['--png', 'x.png'], /--png needs --url/],
    ['a file URL', ['--url', 'file:///etc/passwd'], /--url must be http:\/\/ or https:\/\//],
    ['a URL with a password', ['--url', 'http://admin:pw@hub.example'], /--url must be/],
  ])('refuses %s as a usage error', async (_what, extra, message) => {
    const run = await chotInProcess('hub', 'enroll-code', '--location', 'Cổng 1', ...extra, '--data', dataDir);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stdout).not.toMatch(CODE_LINE);
  });
});
