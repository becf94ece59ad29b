import type { Reason } from '../text/bilingual.js';

/**
 * Said of every bare ID number, typed on the staff keypad, by a fast typist on a keyboard, or
 * read off a code holding nothing else (anyone can make a QR of a number they know): the colour
 * is that number's, but nothing shows the person holds it. The verdict carries it as a reason
 * (logged by its code) and the screen shows it as a badge beside the headline, plainly and big
 * (renderer/view/screens.ts): the words say typed and unverified, never only "bare number".
 */
export const MANUAL_NOT_VERIFIED: Reason = {
  code: 'credential.manual',
  vi: 'Nhập tay — chưa xác thực',
  en: 'Typed — not verified',
};
