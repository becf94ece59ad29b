import { resolve } from 'node:path';
import { defaultDataDir } from '../../main/config/paths.js';
import { enrollKiosk, EnrollmentError } from '../../main/enrollment/enroll-kiosk.js';
import { parseHubUrl } from '../../main/hub-client/hub-http.js';
import { hubKeyStoreFromKeys } from '../../main/trust/hub-key-store.js';
import { parseCommandArgs, UsageError } from '../args.js';
import { terminalText } from '../../domain/text/terminal-text.js';
import { messageOf } from '../../platform/message-of.js';

export const ENROLL_HELP = `Usage: chot enroll --hub URL --code CODE [--hub-key BASE64] [--data-dir DIR]

Enrols this kiosk with a hub, once: makes the kiosk's device key, redeems the one-time
code an admin made for its location (\`chot hub enroll-code\`), pins the hub's public key
and writes <data-dir>/hub.json. After that \`chot sync\` and \`chot start\` sync with the hub.
Without a keyboard: start the kiosk (\`chot start\`) and scan the QR that
\`chot hub enroll-code --url\` prints with any of its scanners; its set-up screen enrols it.

Options:
  --hub URL         the hub (http://host:port, or https:// behind a TLS proxy)
  --code CODE       the one-time enrolment code (e.g. ABCD-EFGH-JKMN)
  --hub-key BASE64  the hub key you were given (\`chot hub public-key\`): a hub answering
                    with another key is refused and nothing is kept
  --data-dir DIR    the kiosk's data directory (default: ${defaultDataDir()})

A refused code (unknown, used, expired) leaves nothing behind: ask for a new code and
run the command again.
`;

export async function runEnroll(args: readonly string[]): Promise<number> {
  const { values } = parseCommandArgs(args, {
    hub: { type: 'string' },
    code: { type: 'string' },
    'hub-key': { type: 'string' },
    'data-dir': { type: 'string' },
  });
  if (values.hub === undefined) throw new UsageError('--hub URL is needed');
  if (values.code === undefined || values.code.trim() === '') throw new UsageError('--code CODE is needed');
  try {
    parseHubUrl(values.hub);
    if (values['hub-key'] !== undefined) hubKeyStoreFromKeys([values['hub-key']]);
  } catch (error) {
    throw new UsageError(messageOf(error));
  }
  const dataDir = resolve(values['data-dir'] ?? defaultDataDir());
  try {
    const enrolled = await enrollKiosk({
      dataDir,
      hubUrl: values.hub,
      code: values.code,
      ...(values['hub-key'] === undefined ? {} : { expectedHubKey: values['hub-key'] }),
    });
    process.stdout.write(
      [
        `enrolled with ${terminalText(enrolled.config.url)}`,
        `  device:   ${enrolled.config.deviceId}`,
        `  location: ${terminalText(enrolled.config.location)}`,
        `  hub key:  ${enrolled.hubKeyId} (pinned in ${enrolled.hubKeysFile})`,
        `next: \`chot sync --data-dir ${dataDir}\` to fetch the data now, or \`chot start\``,
        '',
      ].join('\n'),
    );
    return 0;
  } catch (error) {
    if (!(error instanceof EnrollmentError)) throw error;
    process.stderr.write(`chot enroll: ${terminalText(error.message)}\n`);
    return 1;
  }
}
