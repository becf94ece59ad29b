import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../../cli/args.js';
import { HUB_SERVE_HELP, runHubServe } from '../../../../cli/commands/hub-serve.js';
import { tempDataDir } from '../../../support/kiosk-process.js';

function output() {
  let text = '';
  return { write: (piece: string) => (text += piece), text: () => text };
}

describe('chot hub serve', () => {
  it('prints its URL and key id, serves until told to stop, then exits 0', async () => {
    const dataDir = tempDataDir('chot-hub-serve-');
    const stdout = output();
    const stderr = output();
    let stop: () => void = () => undefined;
    const stopSignal = new Promise<void>((resolve) => (stop = resolve));
    const running = runHubServe(['--data', dataDir, '--port', '0', '--host', '127.0.0.1'], { stdout, stderr, stopSignal });
    const deadline = Date.now() + 10_000;
    while (!stdout.text().includes('hub key id') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    const url = /hub serving\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(stdout.text())?.[1];
    expect(url).toBeDefined();
    expect(stdout.text()).toMatch(/hub key id\s+[0-9a-f]{8}\n/);
    expect(stdout.text()).toContain(`hub storage     ${dataDir}/hub.sqlite`);
    const answer = await fetch(`${url}/v1/status`);
    expect(answer.status).toBe(401);
    stop();
    expect(await running).toBe(0);
    expect(stderr.text()).toMatch(/GET \/v1\/status 401/);
    await expect(fetch(`${url}/v1/status`)).rejects.toThrow();
    // The same lines, as JSON records, in the hub data directory's owner-only log file.
    const file = join(dataDir, 'logs', 'chot.log');
    const records = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { level: string; message: string });
    expect(records.find((record) => / GET \/v1\/status 401 /.test(record.message))).toMatchObject({ level: 'info' });
    expect(records.map((record) => record.message)).toContain('stopping the hub…');
    if (process.platform !== 'win32') expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('--log-level warn keeps the request lines out of stderr and the file; a wrong level is a usage error', async () => {
    const dataDir = tempDataDir('chot-hub-serve-');
    const stdout = output();
    const stderr = output();
    let stop: () => void = () => undefined;
    const stopSignal = new Promise<void>((resolve) => (stop = resolve));
    const running = runHubServe(['--data', dataDir, '--port', '0', '--host', '127.0.0.1', '--log-level', 'warn'], { stdout, stderr, stopSignal });
    const deadline = Date.now() + 10_000;
    while (!stdout.text().includes('hub key id') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    const url = /hub serving\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(stdout.text())?.[1];
    expect((await fetch(`${url}/v1/status`)).status).toBe(401);
    stop();
    expect(await running).toBe(0);
    expect(stderr.text()).not.toMatch(/GET \/v1\/status/);
    const file = join(dataDir, 'logs', 'chot.log');
    expect(existsSync(file) ? readFileSync(file, 'utf8') : '').not.toMatch(/GET \/v1\/status/);
    await expect(runHubServe(['--log-level', 'loud'], { stdout: output(), stderr: output(), stopSignal: Promise.resolve() })).rejects.toThrow(
      /--log-level must be debug, info, warn or error/,
    );
  });

  it('--poll-interval takes seconds, and refuses what is not a sane interval', async () => {
    for (const bad of ['0', '-1', 'soon', '', '7200'])
      await expect(runHubServe([`--poll-interval=${bad}`], { stdout: output(), stderr: output(), stopSignal: Promise.resolve() })).rejects.toThrow(
        /--poll-interval must be 0.01–3600 seconds/,
      );
    expect(HUB_SERVE_HELP).toMatch(/--cache-dir DIR\] \[--poll-interval S\]/);
  });

  it('refuses a bad port as a usage error, and has help lines', async () => {
    await expect(runHubServe(['--port', '70000'], { stdout: output(), stderr: output(), stopSignal: Promise.resolve() })).rejects.toThrow(UsageError);
    await expect(runHubServe(['--bogus'], { stdout: output(), stderr: output(), stopSignal: Promise.resolve() })).rejects.toThrow(UsageError);
    expect(HUB_SERVE_HELP).toMatch(/^ {2}serve \[--port N\] \[--host H\] \[--pg URL\]/);
  });

  it('--artefact-dir and --artefact-base reach the server; contradictory or incomplete artefact flags are usage errors', async () => {
    const dataDir = tempDataDir('chot-hub-serve-');
    const artefactDir = join(tempDataDir('chot-hub-serve-artefacts-'), 'store');
    let stopHub: () => void = () => undefined;
    const stopSignal = new Promise<void>((resolve) => (stopHub = resolve));
    const stderr = output();
    const running = runHubServe(
      ['--data', dataDir, '--port', '0', '--host', '127.0.0.1', '--artefact-dir', artefactDir, '--artefact-base', 'https://cdn.example/chot/'],
      { stdout: output(), stderr, stopSignal },
    );
    const published = `artefacts published to directory ${artefactDir}, served to kiosks from https://cdn.example/chot/`;
    const deadline = Date.now() + 20_000;
    while (!stderr.text().includes(published) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    stopHub();
    expect(await running).toBe(0);
    expect(stderr.text()).toContain(published);

    const refused = (args: string[], env: NodeJS.ProcessEnv = {}): Promise<number> =>
      runHubServe(['--data', dataDir, ...args], { stdout: output(), stderr: output(), stopSignal: Promise.resolve(), env });
    await expect(refused(['--artefact-base', 'https://cdn.example/chot/'])).rejects.toThrow(/give one of them too/);
    await expect(refused(['--artefact-dir', artefactDir, '--artefact-s3', 'https://s3.example/b/'])).rejects.toThrow(/give one/);
    await expect(refused(['--artefact-dir', artefactDir, '--artefact-base', 'https://cdn.example/chot'])).rejects.toThrow(/ending in "\/"/);
    await expect(refused(['--artefact-s3', 'https://s3.example/b/'])).rejects.toThrow(/AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY/);
    await expect(refused(['--artefact-s3', 'https://s3.example/'], { AWS_ACCESS_KEY_ID: 'a', AWS_SECRET_ACCESS_KEY: 'b' })).rejects.toThrow(UsageError);
  }, 60_000);
});
