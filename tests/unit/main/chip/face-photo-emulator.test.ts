import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readChip } from '../../../../domain/chip/read-chip.js';
import { parseCertificate } from '../../../../domain/chip/x509.js';
import type { ChipCard } from '../../../../drivers/chip/chip-card.js';
import { ChipReaderDriver, type ChipReaderHandle } from '../../../../drivers/chip/chip-reader.js';
import { nodeChipCrypto } from '../../../../drivers/chip/node-chip-crypto.js';
import { NodePcscBinding } from '../../../../drivers/chip/node-pcsc-binding.js';
import { nodeChipSignatureVerifier } from '../../../../drivers/chip/node-signature-verifier.js';
import { FacePhotoDecoder } from '../../../../main/chip/face-photo.js';
import { ChipEmulator, chipEmulatorUnavailable, PrivatePcscd, VIRTUAL_READERS } from '../../../support/chip-emulator.js';
import { certificateDer } from '../../../support/chip-samples.js';
import { sampleDifference, testFace, testFacesUnavailable } from '../../../support/face-images.js';
import { decodePng } from '../../../support/png-decode.js';
import { bundleForNode } from '../../../support/worker-bundle.js';

/**
 * A chip whose DG2 holds a JPEG 2000 face, as most chip ID cards do, read over the real PC/SC
 * stack (a private pcscd, vsmartcard's reader, the ICAO 9303 card emulator of
 * ../shared/peers/chip-emulator given the photo with `--photo FILE`: it wraps any image
 * Pillow opens in the ISO/IEC 19794-5 record, and signs it into EF.SOD), then decoded for
 * the screen: the whole way from the card to the PNG, compared with the source pixels.
 */
const unavailable = chipEmulatorUnavailable() ?? testFacesUnavailable() ?? undefined;
const inCi = process.env.CI !== undefined && process.env.CI !== '' && process.env.CI !== 'false';
/** The emulator's sample card: CAN = the last 6 digits of its ID 001095000225. */
const CAN = '000225';

describe.runIf(unavailable !== undefined && inCi)('JPEG 2000 face from the card emulator: set-up', () => {
  it('has what it needs in CI', () => {
    throw new Error(`the chip card emulator or Pillow's JPEG 2000 cannot run in CI: ${unavailable ?? ''}`);
  });
});

describe.skipIf(unavailable !== undefined)(
  `JPEG 2000 face from the card emulator over PC/SC${unavailable === undefined ? '' : ` (skipped: ${unavailable})`}`,
  { timeout: 120_000 },
  () => {
    let pcscd: PrivatePcscd;
    let handle: ChipReaderHandle;
    let decoder: FacePhotoDecoder;
    let waiting: ((card: ChipCard) => void) | undefined;
    let removing: (() => void) | undefined;
    const photos = mkdtempSync(join(tmpdir(), 'chot-face-card-'));

    beforeAll(async () => {
      pcscd = await PrivatePcscd.start();
      handle = await new ChipReaderDriver(new NodePcscBinding(), { readers: (name) => name === VIRTUAL_READERS[0] }).open();
      handle.onCardInserted((card) => waiting?.(card));
      handle.onCardRemoved(() => removing?.());
      const workerUrl = pathToFileURL(await bundleForNode('main/chip/face-decode-worker.ts', 'face-decode-worker.mjs'));
      decoder = new FacePhotoDecoder({ workerUrl, timeoutMs: 120_000 });
    }, 60_000);

    afterAll(async () => {
      await handle?.close();
      await pcscd?.dispose();
      rmSync(photos, { recursive: true, force: true });
    });

    it.each([
      ['a JP2 file', 'jp2'],
      ['a bare codestream', 'j2k'],
    ] as const)(
      'reads DG2 holding %s through PACE secure messaging, passive authentication vouches for it, and it decodes to the source pixels',
      async (_case, format) => {
        const face = testFace({ width: 480, height: 640, channels: 3, format, ratio: 46 });
        const file = join(photos, `face.${format}`);
        writeFileSync(file, face.encoded);
        const inserted = new Promise<ChipCard>((resolve) => (waiting = resolve));
        // epass_vicc.py takes the last --photo: this one, not the helper's synthetic default.
        const emulator = await ChipEmulator.start(pcscd, { args: ['--photo', file] });
        try {
          const card = await inserted;
          const result = await readChip({
            transmit: (command) => card.transmit(command),
            crypto: nodeChipCrypto,
            verifier: nodeChipSignatureVerifier,
            trustedCscas: [parseCertificate(certificateDer(emulator.cscaPath))],
            scanTime: Date.now(),
            clock: () => performance.now(),
            key: { can: CAN },
            readPhoto: true,
          });
          expect(result.passive.outcome).toBe('chip-verified');
          expect(result.photo).toMatchObject({ format: 'jpeg2000', width: 480, height: 640 });
          expect(Buffer.from(result.photo?.image ?? []).equals(Buffer.from(face.encoded))).toBe(true);

          const shown = await decoder.decode(result.photo ?? { format: 'jpeg2000', image: new Uint8Array(0), width: 0, height: 0 });
          if (!('mime' in shown)) throw new Error(`the photo was not decoded: ${shown.code}`);
          expect(shown).toMatchObject({ mime: 'image/png', width: 480, height: 640 });
          const png = decodePng(Buffer.from(shown.base64, 'base64'));
          const difference = sampleDifference(png.pixels, face.pixels);
          expect(difference.mean).toBeLessThan(4);
          expect(difference.max).toBeLessThan(64);
          expect(decoder.liveWorkers).toBe(0);
        } finally {
          // The next card must find the reader empty, as pcscd sees it.
          const removed = new Promise<void>((resolve) => (removing = resolve));
          await emulator.dispose();
          await removed;
        }
      },
    );
  },
);
