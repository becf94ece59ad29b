import { describe, expect, it } from 'vitest';
import { FACE_PHOTO_PROBLEMS, isDisplayImage, passJpegFacePhoto } from '../../../../main/chip/face-photo.js';

describe('the default face port', () => {
  it('passes a JPEG through as base64, with the size the facial record states', async () => {
    const image = Uint8Array.of(0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 0xff, 0xd9);
    expect(await passJpegFacePhoto({ format: 'jpeg', image, width: 240, height: 320 })).toEqual({
      mime: 'image/jpeg',
      base64: Buffer.from(image).toString('base64'),
      width: 240,
      height: 320,
    });
    // A record that states no size (0) says none.
    expect(await passJpegFacePhoto({ format: 'jpeg', image, width: 0, height: 0 })).toEqual({
      mime: 'image/jpeg',
      base64: Buffer.from(image).toString('base64'),
    });
  });

  it('says a JPEG 2000 face cannot be shown yet, in both languages', async () => {
    const answer = await passJpegFacePhoto({ format: 'jpeg2000', image: Uint8Array.of(0, 0, 0, 0x0c), width: 240, height: 320 });
    expect(answer).toEqual(FACE_PHOTO_PROBLEMS.jpeg2000);
    expect(isDisplayImage(answer)).toBe(false);
    expect(FACE_PHOTO_PROBLEMS.jpeg2000).toEqual({
      code: 'chip.photo-jpeg2000',
      vi: 'Ảnh JPEG 2000 chưa hiển thị được',
      en: 'JPEG 2000 photo cannot be shown yet',
    });
  });
});
