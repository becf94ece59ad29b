// A kiosk process that only opens (and so migrates) a kiosk database, for
// migration-4-crash.test.ts to SIGKILL at any point of the move to facts.sqlite. Says
// "opening" before and "opened" after on stdout.
//
//   node open-kiosk-child.js KIOSK_FILE
import { openKioskDatabase } from '../../../../main/store/kiosk-database.js';

const file = process.argv[2];
if (file === undefined) {
  process.stderr.write('usage: open-kiosk-child KIOSK_FILE\n');
  process.exit(2);
}
process.stdout.write('opening\n');
openKioskDatabase(file).close();
process.stdout.write('opened\n');
