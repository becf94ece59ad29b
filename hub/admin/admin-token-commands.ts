import { toVietnamIso } from '../../domain/time/calendar-date.js';
import { assertHubStorageExists, describeHubStorage, openHubStorage, type HubStorageLocation } from '../storage/open-hub-storage.js';
import type { AdminTokenStore } from './admin-token-store.js';
import { adminTokenState, createAdminToken, DEFAULT_ADMIN_TOKEN_DAYS, MAX_ADMIN_TOKEN_DAYS } from './admin-tokens.js';

/** The admin token commands' lines for the hub's help text. */
export const ADMIN_TOKEN_HELP = `  admin-token create --name NAME [--valid-days N] [--pg URL]
             (admin) make a token for the hub's admin HTTP API (GET /v1/admin/trace): printed
             once, never again (the hub keeps only its hash); valid ${DEFAULT_ADMIN_TOKEN_DAYS} days by default,
             at most ${MAX_ADMIN_TOKEN_DAYS}. Its holder sends "Authorization: Bearer <token>"
  admin-token list [--pg URL]
             (admin) list the admin tokens: name, created, expires, active/expired/revoked
  admin-token revoke NAME [--pg URL]
             (admin) revoke an admin token: the hub refuses it from the next request on`;

export interface AdminTokenCommandOptions {
  readonly location: HubStorageLocation;
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
  readonly now?: () => number;
}

/** `chot hub admin-token create`: prints the token once, with its name and expiry. Exit code 0. */
export async function runCreateAdminTokenCommand(options: AdminTokenCommandOptions & { readonly name: string; readonly validDays: number }): Promise<number> {
  const now = options.now ?? Date.now;
  return withAdminTokenStore(options.location, 'create', async (store) => {
    const { token, record } = await createAdminToken(store, options.name, options.validDays, now);
    options.stdout.write(
      [
        `admin token     ${token}`,
        `name            ${record.name}`,
        `expires         ${toVietnamIso(record.expiresAt)}`,
        `hub storage     ${describeHubStorage(options.location)}`,
        'Shown once: the hub keeps only its hash. Give it to its holder over a private channel.',
        '',
      ].join('\n'),
    );
    return 0;
  });
}

/** `chot hub admin-token list`: one line per token, never the token itself (the hub does not have it). Exit code 0. */
export async function runListAdminTokensCommand(options: AdminTokenCommandOptions): Promise<number> {
  const now = (options.now ?? Date.now)();
  return withAdminTokenStore(options.location, 'existing', async (store) => {
    const tokens = await store.list();
    if (tokens.length === 0) {
      options.stdout.write(`no admin tokens (${describeHubStorage(options.location)})\n`);
      return 0;
    }
    const rows = [
      ['NAME', 'CREATED', 'EXPIRES', 'STATUS'],
      ...tokens.map((t) => [t.name, toVietnamIso(t.createdAt), toVietnamIso(t.expiresAt), adminTokenState(t, now)]),
    ];
    const widths = [0, 1, 2].map((column) => Math.max(...rows.map((row) => row[column]?.length ?? 0)));
    options.stdout.write(rows.map((row) => row.map((cell, i) => (i < 3 ? cell.padEnd(widths[i] ?? 0) : cell)).join('  ')).join('\n') + '\n');
    return 0;
  });
}

/** `chot hub admin-token revoke NAME`: exit code 0 when the token is (now) revoked, 1 when unknown. */
export async function runRevokeAdminTokenCommand(options: AdminTokenCommandOptions & { readonly name: string }): Promise<number> {
  const now = options.now ?? Date.now;
  return withAdminTokenStore(options.location, 'existing', async (store) => {
    const at = now();
    const token = await store.revoke(options.name, at);
    if (token === undefined) {
      options.stderr.write(
        `chot hub admin-token revoke: no admin token "${options.name}" in ${describeHubStorage(options.location)} (chot hub admin-token list shows them)\n`,
      );
      return 1;
    }
    options.stdout.write(
      token.revokedAt === at
        ? `revoked admin token "${token.name}": the hub refuses it from now on\n`
        : `admin token "${token.name}" was already revoked (${toVietnamIso(token.revokedAt ?? at)})\n`,
    );
    return 0;
  });
}

/** Listing and revoking need a hub that exists: a mistyped --data must say so, not create an empty hub. */
async function withAdminTokenStore(
  location: HubStorageLocation,
  open: 'create' | 'existing',
  work: (store: AdminTokenStore) => Promise<number>,
): Promise<number> {
  if (open === 'existing') assertHubStorageExists(location);
  const storage = await openHubStorage(location);
  try {
    return await work(storage.adminTokens);
  } finally {
    await storage.close();
  }
}
