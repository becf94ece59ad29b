// A plain static HTTP server over one directory, standing for the artefact store's web
// server or a CDN edge: GET and HEAD of the files under the directory, single byte ranges
// (206, what a resumed download asks for), a strong ETag, and nothing else — no hub code,
// no signatures checked, no database. That it serves kiosks what the hub serves is the
// point: the chunks carry their own signatures. Tests can make it misbehave (alter a file's
// bytes on the way out, cut a response off once) to prove the kiosk's checks and resume.
//
//   node static-file-server.js DIR     prints `static serving http://127.0.0.1:PORT`
import { createReadStream, readFileSync, statSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** [start, end] inclusive, or 'unsatisfiable', or undefined for no (or an unsupported) Range header. */
export function parseByteRange(header: string | undefined, size: number): { start: number; end: number } | 'unsatisfiable' | undefined {
  if (header === undefined) return undefined;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  // Several ranges (multipart answers) are not needed by a kiosk: the whole file is a valid answer.
  if (match === null) return undefined;
  const [, first = '', last = ''] = match;
  if (first === '' && last === '') return undefined;
  if (first === '') {
    const suffix = Number(last);
    if (suffix === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  if (start >= size || end < start) return 'unsatisfiable';
  return { start, end };
}

/** Misbehaviour on demand, by request path (`/chunks/<sha256>.chsy`). */
export interface StaticFaults {
  /** Each request's path and Range header, as it arrived. */
  readonly seen?: (path: string, range: string | undefined) => void;
  /** Paths served with one bit of their middle byte flipped. */
  readonly tampered?: ReadonlySet<string>;
  /** The next response for a path stops (the connection destroyed) after this many bytes; consumed. */
  readonly cuts?: Map<string, number>;
}

/** The relative file a request path names, or undefined for one that leaves the directory, names a dot file or nothing. */
function fileOf(path: string): string | undefined {
  const segments = path.split('/').slice(1);
  if (segments.length === 0 || segments.some((segment) => segment === '' || segment.startsWith('.'))) return undefined;
  return segments.join('/');
}

export function createStaticFileServer(dir: string, faults: StaticFaults = {}): Server {
  const server = createServer({ keepAlive: true }, (request, response) => {
    let path: string;
    try {
      path = decodeURIComponent((request.url ?? '/').split('?')[0] ?? '/');
    } catch {
      response.writeHead(400).end();
      return;
    }
    faults.seen?.(path, request.headers.range);
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    // Files under the directory only: no way out of it, no listing.
    const name = fileOf(path);
    let size: number;
    let mtimeMs: number;
    try {
      if (name === undefined) throw new Error('not a file name');
      const stat = statSync(join(dir, name));
      if (!stat.isFile()) throw new Error('not a file');
      ({ size, mtimeMs } = stat);
    } catch {
      response.writeHead(404).end();
      return;
    }
    const file = join(dir, name);
    const etag = `"${size.toString(16)}-${Math.floor(mtimeMs).toString(16)}"`;
    const headers = {
      ETag: etag,
      'Accept-Ranges': 'bytes',
      'Content-Type': 'application/octet-stream',
      'Cache-Control': 'public, max-age=31536000, immutable',
    };
    if (request.headers['if-none-match'] === etag) {
      response.writeHead(304, headers).end();
      return;
    }
    const range = parseByteRange(request.headers.range, size);
    if (range === 'unsatisfiable') {
      response.writeHead(416, { ...headers, 'Content-Range': `bytes */${size}` }).end();
      return;
    }
    const { start, end } = range ?? { start: 0, end: size - 1 };
    response.writeHead(range === undefined ? 200 : 206, {
      ...headers,
      'Content-Length': String(end - start + 1),
      ...(range === undefined ? {} : { 'Content-Range': `bytes ${start}-${end}/${size}` }),
    });
    if (request.method === 'HEAD' || size === 0) {
      response.end();
      return;
    }
    const cut = faults.cuts?.get(path);
    if (faults.tampered?.has(path) === true || cut !== undefined) {
      faults.cuts?.delete(path);
      sendFaulty(response, file, { start, end, tamper: faults.tampered?.has(path) === true, cut });
      return;
    }
    const stream = createReadStream(file, { start, end, highWaterMark: 256 * 1024 });
    stream.on('error', () => response.destroy());
    stream.pipe(response);
  });
  server.keepAliveTimeout = 65_000;
  return server;
}

function sendFaulty(response: ServerResponse, file: string, fault: { start: number; end: number; tamper: boolean; cut: number | undefined }): void {
  const bytes = readFileSync(file);
  if (fault.tamper) {
    const middle = Math.floor(bytes.length / 2);
    bytes[middle] = (bytes[middle] as number) ^ 0x01;
  }
  const body = bytes.subarray(fault.start, fault.end + 1);
  if (fault.cut === undefined) response.end(body);
  else response.write(body.subarray(0, fault.cut), () => response.destroy());
}

/** The server in a test's own process, with its faults at hand. */
export interface StaticFileServer {
  /** `http://127.0.0.1:port/` */
  readonly url: string;
  /** Every request: its path and Range header. */
  readonly requests: { readonly path: string; readonly range: string | undefined }[];
  /** From now on, `path` is served with one bit of its middle byte flipped. */
  tamper(path: string): void;
  /** The next response for `path` stops (the connection is destroyed) after `bytes` bytes. */
  cutOnce(path: string, bytes: number): void;
  close(): Promise<void>;
}

export async function startStaticFileServer(root: string): Promise<StaticFileServer> {
  const requests: { path: string; range: string | undefined }[] = [];
  const tampered = new Set<string>();
  const cuts = new Map<string, number>();
  const server = createStaticFileServer(root, { seen: (path, range) => requests.push({ path, range }), tampered, cuts });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    requests,
    tamper: (path) => tampered.add(path),
    cutOnce: (path, bytes) => cuts.set(path, bytes),
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dir = process.argv[2];
  if (dir === undefined) {
    process.stderr.write('usage: static-file-server DIR\n');
    process.exit(2);
  }
  const server = createStaticFileServer(dir);
  server.listen(0, '127.0.0.1', () => {
    process.stdout.write(`static serving http://127.0.0.1:${(server.address() as AddressInfo).port}\n`);
  });
  // Kept-alive connections would hold close() open: the benchmark is done with them.
  process.once('SIGTERM', () => process.exit(0));
}
