import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HUB_ERROR_CODES, HUB_ERROR_STATUS, isHubErrorCode } from '../../../../domain/protocol/hub-errors.js';
import { HUB_HEADERS } from '../../../../domain/protocol/hub-headers.js';
import { HUB_ROUTE_NAMES, HUB_ROUTES, type HubRoute } from '../../../../domain/protocol/hub-routes.js';
import { repoRoot } from '../../../support/kiosk-process.js';
import { startTestHub, type TestHub } from './hub-test-kit.js';

/**
 * The hub's side of the wire contract (domain/protocol): it serves every route the protocol
 * names, with the declared method and authentication, and every refusal it sends is a code
 * of the protocol at the protocol's status.
 */
const hubs: TestHub[] = [];
afterEach(async () => {
  for (const hub of hubs.splice(0)) await hub.close();
});

async function hub(): Promise<TestHub> {
  const started = await startTestHub();
  hubs.push(started);
  return started;
}

/** The answer as a refusal of the protocol: its code is one, at that code's status. */
async function refusalOf(response: Response): Promise<string> {
  const body = (await response.json()) as { error?: unknown; message?: unknown };
  expect(isHubErrorCode(body.error), `${JSON.stringify(body.error)} is a code of the protocol`).toBe(true);
  expect(typeof body.message).toBe('string');
  expect(response.status).toBe(HUB_ERROR_STATUS[body.error as keyof typeof HUB_ERROR_STATUS]);
  return body.error as string;
}

const otherMethod = (route: HubRoute): string => (route.method === 'GET' ? 'POST' : 'GET');

describe('the hub serves the routes of domain/protocol', () => {
  it('another method than the declared one is 405, naming the declared one, on every route', async () => {
    const h = await hub();
    for (const name of HUB_ROUTE_NAMES) {
      const route: HubRoute = HUB_ROUTES[name];
      const response = await fetch(`${h.server.url}${route.path}`, { method: otherMethod(route) });
      expect(await refusalOf(response), name).toBe('method-not-allowed');
      expect(response.headers.get(HUB_HEADERS.allow), name).toBe(route.method);
    }
  });

  it('with the declared method and no credentials, each route asks for the authentication the protocol declares', async () => {
    const h = await hub();
    const expected = { device: 'unsigned', admin: 'admin-unauthenticated' } as const;
    const answers: Record<string, number | string> = {};
    for (const name of HUB_ROUTE_NAMES) {
      const route: HubRoute = HUB_ROUTES[name];
      const response = await fetch(`${h.server.url}${route.path}`, { method: route.method });
      if (route.auth === 'none') answers[name] = response.ok ? response.status : await refusalOf(response);
      else expect(await refusalOf(response), name).toBe(expected[route.auth]);
    }
    // Routes that need none reach their handler: enrolment refuses a body that is not JSON,
    // the health check answers.
    expect(answers).toEqual({ enroll: 'bad-request', health: 200 });
  });

  it('a kiosk’s signed request with the declared method reaches the handler of every device route', async () => {
    const h = await hub();
    const kiosk = await h.enrol();
    const answers: Record<string, number | string> = {};
    for (const name of HUB_ROUTE_NAMES) {
      const route: HubRoute = HUB_ROUTES[name];
      if (route.auth !== 'device') continue;
      const body = route.method === 'POST' ? new Uint8Array(0) : undefined;
      const response = await fetch(`${h.server.url}${route.path}`, {
        method: route.method,
        headers: kiosk.identity.signRequest(route.method, route.path, body),
        ...(body === undefined ? {} : { body }),
      });
      answers[name] = response.ok ? response.status : await refusalOf(response);
    }
    // What each handler says to an empty request: authentication passed in every case. (The
    // first snapshot of an empty hub may or may not be built yet.)
    expect(answers).toEqual({
      status: 200,
      snapshot: expect.toBeOneOf([200, 'snapshot-building']),
      delta: 'bad-request',
      rules: 200,
      trust: 200,
      entries: 'bad-batch',
      notify: 'upgrade-required',
      // The pattern sent as is: `:id` is not a 12-digit ID.
      personFacts: 'bad-request',
    });
  });

  it('a path the protocol does not name is 404 not-found', async () => {
    const h = await hub();
    expect(await refusalOf(await fetch(`${h.server.url}/v1/nothing`))).toBe('not-found');
  });
});

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

it('every error code of the protocol is one the hub sends (its sources name it)', () => {
  const hubText = sourceFiles(join(repoRoot(), 'hub'))
    .map((file) => readFileSync(file, 'utf8'))
    .join('\n');
  const unsent = HUB_ERROR_CODES.filter((code) => !hubText.includes(`'${code}'`));
  expect(unsent).toEqual([]);
});
