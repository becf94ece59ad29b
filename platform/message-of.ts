/**
 * The text of a thrown value, for a log line or an error reply: an Error's message, else
 * the value as a string (a library may throw a string or a plain object). One function, so
 * every catch in drivers/, main/, hub/ and cli/ words a failure the same way.
 */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
