import { realpath } from 'node:fs/promises';

/**
 * Device paths compared as the kernel sees them: `/dev/serial/by-id/usb-…-if00` is a link to
 * `/dev/ttyACM0`, and the port list names the tty. A path that cannot be resolved (the
 * device is not plugged in) is compared as written.
 */
export async function resolvedPath(path: string): Promise<string> {
  try {
    return await realpath(path);
  } catch {
    return path;
  }
}

export async function samePath(a: string, b: string): Promise<boolean> {
  if (a === b) return true;
  return (await resolvedPath(a)) === (await resolvedPath(b));
}
