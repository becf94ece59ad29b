import type { KioskSetup } from '../../domain/contract/kiosk-setup.js';
import type { Bilingual } from '../../domain/text/bilingual.js';
import { byId } from './dom.js';

const PHASE_WORDS: Readonly<Record<KioskSetup['phase'], Bilingual & { readonly icon: string }>> = {
  enrolling: { icon: '⚙', vi: 'Đang đăng ký với máy chủ…', en: 'Enrolling with the hub…' },
  enrolled: { icon: '✓', vi: 'Đã đăng ký. Kiosk bắt đầu đồng bộ dữ liệu', en: 'Enrolled. The kiosk starts syncing its data' },
  refused: { icon: '✕', vi: 'Chưa đăng ký được', en: 'Not enrolled' },
};

/**
 * Fills the set-up screen (Cài đặt kiosk / Kiosk set-up) from the core's KioskSetup: the
 * phase in words and a sign, the hub and the location once known, the refusal's reason.
 * textContent only: the hub URL came from a scanned code.
 */
export function fillSetupScreen(setup: KioskSetup): void {
  const words = PHASE_WORDS[setup.phase];
  byId('setup-screen').dataset.phase = setup.phase;
  byId('setup-icon').textContent = words.icon;
  byId('setup-phase-vi').textContent = words.vi;
  byId('setup-phase-en').textContent = words.en;
  byId('setup-hub').textContent = setup.hub ?? '—';
  byId('setup-location').textContent = setup.location ?? '—';
  const reason = byId('setup-reason');
  reason.hidden = setup.reason === undefined;
  byId('setup-reason-vi').textContent = setup.reason?.vi ?? '';
  byId('setup-reason-en').textContent = setup.reason?.en ?? '';
}
