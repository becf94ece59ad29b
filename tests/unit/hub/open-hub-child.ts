// A hub process that only opens (and so migrates) a hub database the way `chot hub import`
// and `chot hub serve` do with `--data`, for sqlite-migration-race.test.ts. Says "opening"
// before and "opened" after on stdout; a failure goes to stderr with exit code 1.
//
//   node open-hub-child.js HUB_FILE
import { SqliteHubStorage } from '../../../hub/storage/sqlite-hub-storage.js';
import { messageOf } from '../../../platform/message-of.js';

const file = process.argv[2];
if (file === undefined) {
  process.stderr.write('usage: open-hub-child HUB_FILE\n');
  process.exit(2);
}
process.stdout.write('opening\n');
try {
  await SqliteHubStorage.open(file).close();
  process.stdout.write('opened\n');
} catch (error) {
  process.stderr.write(`${messageOf(error)}\n`);
  process.exit(1);
}
