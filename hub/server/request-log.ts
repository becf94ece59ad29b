/** Query values longer than this are logged cut, even when they may be shown. */
const MAX_SHOWN_VALUE = 40;
/** Runs of this many digits or more look like an ID (9-digit old IDs, 12-digit ones). */
const ID_LIKE = /\d{9,}/g;
const PLAIN_NAME = /^[A-Za-z_]{1,32}$/;

/**
 * The request target as the hub's request log shows it. `shown` undefined: as sent (kiosk
 * routes, whose queries are sequences and chunk indexes). Otherwise, for admin routes and
 * for paths the hub does not know (a mistyped admin path carries the same query): only the
 * parameters listed in `shown` keep their values, every other value is `***`, a parameter
 * name that is not a plain word is masked whole, and digit runs that look like an ID are
 * masked in the path. The person an admin traces never reaches the log in clear.
 */
export function loggedTarget(target: string, shown: readonly string[] | undefined): string {
  if (shown === undefined) return target;
  const queryAt = target.indexOf('?');
  const path = (queryAt < 0 ? target : target.slice(0, queryAt)).replace(ID_LIKE, '***');
  if (queryAt < 0) return path;
  const pairs = [...new URLSearchParams(target.slice(queryAt + 1))].map(([name, value]) => {
    if (!PLAIN_NAME.test(name)) return '***';
    if (!shown.includes(name)) return `${name}=***`;
    return `${name}=${encodeURIComponent(value.slice(0, MAX_SHOWN_VALUE)).replace(ID_LIKE, '***')}`;
  });
  return `${path}?${pairs.join('&')}`;
}
