import { describe, expect, it } from 'vitest';
import { KIOSK_UNITS, systemdCheck, type SystemdProbe } from '../../../../main/doctor/systemd-check.js';

const probe = (underSystemd: boolean, states: string[]): SystemdProbe & { asked: string[][] } => {
  const asked: string[][] = [];
  return {
    asked,
    underSystemd: () => underSystemd,
    activeStates: async (units) => {
      asked.push([...units]);
      return states;
    },
  };
};

describe("the kiosk's systemd units", () => {
  it('WARNs when systemd is not the init, without asking systemctl', async () => {
    const notInit = probe(false, []);
    expect(await systemdCheck(notInit)).toMatchObject({ id: 'systemd', status: 'warn', en: 'Not under systemd: nothing restarts the kiosk when it hangs' });
    expect(notInit.asked).toEqual([]);
  });

  it('is OK when both units are active', async () => {
    const running = probe(true, ['active', 'active']);
    expect((await systemdCheck(running)).status).toBe('ok');
    expect(running.asked).toEqual([[...KIOSK_UNITS]]);
  });

  it('FAILs a failed unit and WARNs an inactive one, naming each state', async () => {
    const failed = await systemdCheck(probe(true, ['failed', 'active']));
    expect(failed).toMatchObject({ status: 'fail', detail: { 'chot-core.service': 'failed', 'chot-display.service': 'active' } });
    expect(failed.fix?.en).toContain('journalctl -u chot-core.service');
    expect((await systemdCheck(probe(true, ['active', 'inactive']))).status).toBe('warn');
  });
});
