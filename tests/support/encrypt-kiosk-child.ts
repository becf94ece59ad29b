// A kiosk process that only opens its databases with an at-rest key (and so encrypts a
// plaintext kiosk in place, then migrates it), for encryption-crash.test.ts to SIGKILL.
// Says "opening" before and "opened" after on stdout. With STEP, it kills itself right
// after that step of encryptDatabaseInPlace instead (a power cut at that exact point).
//
//   node encrypt-kiosk-child.js DATA_DIR HEX_KEY [STEP]
import { join } from 'node:path';
import type { AtRestKey } from '../../main/store/at-rest-key.js';
import { encryptDatabaseInPlace, type EncryptionStep } from '../../main/store/database-encryption.js';
import { FACTS_DATABASE_FILE, openFactsDatabase } from '../../main/store/facts-database.js';
import { KIOSK_DATABASE_FILE, openKioskDatabase } from '../../main/store/kiosk-database.js';

const [dataDir, hex, stopAfter] = process.argv.slice(2);
if (dataDir === undefined || hex === undefined) {
  process.stderr.write('usage: encrypt-kiosk-child DATA_DIR HEX_KEY [STEP]\n');
  process.exit(2);
}
const key: AtRestKey = { hex, source: 'key-file', origin: 'test' };
process.stdout.write('opening\n');
if (stopAfter !== undefined) {
  encryptDatabaseInPlace(join(dataDir, KIOSK_DATABASE_FILE), key, {
    afterStep: (step: EncryptionStep) => {
      if (step === stopAfter) process.kill(process.pid, 'SIGKILL');
    },
  });
} else {
  openKioskDatabase(join(dataDir, KIOSK_DATABASE_FILE), key, { encryptPlaintext: true }).close();
  openFactsDatabase(join(dataDir, FACTS_DATABASE_FILE), key, { encryptPlaintext: true }).close();
}
process.stdout.write('opened\n');
