import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { assertObjectName, type ArtefactStore, type StoredObject } from './artefact-store.js';
import { encodeS3Path, sha256Hex, signS3Request, canonicalQuery, type S3Credentials } from './s3-signature.js';

export interface S3ArtefactStoreOptions {
  /**
   * The bucket and an optional prefix as a path-style URL: `https://s3.eu-west-1.amazonaws.com/bucket/chot/`,
   * `http://minio.local:9000/bucket/`. Objects are `<prefix><name>`.
   */
  readonly url: string;
  readonly region: string;
  readonly credentials: S3Credentials;
  /** Per request. Default 30 s. */
  readonly timeoutMs?: number;
  readonly now?: () => Date;
}

/** Objects and the index are small (a chunk is a few hundred kB): more than this is not one of ours. */
const MAX_READ_BYTES = 64 * 1024 * 1024;
/** A listing page is at most 1 000 keys, each a few hundred bytes of XML. */
const MAX_LIST_BYTES = 4 * 1024 * 1024;
const DEFAULT_TIMEOUT_MS = 30_000;
/** Chunks never change (named by their hash): caches keep them for a year. The index is checked each time. */
const OBJECT_CACHE_CONTROL = 'public, max-age=31536000, immutable';
const INDEX_CACHE_CONTROL = 'no-cache';

/**
 * The artefact store in an S3-compatible bucket (AWS S3, MinIO, Ceph…), behind a CDN for
 * the kiosks. Plain signed requests (Signature Version 4) over node:http(s), path-style, no
 * SDK: PUT, GET, DELETE and ListObjects are all it needs. A PUT is atomic in S3, so the
 * index is replaced whole; writing an object again (same name, same bytes) renews its
 * LastModified, which is what the grace-period sweep reads.
 */
export class S3ArtefactStore implements ArtefactStore {
  private readonly endpoint: URL;
  /** `/bucket/prefix/`, decoded. */
  private readonly root: string;

  constructor(private readonly options: S3ArtefactStoreOptions) {
    this.endpoint = new URL(options.url);
    if (this.endpoint.protocol !== 'https:' && this.endpoint.protocol !== 'http:') throw new Error(`an S3 URL is http(s): ${options.url}`);
    if (this.endpoint.username !== '' || this.endpoint.password !== '') throw new Error('put the S3 credentials in the environment, not in the URL');
    const path = decodeURIComponent(this.endpoint.pathname);
    if (!/^\/[^/]+\//.test(path.endsWith('/') ? path : `${path}/`)) throw new Error(`the S3 URL names no bucket: ${options.url}`);
    this.root = path.endsWith('/') ? path : `${path}/`;
  }

  get description(): string {
    return `S3 ${this.endpoint.origin}${this.root}`;
  }

  async putObject(name: string, bytes: Uint8Array): Promise<void> {
    assertObjectName(name);
    await this.expect('PUT', this.root + name, {}, bytes, [200], { 'cache-control': OBJECT_CACHE_CONTROL, 'content-type': 'application/vnd.chot.sync' });
  }

  async putIndex(name: string, bytes: Uint8Array): Promise<void> {
    assertObjectName(name);
    await this.expect('PUT', this.root + name, {}, bytes, [200], { 'cache-control': INDEX_CACHE_CONTROL, 'content-type': 'application/json' });
  }

  async read(name: string): Promise<Uint8Array | undefined> {
    assertObjectName(name);
    const answer = await this.send('GET', this.root + name, {}, undefined, {}, MAX_READ_BYTES);
    if (answer.status === 404) return undefined;
    if (answer.status !== 200) throw this.failure('GET', name, answer);
    return answer.body;
  }

  async list(prefix: string): Promise<readonly StoredObject[]> {
    const bucket = this.root.split('/')[1] as string;
    const keyPrefix = this.root.slice(bucket.length + 2) + prefix;
    const listed: StoredObject[] = [];
    // ListObjects paged with `marker` (the last key of the page before): the listing every
    // S3-compatible server has; no continuation token to carry (nor to decode).
    let after: string | undefined;
    for (;;) {
      const query: Record<string, string> = { prefix: keyPrefix, ...(after === undefined ? {} : { marker: after }) };
      const answer = await this.send('GET', `/${bucket}/`, query, undefined, {}, MAX_LIST_BYTES);
      if (answer.status !== 200) throw this.failure('LIST', prefix, answer);
      const xml = new TextDecoder().decode(answer.body);
      const keys: string[] = [];
      for (const contents of xml.match(/<Contents>[\s\S]*?<\/Contents>/g) ?? []) {
        const key = xmlText(/<Key>([\s\S]*?)<\/Key>/.exec(contents)?.[1]);
        const modified = Date.parse(xmlText(/<LastModified>([\s\S]*?)<\/LastModified>/.exec(contents)?.[1]));
        keys.push(key);
        if (key.startsWith(keyPrefix) && Number.isFinite(modified)) listed.push({ name: key.slice(keyPrefix.length - prefix.length), writtenAt: modified });
      }
      if (!/<IsTruncated>true<\/IsTruncated>/.test(xml) || keys.length === 0) break;
      after = keys.at(-1);
    }
    return listed;
  }

  async delete(name: string): Promise<void> {
    assertObjectName(name);
    await this.expect('DELETE', this.root + name, {}, undefined, [200, 204, 404]);
  }

  private async expect(
    method: string,
    path: string,
    query: Record<string, string>,
    body: Uint8Array | undefined,
    statuses: readonly number[],
    headers: Record<string, string> = {},
  ): Promise<void> {
    const answer = await this.send(method, path, query, body, headers, MAX_LIST_BYTES);
    if (!statuses.includes(answer.status)) throw this.failure(method, path, answer);
  }

  private failure(what: string, name: string, answer: { status: number; body: Uint8Array }): Error {
    // S3's error body names the code (AccessDenied, NoSuchBucket…): shown, cut short.
    const code = /<Code>([^<]*)<\/Code>/.exec(new TextDecoder().decode(answer.body))?.[1] ?? '';
    return new Error(`S3 ${what} ${name}: HTTP ${answer.status}${code === '' ? '' : ` ${code}`}`);
  }

  private send(
    method: string,
    path: string,
    query: Record<string, string>,
    body: Uint8Array | undefined,
    headers: Record<string, string>,
    maxBytes: number,
  ): Promise<{ status: number; body: Uint8Array }> {
    const encodedPath = encodeS3Path(path);
    const signed = signS3Request(
      {
        method,
        host: this.endpoint.host,
        path: encodedPath,
        query,
        payloadSha256: sha256Hex(body ?? new Uint8Array(0)),
        region: this.options.region,
        now: (this.options.now ?? (() => new Date()))(),
      },
      this.options.credentials,
    );
    const search = canonicalQuery(query);
    const request = this.endpoint.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const outgoing = request(
        {
          method,
          protocol: this.endpoint.protocol,
          hostname: this.endpoint.hostname,
          port: this.endpoint.port,
          path: search === '' ? encodedPath : `${encodedPath}?${search}`,
          headers: { ...headers, ...signed, 'content-length': String(body?.length ?? 0) },
          timeout: this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
        },
        (response: IncomingMessage) => {
          const parts: Buffer[] = [];
          let length = 0;
          response.on('data', (part: Buffer) => {
            length += part.length;
            if (length > maxBytes) {
              response.destroy(new Error(`S3 answered more than ${maxBytes} bytes`));
              return;
            }
            parts.push(part);
          });
          response.on('error', reject);
          response.on('end', () => resolve({ status: response.statusCode ?? 0, body: new Uint8Array(Buffer.concat(parts)) }));
        },
      );
      outgoing.on('timeout', () => outgoing.destroy(new Error(`S3 did not answer within ${this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS} ms`)));
      outgoing.on('error', reject);
      outgoing.end(body === undefined ? undefined : Buffer.from(body.buffer, body.byteOffset, body.byteLength));
    });
  }
}

function xmlText(text: string | undefined): string {
  return (text ?? '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}
