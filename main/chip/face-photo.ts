import type { FaceImage } from '../../domain/chip/lds/dg2-face.js';
import type { Reason } from '../../domain/text/bilingual.js';
import type { DisplayImage } from '../../domain/verdict/chip-verdict.js';

/**
 * Turns the chip's face image into one the screen can draw, or says why it cannot. A port: the
 * kiosk's default passes JPEG through and cannot show JPEG 2000 yet; a decoder in a worker
 * replaces it. The photo is personal data: it goes to the verdict the screen gets, never into
 * the entry log, the kiosk's log or a file.
 */
export type FacePhotoPort = (photo: FaceImage) => Promise<DisplayImage | Reason>;

export const FACE_PHOTO_PROBLEMS = {
  jpeg2000: {
    code: 'chip.photo-jpeg2000',
    vi: 'Ảnh JPEG 2000 chưa hiển thị được',
    en: 'JPEG 2000 photo cannot be shown yet',
  },
  absent: { code: 'chip.photo-absent', vi: 'Chip không có ảnh chân dung', en: 'The chip holds no photo' },
  failed: { code: 'chip.photo-failed', vi: 'Không hiển thị được ảnh chân dung', en: 'The photo cannot be shown' },
} as const satisfies Record<string, Reason>;

/** The default port: a JPEG as it is (the browser draws it), JPEG 2000 not yet. */
export const passJpegFacePhoto: FacePhotoPort = (photo) => {
  if (photo.format !== 'jpeg') return Promise.resolve(FACE_PHOTO_PROBLEMS.jpeg2000);
  return Promise.resolve({
    mime: 'image/jpeg',
    base64: Buffer.from(photo.image).toString('base64'),
    ...(photo.width > 0 ? { width: photo.width } : {}),
    ...(photo.height > 0 ? { height: photo.height } : {}),
  });
};

export function isDisplayImage(value: DisplayImage | Reason): value is DisplayImage {
  return 'mime' in value;
}
