import type { HubKeyStore } from '../../domain/credentials/verification.js';
import { canonicalScope, isSignedScope, type ProvinceScope } from '../../domain/sync/province-scope.js';

/**
 * The kiosk's scope as the hub signed it in a status answer (docs/hub-api.md): checked as the
 * signed hub time is — a pinned key, a matching signature, this kiosk. Undefined: nothing to
 * believe (an older hub sends none; a forged or another kiosk's is ignored), and the kiosk
 * keeps what it knew.
 */
export function checkSignedScope(value: unknown, deviceId: string, keys: HubKeyStore): ProvinceScope | undefined {
  if (!isSignedScope(value)) return undefined;
  const { scope, signature } = value;
  const key = keys.byKeyId(scope.hubKeyId);
  if (key === undefined || !key.verify(canonicalScope(scope), Buffer.from(signature, 'base64url'))) return undefined;
  return scope.kioskId === deviceId ? scope.provinces : undefined;
}
