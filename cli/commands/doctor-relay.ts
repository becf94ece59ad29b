import { createInterface } from 'node:readline';
import type { DoctorCheck } from '../../domain/doctor/doctor-check.js';
import type { RelayHandle } from '../../drivers/device.js';
import { DeviceOpeners } from '../../main/devices/device-openers.js';
import type { DeviceSpec, RelaySpec } from '../../main/devices/device-spec.js';
import { messageOf } from '../../platform/message-of.js';

/**
 * The relay click test: each relay in devices.json pulses its gate's channel once, as a green
 * verdict would. It opens a gate, so it runs only when asked (`--relay-test`) and confirmed:
 * a y/N question on a terminal, or `--yes` for a script that has made sure nobody stands in it.
 */

export interface RelayTestDeps {
  /** Asks a yes/no question; undefined: no terminal to ask on. */
  readonly ask?: ((question: string) => Promise<boolean>) | undefined;
  readonly openRelay?: (spec: RelaySpec) => Promise<RelayHandle>;
}

export const isRelaySpec = (spec: DeviceSpec): spec is RelaySpec => spec.kind.endsWith('-relay');

/** A y/N question on the terminal; only an explicit y/yes is a yes. */
export async function askOnTerminal(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await new Promise<string>((resolve) => rl.question(`${question} [y/N] `, resolve));
    return /^(y|yes|c|có|co)$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}

async function openRelayDevice(spec: RelaySpec): Promise<RelayHandle> {
  const opened = await new DeviceOpeners({}).open(spec, { id: spec.path, kind: spec.kind });
  return opened.handle as RelayHandle;
}

export async function relayTestChecks(relays: readonly RelaySpec[], confirmed: boolean, deps: RelayTestDeps): Promise<DoctorCheck[]> {
  if (relays.length === 0) {
    return [
      {
        id: 'relay.test',
        status: 'warn',
        vi: 'Không có rơ-le nào để thử',
        en: 'No relay to test',
        fix: { vi: 'Khai báo rơ-le trong devices.json', en: 'Configure the relay in devices.json' },
      },
    ];
  }
  const checks: DoctorCheck[] = [];
  for (const [index, relay] of relays.entries()) {
    const id = `relay.test.${index}`;
    const label = `${relay.kind} ${relay.path} channel ${relay.channel} (lane ${relay.lane})`;
    const yes =
      confirmed ||
      (deps.ask !== undefined &&
        (await deps.ask(`Thử rơ-le ${label}? Cổng sẽ mở ${relay.pulseMs} ms / Click ${label}? Its gate opens for ${relay.pulseMs} ms`)));
    if (!yes) {
      checks.push({
        id,
        status: 'warn',
        vi: `Bỏ qua thử rơ-le ${label}`,
        en: `Relay test skipped: ${label}`,
        fix: { vi: 'Chạy trên một terminal và trả lời y, hoặc thêm --yes', en: 'Run it on a terminal and answer y, or add --yes' },
      });
      continue;
    }
    try {
      const handle = await (deps.openRelay ?? openRelayDevice)(relay);
      try {
        await handle.pulse(relay.channel, relay.pulseMs);
      } finally {
        await handle.close();
      }
      checks.push({ id, status: 'ok', vi: `Rơ-le đã đóng mở: ${label}`, en: `Relay clicked: ${label}`, detail: { pulseMs: relay.pulseMs } });
    } catch (error) {
      checks.push({
        id,
        status: 'fail',
        vi: `Rơ-le không đóng được: ${label}`,
        en: `The relay did not click: ${label}`,
        detail: { problem: messageOf(error).slice(0, 200) },
        fix: {
          vi: 'Kiểm tra dây, nguồn của bo rơ-le và đường dẫn trong devices.json',
          en: "Check the relay board's cable, power and its path in devices.json",
        },
      });
    }
  }
  return checks;
}
