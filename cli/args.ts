import { parseArgs, type ParseArgsConfig } from 'node:util';
import { messageOf } from '../platform/message-of.js';

export class UsageError extends Error {
  /**
   * The usage lines of the one subcommand the error is about (e.g. `chot hub import`):
   * printed under the error instead of the whole command's help, which buries the line
   * the operator needs among a hundred others.
   */
  readonly usage: string | undefined;

  constructor(message: string, usage?: string) {
    super(message);
    this.usage = usage;
  }
}

/** Runs a subcommand; a usage error it throws carries that subcommand's usage lines. */
export async function withUsage<T>(usage: string, run: () => T | Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof UsageError && error.usage === undefined) throw new UsageError(error.message, usage);
    throw error;
  }
}

type StrictParse<T extends NonNullable<ParseArgsConfig['options']>> = ReturnType<
  typeof parseArgs<{ args: string[]; options: T; strict: true; allowPositionals: false }>
>;

/** parseArgs with our error type, so every bad flag becomes one clear line and exit code 2. */
export function parseCommandArgs<T extends NonNullable<ParseArgsConfig['options']>>(args: readonly string[], options: T): StrictParse<T> {
  try {
    return parseArgs({ args: [...args], options, strict: true, allowPositionals: false });
  } catch (error) {
    throw new UsageError(messageOf(error));
  }
}

export function parsePort(value: string | undefined): number {
  if (value === undefined) return 0;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be 0–65535, got ${JSON.stringify(value)}`);
  return port;
}
