/**
 * Owner-only storage: a kiosk's facts database holds the health facts of a province and
 * the hub's storage is its admin credential, so neither may be readable by other users of
 * the machine. One mechanism for both (the kiosk's data directory and the hub's): a
 * directory 0700, every file 0600, created so and tightened when found more open.
 *
 * Shared by the kiosk (main/) and the hub (hub/), which may not import each other. The file
 * system is a port (node:fs fits it as it is), so tests can hand it a failing one.
 */

/** rwx for the owner only. */
export const OWNER_ONLY_DIR_MODE = 0o700;
/** rw for the owner only. SQLite gives a database's -wal and -shm files the database file's mode. */
export const OWNER_ONLY_FILE_MODE = 0o600;

/** The permission bits of a mode that let a group or other users in. */
const GROUP_OTHER_BITS = 0o077;
/** Tightening only takes group and other bits away: the owner's stay as they were. */
const OWNER_BITS = 0o700;

/** The node:fs calls this needs, plus the platform (Windows has no owner/group/other bits to tighten). */
export interface OwnerOnlyFileSystem {
  readonly platform: string;
  mkdirSync(path: string, options: { recursive: true; mode: number }): unknown;
  lstatSync(path: string): { readonly mode: number; isDirectory(): boolean; isFile(): boolean };
  chmodSync(path: string, mode: number): void;
  readdirSync(path: string): string[];
  writeFileSync(path: string, data: string, options: { mode: number; flag: 'a' }): void;
  existsSync(path: string): boolean;
}

const joinPath = (dir: string, name: string): string => (dir.endsWith('/') || dir.endsWith('\\') ? `${dir}${name}` : `${dir}/${name}`);

/** Creates `dir` (and its missing parents) owner-only; an existing one is left to secureOwnerOnlyTree. */
export function makeOwnerOnlyDir(fs: OwnerOnlyFileSystem, dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: OWNER_ONLY_DIR_MODE });
}

/**
 * Creates `file` empty and owner-only when it does not exist yet, in an owner-only
 * directory: what SQLite then opens keeps the mode, and so do its journals.
 */
export function createOwnerOnlyFile(fs: OwnerOnlyFileSystem, file: string, dir: string): void {
  makeOwnerOnlyDir(fs, dir);
  if (!fs.existsSync(file)) fs.writeFileSync(file, '', { mode: OWNER_ONLY_FILE_MODE, flag: 'a' });
}

/**
 * Creates `dir` owner-only, or tightens it and everything under it that lets a group or
 * other users in (an install from before this rule, a file copied in). Symbolic links are
 * neither followed nor changed: what they point to is not the kiosk's to change. Returns
 * the paths it changed and those it could not (a file another user owns), relative to
 * `dir` ('.' for `dir` itself), for one log line; the names are the kiosk's own file
 * names, never personal data. A path it cannot change does not stop it: the kiosk must
 * still start, and says which.
 */
export function secureOwnerOnlyTree(fs: OwnerOnlyFileSystem, dir: string): { changed: string[]; failed: string[] } {
  makeOwnerOnlyDir(fs, dir);
  const changed: string[] = [];
  const failed: string[] = [];
  if (fs.platform === 'win32') return { changed, failed };
  const tighten = (path: string, mode: number, relative: string): void => {
    if ((mode & GROUP_OTHER_BITS) === 0) return;
    try {
      fs.chmodSync(path, mode & OWNER_BITS);
      changed.push(relative);
    } catch {
      failed.push(relative);
    }
  };
  const visit = (path: string, relative: string): void => {
    let stat: ReturnType<OwnerOnlyFileSystem['lstatSync']>;
    let names: string[] = [];
    try {
      stat = fs.lstatSync(path);
      if (stat.isDirectory()) names = fs.readdirSync(path).sort();
    } catch {
      failed.push(relative);
      return;
    }
    if (!stat.isDirectory() && !stat.isFile()) return;
    tighten(path, stat.mode, relative);
    for (const name of names) visit(joinPath(path, name), relative === '.' ? name : `${relative}/${name}`);
  };
  visit(dir, '.');
  return { changed, failed };
}
