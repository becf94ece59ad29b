import type { IncomingMessage } from 'node:http';
import { toVietnamIso } from '../../domain/time/calendar-date.js';
import type { AdminTokenRecord, AdminTokenStore } from '../admin/admin-token-store.js';
import { checkAdminToken } from '../admin/admin-tokens.js';
import { HttpError } from './http-responses.js';
import { HUB_HEADERS } from '../../domain/protocol/hub-headers.js';

/** RFC 6750: a 401 says which scheme to use, and why the token was not taken. */
const challenge = (error?: 'invalid_token'): Record<string, string> => ({
  'WWW-Authenticate': `Bearer realm="chot-admin"${error === undefined ? '' : `, error="${error}"`}`,
});

/**
 * Authenticates an admin request by its `Authorization: Bearer <token>` and returns the
 * token's record (its name goes into the request log), or throws the refusal of
 * docs/hub-api.md. The token is looked up on every request, so a revocation made by the
 * CLI in another process counts from the next one.
 */
export async function authenticateAdmin(store: AdminTokenStore, request: IncomingMessage, now: () => number): Promise<AdminTokenRecord> {
  const header = request.headers[HUB_HEADERS.authorization];
  const match = header === undefined ? null : /^Bearer +(\S+) *$/i.exec(header);
  if (match === null) {
    throw new HttpError(
      'admin-unauthenticated',
      'admin routes need an admin token: send "Authorization: Bearer <token>" (make one with chot hub admin-token create)',
      challenge(),
    );
  }
  const at = now();
  const result = await checkAdminToken(store, match[1] as string, at);
  if (result.ok) return result.record;
  switch (result.refusal) {
    case 'unknown':
      throw new HttpError(
        'admin-unknown-token',
        'this admin token is not known to this hub (mistyped, or made for another hub): chot hub admin-token list shows the tokens',
        challenge('invalid_token'),
      );
    case 'expired':
      throw new HttpError(
        'admin-token-expired',
        `admin token "${result.record.name}" expired at ${toVietnamIso(result.record.expiresAt)}: make a new one with chot hub admin-token create`,
        challenge('invalid_token'),
      );
    case 'revoked':
      throw new HttpError('admin-token-revoked', `admin token "${result.record.name}" has been revoked at this hub: ask an administrator for a new one`);
  }
}
