import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { DoctorCheck } from '../../domain/doctor/doctor-check.js';

/** The units the kiosk package installs: the core (scan path, sync, upload) and the display. */
export const KIOSK_UNITS = ['chot-core.service', 'chot-display.service'] as const;

/** How systemd is asked; tests pass fakes. */
export interface SystemdProbe {
  /** systemd is the init (PID 1): otherwise nothing supervises the kiosk and the units mean nothing. */
  underSystemd(): boolean;
  /** `systemctl is-active` for each unit, in order: active, inactive, failed, activating… */
  activeStates(units: readonly string[]): Promise<string[]>;
}

export const hostSystemd: SystemdProbe = {
  // systemd's own documented test (sd_booted): this directory exists only when it is PID 1.
  underSystemd: () => existsSync('/run/systemd/system'),
  activeStates: (units) =>
    new Promise((resolve) => {
      // is-active exits non-zero when a unit is not active, yet prints one state per unit.
      execFile('systemctl', ['is-active', ...units], { timeout: 5000 }, (_error, stdout) => {
        const states = stdout.split('\n').filter((line) => line !== '');
        resolve(units.map((_, i) => states[i] ?? 'unknown'));
      });
    }),
};

export async function systemdCheck(probe: SystemdProbe): Promise<DoctorCheck> {
  if (!probe.underSystemd()) {
    return {
      id: 'systemd',
      status: 'warn',
      vi: 'Không chạy dưới systemd: không gì khởi động lại máy khi nó treo',
      en: 'Not under systemd: nothing restarts the kiosk when it hangs',
      fix: { vi: 'Cài gói chot-kiosk để chạy máy như một thiết bị', en: 'Install the chot-kiosk package to run the kiosk as an appliance' },
    };
  }
  const states = await probe.activeStates(KIOSK_UNITS);
  const detail = Object.fromEntries(KIOSK_UNITS.map((unit, i) => [unit, states[i] ?? 'unknown']));
  const summary = KIOSK_UNITS.map((unit, i) => `${unit} ${states[i] ?? 'unknown'}`).join(', ');
  const status = states.every((state) => state === 'active') ? 'ok' : states.some((state) => state === 'failed') ? 'fail' : 'warn';
  return {
    id: 'systemd',
    status,
    vi: `Dịch vụ systemd: ${summary}`,
    en: `systemd units: ${summary}`,
    detail,
    ...(status === 'ok'
      ? {}
      : {
          fix: {
            vi: `Xem lý do: journalctl -u ${KIOSK_UNITS[0]} -b; bật lại: sudo systemctl enable --now ${KIOSK_UNITS.join(' ')}`,
            en: `See why: journalctl -u ${KIOSK_UNITS[0]} -b; start them: sudo systemctl enable --now ${KIOSK_UNITS.join(' ')}`,
          },
        }),
  };
}
