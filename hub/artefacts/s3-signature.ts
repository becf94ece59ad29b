import { createHash, createHmac } from 'node:crypto';

/** What a request to S3 is signed with: never logged, never in a process's arguments. */
export interface S3Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** A temporary credential's session token, sent as `x-amz-security-token`. */
  readonly sessionToken?: string | undefined;
}

export interface S3SignableRequest {
  readonly method: string;
  readonly host: string;
  /** The path as sent, already percent-encoded (encodeS3Path). */
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly payloadSha256: string;
  readonly region: string;
  readonly now: Date;
}

export const sha256Hex = (bytes: Uint8Array | string): string => createHash('sha256').update(bytes).digest('hex');

/**
 * AWS Signature Version 4 for S3 (the `Authorization` header form): the headers a request
 * must carry — `x-amz-date`, `x-amz-content-sha256` (the payload's hash: the body is signed
 * too), the session token if any, and `authorization`. Only `host` and the `x-amz-*` headers
 * are signed, so other headers (Content-Type, Cache-Control) may be added freely.
 */
export function signS3Request(request: S3SignableRequest, credentials: S3Credentials): Record<string, string> {
  const amzDate = request.now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
  const day = amzDate.slice(0, 8);
  const signed: Record<string, string> = {
    host: request.host,
    'x-amz-content-sha256': request.payloadSha256,
    'x-amz-date': amzDate,
    ...(credentials.sessionToken === undefined ? {} : { 'x-amz-security-token': credentials.sessionToken }),
  };
  const names = Object.keys(signed).sort();
  const canonicalRequest = [
    request.method,
    request.path,
    canonicalQuery(request.query),
    ...names.map((name) => `${name}:${(signed[name] as string).trim()}`),
    '',
    names.join(';'),
    request.payloadSha256,
  ].join('\n');
  const scope = `${day}/${request.region}/s3/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256Hex(canonicalRequest)].join('\n');
  let key: Buffer = hmac(`AWS4${credentials.secretAccessKey}`, day);
  for (const part of [request.region, 's3', 'aws4_request']) key = hmac(key, part);
  const signature = createHmac('sha256', key).update(stringToSign).digest('hex');
  const { host: _host, ...rest } = signed;
  return {
    ...rest,
    authorization: `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${names.join(';')}, Signature=${signature}`,
  };
}

/** A path percent-encoded as S3 signs it: every byte but unreserved characters and `/`. */
export function encodeS3Path(path: string): string {
  return path.split('/').map(encodeRfc3986).join('/');
}

export function canonicalQuery(query: Readonly<Record<string, string>>): string {
  return Object.keys(query)
    .sort()
    .map((name) => `${encodeRfc3986(name)}=${encodeRfc3986(query[name] as string)}`)
    .join('&');
}

function encodeRfc3986(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data).digest();
}
