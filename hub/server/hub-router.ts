import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { authenticateAdmin } from './admin-auth.js';
import { ADMIN_TRACE_LOGGED_PARAMS, handleAdminTrace } from './admin-routes.js';
import { handleEnroll } from './enroll-route.js';
import type { Exchange, HubContext } from './hub-context.js';
import { MAX_UPLOAD_BYTES } from '../../domain/entries/entry-upload.js';
import { handleEntries } from './entry-routes.js';
import { HttpError, readSmallBody, sendError } from './http-responses.js';
import { handleRules, handleStatus, handleTrust } from './info-routes.js';
import type { RouteLabel } from './hub-metrics.js';
import { handleHealth, handleMetrics } from './ops-routes.js';
import type { NotifySockets } from './notify-socket.js';
import { admit, authenticate } from './request-auth.js';
import { loggedTarget } from './request-log.js';
import { handlePersonFacts } from './person-facts-route.js';
import { handleDelta, handleSnapshot } from './sync-routes.js';
import { messageOf } from '../../platform/message-of.js';
import type { Logger } from '../../platform/logging/logger.js';
import { HUB_HEADERS } from '../../domain/protocol/hub-headers.js';
import { HUB_ROUTE_NAMES, HUB_ROUTES, hubRouteAt, type HubRoute, type HubRouteAuth, type HubRouteName } from '../../domain/protocol/hub-routes.js';

/** How the hub serves one route of domain/protocol/hub-routes.ts; its method, path and authentication come from there. */
interface RouteHandling {
  /** Signed routes with a body: read whole (up to this size) before the signature, which covers it, is checked. */
  readonly maxBodyBytes?: number;
  /** Admin routes (admin-routes.ts): logged with only these query parameters in clear. */
  readonly loggedParams?: readonly string[];
  readonly handle: (hub: HubContext, exchange: Exchange) => Promise<void>;
}

interface Route extends RouteHandling {
  readonly name: HubRouteName;
  readonly method: HubRoute['method'];
  readonly auth: HubRouteAuth;
}

export const NOTIFY_PATH = HUB_ROUTES.notify.path;

/** Every route of the API has its handler here: a route added to the protocol and not served does not compile. */
const HANDLING: Readonly<Record<HubRouteName, RouteHandling>> = {
  enroll: { handle: handleEnroll },
  status: { handle: handleStatus },
  snapshot: { handle: handleSnapshot },
  delta: { handle: handleDelta },
  rules: { handle: handleRules },
  trust: { handle: handleTrust },
  entries: { maxBodyBytes: MAX_UPLOAD_BYTES, handle: handleEntries },
  // Logged with no query and the ID in its path masked: a person's ID never reaches the log.
  personFacts: { loggedParams: [], handle: handlePersonFacts },
  adminTrace: { loggedParams: ADMIN_TRACE_LOGGED_PARAMS, handle: handleAdminTrace },
  health: { handle: handleHealth },
  metrics: { loggedParams: [], handle: handleMetrics },
  // The WebSocket is answered on the upgrade (routeUpgrade); a plain GET is told so.
  notify: {
    handle: async () => {
      throw new HttpError('upgrade-required', `${NOTIFY_PATH} is a WebSocket: open it with an Upgrade request`, { Upgrade: 'websocket' });
    },
  },
};

/** The API of docs/hub-api.md, version 1, by name. */
const ROUTES: ReadonlyMap<HubRouteName, Route> = new Map(
  HUB_ROUTE_NAMES.map((name) => {
    const { method, auth } = HUB_ROUTES[name] as HubRoute;
    return [name, { name, method, auth, ...HANDLING[name] }];
  }),
);

/** The route serving a path (without query): by its pattern, path parameters included. */
function routeAt(path: string): Route | undefined {
  const name = hubRouteAt(path);
  return name === undefined ? undefined : ROUTES.get(name);
}

/** Paths are short; anything longer is logged cut, never whole. */
const MAX_LOGGED_TARGET = 200;

/**
 * Answers one HTTP request: routing (404, 405), authentication, the handler, and the one
 * log line. Nothing a handler throws escapes: a refusal becomes its JSON error, anything
 * else a 500 with the message (and the process goes on serving).
 */
export async function routeRequest(hub: HubContext, request: IncomingMessage, response: ServerResponse, log: Logger): Promise<void> {
  const started = performance.now();
  const target = request.url ?? '/';
  const queryAt = target.indexOf('?');
  const exchange: Exchange = {
    request,
    response,
    path: queryAt < 0 ? target : target.slice(0, queryAt),
    query: new URLSearchParams(queryAt < 0 ? '' : target.slice(queryAt + 1)),
  };
  response.once('close', () => {
    const outcome = response.writableFinished ? String(response.statusCode) : `${response.statusCode} aborted`;
    const seconds = (performance.now() - started) / 1000;
    hub.metrics.requestAnswered(routeAt(exchange.path)?.name ?? 'unknown', response.writableFinished ? String(response.statusCode) : 'aborted', seconds);
    log.info(
      requestLine(request, outcome, performance.now() - started, exchange.admin === undefined ? exchange.device?.deviceId : `admin:${exchange.admin.name}`),
    );
  });
  try {
    const route = routeAt(exchange.path);
    if (route === undefined) throw new HttpError('not-found', `no ${exchange.path} here: this is a Chốt hub (API version 1, docs/hub-api.md)`);
    if (request.method !== route.method)
      throw new HttpError('method-not-allowed', `${exchange.path} takes ${route.method}, not ${request.method}`, { [HUB_HEADERS.allow]: route.method });
    if (route.maxBodyBytes !== undefined) exchange.body = await readSignedBody(hub, request, route.maxBodyBytes);
    if (route.auth === 'device') exchange.device = await authenticate(hub, request, exchange.body);
    else if (route.auth === 'admin') exchange.admin = await authenticateAdmin(hub.storage.adminTokens, request, hub.now);
    await route.handle(hub, exchange);
  } catch (error) {
    answerFailure(response, error, log);
  }
}

/**
 * A signed route's body: only once the headers pass every check they allow (hub-api.md:
 * device, revocation, clock, nonce), and only within the hub's budget for bodies not yet
 * authenticated (body-budget.ts). The signature over it is checked next.
 */
async function readSignedBody(hub: HubContext, request: IncomingMessage, maxBytes: number): Promise<Buffer> {
  await admit(hub.verifier, request, hub.now);
  const declared = Number(request.headers['content-length'] ?? Number.NaN);
  const release = hub.bodyBudget.reserve(Number.isSafeInteger(declared) && declared >= 0 && declared <= maxBytes ? declared : maxBytes);
  try {
    return await readSmallBody(request, maxBytes);
  } finally {
    release();
  }
}

/**
 * A WebSocket upgrade: only `GET /v1/notify`, and only once the request's signature is
 * verified. Refusals are the same JSON errors as for plain requests, written on the raw
 * socket before it is closed.
 */
export async function routeUpgrade(hub: HubContext, notify: NotifySockets, request: IncomingMessage, socket: Duplex, head: Buffer, log: Logger): Promise<void> {
  const started = performance.now();
  // A kiosk that disconnects during the handshake: nothing to answer, nothing to crash.
  socket.on('error', () => socket.destroy());
  let deviceId: string | undefined;
  try {
    const path = (request.url ?? '/').split('?')[0];
    if (path !== NOTIFY_PATH) throw new HttpError('not-found', `no WebSocket at ${path}: the hub's is ${NOTIFY_PATH}`);
    const device = await authenticate(hub, request);
    deviceId = device.deviceId;
    notify.accept(request, socket, head, device.deviceId, () => {
      hub.metrics.requestAnswered('notify', '101', (performance.now() - started) / 1000);
      log.info(requestLine(request, '101', performance.now() - started, deviceId));
    });
  } catch (error) {
    const refusal = error instanceof HttpError ? error : internalError(error, log);
    const route: RouteLabel = (request.url ?? '/').split('?')[0] === NOTIFY_PATH ? 'notify' : 'unknown';
    hub.metrics.requestAnswered(route, String(refusal.status), (performance.now() - started) / 1000);
    log.info(requestLine(request, String(refusal.status), performance.now() - started, deviceId));
    refuseUpgrade(socket, refusal);
  }
}

function answerFailure(response: ServerResponse, error: unknown, log: Logger): void {
  const failure = error instanceof HttpError ? error : internalError(error, log);
  if (!response.headersSent) sendError(response, failure);
  // Half an answer sent: the kiosk sees a cut body (a length mismatch), never a wrong one.
  else response.destroy();
}

function internalError(error: unknown, log: Logger): HttpError {
  const message = messageOf(error);
  log.error(`internal error: ${error instanceof Error && error.stack !== undefined ? error.stack : message}`);
  return new HttpError('internal', `the hub failed to answer: ${message}`);
}

function refuseUpgrade(socket: Duplex, error: HttpError): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const body = Buffer.from(`${JSON.stringify(error.body)}\n`);
  const headers = { ...error.headers, 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': String(body.length), Connection: 'close' };
  const head = [`HTTP/1.1 ${error.status} ${STATUS_CODES[error.status] ?? ''}`, ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`)].join(
    '\r\n',
  );
  socket.end(Buffer.concat([Buffer.from(`${head}\r\n\r\n`), body]));
}

/**
 * One line per request, without secrets: no headers (signatures, admin tokens), no bodies
 * (enrolment codes), and on admin and unknown paths no query values but the route's own
 * (request-log.ts). `who`: the kiosk's device id, or `admin:<token name>`.
 */
function requestLine(request: IncomingMessage, outcome: string, ms: number, who: string | undefined): string {
  const sent = request.url ?? '/';
  const route = routeAt(sent.split('?')[0] as string);
  // Masked before it is cut, so that a cut never splits a value out of its mask.
  const target = loggedTarget(sent, route === undefined ? [] : route.loggedParams).slice(0, MAX_LOGGED_TARGET);
  return `${new Date().toISOString()} ${request.socket.remoteAddress ?? '-'} ${request.method ?? '-'} ${JSON.stringify(target).slice(1, -1)} ${outcome} ${Math.round(ms)}ms ${who ?? '-'}`;
}
