import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm, stat, utimes } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fsyncPath } from '../../platform/fsync-path.js';
import { OWNER_ONLY_DIR_MODE, OWNER_ONLY_FILE_MODE } from '../../platform/owner-only-files.js';
import { assertObjectName, type ArtefactStore, type StoredObject } from './artefact-store.js';

const TEMP_SUFFIX = '.tmp';

/**
 * An artefact store in a directory: a shared mount every hub process sees, served to kiosks
 * by any static web server. Each file is written to a temporary name, flushed, renamed
 * over its name and the directory flushed, so a reader (a web server, another hub process)
 * only ever finds whole files and a crash loses at most a temporary file. Files are
 * owner-only, like the hub's other data: the web server runs as the hub's user.
 */
export class DirectoryArtefactStore implements ArtefactStore {
  constructor(private readonly root: string) {}

  get description(): string {
    return `directory ${this.root}`;
  }

  async putObject(name: string, bytes: Uint8Array): Promise<void> {
    const path = this.pathOf(name);
    const now = new Date();
    try {
      // Same name, same content: only its age restarts.
      await utimes(path, now, now);
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    await this.replace(path, bytes);
  }

  async putIndex(name: string, bytes: Uint8Array): Promise<void> {
    await this.replace(this.pathOf(name), bytes);
  }

  async read(name: string): Promise<Uint8Array | undefined> {
    try {
      return new Uint8Array(await readFile(this.pathOf(name)));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  async list(prefix: string): Promise<readonly StoredObject[]> {
    const dir = prefix.endsWith('/') ? prefix.slice(0, -1) : prefix;
    assertObjectName(dir);
    let names: string[];
    try {
      names = await readdir(join(this.root, dir));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    const listed: StoredObject[] = [];
    for (const name of names) {
      if (name.endsWith(TEMP_SUFFIX)) continue;
      try {
        listed.push({ name: `${dir}/${name}`, writtenAt: (await stat(join(this.root, dir, name))).mtimeMs });
      } catch {
        // Deleted meanwhile (another process's sweep): not listed.
      }
    }
    return listed;
  }

  async delete(name: string): Promise<void> {
    await rm(this.pathOf(name), { force: true });
  }

  private pathOf(name: string): string {
    assertObjectName(name);
    return join(this.root, name);
  }

  private async replace(path: string, bytes: Uint8Array): Promise<void> {
    const dir = dirname(path);
    await mkdir(dir, { recursive: true, mode: OWNER_ONLY_DIR_MODE });
    // A name of its own per writer: two hub processes writing the same object never share a temporary file.
    const temp = `${path}.${randomBytes(6).toString('hex')}${TEMP_SUFFIX}`;
    try {
      const handle = await open(temp, 'wx', OWNER_ONLY_FILE_MODE);
      try {
        await handle.writeFile(bytes);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temp, path);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
    fsyncPath(dir);
  }
}
