import type { IncomingMessage, ServerResponse } from 'node:http';
import { hubErrorStatus, type HubErrorBody, type HubErrorCode } from '../../domain/protocol/hub-errors.js';
import { HUB_HEADERS } from '../../domain/protocol/hub-headers.js';

/**
 * A refusal with an error code of the hub API (domain/protocol/hub-errors.ts), which also
 * fixes its HTTP status. Handlers throw it; the router turns it into `{ "error", "message" }`.
 * Anything else thrown becomes a 500.
 */
export class HttpError extends Error {
  readonly status: number;

  constructor(
    readonly code: HubErrorCode,
    message: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.status = hubErrorStatus(code);
  }

  get body(): HubErrorBody {
    return { error: this.code, message: this.message };
  }
}

/** Headers on every answer: nothing here is for browsers to sniff or proxies to keep. */
const COMMON_HEADERS = { 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-cache' } as const;

export function sendJson(response: ServerResponse, status: number, value: unknown, headers: Readonly<Record<string, string>> = {}): void {
  const body = Buffer.from(`${JSON.stringify(value)}\n`);
  response.writeHead(status, { ...COMMON_HEADERS, ...headers, 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': String(body.length) });
  response.end(body);
}

export function sendError(response: ServerResponse, error: HttpError): void {
  sendJson(response, error.status, error.body, error.headers);
}

/** 304: the kiosk already has exactly this (its If-None-Match names the ETag). */
export function sendNotModified(response: ServerResponse, etag: string, headers: Readonly<Record<string, string>> = {}): void {
  response.writeHead(304, { ...COMMON_HEADERS, ...headers, [HUB_HEADERS.etag]: etag });
  response.end();
}

/** The start of a successful body's answer, with the headers every 200 carries. */
export function writeOkHead(response: ServerResponse, headers: Readonly<Record<string, string>>): void {
  response.writeHead(200, { ...COMMON_HEADERS, ...headers });
}

/** True when If-None-Match names `etag` (a list, `*`, or weak forms of it). */
export function matchesEtag(request: IncomingMessage, etag: string): boolean {
  const header = request.headers[HUB_HEADERS.ifNoneMatch];
  if (header === undefined) return false;
  return header.split(',').some((tag) => {
    const trimmed = tag.trim();
    return trimmed === '*' || trimmed === etag || trimmed === `W/${etag}`;
  });
}

/** A query parameter as a non-negative safe integer; undefined when absent. */
export function integerParameter(query: URLSearchParams, name: string): number | undefined {
  const all = query.getAll(name);
  if (all.length === 0) return undefined;
  const value = all[0] as string;
  if (all.length > 1 || !/^\d{1,16}$/.test(value) || !Number.isSafeInteger(Number(value))) {
    throw new HttpError('bad-request', `${name} must be one non-negative integer, got ${JSON.stringify(all.length > 1 ? all : value)}`);
  }
  return Number(value);
}

/**
 * Reads a small request body, refusing more than `maxBytes` without reading it all: the
 * connection is closed after the answer, so the rest is never read or buffered.
 */
export function readSmallBody(request: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = Number(request.headers['content-length'] ?? 0);
  const tooLarge = (): HttpError => new HttpError('bad-request', `the request body is larger than ${maxBytes} bytes`, { Connection: 'close' });
  if (declared > maxBytes) return Promise.reject(tooLarge());
  // Gone while its headers were being checked: its 'close' has passed, and would never come.
  if (request.destroyed) return Promise.reject(new HttpError('bad-request', 'the request body was cut off before its end'));
  return new Promise((resolve, reject) => {
    const pieces: Buffer[] = [];
    let size = 0;
    const onData = (piece: Buffer): void => {
      size += piece.length;
      if (size > maxBytes) {
        cleanup();
        request.pause();
        reject(tooLarge());
        return;
      }
      pieces.push(piece);
    };
    const onEnd = (): void => {
      cleanup();
      resolve(Buffer.concat(pieces));
    };
    const onError = (error: Error): void => {
      cleanup();
      reject(error);
    };
    // A kiosk that hangs up mid-body: not every Node version says so with 'error'.
    const onClose = (): void => {
      cleanup();
      reject(new HttpError('bad-request', 'the request body was cut off before its end'));
    };
    const cleanup = (): void => {
      request.off('data', onData);
      request.off('end', onEnd);
      request.off('error', onError);
      request.off('close', onClose);
    };
    request.on('data', onData);
    request.on('end', onEnd);
    request.on('error', onError);
    request.on('close', onClose);
  });
}
