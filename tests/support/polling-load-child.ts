// The load generator of the hub-polling benchmark: many simulated kiosks, each with its
// own device key and its own kept-alive connection (an http.Agent with one socket), polling
// one hub's GET /v1/delta as real kiosks do. It runs in a process of its own so that its
// signing and parsing do not share the hub's event loop. Reports on stdout:
//   phase <name>                 when a scenario starts (the benchmark splits the hub's log there)
//   result <JSON PhaseResult>    when it ends
//   error <message>
//
//   node polling-load-child.js --hub URL --devices FILE --data HUB_DIR --people N
//        [--period-ms 5000] [--steady-ms 30000] [--behind 0.5] [--herds 3]
//        [--herd-window-ms 1000] [--herd-stride 100]
// --devices: JSON [{ deviceId, key }] (key: base64 PKCS#8 DER), enrolled at the hub.
// --data and --people: the herds' imports are made here (seedSqliteHubDelta), as an import
// in another process would, so the herd starts the moment the new sequence is committed.
import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Agent } from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { deviceIdentityFrom, type DeviceIdentity } from '../../main/hub-client/device-identity.js';
import { seedSqliteHubDelta } from './hub-seed.js';
import { phaseResult, timedRequest, type LoadSample, type TimedAnswer } from './timed-request.js';

export type { PhaseResult } from './timed-request.js';

export interface PolledDevice {
  readonly deviceId: string;
  /** Base64 PKCS#8 DER of the Ed25519 private key. */
  readonly key: string;
}

const { values } = parseArgs({
  options: {
    hub: { type: 'string' },
    devices: { type: 'string' },
    data: { type: 'string' },
    people: { type: 'string' },
    'period-ms': { type: 'string', default: '5000' },
    'steady-ms': { type: 'string', default: '30000' },
    behind: { type: 'string', default: '0.5' },
    herds: { type: 'string', default: '3' },
    'herd-window-ms': { type: 'string', default: '1000' },
    'herd-stride': { type: 'string', default: '100' },
  },
});
if (values.hub === undefined || values.devices === undefined || values.data === undefined || values.people === undefined) {
  process.stderr.write('usage: polling-load-child --hub URL --devices FILE --data HUB_DIR --people N [options]\n');
  process.exit(2);
}
const hub = new URL(values.hub);
const hubDir = values.data;
const people = Number(values.people);
const say = (text: string): void => void process.stdout.write(`${text}\n`);

interface Kiosk {
  readonly identity: DeviceIdentity;
  readonly agent: Agent;
}

const kiosks: Kiosk[] = (JSON.parse(readFileSync(values.devices, 'utf8')) as PolledDevice[]).map((device) => ({
  identity: deviceIdentityFrom(device.deviceId, createPrivateKey({ key: Buffer.from(device.key, 'base64'), format: 'der', type: 'pkcs8' })),
  // One kept-alive connection per kiosk, as each kiosk's own HTTP client keeps one.
  agent: new Agent({ keepAlive: true, maxSockets: 1 }),
}));
let firstError: string | undefined;

/** One signed GET, timed from the request being sent (after signing) to the body's end. */
async function get(kiosk: Kiosk, pathWithQuery: string, headers: Record<string, string> = {}): Promise<TimedAnswer> {
  const answer = await timedRequest({
    url: new URL(pathWithQuery, hub),
    agent: kiosk.agent,
    headers: { ...kiosk.identity.signRequest('GET', pathWithQuery), ...headers },
  });
  if (answer.error !== undefined) firstError ??= answer.error;
  return answer;
}

async function polled(kiosk: Kiosk, since: number): Promise<LoadSample> {
  const { status, ms } = await get(kiosk, `/v1/delta?since=${since}`, { 'if-none-match': `"delta-${since}-${since}"` });
  return { status, ms };
}

async function measured(phase: 'steady' | 'herd', run: (samples: LoadSample[]) => Promise<void>): Promise<void> {
  say(`phase ${phase}`);
  firstError = undefined;
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const samples: LoadSample[] = [];
  const started = performance.now();
  await run(samples);
  loop.disable();
  say(`result ${JSON.stringify(phaseResult(phase, samples, performance.now() - started, loop.percentile(99) / 1e6, firstError))}`);
}

try {
  const status = await get(kiosks[0] as Kiosk, '/v1/status');
  if (status.status !== 200) throw new Error(`GET /v1/status answered ${status.status}: ${status.body.toString()}`);
  let seq = (JSON.parse(status.body.toString()) as { seq: number }).seq;
  if (seq < 2) throw new Error(`the hub is at sequence ${seq}: the steady scenario needs two (kiosks one behind)`);

  // (a) Steady polling: every kiosk every period, from a random phase; a share of them one
  // sequence behind (a small delta, built once and then served from the hub's cache).
  const period = Number(values['period-ms']);
  const behind = Math.round(Number(values.behind) * kiosks.length);
  await measured('steady', async (samples) => {
    const start = performance.now();
    const end = start + Number(values['steady-ms']);
    await Promise.all(
      kiosks.map(async (kiosk, i) => {
        const since = i < behind ? seq - 1 : seq;
        for (let next = start + Math.random() * period; next < end; next += period) {
          await sleep(Math.max(0, next - performance.now()));
          samples.push(await polled(kiosk, since));
        }
      }),
    );
  });

  // (b) The herd: an import commits a new sequence and every kiosk asks for the same new
  // delta within the window (the WebSocket notice reaches them all at once); the first
  // request makes the hub build it, the others wait for that build or hit the cache.
  const window = Number(values['herd-window-ms']);
  await measured('herd', async (samples) => {
    for (let herd = 0; herd < Number(values.herds); herd++) {
      if (herd > 0) await sleep(5000);
      const since = seq;
      seq = seedSqliteHubDelta(hubDir, people, Number(values['herd-stride']));
      await Promise.all(
        kiosks.map(async (kiosk) => {
          await sleep(Math.random() * window);
          samples.push(await polled(kiosk, since));
        }),
      );
    }
  });
} catch (error) {
  say(`error ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exitCode = 1;
}
for (const kiosk of kiosks) kiosk.agent.destroy();
