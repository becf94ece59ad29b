/**
 * The hub's HTTP routes, version 1 (docs/hub-api.md): one table that the hub serves
 * (hub/server/hub-router.ts), the kiosk's client calls (main/hub-client/hub-client.ts) and
 * the test hub imitates. A route is named once here; its method, path, how it is
 * authenticated and its query parameters follow from the name.
 */

/** How a request to the route proves who sends it. */
export type HubRouteAuth =
  /** Nobody: enrolment, which redeems a one-time code, and the health check, which says nothing about anyone. */
  | 'none'
  /** An enrolled kiosk's signature over the request (domain/sync/signed-request.ts). */
  | 'device'
  /** An admin token (`Authorization: Bearer`), never a kiosk's signature. */
  | 'admin';

export interface HubRoute {
  readonly method: 'GET' | 'POST';
  /**
   * The path below the hub's base URL. A `:name` segment is a path parameter: only the person
   * lookup has one (the ID names the resource asked about); everything else goes in the query.
   */
  readonly path: string;
  readonly auth: HubRouteAuth;
  /** The query parameters the route reads; any other is ignored (kiosk routes) or refused (admin routes). */
  readonly query: readonly string[];
  /** A WebSocket: answered only to an Upgrade request. */
  readonly websocket?: true;
}

export const HUB_ROUTES = {
  enroll: { method: 'POST', path: '/v1/enroll', auth: 'none', query: [] },
  status: { method: 'GET', path: '/v1/status', auth: 'device', query: [] },
  snapshot: { method: 'GET', path: '/v1/snapshot', auth: 'device', query: ['seq', 'from'] },
  delta: { method: 'GET', path: '/v1/delta', auth: 'device', query: ['since'] },
  rules: { method: 'GET', path: '/v1/rules', auth: 'device', query: [] },
  trust: { method: 'GET', path: '/v1/trust', auth: 'device', query: [] },
  entries: { method: 'POST', path: '/v1/entries', auth: 'device', query: [] },
  notify: { method: 'GET', path: '/v1/notify', auth: 'device', query: [], websocket: true },
  // A person outside the kiosk's synced data, asked about while they stand at the gate (docs/hub-api.md).
  personFacts: { method: 'GET', path: '/v1/person/:id/facts', auth: 'device', query: [] },
  adminTrace: { method: 'GET', path: '/v1/admin/trace', auth: 'admin', query: ['id', 'from', 'to', 'window', 'format'] },
  // For a load balancer or an orchestrator's probe: answers without credentials, carries no data.
  health: { method: 'GET', path: '/v1/health', auth: 'none', query: [] },
  // Prometheus's conventional path, outside /v1: the exposition format is versioned on its own.
  metrics: { method: 'GET', path: '/metrics', auth: 'admin', query: [] },
} as const satisfies Readonly<Record<string, HubRoute>>;

export type HubRouteName = keyof typeof HUB_ROUTES;

export const HUB_ROUTE_NAMES = Object.keys(HUB_ROUTES) as readonly HubRouteName[];

/** The query parameters of a route, by name: what a caller may set. */
export type HubRouteQuery<R extends HubRouteName> = Partial<Record<(typeof HUB_ROUTES)[R]['query'][number], string | number | undefined>>;

/** The route serving `path` (without query), if any. */
export function hubRouteAt(path: string): HubRouteName | undefined {
  return HUB_ROUTE_NAMES.find((name) => routePathParameters(HUB_ROUTES[name].path, path) !== undefined);
}

/**
 * The path parameters of `path` under the route pattern `pattern` (`/v1/person/:id/facts`),
 * or undefined when the path is not the route's. A parameter is one whole, non-empty segment.
 */
export function routePathParameters(pattern: string, path: string): Readonly<Record<string, string>> | undefined {
  const want = pattern.split('/');
  const got = path.split('/');
  if (want.length !== got.length) return undefined;
  const parameters: Record<string, string> = {};
  for (const [i, segment] of want.entries()) {
    const sent = got[i] as string;
    if (segment.startsWith(':')) {
      if (sent === '') return undefined;
      parameters[segment.slice(1)] = sent;
    } else if (segment !== sent) return undefined;
  }
  return parameters;
}

/** A route's path with its parameters filled in (each URL-encoded), for the client to call. */
export function routePath(pattern: string, parameters: Readonly<Record<string, string>> = {}): string {
  return pattern
    .split('/')
    .map((segment) => {
      if (!segment.startsWith(':')) return segment;
      const value = parameters[segment.slice(1)];
      if (value === undefined || value === '') throw new RangeError(`the path ${pattern} needs its ${segment.slice(1)}`);
      return encodeURIComponent(value);
    })
    .join('/');
}
