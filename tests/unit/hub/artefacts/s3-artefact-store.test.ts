import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3ArtefactStore } from '../../../../hub/artefacts/s3-artefact-store.js';
import { signS3Request } from '../../../../hub/artefacts/s3-signature.js';
import { artefactStoreContract } from './artefact-store-contract.js';

// A real S3-compatible server (s3rver, which checks Signature V4), never a mock.
const S3RVER_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
let server: S3rver;
let endpoint: string;
let dir: string;
let prefixes = 0;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'chot-s3rver-'));
  server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: dir, configureBuckets: [{ name: 'chot' }] });
  endpoint = `http://127.0.0.1:${(await server.run()).port}`;
});
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Each test under a prefix of its own in the one bucket. */
const openStore = async (): Promise<S3ArtefactStore> =>
  new S3ArtefactStore({ url: `${endpoint}/chot/run-${++prefixes}/`, region: 'us-east-1', credentials: S3RVER_CREDENTIALS });

describe('S3ArtefactStore against a local S3-compatible server', () => {
  artefactStoreContract(openStore);

  // s3rver checks the access key but not a Signature V4 (the documented examples below do).
  it('says what S3 refused, with its error code', async () => {
    const store = new S3ArtefactStore({ url: `${endpoint}/chot/wrong/`, region: 'us-east-1', credentials: { accessKeyId: 'UNKNOWN', secretAccessKey: 'x' } });
    await expect(store.putObject('chunks/a.chsy', new Uint8Array([1]))).rejects.toThrow(/S3 PUT \/chot\/wrong\/chunks\/a.chsy: HTTP 403 InvalidAccessKeyId/);
    const missing = new S3ArtefactStore({ url: `${endpoint}/nobucket/`, region: 'us-east-1', credentials: S3RVER_CREDENTIALS });
    await expect(missing.list('chunks/')).rejects.toThrow(/HTTP 404 NoSuchBucket/);
  });

  it('lists past a page of 1 000 keys', async () => {
    const store = await openStore();
    const names = Array.from({ length: 1_005 }, (_, i) => `chunks/${String(i).padStart(4, '0')}.chsy`);
    for (let i = 0; i < names.length; i += 50) await Promise.all(names.slice(i, i + 50).map((name) => store.putObject(name, new Uint8Array([1]))));
    expect((await store.list('chunks/')).map((o) => o.name).sort()).toEqual(names);
  }, 120_000);

  it('refuses a URL with credentials in it or without a bucket', () => {
    expect(() => new S3ArtefactStore({ url: 'https://key:secret@s3.example/b/', region: 'x', credentials: S3RVER_CREDENTIALS })).toThrow(/environment/);
    expect(() => new S3ArtefactStore({ url: 'https://s3.example/', region: 'x', credentials: S3RVER_CREDENTIALS })).toThrow(/no bucket/);
  });
});

describe('Signature V4', () => {
  // The examples of the S3 documentation (Signature Version 4, "Examples: Signature calculations").
  const example = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
  const emptyHash = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

  it('gives the signature of the documented "list objects" example (a query, sorted and encoded)', () => {
    const headers = signS3Request(
      {
        method: 'GET',
        host: 'examplebucket.s3.amazonaws.com',
        path: '/',
        query: { prefix: 'J', 'max-keys': '2' },
        payloadSha256: emptyHash,
        region: 'us-east-1',
        now: new Date('2013-05-24T00:00:00Z'),
      },
      example,
    );
    expect(headers.authorization).toMatch(/Signature=34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7$/);
    expect(headers['x-amz-date']).toBe('20130524T000000Z');
  });

  it('gives the signature of the documented "bucket lifecycle" example', () => {
    const headers = signS3Request(
      {
        method: 'GET',
        host: 'examplebucket.s3.amazonaws.com',
        path: '/',
        query: { lifecycle: '' },
        payloadSha256: emptyHash,
        region: 'us-east-1',
        now: new Date('2013-05-24T00:00:00Z'),
      },
      example,
    );
    expect(headers.authorization).toBe(
      'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543',
    );
  });
});
