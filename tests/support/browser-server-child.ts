// A browser-mode server as its own process, for tests that attack it: if an attack took
// the process down, the parent sees the exit instead of the test runner dying with it.
// It serves a real KioskCore on the demo data through the real contract dispatcher, and
// prints one line on stdout once listening:
//   {"origin":"http://127.0.0.1:PORT","token":"…"}
// The server's own log lines go to stderr, one per line, as the kiosk writes them.
//
//   node browser-server-child.mjs
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDispatcher } from '../../main/contract/contract-dispatcher.js';
import { KioskCore } from '../../main/core/kiosk-core.js';
import { startBrowserModeServer } from '../../main/server/browser-mode-server.js';
import { loadStaticFiles } from '../../main/server/static-files.js';

const rendererDir = mkdtempSync(join(tmpdir(), 'chot-renderer-'));
writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>kiosk</title>');
const core = KioskCore.open({ dataDir: mkdtempSync(join(tmpdir(), 'chot-attacked-')), demo: true });
const dispatch = createDispatcher(core, (method) => process.stderr.write(`core fault in ${method}\n`));
const server = await startBrowserModeServer({ dispatch, files: loadStaticFiles(rendererDir), port: 0, log: (line) => process.stderr.write(`${line}\n`) });
process.stdout.write(`${JSON.stringify({ origin: server.origin, token: server.token })}\n`);
process.once('SIGTERM', () => {
  void server.close().then(() => {
    core.close();
    process.exit(0);
  });
});
